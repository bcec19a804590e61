import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { ironSession } from '../src/adapters/hono.js'
import { Jar, newPassword, password, setCookieSummary } from './helpers.js'

type Data = { count?: number; name?: string }

function app() {
  return new Hono()
    .use(ironSession<Data>({ password }))
    .get('/count', (c) => c.text(String(c.get('session').data.count ?? 0)))
    .post('/count', (c) => {
      c.var.session.set('count', (c.var.session.get('count') ?? 0) + 1)
      return c.text('ok')
    })
    .post('/with-cookie', (c) => {
      c.header('set-cookie', 'theme=dark; Path=/', { append: true })
      c.var.session.set('name', 'ada')
      return c.text('ok')
    })
    .post('/raw', (c) => {
      c.var.session.set('name', 'raw')
      return new Response('raw', { headers: { 'set-cookie': 'raw=1; Path=/' } })
    })
    .post('/login', (c) => {
      c.var.session.set('name', 'ada')
      return c.redirect('/count', 303)
    })
    .post('/native-redirect', (c) => {
      c.var.session.set('name', 'native')
      return Response.redirect('https://app.example/count', 302)
    })
    .post('/throws', (c) => {
      c.var.session.set('name', 'thrown')
      throw new HTTPException(403, { message: 'nope' })
    })
}

async function send(jar: Jar, path: string, method = 'GET') {
  const response = await app().request(jar.request(path, { method }))
  jar.apply(response)
  return response
}

describe('Hono: ironSession middleware', () => {
  it('writes, reads, and a read-only request gets no Set-Cookie', async () => {
    const jar = new Jar()
    expect(await (await send(jar, '/count')).text()).toBe('0')
    const write = await send(jar, '/count', 'POST')
    expect(setCookieSummary(write)).toEqual([['session', 1209540]])
    expect(write.headers.get('cache-control')).toBe('private')
    await send(jar, '/count', 'POST')
    const read = await send(jar, '/count')
    expect(await read.text()).toBe('2')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('keeps cookies the handler set, with c.header or on a raw Response', async () => {
    const jar = new Jar()
    expect(setCookieSummary(await send(jar, '/with-cookie', 'POST')).map(([name]) => name)).toEqual(['theme', 'session'])
    expect(setCookieSummary(await send(jar, '/raw', 'POST')).map(([name]) => name)).toEqual(['raw', 'session'])
    expect(jar.cookies.get('theme')).toBe('dark')
  })

  it('writes on redirects: c.redirect and an immutable Response.redirect', async () => {
    const jar = new Jar()
    const redirect = await send(jar, '/login', 'POST')
    expect([redirect.status, redirect.headers.get('location')]).toEqual([303, '/count'])
    expect(setCookieSummary(redirect)).toHaveLength(1)
    const native = await send(jar, '/native-redirect', 'POST')
    expect([native.status, native.headers.get('location')]).toEqual([302, 'https://app.example/count'])
    expect(setCookieSummary(native)).toHaveLength(1)
  })

  it("a Response the app reuses for every request never carries one user's cookie to another", async () => {
    const shared = new Response(null, { status: 204 })
    const reuse = new Hono()
      .use(ironSession<{ name?: string; big?: string }>({ password, chunk: true }))
      .post('/:name', (c) => {
        c.var.session.set('name', c.req.param('name'))
        c.var.session.set('big', 'x'.repeat(6000)) // three chunks: several header lines
        return shared
      })
    const ada = await reuse.request('/ada', { method: 'POST' })
    const bob = await reuse.request('/bob', { method: 'POST' })
    expect(shared.headers.getSetCookie()).toEqual([])
    expect(shared.headers.has('cache-control')).toBe(false)
    expect(setCookieSummary(ada).map(([name]) => name)).toEqual(['session.0', 'session.1', 'session.2'])
    expect(ada.headers.get('cache-control')).toBe('private')
    const read = new Hono().use(ironSession<{ name?: string }>({ password, chunk: true })).get('/', (c) => c.text(c.var.session.data.name ?? ''))
    expect(await (await read.request(new Jar().apply(ada).request('/'))).text()).toBe('ada')
    expect(await (await read.request(new Jar().apply(bob).request('/'))).text()).toBe('bob')
  })

  it('a handler that throws commits nothing, as in every adapter: the error response carries no half-done change', async () => {
    const jar = new Jar()
    const response = await send(jar, '/throws', 'POST')
    expect(response.status).toBe(403)
    expect(setCookieSummary(response)).toEqual([])
    const check = new Hono().use(ironSession<Data>({ password })).get('/', (c) => c.text(c.var.session.data.name ?? ''))
    expect(await (await check.request(jar.request('/'))).text()).toBe('')
  })

  it('takes options from the context, made once per distinct result', async () => {
    let calls = 0
    const worker = new Hono<{ Bindings: { SESSION_PASSWORD: string } }>()
      .use(ironSession<Data>((c) => (calls++, { password: c.env.SESSION_PASSWORD })))
      .post('/', (c) => {
        c.var.session.set('count', 1)
        return c.text('ok')
      })
      .get('/', (c) => c.text(String(c.var.session.data.count)))
    const env = { SESSION_PASSWORD: password }
    const jar = new Jar()
    jar.apply(await worker.request('/', { method: 'POST' }, env))
    expect(await (await worker.request('/', { headers: { cookie: jar.header } }, { ...env })).text()).toBe('1')
    expect(calls).toBe(2)
    // A different secret is a different instance: it cannot read the cookie.
    expect(await (await worker.request('/', { headers: { cookie: jar.header } }, { SESSION_PASSWORD: 'x'.repeat(40) })).text()).toBe('undefined')
  })

  it('bad options fail when the middleware is made', () => {
    expect(() => ironSession({ password: 'short' })).toThrow('at least 32 characters')
  })
})

describe('Hono: the middleware mounted twice on a request', () => {
  type Counted = { count?: number }
  const increment = (c: { var: { session: { get(k: 'count'): number | undefined; set(k: 'count', v: number): void } }; text(t: string): Response }) => {
    c.var.session.set('count', (c.var.session.get('count') ?? 0) + 1)
    return c.text('ok')
  }

  // A cookie sealed under the old password: every mount re-seals it under the new one, so before the fix
  // both mounts wrote, and the browser kept the outer mount's line, made without the handler's change.
  async function oldPasswordCookie(): Promise<Jar> {
    const old = new Hono().use(ironSession<Counted>({ password: { 1: password } })).post('/count', increment)
    const jar = new Jar()
    jar.apply(await old.request(jar.request('/count', { method: 'POST' })))
    return jar
  }

  it('app-wide and again on the route, same options: one session, one Set-Cookie, the change kept', async () => {
    const options = { password: { 2: newPassword, 1: password } }
    // Two separately made middlewares of equal options (key order aside), as an app writes them inline.
    const app = new Hono()
      .use(ironSession<Counted>(options))
      .post('/count', ironSession<Counted>({ password: { 1: password, 2: newPassword } }), increment)
      .get('/count', (c) => c.text(String(c.var.session.get('count') ?? 0)))
    const jar = await oldPasswordCookie()
    const write = await app.request(jar.request('/count', { method: 'POST' }))
    expect(setCookieSummary(write)).toHaveLength(1)
    jar.apply(write)
    expect(await (await app.request(jar.request('/count'))).text()).toBe('2')
  })

  it('the same middleware value mounted twice: each request counts once', async () => {
    const session = ironSession<Counted>({ password })
    const app = new Hono().use(session).post('/count', session, increment).get('/count', session, (c) => c.text(String(c.var.session.get('count') ?? 0)))
    const jar = new Jar()
    for (let i = 0; i < 3; i++) jar.apply(await app.request(jar.request('/count', { method: 'POST' })))
    expect(await (await app.request(jar.request('/count'))).text()).toBe('3')
  })

  it('other options for the same cookie: the request fails with an error that says what to change', async () => {
    let caught: unknown
    const app = new Hono()
      .use(ironSession<Counted>({ password }))
      .post('/count', ironSession<Counted>({ password, ttl: 60 }), increment)
      .onError((error, c) => ((caught = error), c.text('failed', 500)))
    const response = await app.request(new Jar().request('/count', { method: 'POST' }))
    expect(response.status).toBe(500)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(String(caught)).toMatch(/mounted twice on this request for the cookie "session", with different options\. Make the middleware once/)
  })

  it('two cookie names are two sessions, each read and committed by its own mount', async () => {
    const app = new Hono()
      .use(ironSession<Counted>({ password, cookieName: 'outer' }))
      .post('/count', ironSession<Counted>({ password, cookieName: 'inner' }), increment)
    const write = await app.request(new Jar().request('/count', { method: 'POST' }))
    expect(setCookieSummary(write).map(([name]) => name)).toEqual(['inner'])
  })
})
