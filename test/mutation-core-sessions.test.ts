// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, through createSessions
// with real Requests and Responses.
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { cachedPasswords } from '../src/core/passwords.js'
import { seal } from '../src/core/seal.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { revocable } from '../src/revocations.js'
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

describe('a seal read by another instance (no unseal cache to lean on)', () => {
  type Data = { count?: number; userId?: number }
  type Flash = { notice: string }

  /** Sealed as our commit does it, but with this bookkeeping: what a forger with the password, or a buggy writer, could send. */
  async function forged(payload: unknown, ttl = 3600): Promise<Jar> {
    return new Jar(`session=${await seal(cachedPasswords(password), payload, ttl)}`)
  }

  async function readBy(options: Partial<SessionOptions<Data>>, jar: Jar) {
    const told: Array<[string, string]> = []
    const sessions = createSessions<Data>({ password, onUnsealError: (reason, error) => told.push([reason, String((error as Error).message)]), ...options })
    const session = await sessions.read(jar.request('/'))
    return { session, told }
  }

  it('a flash set on one instance is read once on another', async () => {
    const here = createSessions<Data, Flash>({ password })
    const there = createSessions<Data, Flash>({ password })
    const jar = new Jar()
    const first = await here.read(jar.request('/'))
    first.flash('notice', 'Signed in')
    jar.apply(await here.commit(first, new Response()))
    const second = await there.read(jar.request('/'))
    expect(second.getFlash('notice')).toBe('Signed in')
    jar.apply(await there.commit(second, new Response()))
    expect((await createSessions<Data, Flash>({ password }).read(jar.request('/'))).getFlash('notice')).toBeUndefined()
  })

  // The identity fields are read by a server-side mode (src/core/identity.ts): with a store and with revocations, a malformed one refuses the seal.
  it.each<[string, Record<string, unknown>, string]>([
    ['an id that is not a session id', { count: 1, __ifs: { created: 1, sealed: 1, id: 'not-an-id' } }, "the seal's __ifs.id is not a session id"],
    ['a rid that is not a session id', { count: 1, __ifs: { created: 1, sealed: 1, rid: 'nope' } }, "the seal's __ifs.rid is not a session id"],
    ['a user key that is a number', { count: 1, __ifs: { created: 1, sealed: 1, u: 5 } }, "the seal's __ifs.u is not a user key"],
    ['a user key of the wrong shape', { count: 1, __ifs: { created: 1, sealed: 1, u: 'nope' } }, "the seal's __ifs.u is not a user key"],
  ])('bookkeeping with a mode: %s is refused as invalid, saying so', async (_, payload, message) => {
    for (const options of [{ store: sessionStore(createStorage()) }, { revocations: revocable({ store: createStorage(), lag: 0 }) }]) {
      const { session, told } = await readBy(options, await forged(payload))
      expect([session.isNew, session.data, session.unsealError]).toEqual([true, {}, 'invalid'])
      expect(told).toEqual([['invalid', `iron-fetch-session: ${message}`]])
    }
  })

  it('cookie-only, the identity fields of a seal are not read: its data is', async () => {
    const { session, told } = await readBy({}, await forged({ count: 1, __ifs: { created: 1, sealed: 1, rid: 'nope', u: 5 } }))
    expect([session.isNew, session.data, told]).toEqual([false, { count: 1 }, []])
  })

  it.each<[string, Record<string, unknown>, string]>([
    ['__ifs is not an object', { count: 1, __ifs: 5 }, "the seal's __ifs is not an object"],
    ['__ifs is null', { count: 1, __ifs: null }, "the seal's __ifs is not an object"],
    ['a time that is not a number', { count: 1, __ifs: { created: '2030' } }, "the seal's __ifs holds a time that is not a past moment"],
    ['a flash that is an array', { count: 1, __ifs: { created: 1, sealed: 1, flash: ['x'] } }, "the seal's __ifs.flash is not an object"],
    ['a flash that is null', { count: 1, __ifs: { created: 1, sealed: 1, flash: null } }, "the seal's __ifs.flash is not an object"],
    ['a flash that is a string', { count: 1, __ifs: { created: 1, sealed: 1, flash: 'x' } }, "the seal's __ifs.flash is not an object"],
    ['a stored-session id without a store', { __ifs: { created: 1, sealed: 1, id: '0'.repeat(32) } }, 'the seal names a stored session, and no store is configured'],
    ['a sealData token', { count: 1, __ifs: { purpose: 'data' } }, 'the seal is a sealData token, not a session'],
  ])('bookkeeping: %s is refused as invalid, saying so', async (_, payload, message) => {
    const { session, told } = await readBy({}, await forged(payload))
    expect([session.isNew, session.data, session.unsealError]).toEqual([true, {}, 'invalid'])
    expect(told).toEqual([['invalid', `iron-fetch-session: ${message}`]])
  })

  it.each<[string, unknown]>([
    ['a string', 'just a string'],
    ['an array', [1, 2]],
    ['null', null],
  ])('a payload that is %s is invalid-data', async (_, payload) => {
    const { session, told } = await readBy({}, await forged(payload))
    expect([session.data, session.unsealError]).toEqual([{}, 'invalid-data'])
    expect(told).toEqual([['invalid-data', 'iron-fetch-session: the sealed payload is not an object']])
  })

  it('ttl 0 with maxLifetime: our own seals carry their creation time and are read', async () => {
    const options = { password, ttl: 0, maxLifetime: 3600 }
    const jar = new Jar()
    const writer = createSessions<Data>(options)
    const session = await writer.read(jar.request('/'))
    session.set('count', 1)
    jar.apply(await writer.commit(session, new Response()))
    expect((await createSessions<Data>(options).read(jar.request('/'))).data).toEqual({ count: 1 })
  })

  it('a seal with a longer life than ttl is read when there is no maxLifetime to protect', async () => {
    const { session, told } = await readBy({ ttl: 3600 }, await forged({ userId: 1 }, 30 * 24 * 3600))
    expect([session.data, told]).toEqual([{ userId: 1 }, []])
  })

  it('with ttl 0 and maxLifetime, an iron-session seal expiring within maxLifetime is read, one expiring later is refused', async () => {
    expect((await readBy({ ttl: 0, maxLifetime: 3600 }, await forged({ userId: 1 }, 1800))).session.data).toEqual({ userId: 1 })
    const late = await readBy({ ttl: 0, maxLifetime: 3600 }, await forged({ userId: 1 }, 7200))
    expect(late.session.unsealError).toBe('expired')
    expect(late.told[0]?.[1]).toMatch(/^iron-fetch-session: the seal expires at \d{4}-\d\d-\d\dT.*Z, later than ttl \(or, with ttl 0, maxLifetime\) allows$/)
  })

  it('an iron-session seal with no expiry under maxLifetime is refused, saying why', async () => {
    const { session, told } = await readBy({ maxLifetime: 3600 }, await forged({ userId: 1 }, 0))
    expect(session.unsealError).toBe('expired')
    expect(told[0]?.[1]).toBe('iron-fetch-session: the seal has no expiry and no creation time, so maxLifetime cannot be enforced')
  })

  it('expiry and maxLifetime refusals say when', async () => {
    const t0 = Date.UTC(2032, 0, 1)
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    try {
      const jar = new Jar()
      const writer = createSessions<Data>({ password, ttl: 600 })
      const session = await writer.read(jar.request('/'))
      session.set('count', 1)
      jar.apply(await writer.commit(session, new Response()))
      vi.setSystemTime(t0 + 700_000)
      const expired = await readBy({ ttl: 600 }, jar)
      expect(expired.told).toEqual([['expired', `iron-fetch-session: the seal expired at ${new Date(t0 + 600_000).toISOString()}`]])
      vi.setSystemTime(t0 + 120_000)
      const old = await readBy({ ttl: 600, maxLifetime: 100 }, jar)
      expect(old.told).toEqual([['expired', `iron-fetch-session: the session passed maxLifetime (created ${new Date(t0).toISOString()})`]])
    } finally {
      vi.useRealTimers()
    }
  })

  it('chunks without chunk 0, and an oversized Cookie header, say why they are refused', async () => {
    expect((await readBy({ chunk: true }, new Jar('session.1=abc'))).told).toEqual([['invalid', 'iron-fetch-session: session cookie chunks without chunk 0']])
    const huge = new Request('https://app.example/', { headers: { cookie: `a=${'x'.repeat(70_000)}` } })
    const told: string[] = []
    const session = await createSessions({ password, onUnsealError: (_, error) => told.push((error as Error).message) }).read(huge)
    expect([session.unsealError, told]).toEqual(['invalid', ['iron-fetch-session: the Cookie header is over 64 KiB and was not read']])
  })

  it('a schema refusal on read names each issue by its path', async () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: () => ({ issues: [{ message: 'must be a number', path: ['user', { key: 'age' }] }, { message: 'too many keys' }] }),
      },
    }
    const { session, told } = await readBy({ schema } as never, await forged({ user: { age: 'x' } }))
    expect(session.unsealError).toBe('invalid-data')
    expect(told[0]?.[1]).toBe('iron-fetch-session: the session data does not match the schema (user.age: must be a number; too many keys)')
  })
})

describe('destroy() and regenerateId() end the old session only when they say so', () => {
  type Data = { user?: string }
  const signedIn = async (sessions: ReturnType<typeof createSessions<Data>>) => {
    const jar = new Jar()
    const session = await sessions.read(jar.request('/'))
    session.set('user', 'ada')
    jar.apply(await sessions.commit(session, new Response()))
    return jar
  }
  const step = async (sessions: ReturnType<typeof createSessions<Data>>, jar: Jar, act: (session: Awaited<ReturnType<ReturnType<typeof createSessions<Data>>['read']>>) => void) => {
    const session = await sessions.read(jar.request('/'))
    act(session)
    jar.apply(await sessions.commit(session, new Response()))
  }

  it.each([
    ['a store', () => ({ store: sessionStore(createStorage()) })],
    ['revocations (lag 0)', () => ({ revocations: revocable({ store: createStorage(), lag: 0 }) })],
  ])('with %s: regenerateId() keeps the old cookie readable, regenerateId(true) and destroy() end it', async (_, extra) => {
    const options = { password, ...extra() }
    const [here, there] = [createSessions<Data>(options), createSessions<Data>(options)]

    const jar = await signedIn(here)
    const before = new Jar(jar.header)
    await step(here, jar, (s) => s.regenerateId())
    expect(jar.header).not.toBe(before.header)
    expect((await there.read(before.request('/'))).data).toEqual({ user: 'ada' })

    const kept = new Jar(jar.header)
    await step(here, jar, (s) => s.regenerateId(true))
    expect((await there.read(kept.request('/'))).data).toEqual({})
    expect((await there.read(jar.request('/'))).data).toEqual({ user: 'ada' })

    const last = new Jar(jar.header)
    await step(here, jar, (s) => s.destroy())
    const replay = await there.read(last.request('/'))
    expect([replay.data, replay.isNew]).toEqual([{}, true])
  })
})
