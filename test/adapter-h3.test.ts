// The h3 v2 middleware through h3's own app (app.fetch with real Requests), as Nitro runs it.
import { H3, HTTPError, redirect, setCookie, unsealSession, useSession, type H3Event } from 'h3'
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ironSession } from '../src/adapters/h3.js'
import { createSessions, type Session, type SessionOptions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, newPassword, password, setCookieSummary } from './helpers.js'

// `| undefined`: zod's optional() outputs it, and the schema test's zod object is this app's schema.
type Data = { count?: number | undefined; name?: string | undefined; big?: string | undefined }
type Flash = { notice?: string }

// The app's augmentation, as docs-draft/h3.md shows it: event.context.session typed with the app's Data.
declare module 'h3' {
  interface H3EventContext {
    session?: Session<Data, Flash>
  }
}

const sessionOf = (event: H3Event) => event.context.session!

function app(options: SessionOptions<Data> = { password }) {
  // silent: h3 logs unhandled errors, and two routes here throw on purpose.
  return new H3({ silent: true })
    .use(ironSession<Data, Flash>(options))
    .get('/count', (event) => String(sessionOf(event).data.count ?? 0))
    .post('/count', (event) => {
      const session = sessionOf(event)
      session.set('count', (session.get('count') ?? 0) + 1)
      return 'ok'
    })
    .get('/me', (event) => ({ name: sessionOf(event).data.name ?? null, unsealError: sessionOf(event).unsealError ?? null }))
    .post('/with-cookie', (event) => {
      setCookie(event, 'theme', 'dark', { path: '/' })
      sessionOf(event).set('name', 'ada')
      return 'ok'
    })
    .post('/raw', (event) => {
      sessionOf(event).set('name', 'raw')
      return new Response('raw', { headers: { 'set-cookie': 'raw=1; Path=/' } })
    })
    .post('/login', (event) => {
      sessionOf(event).set('name', 'ada')
      sessionOf(event).flash('notice', 'Welcome!')
      return redirect('/count', 303)
    })
    .post('/native-redirect', (event) => {
      sessionOf(event).set('name', 'native')
      return Response.redirect('https://app.example/count', 302)
    })
    .get('/notice', (event) => sessionOf(event).getFlash('notice') ?? 'none')
    .post('/big', (event) => {
      sessionOf(event).set('big', 'x'.repeat(3500))
      return 'ok'
    })
    .post('/logout', (event) => {
      sessionOf(event).destroy()
      return 'out'
    })
    .post('/throws', (event) => {
      sessionOf(event).set('name', 'thrown')
      throw new HTTPError({ status: 403, message: 'nope' })
    })
    .post('/throws-plain', (event) => {
      sessionOf(event).set('name', 'thrown')
      throw new Error('handler failed')
    })
}

type App = ReturnType<typeof app>

async function send(target: App, jar: Jar, path: string, method = 'GET') {
  const response = await target.fetch(jar.request(path, { method }))
  jar.apply(response)
  return response
}

afterEach(() => {
  vi.useRealTimers()
})

describe('h3: ironSession middleware', () => {
  it('writes, reads, and a read-only request gets no Set-Cookie', async () => {
    const server = app()
    const jar = new Jar()
    expect(await (await send(server, jar, '/count')).text()).toBe('0')
    const write = await send(server, jar, '/count', 'POST')
    expect(setCookieSummary(write)).toEqual([['session', 1209540]])
    expect(write.headers.get('cache-control')).toBe('private')
    await send(server, jar, '/count', 'POST')
    const read = await send(server, jar, '/count')
    expect(await read.text()).toBe('2')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it("keeps cookies the handler set, with h3's setCookie or on a raw Response", async () => {
    const server = app()
    const jar = new Jar()
    expect(setCookieSummary(await send(server, jar, '/with-cookie', 'POST')).map(([name]) => name)).toEqual(['theme', 'session'])
    expect(setCookieSummary(await send(server, jar, '/raw', 'POST')).map(([name]) => name)).toEqual(['raw', 'session'])
    expect(jar.cookies.get('theme')).toBe('dark')
  })

  it("writes on redirects: h3's redirect() and an immutable Response.redirect", async () => {
    const server = app()
    const jar = new Jar()
    const login = await send(server, jar, '/login', 'POST')
    expect([login.status, login.headers.get('location')]).toEqual([303, '/count'])
    expect(setCookieSummary(login)).toHaveLength(1)
    const native = await send(server, jar, '/native-redirect', 'POST')
    expect([native.status, native.headers.get('location')]).toEqual([302, 'https://app.example/count'])
    expect(setCookieSummary(native)).toHaveLength(1)
    expect(await (await send(server, jar, '/me')).json()).toEqual({ name: 'native', unsealError: null })
  })

  it('a flash set before a redirect shows once on the next request', async () => {
    const server = app()
    const jar = new Jar()
    await send(server, jar, '/login', 'POST')
    const shown = await send(server, jar, '/notice')
    expect(await shown.text()).toBe('Welcome!')
    expect(setCookieSummary(shown)).toHaveLength(1) // the flash read is committed: gone from the cookie
    expect(await (await send(server, jar, '/notice')).text()).toBe('none')
    expect(await (await send(server, jar, '/me')).json()).toEqual({ name: 'ada', unsealError: null })
  })

  it("a handler that throws commits nothing: h3's error response carries no half-done change", async () => {
    const server = app()
    const jar = new Jar()
    for (const path of ['/throws', '/throws-plain']) {
      const response = await send(server, jar, path, 'POST')
      expect(response.status).toBe(path === '/throws' ? 403 : 500)
      expect(setCookieSummary(response)).toEqual([])
    }
    expect(jar.cookies.size).toBe(0)
  })

  it('an unknown route is still a 404, with no cookie', async () => {
    const response = await app().fetch(new Jar().request('/nowhere'))
    expect(response.status).toBe(404)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('destroy() expires the cookie', async () => {
    const server = app()
    const jar = new Jar()
    await send(server, jar, '/count', 'POST')
    const out = await send(server, jar, '/logout', 'POST')
    expect(out.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    expect(jar.cookies.size).toBe(0)
  })

  it('rolling: an unchanged session is re-sealed once touchAfter has passed', async () => {
    const t0 = Date.UTC(2030, 0, 1)
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const server = app({ password, ttl: 1000, rolling: { touchAfter: 100 } })
    const jar = new Jar()
    await send(server, jar, '/count', 'POST')
    vi.setSystemTime(t0 + 50_000)
    expect(setCookieSummary(await send(server, jar, '/count'))).toEqual([])
    vi.setSystemTime(t0 + 100_000)
    const touched = await send(server, jar, '/count')
    expect(setCookieSummary(touched)).toEqual([['session', 940]])
    // Past the first seal's ttl, alive through the touch.
    vi.setSystemTime(t0 + 1_050_000)
    expect(await (await send(server, jar, '/count')).text()).toBe('1')
  })

  it('password rotation: a cookie under the old password reads and is re-sealed under the new one', async () => {
    const jar = new Jar()
    await send(app({ password: { 1: password } }), jar, '/count', 'POST')
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*1\*/)
    const rotated = app({ password: { 2: newPassword, 1: password } })
    const read = await send(rotated, jar, '/count')
    expect(await read.text()).toBe('1')
    expect(setCookieSummary(read)).toHaveLength(1)
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*2\*/)
    expect(await (await send(app({ password: { 2: newPassword } }), jar, '/count')).text()).toBe('1')
  })

  it('chunking: big data goes to session.0 and session.1 and reads back; shrunk, one cookie again', async () => {
    const server = app({ password, chunk: true })
    const jar = new Jar()
    const big = await send(server, jar, '/big', 'POST')
    expect(setCookieSummary(big).map(([name]) => name)).toEqual(['session.0', 'session.1'])
    await send(server, jar, '/count', 'POST')
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1'])
    expect(await (await send(server, jar, '/count')).text()).toBe('1')
    const out = await send(server, jar, '/logout', 'POST')
    expect(setCookieSummary(out).every(([, maxAge]) => maxAge === 0)).toBe(true)
    expect(jar.cookies.size).toBe(0)
  })

  it('schema: data that does not match is refused on read (invalid-data) and not saved on commit', async () => {
    const schema = z.object({ count: z.number().max(1).optional(), name: z.string().optional() })
    const server = app({ password, schema })
    const jar = new Jar()
    await send(server, jar, '/count', 'POST')
    expect(await (await send(server, jar, '/count')).text()).toBe('1')
    const refused = await send(server, jar, '/count', 'POST') // count 2 fails the schema: commit throws, h3 answers 500
    expect(refused.status).toBe(500)
    expect(setCookieSummary(refused)).toEqual([])
    // A cookie whose data breaks the schema (sealed without it) reads as empty, with the reason.
    const loose = new Jar()
    await send(app(), loose, '/count', 'POST')
    await send(app(), loose, '/count', 'POST')
    expect(await (await send(server, loose, '/me')).json()).toEqual({ name: null, unsealError: 'invalid-data' })
  })

  it('revocations: after destroy, a copy of the old cookie reads as new, with unsealError revoked', async () => {
    const store = createStorage()
    const options = (): SessionOptions<Data> => ({ password, revocations: revocable({ store, lag: 0 }) })
    const [here, there] = [app(options()), app(options())]
    const jar = new Jar()
    await send(here, jar, '/login', 'POST')
    const stolen = new Jar(jar.header)
    expect(await (await there.fetch(stolen.request('/me'))).json()).toEqual({ name: 'ada', unsealError: null })
    await send(here, jar, '/logout', 'POST')
    const replay = await there.fetch(stolen.request('/me'))
    expect(await replay.json()).toEqual({ name: null, unsealError: 'revoked' })
    expect(replay.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
  })

  it('a store: the cookie holds only a sealed id, the data is in the store, and destroy removes it', async () => {
    const storage = createStorage()
    const server = app({ password, store: sessionStore(storage) })
    const jar = new Jar()
    await send(server, jar, '/big', 'POST') // chunked without a store: here the cookie stays small
    expect([...jar.cookies.keys()]).toEqual(['session'])
    expect(jar.cookies.get('session')!.length).toBeLessThan(400)
    await send(server, jar, '/count', 'POST')
    expect(await (await send(server, jar, '/count')).text()).toBe('1')
    expect((await storage.getKeys()).length).toBeGreaterThan(0)
    const stolen = new Jar(jar.header)
    await send(server, jar, '/logout', 'POST')
    expect(await (await server.fetch(stolen.request('/me'))).json()).toMatchObject({ name: null })
  })

  it('bad options fail when the middleware is made', () => {
    expect(() => ironSession({ password: 'short' })).toThrow('at least 32 characters')
  })

  it('takes options from the event, made once per distinct result', async () => {
    let calls = 0
    const server = new H3()
      .use(ironSession<Data>((event) => (calls++, { password: String(event.context.secret) })))
      .post('/', (event) => (sessionOf(event).set('count', 7), 'ok'))
      .get('/', (event) => String(sessionOf(event).data.count))
    const jar = new Jar()
    jar.apply(await server.request(jar.request('/', { method: 'POST' }), undefined, { secret: password }))
    expect(await (await server.request(jar.request('/'), undefined, { secret: password })).text()).toBe('7')
    expect(calls).toBe(2)
    expect(await (await server.request(jar.request('/'), undefined, { secret: newPassword })).text()).toBe('undefined')
  })
})

describe('h3: the middleware mounted twice on a request', () => {
  it('app-wide and again on the route, equal options: one session, one Set-Cookie carrying the change', async () => {
    const rotated = { password: { 2: newPassword, 1: password } }
    const server = new H3()
      .use(ironSession<Data>(rotated))
      .post(
        '/count',
        (event) => {
          const session = sessionOf(event)
          session.set('count', (session.get('count') ?? 0) + 1)
          return 'ok'
        },
        { middleware: [ironSession<Data>({ password: { 1: password, 2: newPassword } })] },
      )
      .get('/count', (event) => String(sessionOf(event).get('count') ?? 0))
    const jar = new Jar()
    await send(app({ password: { 1: password } }), jar, '/count', 'POST')
    const write = await send(server, jar, '/count', 'POST')
    expect(setCookieSummary(write)).toHaveLength(1)
    expect(await (await send(server, jar, '/count')).text()).toBe('2')
  })
})

describe('h3: cookies shared with createSessions', () => {
  it('a cookie written through the adapter reads with createSessions, and back', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await send(app(), jar, '/login', 'POST')
    const read = await sessions.read(jar.request('/'))
    expect(read.data).toEqual({ name: 'ada' })
    expect(read.getFlash('notice' as never)).toBe('Welcome!')

    const core = await sessions.read(new Jar().request('/'))
    core.set('count', 41)
    const back = new Jar().apply(await sessions.commit(core, new Response('ok')))
    await send(app(), back, '/count', 'POST')
    expect(await (await send(app(), back, '/count')).text()).toBe('42')
  })
})

describe("h3's own useSession and this middleware, same password and cookie name", () => {
  // Both seal with iron (Fe26.2), but h3 2.x derives its keys with 8192 PBKDF2 iterations where iron-session and
  // this library use 1, and it seals its session record { id, createdAt, data } rather than the data itself.
  const h3Config = { password, name: 'session' }
  const h3App = () =>
    new H3()
      .post('/h3-write', async (event) => {
        const h3Session = await useSession<{ name?: string }>(event, h3Config)
        await h3Session.update({ name: 'h3-user' })
        return 'ok'
      })
      .get('/h3-read', async (event) => {
        const h3Session = await useSession<{ name?: string }>(event, h3Config)
        return { id: h3Session.id, data: { ...h3Session.data } }
      })
  // h3 spreads `seal` over its defaults one level deep: each of encryption and integrity is given whole.
  const oneIteration = { saltBits: 256, iterations: 1, minPasswordlength: 32 }
  const h3Iteration1 = { ...h3Config, seal: { encryption: { ...oneIteration, algorithm: 'aes-256-cbc' }, integrity: { ...oneIteration, algorithm: 'sha256' } } } as Parameters<typeof useSession>[1]

  it("h3's seal (8192 iterations, its default) is refused by ours as invalid: the HMAC does not verify", async () => {
    const jar = new Jar()
    jar.apply(await h3App().fetch(jar.request('/h3-write', { method: 'POST' })))
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*\*/) // a string password: no password id
    const reasons: string[] = []
    const ours = app({ password, onUnsealError: (reason) => reasons.push(reason) })
    const read = await ours.fetch(jar.request('/me'))
    expect(await read.json()).toEqual({ name: null, unsealError: 'invalid' })
    expect(reasons).toEqual(['invalid'])
    expect(read.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/) // and ours clears the refused cookie
  })

  it("with h3 set to 1 iteration, ours reads h3's seal, as data { id, createdAt, data: {...} }", async () => {
    const writer = new H3().post('/h3-write', async (event) => {
      await (await useSession(event, h3Iteration1)).update({ name: 'h3-user' })
      return 'ok'
    })
    const jar = new Jar()
    jar.apply(await writer.fetch(jar.request('/h3-write', { method: 'POST' })))
    const session = await createSessions({ password }).read(jar.request('/'))
    expect(session.unsealError).toBeUndefined()
    expect(session.data).toEqual({ id: expect.any(String), createdAt: expect.any(Number), data: { name: 'h3-user' } })
  })

  it("ours read by h3's useSession: refused (our seal ends in iron-session's ~2, which h3 reads as part of the MAC), so h3 starts a new session over our cookie", async () => {
    const jar = new Jar()
    await send(app(), jar, '/login', 'POST') // name 'ada' and a flash, sealed by ours
    const ourSeal = jar.cookies.get('session')!
    expect(ourSeal).toMatch(/^Fe26\.2\*1\*.*~2$/)
    await expect(unsealSession(undefined as never, h3Config, ourSeal)).rejects.toThrow('Bad hmac value')
    // Without the suffix h3 opens it (through its 1-iteration fallback), but finds our data, not its { id, data } record.
    const opened = await unsealSession(undefined as never, h3Config, ourSeal.slice(0, -2))
    expect(JSON.parse(JSON.stringify(opened))).toEqual({ name: 'ada', __ifs: expect.objectContaining({ flash: { notice: 'Welcome!' } }) })
    expect(opened[Symbol.for('h3.internal.session.legacy-seal') as never]).toBe(true) // h3's mark for a 1-iteration seal
    const read = await h3App().fetch(jar.request('/h3-read'))
    const body = (await read.json()) as { id: string; data: Record<string, unknown> }
    expect(body.data).toEqual({})
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/)
    // useSession seals its new, empty session over our cookie at once: the user is signed out of ours.
    const replaced = read.headers.getSetCookie().find((line) => line.startsWith('session='))
    expect(replaced!.split(';')[0]).toMatch(/^session=Fe26\.2\*\*/)
    expect(await (await app().fetch(new Jar().applyLines([replaced!]).request('/me'))).json()).toEqual({ name: null, unsealError: 'invalid' })
  })
})
