import { describe, expect, it } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { Jar, password, setCookieSummary } from './helpers.js'

type Data = { count?: number }
type Env = { SESSION_PASSWORD: string }
const env: Env = { SESSION_PASSWORD: password }
const ctx = { waitUntil: () => {}, passThroughOnException: () => {} }

// A module Worker, called as workerd calls it: fetch(request, env, ctx).
const worker = {
  fetch: withSession<Data, Record<string, unknown>, [env: Env, ctx: typeof ctx]>(
    (env) => ({ password: env.SESSION_PASSWORD }),
    async (request, session) => {
      const path = new URL(request.url).pathname
      if (path === '/throws') {
        session.set('count', 99)
        throw new Error('handler failed')
      }
      if (path === '/login') {
        session.set('count', 0)
        return Response.redirect('https://app.example/', 302)
      }
      if (request.method === 'POST') {
        session.set('count', (session.get('count') ?? 0) + 1)
        return new Response('ok', { headers: { 'set-cookie': 'theme=dark; Path=/' } })
      }
      return new Response(String(session.data.count ?? 0))
    },
  ),
}

async function send(jar: Jar, path: string, method = 'GET') {
  const response = await worker.fetch(jar.request(path, { method }), env, ctx)
  jar.apply(response)
  return response
}

describe('fetch wrapper: withSession', () => {
  it('writes, reads, and a read-only request gets no Set-Cookie', async () => {
    const jar = new Jar()
    await send(jar, '/', 'POST')
    await send(jar, '/', 'POST')
    const read = await send(jar, '/')
    expect(await read.text()).toBe('2')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('keeps the handler\'s own cookies', async () => {
    expect(setCookieSummary(await send(new Jar(), '/', 'POST')).map(([name]) => name)).toEqual(['theme', 'session'])
  })

  it('writes on an immutable Response.redirect', async () => {
    const jar = new Jar()
    const response = await send(jar, '/login', 'POST')
    expect(response.status).toBe(302)
    expect(setCookieSummary(response)).toHaveLength(1)
    expect(await (await send(jar, '/')).text()).toBe('0')
  })

  it('a handler that throws saves nothing, and the error reaches the host', async () => {
    await expect(worker.fetch(new Jar().request('/throws'), env, ctx)).rejects.toThrow('handler failed')
  })

  it('takes a plain options object and the one-argument shape of Deno.serve and Bun.serve', async () => {
    const handler = withSession<Data, Record<string, unknown>, [info: { remoteAddr: unknown }]>({ password }, (_request, session, info) => {
      session.set('count', 5)
      return new Response(String(info.remoteAddr))
    })
    const response = await handler(new Request('https://app.example/'), { remoteAddr: '127.0.0.1' })
    expect(await response.text()).toBe('127.0.0.1')
    expect(setCookieSummary(response)).toHaveLength(1)
  })
})

describe('withSession wrapped twice', () => {
  type Counted = { count?: number }
  const count = async (request: Request, session: { get(k: 'count'): number | undefined; set(k: 'count', v: number): void }) => {
    if (request.method === 'POST') session.set('count', (session.get('count') ?? 0) + 1)
    return new Response(String(session.get('count') ?? 0))
  }

  it('an outer and an inner wrapper of equal options share one session; only the outer commits, with the change', async () => {
    // Sealed under the old password, so each wrapper would re-seal it: before the fix the outer's line, without the change, came last.
    const jar = new Jar()
    jar.apply(await withSession<Counted>({ password: { 1: password } }, count)(jar.request('/', { method: 'POST' })))
    const rotated = { password: { 2: 'the-newer-password-of-32-characters-or-more', 1: password } }
    const handler = withSession<Counted>(rotated, withSession<Counted>({ ...rotated }, count))
    const write = await handler(jar.request('/', { method: 'POST' }))
    expect(setCookieSummary(write)).toHaveLength(1)
    jar.apply(write)
    expect(await (await handler(jar.request('/'))).text()).toBe('2')
  })

  it('other options for the same cookie reject, saying what to change', async () => {
    const handler = withSession<Counted>({ password }, withSession<Counted>({ password, cookieName: 'session', ttl: 60 }, count))
    await expect(handler(new Jar().request('/', { method: 'POST' }))).rejects.toThrow(/mounted twice on this request for the cookie "session", with different options/)
  })
})
