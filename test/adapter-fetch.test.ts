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
