// Revocations when the store fails, on an in-memory store that can be switched off (the Redis-frozen
// case of test/revocations.test.ts, for runs without Redis such as the mutation run: docs/mutation.md).
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessions, SessionStoreError, type Session, type Sessions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { Jar, password } from './helpers.js'

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

async function visit(sessions: Sessions<Data>, jar: Jar, handler: (session: Session<Data>) => unknown = () => {}) {
  const session = await sessions.read(jar.request())
  handler(session)
  jar.apply(await sessions.commit(session, new Response('ok')))
  return session
}

afterEach(() => {
  vi.useRealTimers()
})

describe('a revocation store that fails', () => {
  it('lagged reads go on from the last view and report the failed refresh; a cold instance fails closed, or reads with onOutage open', async () => {
    const { store, state } = switchableStore()
    const errors: unknown[] = []
    const lagged = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onRefreshError: (error) => errors.push(error) }) })
    const jar = new Jar()
    await visit(lagged, jar, (s) => s.set('count', 7))
    await visit(lagged, jar) // loads the view
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    state.down = true
    vi.setSystemTime(t0 + 2_500)
    expect((await visit(lagged, jar)).data.count).toBe(7)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(SessionStoreError)
    expect(String(errors[0])).toContain('refreshing the revocation view')
    expect(String(errors[0])).toContain('connection refused')
    // Within the next lag, requests still read from the view rather than fail.
    vi.setSystemTime(t0 + 3_500)
    expect((await visit(lagged, jar)).data.count).toBe(7)
    vi.setSystemTime(t0 + 5_000)
    expect((await visit(lagged, jar)).data.count).toBe(7)
    expect(errors.length).toBeGreaterThanOrEqual(2)
    expect(errors.every((error) => error instanceof SessionStoreError)).toBe(true)

    const cold = createSessions<Data>({ password, revocations: revocable({ store, lag: 2 }) })
    await expect(cold.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
    const coldOpen = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onOutage: 'open' }) })
    expect((await coldOpen.read(jar.request())).data.count).toBe(7)

    // Back up: the next refresh after the retry time sees what was revoked meanwhile elsewhere.
    state.down = false
    const admin = createSessions<Data>({ password, revocations: revocable({ store, lag: 2 }) })
    const id = (await lagged.read(jar.request())).id as string
    expect(await admin.revoke(id)).toBe(true)
    vi.setSystemTime(t0 + 7_500)
    const after = await lagged.read(jar.request())
    expect([after.unsealError, after.data]).toEqual(['revoked', {}])
  })

  // README "Outages": a lagged instance whose refresh fails "tries again a lag later". It does not: every
  // request after a failed background refresh starts another (src/core/revocations.ts, the background
  // refresh in verdict() ignores view.retryAt), each calling the store and onRefreshError. Known bug,
  // written down in docs/mutation.md; this test passes while the bug is there and fails once it is fixed.
  it.fails('after a failed refresh, the next one waits a lag (README "Outages") [known bug]', async () => {
    const { store, state } = switchableStore()
    const errors: unknown[] = []
    const lagged = createSessions<Data>({ password, revocations: revocable({ store, lag: 2, onRefreshError: (error) => errors.push(error) }) })
    const jar = new Jar()
    await visit(lagged, jar, (s) => s.set('count', 7))
    await visit(lagged, jar)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    state.down = true
    vi.setSystemTime(t0 + 2_500)
    await visit(lagged, jar)
    const calls = state.calls
    for (const t of [2_600, 3_000, 3_500, 4_000]) {
      vi.setSystemTime(t0 + t)
      await visit(lagged, jar)
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
