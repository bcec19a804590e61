import { createRouter } from '@remix-run/fetch-router'
import { describe, expect, it } from 'vitest'
import { ironSession, SessionKey } from '../src/adapters/fetch-router.js'
import { Jar, password, setCookieSummary } from './helpers.js'

type Data = { count?: number; name?: string }

function app() {
  const router = createRouter({ middleware: [ironSession<Data>({ password })] })
  router.get('/count', (context) => new Response(String(context.session.data.count ?? 0)))
  router.post('/count', (context) => {
    const session = context.get(SessionKey)
    session.set('count', (session.get('count') ?? 0) + 1)
    return new Response('ok', { headers: { 'set-cookie': 'theme=dark; Path=/' } })
  })
  router.post('/login', (context) => {
    context.session.set('name', 'ada')
    return Response.redirect('https://app.example/count', 303)
  })
  router.post('/throws', (context) => {
    context.session.set('name', 'thrown')
    throw new Error('handler failed')
  })
  return router
}

async function send(jar: Jar, path: string, method = 'GET') {
  const response = await app().fetch(jar.request(path, { method }))
  jar.apply(response)
  return response
}

describe('fetch-router: ironSession middleware', () => {
  it('writes, reads, and a read-only request gets no Set-Cookie', async () => {
    const jar = new Jar()
    expect(await (await send(jar, '/count')).text()).toBe('0')
    await send(jar, '/count', 'POST')
    await send(jar, '/count', 'POST')
    const read = await send(jar, '/count')
    expect(await read.text()).toBe('2')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('keeps the handler\'s own cookies', async () => {
    const jar = new Jar()
    expect(setCookieSummary(await send(jar, '/count', 'POST')).map(([name]) => name)).toEqual(['theme', 'session'])
  })

  it('writes on an immutable Response.redirect', async () => {
    const jar = new Jar()
    const response = await send(jar, '/login', 'POST')
    expect([response.status, response.headers.get('location')]).toEqual([303, 'https://app.example/count'])
    expect(setCookieSummary(response)).toHaveLength(1)
    expect(jar.cookies.has('session')).toBe(true)
  })

  it('a handler that throws saves nothing, and its error reaches the caller', async () => {
    const jar = new Jar()
    await expect(app().fetch(jar.request('/throws', { method: 'POST' }))).rejects.toThrow('handler failed')
    expect(jar.cookies.size).toBe(0)
  })
})

describe('fetch-router: the middleware on the router and again on an action', () => {
  it('equal options: one session, one Set-Cookie carrying the change', async () => {
    const rotated = { password: { 2: 'the-newer-password-of-32-characters-or-more', 1: password } }
    const router = createRouter({ middleware: [ironSession<Data>(rotated)] })
    router.post('/count', {
      middleware: [ironSession<Data>({ password: { 1: password, 2: rotated.password[2] } })],
      handler: (context) => {
        const session = context.get(SessionKey)
        session.set('count', ((session.get('count') as number | undefined) ?? 0) + 1)
        return new Response('ok')
      },
    })
    router.get('/count', (context) => new Response(String(context.get(SessionKey).get('count') ?? 0)))
    // A cookie under the old password: both mounts would re-seal it, the outer last and without the change.
    const jar = new Jar()
    const old = createRouter({ middleware: [ironSession<Data>({ password: { 1: password } })] })
    old.post('/count', (context) => (context.session.set('count', 1), new Response('ok')))
    jar.apply(await old.fetch(jar.request('/count', { method: 'POST' })))
    const write = await router.fetch(jar.request('/count', { method: 'POST' }))
    expect(setCookieSummary(write)).toHaveLength(1)
    jar.apply(write)
    expect(await (await router.fetch(jar.request('/count'))).text()).toBe('2')
  })

  it('other options for the same cookie: the request fails with an error that says what to change', async () => {
    const router = createRouter({ middleware: [ironSession<Data>({ password })] })
    router.post('/count', { middleware: [ironSession<Data>({ password, ttl: 60 })], handler: () => new Response('ok') })
    await expect(router.fetch(new Jar().request('/count', { method: 'POST' }))).rejects.toThrow(/mounted twice on this request for the cookie "session", with different options/)
  })
})
