// Revocations when the store fails, on an in-memory store that can be switched off (the Redis-frozen
// case of test/revocations.test.ts, for runs without Redis such as the mutation run: contributing/mutation.md).
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessions, SessionStoreError } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { Jar, password, visit } from './helpers.js'

type Data = { user?: string; count?: number }

/** An unstorage Storage whose every call fails while `down` is set, as a store that lost its network does. */
function switchableStore() {
  const storage = createStorage()
  const state = { down: false, calls: 0 }
  const gate = <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      state.calls++
      if (state.down) throw new Error('connection refused')
      return method(...args)
    }
  const store = {
    getItem: gate((key: string) => storage.getItem(key)),
    setItem: gate((key: string, value: string, options?: { ttl?: number }) => storage.setItem(key, value, options)),
    removeItem: gate((key: string) => storage.removeItem(key)),
    getKeys: gate((base?: string) => storage.getKeys(base)),
  }
  return { store, state }
}



/** A lagged instance (lag 2 s) on a switchable store, its errors collected, and a session holding count 7. */
async function laggedSignedIn() {
  const { store, state } = switchableStore()
  const errors: unknown[] = []
  const lagged = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onRefreshError: (error) => errors.push(error) }) })
  const jar = new Jar()
  await visit(lagged, jar, (s) => s.set('count', 7))
  return { store, state, errors, lagged, jar }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('a revocation store that fails', () => {
  it('lagged reads go on from the view within the lag and report the failed refresh; past it they fail closed (never silently open); a cold instance fails closed, or reads with onOutage open', async () => {
    const { store, state, errors, lagged, jar } = await laggedSignedIn()
    await visit(lagged, jar) // loads the view
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    state.down = true
    // Half a lag on, a background refresh starts and fails: the read goes on from the view.
    vi.setSystemTime(t0 + 1_500)
    expect((await visit(lagged, jar)).session.data.count).toBe(7)
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    expect(errors[0]).toBeInstanceOf(SessionStoreError)
    expect(String(errors[0])).toContain('refreshing the revocation view')
    expect(String(errors[0])).toContain('connection refused')
    // Past the lag, the view may miss a revocation: reads fail at once, with no store call, until the retry time.
    vi.setSystemTime(t0 + 2_500)
    await expect(lagged.read(jar.request())).rejects.toThrow('past the lag (2 s)')
    expect(errors).toHaveLength(1)
    // At the retry time a read waits for a refresh; it fails too, and so does the read.
    vi.setSystemTime(t0 + 3_600)
    await expect(lagged.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
    expect(errors).toHaveLength(2)
    expect(errors.every((error) => error instanceof SessionStoreError)).toBe(true)
    // With onOutage open, a lagged instance goes on from its view.
    const laggedOpen = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onOutage: 'open' }) })
    state.down = false
    await visit(laggedOpen, jar)
    state.down = true
    vi.setSystemTime(t0 + 8_000)
    expect((await visit(laggedOpen, jar)).session.data.count).toBe(7)

    const cold = createSessions<Data>({ password, revocations: revocable({ store, lag: 2 }) })
    await expect(cold.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
    const coldOpen = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onOutage: 'open' }) })
    expect((await coldOpen.read(jar.request())).data.count).toBe(7)

    // Back up: the next refresh after the retry time sees what was revoked meanwhile elsewhere.
    state.down = false
    const admin = createSessions<Data>({ password, revocations: revocable({ store, lag: 2 }) })
    const id = (await laggedOpen.read(jar.request())).id as string
    expect(await admin.revoke(id)).toBe(true)
    vi.setSystemTime(t0 + 10_500)
    const after = await lagged.read(jar.request())
    expect([after.unsealError, after.data]).toEqual(['revoked', {}])
  })

  // docs/revocations.md "Outages": a lagged instance whose refresh fails "tries again a lag later". Before the fix, every
  // request after a failed background refresh started another (the background refresh in verdict()
  // ignored view.retryAt), each calling the store and onRefreshError.
  it('after a failed refresh, the next one waits a lag (docs/revocations.md "Outages")', async () => {
    const { state, errors, lagged, jar } = await laggedSignedIn()
    await visit(lagged, jar)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    state.down = true
    vi.setSystemTime(t0 + 1_500) // half a lag on: a background refresh, which fails
    await visit(lagged, jar)
    await vi.waitFor(() => expect(errors).toHaveLength(1))
    const calls = state.calls
    // Within the lag the view answers; past it reads fail at once: neither calls the store before the retry time.
    for (const t of [1_600, 1_900, 2_500, 3_000, 3_400]) {
      vi.setSystemTime(t0 + t)
      await lagged.read(jar.request()).catch(() => undefined)
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect([errors.length, state.calls]).toEqual([1, calls])
  })

  it('strict reads fail with SessionStoreError, or read the session as not revoked with onOutage open', async () => {
    const { store, state } = switchableStore()
    const strict = createSessions<Data>({ password, revocations: revocable({ store, lag: 0 }) })
    const open = createSessions<Data>({ password, revocations: revocable({ store, lag: 0, onOutage: 'open' }) })
    const jar = new Jar()
    await visit(strict, jar, (s) => s.set('count', 3))
    state.down = true
    const failure = await strict.read(jar.request()).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(SessionStoreError)
    expect(String(failure)).toContain(`checking session ${((await open.read(jar.request())).id as string).slice(0, 8)}… for revocation`)
    expect((await open.read(jar.request())).data.count).toBe(3)
    // Revoking needs the store: it fails rather than pretend.
    await expect(strict.revoke('0'.repeat(32))).rejects.toBeInstanceOf(SessionStoreError)
  })

  it('a store that does not answer in storeTimeout fails the same way', async () => {
    const storage = createStorage()
    const hanging = { ...storage, getItem: () => new Promise<never>(() => {}), getKeys: storage.getKeys, setItem: storage.setItem, removeItem: storage.removeItem }
    const strict = createSessions<Data>({ password, storeTimeout: 50, revocations: revocable({ store: hanging, lag: 0 }) })
    const jar = new Jar()
    await visit(strict, jar, (s) => s.set('count', 1))
    await expect(strict.read(jar.request())).rejects.toThrow('did not answer within 50 ms')
  })
})

describe('revoke and revokeAll refuse what is not an id or a user', () => {
  const store = createStorage()
  const sessions = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store, lag: 0 }) })

  it.each([['not-an-id'], ['0'.repeat(31)], ['A'.repeat(32)]])('revoke(%j)', async (id) => {
    await expect(sessions.revoke(id)).rejects.toThrow('revoke(id) takes a session id as session.id gives it')
  })

  it.each<[unknown]>([[''], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [{}]])('revokeAll(%j)', async (user) => {
    await expect(sessions.revokeAll(user as string)).rejects.toThrow('revokeAll(user) takes the user id as userId returns it')
  })

  it('revokeAll with an except that is not an id', async () => {
    await expect(sessions.revokeAll('ada', { except: 'me' })).rejects.toThrow('revokeAll(user, { except }) takes a session id')
  })

  it('a number user id is the same user as its string', async () => {
    const jar = new Jar()
    const numbered = createSessions<{ user?: number }>({ password, userId: (data) => data.user, revocations: revocable({ store, lag: 0 }) })
    const session = await numbered.read(jar.request())
    session.set('user', 42)
    jar.apply(await numbered.commit(session, new Response()))
    await new Promise((resolve) => setTimeout(resolve, 2))
    expect(await numbered.revokeAll(42)).toEqual([])
    expect((await numbered.read(jar.request())).unsealError).toBe('revoked')
  })
})

describe('revocable() options fail at setup, each with its own message', () => {
  const store = createStorage()
  it.each<[unknown, string]>([
    [null, 'revocable() takes { store, lag? }, with store an unstorage Storage.'],
    ['redis://', 'revocable() takes { store, lag? }, with store an unstorage Storage.'],
    [{ store, lag: Number.NaN }, 'revocations.lag must be a number of seconds from 0'],
    [{ store, lag: 3601 }, 'revocations.lag must be a number of seconds from 0 (strict: the store is read on every request) to 3600; got 3601.'],
    [{ store, onRefreshError: 'log' }, 'revocations.onRefreshError must be a function (error) => void.'],
  ])('revocable(%j)', (options, message) => {
    expect(() => revocable(options as never)).toThrow(message)
  })

  it('lag 3600 is the most; lag 0 needs no getKeys', () => {
    expect(() => revocable({ store, lag: 3600 })).not.toThrow()
    expect(() => revocable({ store: { getItem: async () => null, setItem: async () => {}, removeItem: async () => {} }, lag: 0 })).not.toThrow()
  })

  it.each<[Record<string, unknown>, string]>([
    [{ storeTimeout: 1.5 }, 'storeTimeout must be a whole number of milliseconds, at least 1 (default 5000); got 1.5.'],
    [{ storeTimeout: 2 ** 31 }, 'storeTimeout must be a whole number of milliseconds'],
    [{ userId: 'user' }, 'userId must be a function of the session data, such as (data) => data.user?.id.'],
  ])('createSessions with revocations and %j', (options, message) => {
    expect(() => createSessions({ password, revocations: revocable({ store }), ...options } as never)).toThrow(message)
  })

  it('storeTimeout 1 and 2^31 - 1 are accepted; so is ttl 0 with maxLifetime', () => {
    for (const storeTimeout of [1, 2 ** 31 - 1]) expect(() => createSessions({ password, storeTimeout, revocations: revocable({ store }) })).not.toThrow()
    expect(() => createSessions({ password, ttl: 0, maxLifetime: 3600, revocations: revocable({ store }) })).not.toThrow()
  })
})

describe('what a revocation tells the app', () => {
  it.each([0, 5])('lag %i: onUnsealError hears which session, or which user and since when', async (lag) => {
    const store = createStorage()
    const told: string[] = []
    const options = { password, userId: (data: Data) => data.user, onUnsealError: (_: string, error: unknown) => told.push((error as Error).message), revocations: revocable({ store, lag }) }
    const here = createSessions<Data>(options)
    const jar = new Jar()
    const { session } = await visit(here, jar, (s) => s.set('user', 'ada'))
    const id = session.id as string
    const copy = new Jar(jar.header)
    await here.revoke(id)
    await here.read(copy.request())
    expect(told.at(-1)).toBe(`iron-fetch-session: session ${id.slice(0, 8)}… was revoked`)

    const other = new Jar()
    await visit(here, other, (s) => s.set('user', 'ada'))
    await new Promise((resolve) => setTimeout(resolve, 2))
    const before = Date.now()
    await here.revokeAll('ada')
    await here.read(other.request())
    const at = /from before (\S+) was revoked$/.exec(told.at(-1) ?? '')?.[1] as string
    expect(told.at(-1)).toBe(`iron-fetch-session: every session of this user from before ${at} was revoked`)
    expect(Math.abs(Date.parse(at) - before)).toBeLessThan(1000)
  })

  it('a store failure names the operation: read for a strict check, list for a refresh, end for a revocation', async () => {
    const { store, state } = switchableStore()
    const errors: unknown[] = []
    const strict = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store, lag: 0 }) })
    const lagged = createSessions<Data>({ password, revocations: revocable({ store, lag: 1, onRefreshError: (error) => errors.push(error) }) })
    const jar = new Jar()
    await visit(strict, jar, (s) => s.set('user', 'ada'))
    await lagged.read(jar.request())
    state.down = true
    const failed = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as SessionStoreError)
    const read = await failed(strict.read(jar.request()))
    expect([read?.operation, read?.message]).toEqual(['read', expect.stringContaining('for revocation')])
    const revoked = await failed(strict.revoke('0'.repeat(32)))
    expect([revoked?.operation, revoked?.message]).toEqual(['end', expect.stringContaining('while revoking session 00000000…')])
    const all = await failed(strict.revokeAll('ada'))
    expect([all?.operation, all?.message]).toEqual(['end', expect.stringContaining("while revoking a user's sessions")])
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 + 1_500 })
    const list = await failed(lagged.read(jar.request()))
    expect(list?.operation).toBe('list')
    expect((errors[0] as SessionStoreError).operation).toBe('list')
  })
})

describe('a revocation holds for as long as the cookie could be read', () => {
  it('minutes later, on the instance that revoked and on another, past several refreshes', async () => {
    const store = createStorage()
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag: 5 }) }
    const [here, there] = [createSessions<Data>(options), createSessions<Data>(options)]
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const jar = new Jar()
    // bob's one session is revoked by id; ada's by revokeAll: each refusal has one cause.
    const { session } = await visit(here, jar, (s) => s.set('user', 'bob'))
    const copy = new Jar(jar.header)
    const other = new Jar()
    await visit(here, other, (s) => s.set('user', 'ada'))
    await there.read(copy.request()) // there's view is loaded
    vi.setSystemTime(t0 + 10)
    await here.revoke(session.id as string)
    await here.revokeAll('ada')
    for (const minutes of [0.2, 1, 2, 3, 5, 8]) {
      vi.setSystemTime(t0 + minutes * 60_000)
      for (const instance of [here, there]) {
        expect((await instance.read(copy.request())).unsealError).toBe('revoked')
        expect((await instance.read(other.request())).unsealError).toBe('revoked')
      }
    }
  })
})

describe('what a lagged view takes from a store listing, and what strict reads take from a not-before', () => {
  it('keys that are not this library\'s, or malformed, are skipped; a getKeys that answers no array is reported', async () => {
    const storage = createStorage()
    let junk: unknown[] = []
    let answer: unknown
    const store = {
      getItem: (key: string) => storage.getItem(key),
      setItem: (key: string, value: string) => storage.setItem(key, value),
      removeItem: (key: string) => storage.removeItem(key),
      getKeys: async (base?: string) => (answer !== undefined ? answer : [...(await storage.getKeys(base)), ...junk]),
    }
    const id = '0123456789abcdef0123456789abcdef'
    junk = [
      42,
      null,
      `other:${id}`,
      `ifs:rv:log:notabucket:id:${id}`,
      `ifs:rv:log:1:id:not-an-id`,
      `ifs:rv:log:1:idx:${id}`,
      `ifs:rv:log:1:user:not-a-user-key:1:-`,
      `ifs:rv:log:1:user::1:-`,
    ]
    const errors: unknown[] = []
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag: 1, onRefreshError: (error: unknown) => errors.push(error) }) }
    const writer = createSessions<Data>(options)
    const jar = new Jar()
    await visit(writer, jar, (s) => s.set('user', 'ada'))
    const reader = createSessions<Data>(options)
    const read = await reader.read(jar.request())
    expect([read.data, read.unsealError, errors]).toEqual([{ user: 'ada' }, undefined, []])

    answer = { keys: [] }
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 + 1_500 })
    // The view is older than the lag and the refresh failed: the read fails (503), never a sign-out.
    await expect(reader.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
    expect(errors[0]).toBeInstanceOf(SessionStoreError)
    expect(String(errors[0])).toContain('getKeys answered object, not an array of keys')
  })

  it('two revokeAll of one user: a view that lists both keeps the later one', async () => {
    const store = createStorage()
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag: 5 }) }
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const here = createSessions<Data>(options)
    await here.revokeAll('ada')
    vi.setSystemTime(t0 + 1_000)
    const jar = new Jar()
    await visit(here, jar, (s) => s.set('user', 'ada')) // made between the two
    vi.setSystemTime(t0 + 2_000)
    await here.revokeAll('ada')
    vi.setSystemTime(t0 + 3_000)
    const there = createSessions<Data>(options) // its first read lists both
    expect((await there.read(jar.request())).unsealError).toBe('revoked')
  })

  it('strict (lag 0): revokeAll(user, { except }) spares the kept session on another instance', async () => {
    const store = createStorage()
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag: 0 }) }
    const [here, there] = [createSessions<Data>(options), createSessions<Data>(options)]
    const kept = new Jar()
    const other = new Jar()
    const { session: current } = await visit(here, kept, (s) => s.set('user', 'ada'))
    await visit(here, other, (s) => s.set('user', 'ada'))
    await new Promise((resolve) => setTimeout(resolve, 2))
    await here.revokeAll('ada', { except: current.id })
    expect((await there.read(kept.request())).data).toEqual({ user: 'ada' })
    expect((await there.read(other.request())).unsealError).toBe('revoked')
  })
})
