// Assertions the mutation run of src/core (docs/mutation.md) showed missing, through createSessions
// with real Requests and Responses.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { createSessions } from '../src/index.js'
import { Jar, password } from './helpers.js'

type Data = { count?: number }

describe('development warning for a Secure cookie answered to plain http: which hosts', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
    vi.restoreAllMocks()
  })

  async function warnedFor(url: string, headers: Record<string, string> = {}): Promise<string[]> {
    vi.stubEnv('NODE_ENV', 'development')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const sessions = createSessions<Data>({ password })
    const session = await sessions.read(new Request(url, { headers }))
    session.set('count', 1)
    await sessions.commit(session, new Response())
    return warn.mock.calls.map((call) => String(call[0]))
  }

  it.each(['http://127.0.0.1:8787/', 'http://[::1]:3000/', 'http://app.localhost/', 'http://localhost/'])('a browser keeps a Secure cookie from %s: no warning', async (url) => {
    expect(await warnedFor(url)).toEqual([])
  })

  it.each([
    ['http://localhost.example.com/', 'localhost.example.com'],
    ['http://10.0.0.2:3000/', '10.0.0.2'],
    ['http://app.internal/', 'app.internal'],
  ])('%s gets the warning, naming its host', async (url, host) => {
    const warnings = await warnedFor(url, { 'x-forwarded-proto': 'http' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(`plain-http request to ${host}: the browser will drop the cookie`)
  })

  it('no NODE_ENV at all counts as development', async () => {
    vi.stubEnv('NODE_ENV', undefined)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const sessions = createSessions<Data>({ password })
    const session = await sessions.read(new Request('http://10.0.0.2/'))
    session.set('count', 1)
    await sessions.commit(session, new Response())
    expect(warn).toHaveBeenCalledTimes(1)
  })
})

describe('one session per request however often it is mounted (src/core/mounts.ts)', () => {
  type Counted = { count?: number; after?: number; other?: number }

  it('an outer wrapper that changes the session after the inner one returned: one Set-Cookie, with both changes', async () => {
    const inner = withSession<Counted>({ password }, (_request, session) => {
      session.set('count', 1)
      return new Response('inner')
    })
    const outer = withSession<Counted>({ password }, async (request, session) => {
      const response = await inner(request)
      session.set('after', 2)
      return response
    })
    const jar = new Jar()
    const response = await outer(jar.request('/'))
    expect(response.headers.getSetCookie()).toHaveLength(1)
    jar.apply(response)
    expect((await createSessions<Counted>({ password }).read(jar.request('/'))).data).toEqual({ count: 1, after: 2 })
  })

  it('a second cookie mounted in between does not make the first one forget it was mounted', async () => {
    const seen: Array<[string, unknown]> = []
    const innermost = withSession<Counted>({ password }, (_request, session) => {
      session.set('count', 1)
      return new Response('innermost')
    })
    const middle = withSession<Counted>({ password, cookieName: 'other' }, (request, session) => {
      session.set('other', 1)
      return innermost(request)
    })
    const outer = withSession<Counted>({ password }, async (request, session) => {
      const response = await middle(request)
      seen.push(['outer', session.data.count])
      session.set('after', 2)
      return response
    })
    const jar = new Jar()
    const response = await outer(jar.request('/'))
    expect(response.headers.getSetCookie().map((line) => line.slice(0, line.indexOf('=')))).toEqual(['other', 'session'])
    expect(seen).toEqual([['outer', 1]])
    jar.apply(response)
    expect((await createSessions<Counted>({ password }).read(jar.request('/'))).data).toEqual({ count: 1, after: 2 })
  })
})
