// The React Router adapter with the real react-router: its SessionStorage contract (getSession, commitSession,
// destroySession, React Router's own Session and flash), and its middleware run by React Router's own request
// handler (createRequestHandler over a small ServerBuild of resource routes, future.v8_middleware on).
import { parseSetCookie } from 'cookie'
import { createRequestHandler, createSession, isSession, redirect, type ServerBuild } from 'react-router'
import { createStorage } from 'unstorage'
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createIronSessionStorage, ironSession, type Session } from '../src/adapters/react-router.ts'
import { createSessions } from '../src/index.ts'
import { revocable } from '../src/revocations.ts'
import { sessionStore } from '../src/store/index.ts'
import { Jar, newPassword, password, url } from './helpers.ts'

type Data = { user?: string; count?: number; big?: string }
type Flash = { notice: string }

/** The Cookie header a browser would send after this Set-Cookie line ('' when the line expires or is empty). */
const cookieFrom = (line: string) => new Jar().applyLines(line ? [line] : []).header

describe('SessionStorage (getSession, commitSession, destroySession)', () => {
  const storage = createIronSessionStorage<Data, Flash>({ password })

  it("round trip: React Router's own Session, an Fe26.2 cookie, and a read-only request writes nothing", async () => {
    const session = await storage.getSession(null)
    expect(isSession(session)).toBe(true)
    expect([session.id, session.has('user'), session.get('user')]).toEqual(['', false, undefined])
    session.set('user', 'ada-lovelace')
    session.set('count', 1)
    const line = await storage.commitSession(session)
    const cookie = parseSetCookie(line)
    expect(cookie).toMatchObject({ name: 'session', httpOnly: true, secure: true, sameSite: 'lax', path: '/' })
    expect(cookie.value).toMatch(/^Fe26\.2\*1\*/)
    // Encrypted: neither the value nor any JSON of it shows (a short word could turn up in the hex of a salt).
    expect(cookie.value).not.toMatch(/"user"|ada-lovelace/)
    const again = await storage.getSession(cookieFrom(line))
    expect([again.get('user'), again.get('count'), again.has('user')]).toEqual(['ada-lovelace', 1, true])
    expect(again.data).toEqual({ user: 'ada-lovelace', count: 1 })
    // Unchanged: nothing to write; '' is what commitSession returns then (browsers ignore an empty Set-Cookie).
    expect(await storage.commitSession(again)).toBe('')
    again.unset('count')
    const unset = await storage.getSession(cookieFrom(await storage.commitSession(again)))
    expect(unset.data).toEqual({ user: 'ada-lovelace' })
  })

  it('destroySession expires the cookie; the old cookie value cookie-only still reads (no revocations)', async () => {
    const session = await storage.getSession(null)
    session.set('user', 'ada')
    const cookie = cookieFrom(await storage.commitSession(session))
    const read = await storage.getSession(cookie)
    const line = await storage.destroySession(read)
    expect(parseSetCookie(line)).toMatchObject({ name: 'session', value: '', maxAge: 0 })
    expect(new Jar(cookie).applyLines([line]).header).toBe('')
  })

  it("flash: set, then read once on the next request (React Router's get()), then gone; unread it stays", async () => {
    const first = await storage.getSession(null)
    first.flash('notice', 'Welcome')
    expect(first.has('notice')).toBe(true)
    const line = await storage.commitSession(first)
    // Not read: the flash stays, and the session is unchanged (no write).
    const unread = await storage.getSession(cookieFrom(line))
    expect(await storage.commitSession(unread)).toBe('')
    const reading = await storage.getSession(cookieFrom(line))
    expect(reading.get('notice')).toBe('Welcome')
    expect(reading.get('notice')).toBeUndefined()
    const cleared = await storage.commitSession(reading)
    // The flash was the whole session: the cookie is cleared.
    expect(parseSetCookie(cleared)).toMatchObject({ name: 'session', value: '', maxAge: 0 })
    const after = await storage.getSession(cookieFrom(cleared))
    expect(after.get('notice')).toBeUndefined()
  })

  it('a flash beside data, re-flashed, and a Session from React Router’s createSession() saved as a new one', async () => {
    const made = createSession<Data, Flash>({ user: 'grace' })
    made.flash('notice', 'one')
    const line = await storage.commitSession(made)
    const read = await storage.getSession(cookieFrom(line))
    read.flash('notice', 'two')
    const next = await storage.getSession(cookieFrom(await storage.commitSession(read)))
    expect([next.get('user'), next.get('notice'), next.get('notice')]).toEqual(['grace', 'two', undefined])
  })

  it('rolling: an unchanged session is re-sealed once touchAfter has passed', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ['Date'] })
    try {
      const rolling = createIronSessionStorage<Data>({ password, ttl: 3600, rolling: { touchAfter: 600 } })
      const session = await rolling.getSession(null)
      session.set('user', 'ada')
      const line = await rolling.commitSession(session)
      expect(parseSetCookie(line).maxAge).toBeGreaterThan(3500)
      vi.setSystemTime(Date.UTC(2026, 0, 1) + 300_000)
      expect(await rolling.commitSession(await rolling.getSession(cookieFrom(line)))).toBe('')
      vi.setSystemTime(Date.UTC(2026, 0, 1) + 1_000_000)
      const renewed = await rolling.commitSession(await rolling.getSession(cookieFrom(line)))
      expect(parseSetCookie(renewed).value).not.toBe(parseSetCookie(line).value)
      vi.setSystemTime(Date.UTC(2026, 0, 1) + 3_700_000) // past the first seal's hour, within the renewed one's
      expect((await rolling.getSession(cookieFrom(line))).get('user')).toBeUndefined()
      expect((await rolling.getSession(cookieFrom(renewed))).get('user')).toBe('ada')
    } finally {
      vi.useRealTimers()
    }
  })

  it('password rotation: { 2: new, 1: old } reads the old cookie and re-seals it under the new password', async () => {
    const old = createIronSessionStorage<Data>({ password })
    const session = await old.getSession(null)
    session.set('user', 'ada')
    const oldCookie = cookieFrom(await old.commitSession(session))
    const rotated = createIronSessionStorage<Data>({ password: { 2: newPassword, 1: password } })
    const read = await rotated.getSession(oldCookie)
    expect(read.get('user')).toBe('ada')
    const resealed = await rotated.commitSession(read)
    expect(parseSetCookie(resealed).value).toMatch(/^Fe26\.2\*2\*/)
    const onlyNew = createIronSessionStorage<Data>({ password: { 2: newPassword } })
    expect((await onlyNew.getSession(cookieFrom(resealed))).get('user')).toBe('ada')
  })

  it('chunking: big data → session.0/session.1 through commitHeaders, and back; commitSession refuses with chunk', async () => {
    const chunked = createIronSessionStorage<Data>({ password, chunk: true })
    const session = await chunked.getSession(null)
    session.set('big', 'x'.repeat(3500))
    await expect(chunked.commitSession(session)).rejects.toThrow('use storage.commitHeaders(session)'.replace('use', 'Use'))
    const lines = await chunked.commitHeaders(session)
    expect(lines.map(([name, value]) => [name, parseSetCookie(value).name])).toEqual([
      ['set-cookie', 'session.0'],
      ['set-cookie', 'session.1'],
    ])
    // The lines are a HeadersInit, as React Router's redirect() and data() take them.
    const response = redirect('/', { headers: lines })
    const jar = new Jar().apply(response)
    const read = await chunked.getSession(jar.header)
    expect((read.get('big') as string).length).toBe(3500)
    read.set('big', 'small')
    const back = await chunked.commitHeaders(read)
    jar.applyLines(back.map(([, value]) => value))
    expect([...jar.cookies.keys()]).toEqual(['session'])
    expect((await chunked.getSession(jar.header)).get('big')).toBe('small')
    await expect(chunked.destroySession(read)).rejects.toThrow('storage.destroyHeaders(session)')
    expect((await chunked.destroyHeaders(await chunked.getSession(jar.header))).map(([, value]) => parseSetCookie(value).maxAge)).toEqual([0])
  })

  it('without chunk, data too large for one cookie throws SessionTooLargeError naming the way out', async () => {
    const session = await storage.getSession(null)
    session.set('big', 'x'.repeat(3500))
    await expect(storage.commitSession(session)).rejects.toThrow('chunk: true')
  })

  it('schema (zod): data that does not match is refused at commit, and a cookie that does not is read as new', async () => {
    const schema = z.object({ user: z.string().optional(), count: z.number().int().optional() })
    const strict = createIronSessionStorage<z.infer<typeof schema>>({ password, schema })
    const session = await strict.getSession(null)
    session.set('count', 1.5)
    await expect(strict.commitSession(session)).rejects.toThrow('does not match the schema')
    session.set('count', 2)
    const line = await strict.commitSession(session)
    expect((await strict.getSession(cookieFrom(line))).get('count')).toBe(2)
    const loose = createIronSessionStorage({ password })
    const bad = await loose.getSession(null)
    bad.set('count', 'two')
    const onUnsealError = vi.fn()
    const checked = createIronSessionStorage({ password, schema, onUnsealError })
    const read = await checked.getSession(cookieFrom(await loose.commitSession(bad)))
    expect(read.data).toEqual({})
    expect(onUnsealError).toHaveBeenCalledWith('invalid-data', expect.any(Error))
  })

  it('refuses cookie options per call and the header option: the seal sets the lifetime', async () => {
    const session = await storage.getSession(null)
    await expect(storage.commitSession(session, { maxAge: 60 })).rejects.toThrow('takes no cookie options')
    await expect(storage.getSession(null, { decode: (value) => value })).rejects.toThrow('takes no cookie options')
    expect(() => createIronSessionStorage({ password, header: {} as never })).toThrow('takes no header option')
  })

  it('a tampered cookie reads as a new session and the next commit clears it', async () => {
    const session = await storage.getSession(null)
    session.set('user', 'ada')
    const value = parseSetCookie(await storage.commitSession(session)).value!
    const read = await storage.getSession(`session=${value.slice(0, -6)}AAAA~2`)
    expect(read.data).toEqual({})
    expect(parseSetCookie(await storage.commitSession(read))).toMatchObject({ name: 'session', maxAge: 0 })
  })

  it('revocations (revocable, lag 0): destroySession ends the id, and the old cookie then reads as a new session', async () => {
    const onUnsealError = vi.fn()
    const revoking = createIronSessionStorage<Data>({ password, revocations: revocable({ store: createStorage(), lag: 0 }), onUnsealError })
    const session = await revoking.getSession(null)
    session.set('user', 'ada')
    const cookie = cookieFrom(await revoking.commitSession(session))
    const read = await revoking.getSession(cookie)
    expect(read.get('user')).toBe('ada')
    expect(read.id).toMatch(/^[0-9a-f]{32}$/)
    expect(parseSetCookie(await revoking.destroySession(read))).toMatchObject({ name: 'session', maxAge: 0 })
    // The browser kept the old cookie (a copy, a replay): it is refused, 'revoked'.
    const replay = await revoking.getSession(cookie)
    expect([replay.get('user'), replay.data]).toEqual([undefined, {}])
    expect(onUnsealError).toHaveBeenCalledWith('revoked', expect.any(Error))
  })

  it('a store (sessionStore): the cookie holds only the id, session.id is the store key, destroy removes the record', async () => {
    const store = createStorage()
    const stored = createIronSessionStorage<Data>({ password, store: sessionStore(store) })
    const session = await stored.getSession(null)
    session.set('big', 'x'.repeat(50_000))
    const line = await stored.commitSession(session)
    expect(parseSetCookie(line).value!.length).toBeLessThan(400)
    expect(await store.getKeys('ifs:session')).toEqual([`ifs:session:${session.id}`])
    const read = await stored.getSession(cookieFrom(line))
    expect([read.id, (read.get('big') as string).length]).toEqual([session.id, 50_000])
    // Only the stored data changes: the cookie stays as it is, and commitSession has nothing to set.
    read.set('big', 'small')
    expect(await stored.commitSession(read)).toBe('')
    expect((await stored.getSession(cookieFrom(line))).get('big')).toBe('small')
    expect(parseSetCookie(await stored.destroySession(read)).maxAge).toBe(0)
    expect(await store.getKeys('ifs:session')).toEqual([])
    expect((await stored.getSession(cookieFrom(line))).data).toEqual({})
  })

  it("its cookie reads with createSessions under the same password, and createSessions' cookie reads here", async () => {
    const session = await storage.getSession(null)
    session.set('user', 'ada')
    const cookie = cookieFrom(await storage.commitSession(session))
    const core = createSessions<Data>({ password })
    const read = await core.read(new Request(url, { headers: { cookie } }))
    expect(read.data).toEqual({ user: 'ada' })
    read.set('count', 7)
    const response = await core.commit(read, new Response('ok'))
    const back = await storage.getSession(new Jar().apply(response).header)
    expect(back.data).toEqual({ user: 'ada', count: 7 })
  })
})

// ---------------------------------------------------------------- the middleware, through React Router's request handler

/** A ServerBuild of resource routes (no component) under a root whose middleware is ours: React Router's own server runtime runs it. */
function build(routes: Record<string, { path: string; loader?: (args: never) => unknown; action?: (args: never) => unknown }>, middleware: unknown[]): ServerBuild {
  const manifest: Record<string, unknown> = {
    root: { id: 'root', path: '', module: { middleware, default: () => null } },
  }
  for (const [id, route] of Object.entries(routes)) manifest[id] = { id, parentId: 'root', path: route.path, module: { loader: route.loader, action: route.action } }
  return {
    entry: { module: { default: () => new Response('document') } },
    routes: manifest,
    assets: { entry: { module: '', imports: [] }, routes: {}, url: '', version: '1' },
    publicPath: '/',
    assetsBuildDirectory: '',
    future: { v8_middleware: true },
    ssr: true,
    isSpaMode: false,
    prerender: [],
    routeDiscovery: { mode: 'lazy', manifestPath: '/__manifest' },
  } as unknown as ServerBuild
}

function middlewareApp(options: Parameters<typeof ironSession<Data, Flash>>[0] = { password }) {
  const { sessionMiddleware, sessionContext } = ironSession<Data, Flash>(options)
  type Args = { request: Request; context: { get(key: typeof sessionContext): Session<Data, Flash> } }
  const session = (args: Args) => args.context.get(sessionContext)
  const handler = createRequestHandler(
    build(
      {
        count: {
          path: 'count',
          loader: (args: Args) => {
            const s = session(args)
            return Response.json({ count: s.data.count ?? 0, user: s.data.user ?? null, notice: s.getFlash('notice') ?? null })
          },
          action: (args: Args) => {
            const s = session(args)
            s.set('count', (s.data.count ?? 0) + 1)
            return Response.json({ ok: true }, { headers: { 'set-cookie': 'theme=dark; Path=/' } })
          },
        },
        login: {
          path: 'login',
          action: (args: Args) => {
            const s = session(args)
            s.set('user', 'ada')
            s.regenerateId()
            s.flash('notice', 'Welcome')
            throw redirect('/count')
          },
        },
        big: {
          path: 'big',
          action: (args: Args) => {
            session(args).set('big', 'x'.repeat(3500))
            return redirect('/count')
          },
        },
        logout: {
          path: 'logout',
          action: (args: Args) => {
            session(args).destroy()
            return redirect('/count')
          },
        },
        throws: {
          path: 'throws',
          action: (args: Args) => {
            session(args).set('user', 'mallory')
            throw new Error('handler failed')
          },
        },
      },
      [sessionMiddleware],
    ),
    'production',
  )
  const jar = new Jar()
  const send = async (path: string, method = 'GET') => {
    const response = await handler(jar.request(path, { method, ...(method === 'POST' ? { body: new FormData(), headers: { origin: new URL(url).origin } } : {}) }))
    jar.apply(response)
    return response
  }
  return { jar, send }
}

describe('middleware (ironSession) under React Router’s createRequestHandler', () => {
  it('the session is on the context; a write commits, a read-only request gets no Set-Cookie, the route’s own cookies are kept', async () => {
    const { jar, send } = middlewareApp()
    expect(await (await send('/count')).json()).toMatchObject({ count: 0 })
    expect(jar.cookies.size).toBe(0)
    const posted = await send('/count', 'POST')
    expect(posted.headers.getSetCookie().map((line) => parseSetCookie(line).name)).toEqual(['theme', 'session'])
    await send('/count', 'POST')
    const read = await send('/count')
    expect(await read.json()).toMatchObject({ count: 2 })
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('a thrown redirect gets the cookie; the flash shows once after it', async () => {
    const { jar, send } = middlewareApp()
    const login = await send('/login', 'POST')
    expect([login.status, login.headers.get('location')]).toEqual([302, '/count'])
    expect(parseSetCookie(login.headers.getSetCookie()[0]!)).toMatchObject({ name: 'session', httpOnly: true })
    expect(jar.cookies.has('session')).toBe(true)
    expect(await (await send('/count')).json()).toEqual({ count: 0, user: 'ada', notice: 'Welcome' })
    expect(await (await send('/count')).json()).toEqual({ count: 0, user: 'ada', notice: null })
  })

  it('a handler that throws commits nothing (its 500 carries no Set-Cookie)', async () => {
    const { jar, send } = middlewareApp()
    const thrown = await send('/throws', 'POST')
    expect(thrown.status).toBe(500)
    expect(thrown.headers.getSetCookie()).toEqual([])
    expect(jar.cookies.size).toBe(0)
  })

  it('chunking: big data → session.0/session.1 on a redirect, read back, and sign-out clears them all', async () => {
    const { jar, send } = middlewareApp({ password, chunk: true })
    const big = await send('/big', 'POST')
    expect(big.headers.getSetCookie().map((line) => parseSetCookie(line).name)).toEqual(['session.0', 'session.1'])
    await send('/count', 'POST')
    expect(await (await send('/count')).json()).toMatchObject({ count: 1 })
    const core = await createSessions<Data>({ password, chunk: true }).read(jar.request('/'))
    expect(core.data.big).toHaveLength(3500)
    await send('/logout', 'POST')
    expect([...jar.cookies.keys()]).toEqual(['theme'])
  })

  it('options as a function of the middleware’s arguments, made once per distinct result', async () => {
    const factory = vi.fn(() => ({ password }))
    const { send } = middlewareApp(factory)
    await send('/count', 'POST')
    expect(await (await send('/count')).json()).toMatchObject({ count: 1 })
    expect(factory).toHaveBeenCalledTimes(2)
  })

  it('reads a cookie written by the SessionStorage, and the storage reads its cookie (one cookie, one seal format)', async () => {
    const storage = createIronSessionStorage<Data>({ password })
    const { jar, send } = middlewareApp()
    await send('/login', 'POST')
    const fromMiddleware = await storage.getSession(jar.header)
    expect(fromMiddleware.get('user')).toBe('ada')
    fromMiddleware.set('count', 5)
    jar.applyLines([await storage.commitSession(fromMiddleware)])
    expect(await (await send('/count')).json()).toMatchObject({ count: 5, user: 'ada' })
  })
})
