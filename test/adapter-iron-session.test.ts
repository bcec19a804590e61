import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSetCookie } from 'cookie'
import * as ironSession9 from 'iron-session-9'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { getIronSession, sealData, unsealData, type CookieStore, type IronSession, type SessionOptions } from '../src/adapters/iron-session.js'
import { Jar, newPassword, password, url } from './helpers.js'

type User = { id: number; name: string }
type Data = { user?: User; count?: number; notes?: string }

const options: SessionOptions = { password, cookieName: 'app' }
const rotated: SessionOptions = { password: { 2: newPassword, 1: password }, cookieName: 'app' }
const passwordId = (seal: string | undefined) => seal?.split('*')[1]
const setCookies = (response: Response) => response.headers.getSetCookie().map((line) => parseSetCookie(line))

/** A browser holding a session saved with { count: 1 }. */
async function savedWithCount(): Promise<Jar> {
  const jar = new Jar()
  const response = new Response()
  const session = await getIronSession<Data>(jar.request(), response, options)
  session.count = 1
  await session.save()
  return jar.apply(response)
}

describe('Node http: getIronSession(req, res, options)', () => {
  let server: Server
  let base: string
  const errors: unknown[] = []

  const routes: Record<string, (session: IronSession<Data>, res: ServerResponse) => Promise<unknown> | unknown> = {
    '/login': async (session) => {
      session.user = { id: 1, name: 'Ada' }
      await session.save()
    },
    '/me': (session) => session.user ?? null,
    '/count': async (session) => {
      session.count = (session.count ?? 0) + 1
      await session.save()
      session.notes = 'second save'
      await session.save()
    },
    '/logout': async (session) => {
      session.destroy()
      await session.save() // no-op: the session is empty
    },
    '/logout-no-save': (session) => session.destroy(),
    '/sign-back-in': async (session) => {
      session.destroy()
      session.user = { id: 2, name: 'Eve' }
      await session.save().catch((error: unknown) => errors.push(error))
    },
    '/rotate': async (session) => {
      session.updateConfig(rotated)
      await session.save()
    },
    '/late': async (session, res) => {
      res.end('sent')
      session.count = 9
      await session.save().catch((error: unknown) => errors.push(error))
    },
  }

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('set-cookie', 'theme=dark; Path=/') // the app's own cookie must survive
      const session = await getIronSession<Data>(req, res, options)
      const result = await routes[new URL(req.url ?? '/', 'http://x').pathname]?.(session, res)
      if (!res.headersSent) res.end(JSON.stringify({ result: result ?? null, session }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))))

  async function get(jar: Jar, path: string) {
    const response = await fetch(base + path, { headers: jar.cookies.size > 0 ? { cookie: jar.header } : {} })
    jar.apply(response)
    return { response, body: (await response.json()) as { result: unknown; session: Data } }
  }

  it('signs in, reads the session on the next request, and a read-only request writes no session cookie', async () => {
    const jar = new Jar()
    const login = await get(jar, '/login')
    expect(setCookies(login.response).map((c) => c.name)).toEqual(['theme', 'app'])
    expect(login.response.headers.get('cache-control')).toBe('private')
    const app = setCookies(login.response)[1]
    expect(app).toMatchObject({ httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 14 * 24 * 3600 - 60 })

    const me = await get(jar, '/me')
    expect(me.body).toEqual({ result: { id: 1, name: 'Ada' }, session: { user: { id: 1, name: 'Ada' } } })
    expect(setCookies(me.response).map((c) => c.name)).toEqual(['theme'])
  })

  it('a second save() in the same request writes the latest data', async () => {
    const jar = new Jar()
    await get(jar, '/login')
    const { response } = await get(jar, '/count')
    expect(setCookies(response).map((c) => c.name)).toEqual(['theme', 'app', 'app'])
    expect((await get(jar, '/me')).body.session).toEqual({ user: { id: 1, name: 'Ada' }, count: 1, notes: 'second save' })
  })

  it('destroy() clears the cookie, with or without a save() after it', async () => {
    for (const path of ['/logout', '/logout-no-save']) {
      const jar = new Jar()
      await get(jar, '/login')
      const { response, body } = await get(jar, path)
      expect(body.session).toEqual({})
      expect(setCookies(response).filter((c) => c.name === 'app')).toEqual([expect.objectContaining({ value: '', maxAge: 0, path: '/' })])
      expect(jar.cookies.has('app')).toBe(false)
      expect((await get(jar, '/me')).body.result).toBeNull()
    }
  })

  it('saving a destroyed session with data written back into it throws, and writes nothing', async () => {
    const jar = new Jar()
    await get(jar, '/login')
    errors.length = 0
    await get(jar, '/sign-back-in')
    expect(String(errors[0])).toMatch(/after destroy\(\)/)
    expect(jar.cookies.has('app')).toBe(false)
  })

  it('updateConfig with a new password map re-seals under the newest id', async () => {
    const jar = new Jar()
    await get(jar, '/login')
    expect(passwordId(jar.cookies.get('app'))).toBe('1')
    await get(jar, '/rotate')
    expect(passwordId(jar.cookies.get('app'))).toBe('2')
    expect(await unsealData(jar.cookies.get('app') as string, { password: { 2: newPassword } })).toMatchObject({ user: { id: 1, name: 'Ada' } })
  })

  it('save() after the headers were sent throws', async () => {
    const jar = new Jar()
    errors.length = 0
    await fetch(base + '/late')
    expect(String(errors[0])).toMatch(/after the headers were sent/)
  })
})

describe('web: getIronSession(request, response | headers, options)', () => {
  it('with a Response: writes, reads back, and appends next to the app’s own Set-Cookie', async () => {
    const jar = new Jar()
    const response = new Response('ok', { headers: { 'set-cookie': 'theme=dark' } })
    const session = await getIronSession<Data>(jar.request(), response, options)
    expect(session).toEqual({})
    session.count = 1
    await session.save()
    jar.apply(response)
    expect(setCookies(response).map((c) => c.name)).toEqual(['theme', 'app'])

    const again = await getIronSession<Data>(jar.request(), new Response(), options)
    expect(again.count).toBe(1)
    expect(Object.keys(again)).toEqual(['count']) // save, destroy, updateConfig are not enumerable
  })

  it('with Headers, for a response built afterwards', async () => {
    const jar = new Jar()
    const headers = new Headers()
    const session = await getIronSession<Data>(jar.request(), headers, options)
    session.user = { id: 3, name: 'Grace' }
    await session.save()
    jar.apply(new Response(null, { headers }))
    const next = new Headers()
    const read = await getIronSession<Data>(jar.request(), next, options)
    expect(read.user).toEqual({ id: 3, name: 'Grace' })
    expect(next.getSetCookie()).toEqual([])
  })
})

describe('cookie store: getIronSession(cookieStore, options)', () => {
  /** A Map-backed store shaped like Next.js `await cookies()`. */
  class MapStore implements CookieStore {
    readonly values = new Map<string, string>()
    readonly calls: Array<[string, string, Record<string, unknown>]> = []
    get = (name: string) => (this.values.has(name) ? { name, value: this.values.get(name) as string } : undefined)
    getAll = () => [...this.values].map(([name, value]) => ({ name, value }))
    set = (name: string, value: string, cookie: Record<string, unknown>) => {
      this.calls.push([name, value, cookie])
      if (cookie.maxAge === 0) this.values.delete(name)
      else this.values.set(name, value)
    }
  }

  it('writes through set() with the cookie attributes, reads back, and destroy() deletes', async () => {
    const store = new MapStore()
    const session = await getIronSession<Data>(store, options)
    session.user = { id: 4, name: 'Linus' }
    await session.save()
    expect(store.calls).toEqual([['app', expect.stringMatching(/^Fe26\.2\*1\*/), { maxAge: 14 * 24 * 3600 - 60, path: '/', httpOnly: true, secure: true, sameSite: 'lax' }]])

    const read = await getIronSession<Data>(store, options)
    expect(read.user).toEqual({ id: 4, name: 'Linus' })
    read.destroy()
    expect(store.calls.at(-1)).toEqual(['app', '', expect.objectContaining({ maxAge: 0 })])
    expect(store.values.size).toBe(0)
  })

  it('chunks go to app.0, app.1, … and read back', async () => {
    const store = new MapStore()
    const chunked = { ...options, chunk: true }
    const session = await getIronSession<Data>(store, chunked)
    session.notes = 'n'.repeat(9000)
    await session.save()
    expect([...store.values.keys()]).toEqual(['app.0', 'app.1', 'app.2', 'app.3'])
    expect((await getIronSession<Data>(store, chunked)).notes).toHaveLength(9000)

    // Shrunk in the same request: the second save sees the chunks the first one set, and expires them.
    session.notes = 'short'
    await session.save()
    expect(Object.fromEntries(store.values)).toEqual({ app: expect.stringMatching(/^Fe26/) })
    expect((await getIronSession<Data>(store, chunked)).notes).toBe('short')
  })
})

describe('interop with the real iron-session 9', () => {
  const big = { user: { id: 5, name: 'Barbara' }, notes: Array.from({ length: 900 }, (_, i) => `note ${i}.`).join(' ') }

  it.each([
    ['one cookie', options, { user: { id: 5, name: 'Barbara' } }],
    ['chunk: true and a big session', { ...options, chunk: true }, big],
  ])('%s: iron-session 9 writes, we read; we write, iron-session 9 reads', async (_, opts, data) => {
    // iron-session 9 writes...
    const theirs = new Response()
    const written = await ironSession9.getIronSession<Data>(new Request(url), theirs, opts)
    Object.assign(written, data)
    await written.save()
    const jar = new Jar().apply(theirs)
    expect(jar.cookies.size).toBe(opts.chunk ? 4 : 1)
    // ...the drop-in reads, changes and writes...
    const ours = new Response()
    const session = await getIronSession<Data>(jar.request(), ours, opts)
    expect({ ...session }).toEqual(data)
    session.count = 2
    await session.save()
    jar.apply(ours)
    // ...and iron-session 9 reads it back.
    // The core's bookkeeping key (created / sealed times) is in the payload, so iron-session 9 shows it as a field.
    const { __ifs, ...read } = await ironSession9.getIronSession<Data & { __ifs?: unknown }>(jar.request(), new Response(), opts)
    expect(read).toEqual({ ...data, count: 2 })
    expect(__ifs).toEqual({ created: expect.any(Number), sealed: expect.any(Number) })
  })

  it('sealData and unsealData are iron-session’s', async () => {
    const token = await sealData({ invite: 7 }, { password, ttl: 900 })
    expect(await ironSession9.unsealData(token, { password })).toEqual({ invite: 7 })
    expect(await unsealData(await ironSession9.sealData({ invite: 8 }, { password }), { password })).toEqual({ invite: 8 })
  })
})

describe('what save() writes', () => {
  afterEach(() => vi.useRealTimers())

  it('an unchanged session is re-sealed by save() once older than ttl / 10, so save() still extends it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const jar = await savedWithCount()

    vi.advanceTimersByTime(3600_000) // an hour: well within ttl / 10 (1.4 days)
    const soon = new Response()
    await (await getIronSession<Data>(jar.request(), soon, options)).save()
    expect(soon.headers.getSetCookie()).toEqual([])

    vi.advanceTimersByTime(2 * 24 * 3600_000)
    const later = new Response()
    await (await getIronSession<Data>(jar.request(), later, options)).save()
    expect(setCookies(later)).toEqual([expect.objectContaining({ name: 'app', maxAge: 14 * 24 * 3600 - 60 })])
    expect(await unsealData(jar.apply(later).cookies.get('app') as string, { password })).toMatchObject({ count: 1 })
  })

  it('saves run in order, and the last one written holds the latest data', async () => {
    const jar = new Jar()
    const response = new Response()
    const session = await getIronSession<Data>(jar.request(), response, options)
    session.count = 1
    const first = session.save()
    session.count = 2
    await Promise.all([first, session.save()])
    jar.apply(response)
    expect((await getIronSession<Data>(jar.request(), new Response(), options)).count).toBe(2)
  })

  it("iron-session's cookieOptions are passed on: sameSite: true, domain, path, secure", async () => {
    const headers = new Headers()
    const custom: SessionOptions = { password, cookieName: 'app', ttl: 3600, cookieOptions: { sameSite: true, domain: 'app.example', path: '/admin', secure: false } }
    const session = await getIronSession<Data>(new Request(url), headers, custom)
    session.count = 1
    await session.save()
    expect(parseSetCookie(headers.getSetCookie()[0] as string)).toEqual({
      name: 'app', value: expect.any(String), maxAge: 3540, domain: 'app.example', path: '/admin', httpOnly: true, sameSite: 'strict',
    })
  })
})

describe('refused cookies and errors', () => {
  it('a tampered cookie calls onUnsealError with a reason and reads as empty; the next save replaces it', async () => {
    const jar = await savedWithCount()
    const value = jar.cookies.get('app') as string
    jar.cookies.set('app', value.replace(/\*([^*]{4})/, '*AAAA'))

    const reasons: string[] = []
    const watched: SessionOptions = { ...options, onUnsealError: (reason) => reasons.push(reason) }
    const response = new Response()
    const read = await getIronSession<Data>(jar.request(), response, watched)
    expect(reasons).toEqual(['invalid'])
    expect({ ...read }).toEqual({})
    read.count = 5
    await read.save()
    expect(setCookies(response)).toEqual([expect.objectContaining({ name: 'app', value: expect.stringMatching(/^Fe26/) })])
    expect(reasons).toEqual(['invalid']) // once, not once per internal read
  })

  it.each<[string, unknown, string]>([
    ['a missing cookieName', { password }, 'cookieName is required'],
    ['a short password', { password: 'short', cookieName: 'app' }, 'password must be a string of at least 32 characters'],
    ['cookieOptions.maxAge', { password, cookieName: 'app', cookieOptions: { maxAge: undefined } }, 'cookieOptions.maxAge is not supported'],
    ['no options', undefined, 'bad usage'],
  ])('%s fails with a clear message', async (_, opts, message) => {
    await expect(getIronSession(new Request(url), new Response(), opts as SessionOptions)).rejects.toThrow(message)
  })

  it('options are checked once per options object', async () => {
    const shared: SessionOptions = { password, cookieName: 'app' }
    await getIronSession(new Request(url), new Response(), shared)
    shared.password = 'short' // not seen again: the instance for this object is reused
    await expect(getIronSession(new Request(url), new Response(), shared)).resolves.toEqual({})
  })
})
