// Options are strict: a typo fails at setup, naming the option it meant, in every entry point
// but the iron-session drop-in; and a Secure cookie answered to plain http is a warning in development.
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { ironSession as fetchRouterSession } from '../src/adapters/fetch-router.js'
import { ironSession } from '../src/adapters/hono.js'
import { getIronSession } from '../src/adapters/iron-session.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { Jar, password, setCookieSummary } from './helpers.js'

type Data = { count?: number }
const loose = (options: object) => options as SessionOptions

/** One request that writes { count: 1 } through `sessions`, to `url`. */
async function write(options: SessionOptions, url = 'https://app.example/') {
  const sessions = createSessions<Data>(options)
  const session = await sessions.read(new Request(url))
  session.set('count', 1)
  return sessions.commit(session, new Response('ok'))
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('strict options', () => {
  it.each<[object, string]>([
    [{ password, cookieOption: { secure: false } }, 'unknown option "cookieOption". Did you mean cookieOptions?'],
    [{ password, ttL: 60 }, 'unknown option "ttL". Did you mean ttl?'],
    [{ password, maxlifetime: 60 }, 'Did you mean maxLifetime?'],
    [{ password, secret: 'x' }, 'unknown option "secret". The known ones are password, cookieName,'],
    [{ password, cookieOptions: { secur: false } }, 'unknown cookie attribute "secur". Did you mean secure?'],
    [{ password, cookieOptions: { samesite: 'lax' } }, 'Did you mean sameSite?'],
    [{ password, cookieOptions: { maxAge: 10 } }, "cookieOptions.maxAge is not an option here: the cookie's Max-Age follows ttl"],
    [{ password, cookieOptions: { maxAge: undefined } }, 'or persistentCookie: false for a cookie that ends when the browser closes'],
    [{ password, cookieOptions: { expires: new Date(Date.now() + 1000) } }, 'cookieOptions.expires is not an option here'],
    [{ password, persistentCookie: 'no' }, 'persistentCookie must be true or false'],
    [{ password, maxAge: 3600 }, 'unknown option "maxAge". A session\'s lifetime is ttl (seconds, default 14 days)'],
    [{ password, expires: new Date() }, 'unknown option "expires". A session\'s lifetime is ttl'],
  ])('%o fails at setup with a message naming the fix', (options, message) => {
    expect(() => createSessions(loose(options))).toThrow(message)
  })

  it('every adapter refuses the same typo when it is made', () => {
    const typo = loose({ password, cookieOption: { secure: false } })
    expect(() => ironSession(typo)).toThrow('Did you mean cookieOptions?')
    expect(() => withSession(typo, () => new Response())).toThrow('Did you mean cookieOptions?')
    expect(() => fetchRouterSession(typo)).toThrow('Did you mean cookieOptions?')
  })

  it('a Hono options factory is checked on its first request, and the error is the response', async () => {
    const app = new Hono().use(ironSession(() => loose({ password, cookieOption: {} }))).get('/', (c) => c.text('ok'))
    const response = await app.request('/')
    expect(response.status).toBe(500)
  })

  it('the iron-session drop-in takes what iron-session takes, maxAge included', async () => {
    const session = await getIronSession<Data>(new Request('https://app.example/'), new Response(), { password, cookieName: 'app', cookieOptions: { maxAge: 60 } })
    expect({ ...session }).toEqual({})
  })
})

describe('persistentCookie: false, a browser-session cookie', () => {
  it('writes no Max-Age and no Expires, while the seal still expires after ttl on the server', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const options = { password, ttl: 3600, persistentCookie: false }
      const response = await write(options)
      const line = response.headers.getSetCookie()[0] as string
      expect(line).toMatch(/^session=Fe26[^;]*; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
      const jar = new Jar().apply(response)
      const sessions = createSessions<Data>(options)
      expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
      vi.advanceTimersByTime(3661_000)
      expect((await sessions.read(jar.request())).unsealError).toBe('expired')
    } finally {
      vi.useRealTimers()
    }
  })

  it('sign-out still expires the cookie with Max-Age=0', async () => {
    const options = { password, persistentCookie: false }
    const jar = new Jar().apply(await write(options))
    const sessions = createSessions<Data>(options)
    const session = await sessions.read(jar.request())
    session.destroy()
    expect(setCookieSummary(await sessions.commit(session, new Response()))).toEqual([['session', 0]])
  })
})

describe('development warning: a Secure cookie answered to plain http', () => {
  it('warns once, naming the host, when not in production', async () => {
    vi.stubEnv('NODE_ENV', 'development')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const sessions = createSessions<Data>({ password })
    for (let i = 0; i < 3; i++) {
      const session = await sessions.read(new Request('http://192.168.1.20:3000/'))
      session.set('count', i)
      await sessions.commit(session, new Response())
    }
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/session cookie session is Secure, but this response answers a plain-http request to 192\.168\.1\.20: the browser will drop the cookie/)
  })

  it.each<[string, string, Record<string, string>, SessionOptions]>([
    ['in production', 'production', {}, { password }],
    ['on localhost', 'development', {}, { password }],
    ['over https', 'development', {}, { password }],
    ['behind a proxy that terminated https', 'development', { 'x-forwarded-proto': 'https' }, { password }],
    ['when the cookie is not Secure', 'development', {}, { password, cookieOptions: { secure: false } }],
  ])('stays silent %s', async (name, env, headers, options) => {
    vi.stubEnv('NODE_ENV', env)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const url = name === 'on localhost' ? 'http://localhost:3000/' : name === 'over https' ? 'https://192.168.1.20/' : 'http://192.168.1.20/'
    const sessions = createSessions<Data>(options)
    const session = await sessions.read(new Request(url, { headers }))
    session.set('count', 1)
    await sessions.commit(session, new Response())
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('data that is not JSON: each kind gets its own hint', () => {
  const sessions = createSessions<Record<string, unknown>>({ password })
  async function commitWith(value: unknown) {
    const session = await sessions.read(new Request('https://app.example/'))
    session.data.x = value
    return sessions.commit(session, new Response())
  }

  it.each<[string, unknown, string]>([
    ['NaN', Number.NaN, 'session.x is NaN. Store a finite number, or null.'],
    ['a Date', new Date(0), 'session.x is a Date. Store a Date as Date.now() or as an ISO string'],
    ['a Map', new Map(), 'session.x is a Map. Store a Map as a plain object (Object.fromEntries(map))'],
    ['a Set', new Set([1]), 'session.x is a Set. Store a Set as an array ([...set])'],
    ['a BigInt', 1n, 'session.x is a BigInt. Store it as a string'],
    ['a function', () => 1, 'session.x is a function. Functions and symbols cannot be stored'],
    ['a class instance', new (class Cart {})(), 'session.x is a Cart. Store a plain object with the fields you need'],
  ])('%s', async (_, value, message) => {
    await expect(commitWith(value)).rejects.toThrow(message)
  })

  it('data whose prototype was replaced by an assigned "__proto__" key is named as such', async () => {
    const session = await sessions.read(new Request('https://app.example/'))
    Object.assign(session.data, JSON.parse('{"__proto__": {"admin": true}, "name": "ada"}'))
    await expect(sessions.commit(session, new Response())).rejects.toThrow(
      'session has a replaced prototype. Copy it into a plain object ({ ...value }), and never assign a parsed "__proto__" key onto session data.',
    )
  })
})
