// The Elysia plugin through Elysia's own app.handle(request): in vitest on Node (Elysia's web-standard adapter),
// and the same file under `bun test` on Bun (Elysia's Bun adapter), run by test/example-elysia.test.ts.
import { Elysia } from 'elysia'
import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ironSession } from '../src/adapters/elysia.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, newPassword, password, setCookieSummary } from './helpers.js'

// `| undefined`: zod's optional() outputs it, and the schema test's zod object is this app's schema.
type Data = { count?: number | undefined; name?: string | undefined; big?: string | undefined }
type Flash = { notice?: string }

function app(options: SessionOptions<Data> = { password }) {
  return new Elysia()
    .use(ironSession<Data, Flash>(options))
    .get('/count', ({ session }) => String(session.data.count ?? 0))
    .post('/count', ({ session }) => {
      session.set('count', (session.get('count') ?? 0) + 1)
      return 'ok'
    })
    .get('/me', ({ session }) => ({ name: session.data.name ?? null, unsealError: session.unsealError ?? null }))
    .post('/with-cookie', ({ session, cookie }) => {
      cookie.theme!.set({ value: 'dark', path: '/' })
      session.set('name', 'ada')
      return 'ok'
    })
    .post('/raw', ({ session }) => {
      session.set('name', 'raw')
      return new Response('raw', { headers: { 'set-cookie': 'raw=1; Path=/' } })
    })
    .post('/login', ({ session, redirect }) => {
      session.set('name', 'ada')
      session.flash('notice', 'Welcome!')
      return redirect('https://app.example/count', 303)
    })
    .post('/status', ({ session, status }) => {
      session.set('name', 'teapot')
      return status(418, 'short and stout')
    })
    .get('/notice', ({ session }) => session.getFlash('notice') ?? 'none')
    .post('/big', ({ session }) => {
      session.set('big', 'x'.repeat(3500))
      return 'ok'
    })
    .post('/logout', ({ session }) => {
      session.destroy()
      return 'out'
    })
    .post('/throws', ({ session, status }) => {
      session.set('name', 'thrown')
      throw status(403, 'nope')
    })
    .post('/throws-plain', ({ session }) => {
      session.set('name', 'thrown')
      throw new Error('handler failed')
    })
}

type App = { handle(request: Request): Promise<Response> }

async function send(target: App, jar: Jar, path: string, method = 'GET') {
  const response = await target.handle(jar.request(path, { method }))
  jar.apply(response)
  return response
}

describe('Elysia: ironSession plugin', () => {
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

  it("keeps the app's cookies: Elysia's cookie jar, and a raw Response's own Set-Cookie", async () => {
    const server = app()
    const jar = new Jar()
    expect(setCookieSummary(await send(server, jar, '/with-cookie', 'POST')).map(([name]) => name)).toEqual(['theme', 'session'])
    expect(setCookieSummary(await send(server, jar, '/raw', 'POST')).map(([name]) => name)).toEqual(['raw', 'session'])
    expect(jar.cookies.get('theme')).toBe('dark')
  })

  it("a raw Response with its own Set-Cookie keeps it beside a chunked session (appended to it, not left to Elysia's jar)", async () => {
    const server = new Elysia().use(ironSession<Data>({ password, chunk: true })).post('/raw-big', ({ session }) => {
      session.set('big', 'x'.repeat(3500))
      return new Response('raw', { headers: { 'set-cookie': 'raw=1; Path=/' } })
    })
    const response = await server.handle(new Jar().request('/raw-big', { method: 'POST' }))
    expect(setCookieSummary(response).map(([name]) => name)).toEqual(['raw', 'session.0', 'session.1'])
    expect(response.headers.get('cache-control')).toBe('private')
  })

  it("Elysia's rule, documented: its cookie jar replaces set.headers['set-cookie'], so an app's line there gives way to the session's", async () => {
    const server = new Elysia().use(ironSession<Data>({ password })).post('/', ({ session, set }) => {
      set.headers['set-cookie'] = 'app=1; Path=/'
      session.set('name', 'ada')
      return 'ok'
    })
    const response = await server.handle(new Jar().request('/', { method: 'POST' }))
    expect(setCookieSummary(response).map(([name]) => name)).toEqual(['session'])
  })

  it("writes on redirect() (an immutable Response.redirect) and on status(…)", async () => {
    const server = app()
    const jar = new Jar()
    const login = await send(server, jar, '/login', 'POST')
    expect([login.status, login.headers.get('location')]).toEqual([303, 'https://app.example/count'])
    expect(setCookieSummary(login)).toHaveLength(1)
    const teapot = await send(server, jar, '/status', 'POST')
    expect([teapot.status, await teapot.text()]).toEqual([418, 'short and stout'])
    expect(setCookieSummary(teapot)).toHaveLength(1)
    expect(await (await send(server, jar, '/me')).json()).toEqual({ name: 'teapot', unsealError: null })
  })

  it('a flash set before a redirect shows once on the next request', async () => {
    const server = app()
    const jar = new Jar()
    await send(server, jar, '/login', 'POST')
    const shown = await send(server, jar, '/notice')
    expect(await shown.text()).toBe('Welcome!')
    expect(setCookieSummary(shown)).toHaveLength(1)
    expect(await (await send(server, jar, '/notice')).text()).toBe('none')
    expect(await (await send(server, jar, '/me')).json()).toEqual({ name: 'ada', unsealError: null })
  })

  it('a handler that throws commits nothing: the error response carries no half-done change', async () => {
    const server = app()
    const jar = new Jar()
    for (const [path, status] of [['/throws', 403], ['/throws-plain', 500]] as const) {
      const response = await send(server, jar, path, 'POST')
      expect(response.status).toBe(status)
      expect(setCookieSummary(response)).toEqual([])
    }
    expect(jar.cookies.size).toBe(0)
  })

  it('an unknown route is a 404, with no cookie', async () => {
    const response = await app().handle(new Jar().request('/nowhere'))
    expect(response.status).toBe(404)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('rolling: an unchanged session is re-sealed once touchAfter has passed', async () => {
    // Date.now stubbed by hand rather than with vi's fake timers: this file runs under `bun test` too.
    const t0 = Date.UTC(2030, 0, 1)
    const realNow = Date.now
    let now = t0
    Date.now = () => now
    try {
      const server = app({ password, ttl: 1000, rolling: { touchAfter: 100 } })
      const jar = new Jar()
      await send(server, jar, '/count', 'POST')
      now = t0 + 50_000
      expect(setCookieSummary(await send(server, jar, '/count'))).toEqual([])
      now = t0 + 100_000
      expect(setCookieSummary(await send(server, jar, '/count'))).toEqual([['session', 940]])
      now = t0 + 1_050_000
      expect(await (await send(server, jar, '/count')).text()).toBe('1')
    } finally {
      Date.now = realNow
    }
  })

  it('password rotation: a cookie under the old password reads and is re-sealed under the new one', async () => {
    const jar = new Jar()
    await send(app({ password: { 1: password } }), jar, '/count', 'POST')
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*1\*/)
    const read = await send(app({ password: { 2: newPassword, 1: password } }), jar, '/count')
    expect(await read.text()).toBe('1')
    expect(setCookieSummary(read)).toHaveLength(1)
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*2\*/)
    expect(await (await send(app({ password: { 2: newPassword } }), jar, '/count')).text()).toBe('1')
  })

  it('chunking: big data goes to session.0 and session.1 and reads back; destroy expires them all', async () => {
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
    const refused = await send(server, jar, '/count', 'POST')
    expect(refused.status).toBe(500)
    expect(setCookieSummary(refused)).toEqual([])
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
    expect(await (await there.handle(stolen.request('/me'))).json()).toEqual({ name: 'ada', unsealError: null })
    await send(here, jar, '/logout', 'POST')
    const replay = await there.handle(stolen.request('/me'))
    expect(await replay.json()).toEqual({ name: null, unsealError: 'revoked' })
    expect(replay.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
  })

  it('a store: the cookie holds only a sealed id, the data is in the store', async () => {
    const storage = createStorage()
    const server = app({ password, store: sessionStore(storage) })
    const jar = new Jar()
    await send(server, jar, '/big', 'POST')
    expect([...jar.cookies.keys()]).toEqual(['session'])
    expect(jar.cookies.get('session')!.length).toBeLessThan(400)
    await send(server, jar, '/count', 'POST')
    expect(await (await send(server, jar, '/count')).text()).toBe('1')
    expect((await storage.getKeys()).length).toBeGreaterThan(0)
  })

  it('takes options from the request, made once per distinct result', async () => {
    let calls = 0
    const server = new Elysia()
      .use(ironSession<Data>((request) => (calls++, { password: request.headers.get('x-tenant') === 'new' ? newPassword : password })))
      .post('/', ({ session }) => (session.set('count', 7), 'ok'))
      .get('/', ({ session }) => String(session.data.count))
    const jar = new Jar()
    jar.apply(await server.handle(jar.request('/', { method: 'POST' })))
    expect(await (await server.handle(jar.request('/'))).text()).toBe('7')
    expect(calls).toBe(2)
    expect(await (await server.handle(jar.request('/', { headers: { 'x-tenant': 'new' } }))).text()).toBe('undefined')
  })

  it('bad options fail when the plugin is made', () => {
    expect(() => ironSession({ password: 'short' })).toThrow('at least 32 characters')
  })
})

describe('Elysia: the plugin used twice', () => {
  it('one value used in a sub-plugin and the app is mounted once (Elysia dedups it by name and seed)', async () => {
    const session = ironSession<Data>({ password })
    const routes = new Elysia().use(session).post('/count', ({ session }) => (session.set('count', (session.get('count') ?? 0) + 1), 'ok'))
    const server = new Elysia().use(session).use(routes).get('/count', ({ session }) => String(session.get('count') ?? 0))
    const jar = new Jar()
    for (let i = 0; i < 3; i++) expect(setCookieSummary(await send(server, jar, '/count', 'POST'))).toHaveLength(1)
    expect(await (await send(server, jar, '/count')).text()).toBe('3')
  })

  it('two plugins of other options for the same cookie: the request fails, saying what to change', async () => {
    let caught: unknown
    const server = new Elysia()
      .onError(({ error }) => {
        caught = error
      })
      .use(ironSession<Data>({ password }))
      .use(new Elysia().use(ironSession<Data>({ password, ttl: 60 })).post('/count', () => 'ok'))
    const response = await server.handle(new Jar().request('/count', { method: 'POST' }))
    expect(response.status).toBe(500)
    expect(String(caught)).toMatch(/mounted twice on this request for the cookie "session", with different options/)
  })
})

describe('Elysia: cookies shared with createSessions', () => {
  it('a cookie written through the plugin reads with createSessions, and back', async () => {
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

// Types only (tsc --noEmit): the handler's session is Session<Data, Flash> through Elysia's inference.
export const typed = new Elysia().use(ironSession<{ count: number }, { notice: string }>({ password })).get('/', ({ session }) => {
  const count: number | undefined = session.data.count
  // @ts-expect-error count is a number, not a string
  session.set('count', 'one')
  // @ts-expect-error no such flash key
  session.flash('nope', 'x')
  return String(count)
})
