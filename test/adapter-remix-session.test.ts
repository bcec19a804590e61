// The Remix 3 SessionStorage with the real @remix-run/session: its Session class, its read/save
// contract (the flows of its own README), cookie-only and with a store.
import { createCookie } from '@remix-run/cookie'
import { parseSetCookie } from 'cookie'
import { createRouter } from '@remix-run/fetch-router'
import { createSession, Session } from '@remix-run/session'
import { createStorage } from 'unstorage'
import { describe, expect, it, vi } from 'vitest'
import { createIronSessionStorage, MAX_REMIX_SEAL } from '../src/adapters/remix-session.js'
import { createSessions, SessionTooLargeError } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password, url } from './helpers.js'

describe('cookie-only', () => {
  const storage = createIronSessionStorage({ password })

  async function handleRequest(cookie: string | null) {
    const session = await storage.read(cookie)
    session.set('count', Number(session.get('count') ?? 0) + 1)
    return { session, cookie: await storage.save(session) }
  }

  it('counts across requests (Remix’s own example), in an Fe26.2 seal that createSessions reads too', async () => {
    const response1 = await handleRequest(null)
    expect(response1.session).toBeInstanceOf(Session)
    expect(response1.session.get('count')).toBe(1)
    expect(response1.cookie).toMatch(/^Fe26\.2\*1\*/)
    const response2 = await handleRequest(response1.cookie)
    expect(response2.session.get('count')).toBe(2)
    const response3 = await handleRequest(response2.cookie)
    expect(response3.session.get('count')).toBe(3)
    const core = await createSessions({ password }).read(new Request(url, { headers: { cookie: `session=${response3.cookie}` } }))
    expect(core.data).toEqual({ count: 3 })
  })

  it('flash: not on the request that sets it, once on the next, then gone (Remix’s own example)', async () => {
    const requestIndex = async (cookie: string | null) => {
      const session = await storage.read(cookie)
      return { session, cookie: await storage.save(session) }
    }
    const requestSubmit = async (cookie: string | null) => {
      const session = await storage.read(cookie)
      session.flash('message', 'success!')
      return { session, cookie: await storage.save(session) }
    }
    const response1 = await requestIndex(null)
    expect(response1.session.get('message')).toBeUndefined()
    expect(response1.cookie).toBeNull() // nothing to store: no cookie
    const response2 = await requestSubmit(response1.cookie)
    expect(response2.session.get('message')).toBeUndefined()
    const response3 = await requestIndex(response2.cookie)
    expect(response3.session.get('message')).toBe('success!')
    expect(response3.cookie).toBe('') // the flash was the whole session: the cookie is cleared
    const response4 = await requestIndex(response3.cookie)
    expect(response4.session.get('message')).toBeUndefined()
  })

  it('a request that changes nothing gets null: Remix leaves the cookie as it is', async () => {
    const { cookie } = await handleRequest(null)
    const session = await storage.read(cookie)
    session.get('count')
    session.set('count', session.get('count')) // the same value: no change
    expect(await storage.save(session)).toBeNull()
  })

  it('destroy() clears the cookie; a Session made by createSession() is saved as a new one', async () => {
    const { cookie } = await handleRequest(null)
    const session = await storage.read(cookie)
    session.destroy()
    expect(await storage.save(session)).toBe('')
    const made = createSession(undefined, [{ count: 41 }, {}])
    const saved = await storage.save(made)
    expect((await storage.read(saved)).get('count')).toBe(41)
  })

  it('a tampered or foreign cookie reads as a new session, and save clears it', async () => {
    const onUnsealError = vi.fn()
    const strict = createIronSessionStorage({ password, onUnsealError })
    const { cookie } = await handleRequest(null)
    for (const bad of [`${cookie!.slice(0, -6)}AAAA~2`, 'not-a-seal', 'line\nbreak']) {
      const session = await strict.read(bad)
      expect([session.get('count'), session.size]).toEqual([undefined, 0])
      expect(await strict.save(session)).toBe('')
    }
    expect(onUnsealError).toHaveBeenCalledTimes(3)
    expect(onUnsealError).toHaveBeenCalledWith('invalid', expect.any(Error))
  })

  it('data too large for a cookie throws SessionTooLargeError at save (again if saved again), naming the store as the way out', async () => {
    const session = await storage.read(null)
    session.set('notes', 'n'.repeat(5000))
    await expect(storage.save(session)).rejects.toThrow(SessionTooLargeError)
    await expect(storage.save(session)).rejects.toThrow('add a store')
    session.set('notes', 'short')
    expect((await storage.read(await storage.save(session))).get('notes')).toBe('short')
  })

  it('the largest seal save() returns fits a signed, base64-encoded Remix cookie within 4096 bytes', async () => {
    const cookie = createCookie('__Host-session', { secrets: ['s3cr3t-one-of-at-least-32-characters!'], httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 14 * 24 * 3600 })
    let largest = ''
    for (let size = 1500; ; size += 10) {
      const session = await storage.read(null)
      session.set('notes', 'n'.repeat(size))
      const saved = await storage.save(session).catch((error: unknown) => error)
      if (saved instanceof SessionTooLargeError) break
      largest = saved as string
    }
    expect(largest.length).toBeGreaterThan(MAX_REMIX_SEAL - 60)
    expect(largest.length).toBeLessThanOrEqual(MAX_REMIX_SEAL)
    expect(new TextEncoder().encode(await cookie.serialize(largest)).length).toBeLessThanOrEqual(4096)
  })

  it('refuses the options of its own cookie: Remix’s cookie carries the seal', () => {
    expect(() => createIronSessionStorage({ password, header: 'authorization' as never })).toThrow('takes no header option')
    expect(() => createIronSessionStorage({ password, cookieName: 'sid' })).toThrow('takes no cookieName option')
    expect(() => createIronSessionStorage({ password, cookieOptions: { path: '/app' } })).toThrow('takes no cookieOptions option')
    expect(() => createIronSessionStorage({ password, chunk: true })).toThrow('takes no chunk option')
  })
})

describe('a Remix 3 app: fetch-router routes with Remix’s own signed cookie', () => {
  it('signs in with regenerateId, counts, flashes and signs out, over real Requests', async () => {
    const store = createStorage()
    const storage = createIronSessionStorage({ password, store: sessionStore(store) })
    const cookie = createCookie('session', { secrets: ['a-cookie-signing-secret-for-the-test'], httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
    /** Read, handle, save: what Remix's session middleware does around a route. */
    const withRemixSession = (handle: (session: Session) => Response | Promise<Response>) => async ({ request }: { request: Request }) => {
      const session = await storage.read(await cookie.parse(request.headers.get('cookie')))
      const response = await handle(session)
      const value = await storage.save(session)
      if (value !== null) response.headers.append('set-cookie', await cookie.serialize(value, value === '' ? { maxAge: 0 } : {}))
      return response
    }
    const router = createRouter()
    router.post('/login', withRemixSession((session) => (session.set('userId', 'mj'), session.regenerateId(true), session.flash('notice', 'Welcome'), new Response(null, { status: 303, headers: { location: '/' } }))))
    router.get('/', withRemixSession((session) => Response.json({ userId: session.get('userId') ?? null, notice: session.get('notice') ?? null, id: session.id })))
    router.post('/logout', withRemixSession((session) => (session.destroy(), new Response(null, { status: 303, headers: { location: '/' } }))))

    const jar = new Jar()
    const send = async (path: string, method = 'GET') => {
      const response = await router.fetch(jar.request(path, { method }))
      jar.apply(response)
      return response
    }
    expect(await (await send('/')).json()).toMatchObject({ userId: null, notice: null })
    const login = await send('/login', 'POST')
    expect(login.status).toBe(303)
    const set = parseSetCookie(login.headers.getSetCookie()[0]!)
    expect(set).toMatchObject({ name: 'session', httpOnly: true, secure: true, sameSite: 'lax', path: '/' })
    expect(set.value!.length).toBeLessThan(600) // the seal names the stored session; Remix signs and base64-encodes it
    const home = (await (await send('/')).json()) as { userId: string; notice: string; id: string }
    expect(home).toMatchObject({ userId: 'mj', notice: 'Welcome', id: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect(await store.getKeys('ifs:session')).toEqual([`ifs:session:${home.id}`])
    expect(await (await send('/')).json()).toMatchObject({ userId: 'mj', notice: null })
    const signedOut = await send('/logout', 'POST')
    expect(parseSetCookie(signedOut.headers.getSetCookie()[0]!)).toMatchObject({ name: 'session', value: '', maxAge: 0 })
    expect(await store.getKeys('ifs:session')).toEqual([])
    expect(await (await send('/')).json()).toMatchObject({ userId: null })
  })
})

describe('with a store', () => {
  it('session.id is the store key; the cookie holds only it, whatever the data', async () => {
    const store = createStorage()
    const storage = createIronSessionStorage({ password, store: sessionStore(store) })
    const session = await storage.read(null)
    expect(session.id).toMatch(/^[0-9a-f]{32}$/)
    session.set('notes', 'n'.repeat(50_000))
    const cookie = await storage.save(session)
    expect(cookie!.length).toBeLessThan(400)
    expect(await store.getKeys()).toEqual([`ifs:session:${session.id}`])
    const again = await storage.read(cookie)
    expect([again.id, (again.get('notes') as string).length]).toEqual([session.id, 50_000])
  })

  it('regenerateId() after sign-in: a new id and cookie, the old session kept (Remix’s own example)', async () => {
    const sessionStorage = createIronSessionStorage({ password, store: sessionStore(createStorage()) })
    const requestIndex = async (cookie: string | null) => {
      const session = await sessionStorage.read(cookie)
      session.set('visits', Number(session.get('visits') ?? 0) + 1)
      return { session, cookie: await sessionStorage.save(session) }
    }
    const requestLogin = async (cookie: string | null) => {
      const session = await sessionStorage.read(cookie)
      session.set('userId', 'mj')
      session.regenerateId()
      return { session, cookie: await sessionStorage.save(session) }
    }
    const response1 = await requestIndex(null)
    expect(response1.session.get('userId')).toBeUndefined()
    const response2 = await requestLogin(response1.cookie)
    expect(response2.session.id).not.toBe(response1.session.id)
    expect(response2.session.id).toMatch(/^[0-9a-f]{32}$/)
    const response3 = await requestIndex(response2.cookie)
    expect([response3.session.id, response3.session.get('userId')]).toEqual([response2.session.id, 'mj'])
    const old = await sessionStorage.read(response1.cookie)
    expect([old.id, old.get('userId'), old.get('visits')]).toEqual([response1.session.id, undefined, 1])
  })

  it('regenerateId(true) and revoke(id) end the old session: its cookie then reads as a new one', async () => {
    const onUnsealError = vi.fn()
    const sessionStorage = createIronSessionStorage({ password, store: sessionStore(createStorage()), onUnsealError })
    const first = await sessionStorage.read(null)
    first.set('userId', 'mj')
    const firstCookie = await sessionStorage.save(first)
    const login = await sessionStorage.read(firstCookie)
    login.regenerateId(true)
    const loginCookie = await sessionStorage.save(login)
    expect(login.deleteId).toBe(first.id)
    const old = await sessionStorage.read(firstCookie)
    expect([old.id === first.id, old.get('userId')]).toEqual([false, undefined])
    expect(onUnsealError).toHaveBeenLastCalledWith('revoked', expect.any(Error))

    expect(await sessionStorage.revoke(login.id)).toBe(true)
    const after = await sessionStorage.read(loginCookie)
    expect([after.id === login.id, after.get('userId')]).toEqual([false, undefined])
    expect(await sessionStorage.save(after)).toBe('')
  })

  it('two servers sharing a store read each other’s sessions, and one can list and end a user’s', async () => {
    const store = createStorage()
    const a = createIronSessionStorage({ password, store: sessionStore(store), userId: (data) => data.userId as string | undefined })
    const b = createIronSessionStorage({ password, store: sessionStore(store), userId: (data) => data.userId as string | undefined })
    const cookies: string[] = []
    for (const storage of [a, b, a]) {
      const session = await storage.read(null)
      session.set('userId', 'ada')
      cookies.push((await storage.save(session))!)
    }
    expect((await b.read(cookies[0]!)).get('userId')).toBe('ada')
    expect(await a.sessionsOf('ada')).toHaveLength(3)
    const current = await b.read(cookies[2]!)
    await b.revokeAll('ada', { except: current.id })
    expect((await a.read(cookies[0]!)).get('userId')).toBeUndefined()
    expect((await a.read(cookies[2]!)).get('userId')).toBe('ada')
  })
})
