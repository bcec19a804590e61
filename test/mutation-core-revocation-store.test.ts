// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on revocations and their
// store: the Redis-cluster refusal, what a lagged view forgets (its memory stays bounded), keys in the
// revocation log that are not this library's, the lifetime the store is told for each key, a store
// that answers undefined for a missing key, and the background refresh halfway through the lag.
import { createStorage, type Driver } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RevocationView } from '../src/revocations/revocations.js'
import { createSessions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { Jar, password, visit } from './helpers.js'

type Data = { user?: string; count?: number }

afterEach(() => {
  vi.useRealTimers()
})

/** A driver that keeps nothing, with the name and options given (unstorage's drivers carry both). */
const driverNamed = (name: string, options?: unknown): Driver => ({
  name,
  options,
  hasItem: () => false,
  getItem: () => null,
  getKeys: () => [],
})

describe('revocations on unstorage\'s Redis driver, single or cluster', () => {
  // Lazy: the redis driver connects on first use, and these stores are never used.
  const cluster = () => redisDriver({ cluster: [{ host: '127.0.0.1', port: 7000 }] })

  it('are accepted with a lag on a cluster too: the log is one stream, not a listing of one node (test/store-cluster.test.ts)', () => {
    expect(() => revocable({ store: createStorage({ driver: cluster() }) })).not.toThrow()
    expect(() => revocable({ store: createStorage({ driver: cluster() }), lag: 1 })).not.toThrow()
    const storage = createStorage()
    storage.mount('ifs:rv', cluster())
    expect(() => revocable({ store: storage, lag: 5 })).not.toThrow()
  })

  it('a single Redis, another driver with a cluster option, or a Redis-named driver without options are accepted', () => {
    expect(() => revocable({ store: createStorage({ driver: redisDriver({ url: 'redis://127.0.0.1:7000' }) }) })).not.toThrow()
    expect(() => revocable({ store: createStorage({ driver: driverNamed('mine', { cluster: [{ port: 7000 }] }) }) })).not.toThrow()
    expect(() => revocable({ store: createStorage({ driver: driverNamed('redis') }) })).not.toThrow()
    expect(() => revocable({ store: createStorage() })).not.toThrow()
  })
})

describe('a lagged view forgets what no seal can still be read for', () => {
  // A bucket is a minute of revocations, all of which end together (listed or written, until = end of the bucket + lifetime):
  // prune walks a bucket only once the last of its ids can no longer matter, never the live ones (1M live ids cost nothing).
  it('ids, bucket by bucket: a bucket goes once its last id has expired; until then its ids are kept, the earlier ones too', () => {
    const view = new RevocationView()
    view.addId('a', 1, 100)
    view.addId('b', 1, 200)
    view.addId('c', 2, 300)
    view.prune(99)
    expect([...view.ids.keys()]).toEqual(['a', 'b', 'c'])
    view.prune(100)
    expect([...view.ids.keys()]).toEqual(['a', 'b', 'c'])
    view.prune(200)
    expect([...view.ids.keys()]).toEqual(['c'])
    view.prune(300)
    expect(view.ids.size).toBe(0)
  })

  it('an id listed again keeps the later expiry, and is forgotten once that passes', () => {
    const view = new RevocationView()
    view.addId('a', 2, 200)
    view.addId('a', 1, 100)
    expect(view.ids.get('a')).toBe(200)
    view.addId('b', 1, 150)
    view.addId('b', 3, 400)
    expect(view.ids.get('b')).toBe(400)
    view.prune(200)
    expect([...view.ids.keys()]).toEqual(['b'])
    view.prune(400)
    expect(view.ids.size).toBe(0)
  })

  it('a bucket whose ids all went is dropped, and later ids in a new list for it are still forgotten', () => {
    const view = new RevocationView()
    view.addId('a', 1, 100)
    view.prune(100)
    view.addId('b', 1, 300)
    view.addId('c', 1, 200)
    view.prune(250)
    expect([...view.ids.keys()]).toEqual(['b', 'c'])
    view.prune(300)
    expect(view.ids.size).toBe(0)
  })

  it("a user's not-before: the latest one counts, and it is forgotten when it can end no seal", () => {
    const view = new RevocationView()
    view.addUser('k', 200, undefined, 1200)
    view.addUser('k', 100, 'x'.repeat(32), 1100)
    expect(view.users.get('k')).toEqual({ at: 200, except: undefined, until: 1200 })
    view.addUser('k', 300, undefined, 1300)
    expect(view.users.get('k')?.at).toBe(300)
    view.prune(1299)
    expect(view.users.has('k')).toBe(true)
    view.prune(1300)
    expect(view.users.has('k')).toBe(false)
  })
})

/** Every key the store holds. */
const keysOf = (storage: ReturnType<typeof createStorage>) => storage.getKeys()

describe('keys in the revocation log that are not this library\'s', () => {
  it('are skipped: a bucket that is not a number, an unknown kind, a user key under another kind', async () => {
    const storage = createStorage()
    const writer = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: storage, lag: 0 }) })
    const jar = new Jar()
    const { session } = await visit(writer, jar, (s) => s.set('user', 'ada'))
    const id = session.id as string
    // ada's user key, as revokeAll writes it, taken from another store.
    const other = createStorage()
    await createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: other, lag: 0 }) }).revokeAll('ada')
    const logged = (await keysOf(other)).find((key) => key.startsWith('ifs:rv:log:'))!
    const [, , , bucket, kind, userKey, at] = logged.split(':')
    expect(kind).toBe('user')
    const later = String(Number(at) + 60_000)

    await storage.setItem(`ifs:rv:log:x${bucket}:id:${id}`, 'x')
    await storage.setItem(`ifs:rv:log:${bucket}:other:${id}`, 'x')
    await storage.setItem(`ifs:rv:log:${bucket}:note:${userKey}:${later}:-`, 'x')
    await storage.setItem(`ifs:rv:log:${bucket}:user:${userKey}:soon:-`, 'x')
    const lagged = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: storage, lag: 5 }) })
    const read = await lagged.read(jar.request())
    expect([read.unsealError, read.data]).toEqual([undefined, { user: 'ada' }])

    // The same keys written as this library writes them do end the session.
    await storage.setItem(`ifs:rv:log:${bucket}:user:${userKey}:${later}:-`, 'x')
    const fresh = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: storage, lag: 5 }) })
    expect((await fresh.read(jar.request())).unsealError).toBe('revoked')
  })
})

describe('the lifetime the store is told for revocation keys', () => {
  // store.ts: a revocation outlives the seals it ends by the clock skew and an hour's margin; the log
  // entries add the minute of their bucket.
  const SKEW = 60
  const MARGIN = 3600
  const BUCKET = 60

  function recordingStore() {
    const storage = createStorage()
    const ttls = new Map<string, number | undefined>()
    const store = {
      getItem: (key: string) => storage.getItem(key),
      setItem: (key: string, value: string, options?: { ttl?: number }) => (ttls.set(key, options?.ttl), storage.setItem(key, value)),
      removeItem: (key: string) => storage.removeItem(key),
      getKeys: (base?: string) => storage.getKeys(base),
    }
    return { store, ttls }
  }

  it.each([
    [{ ttl: 600 }, 600],
    [{ ttl: 0, maxLifetime: 7200 }, 7200],
  ])('%j: every key of revoke and revokeAll lives the longest seal, the skew, the margin and a bucket', async (options, longest) => {
    const { store, ttls } = recordingStore()
    const sessions = createSessions<Data>({ password, ...options, userId: (data) => data.user, revocations: revocable({ store }) })
    await sessions.revoke('0123456789abcdef0123456789abcdef')
    await sessions.revokeAll('ada')
    expect(ttls.size).toBe(4)
    expect(new Set(ttls.values())).toEqual(new Set([longest + SKEW + MARGIN + BUCKET]))
  })
})

describe('a revocation store that answers undefined for a missing key (not unstorage: a Map)', () => {
  it('reads sessions as not revoked until they are', async () => {
    const map = new Map<string, string>()
    const store = {
      getItem: async (key: string) => map.get(key),
      setItem: async (key: string, value: string) => void map.set(key, value),
      removeItem: async (key: string) => void map.delete(key),
      getKeys: async (base = '') => [...map.keys()].filter((key) => key.startsWith(base)),
    }
    const sessions = createSessions<Data>({ password, revocations: revocable({ store, lag: 0 }) })
    const jar = new Jar()
    const { session } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
    await sessions.revoke(session.id as string)
    expect((await sessions.read(jar.request())).unsealError).toBe('revoked')
  })
})

describe('a lagged view is refreshed in the background from half the lag on', () => {
  it('a revocation made elsewhere shows before the lag is over, with no request waiting for it', async () => {
    const storage = createStorage()
    const lagged = createSessions<Data>({ password, revocations: revocable({ store: storage, lag: 2 }) })
    const admin = createSessions<Data>({ password, revocations: revocable({ store: storage, lag: 0 }) })
    const jar = new Jar()
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const { session } = await visit(lagged, jar, (s) => s.set('count', 1))
    await lagged.read(jar.request()) // the first seal read loads the view, as of t0
    await admin.revoke(session.id as string)
    vi.setSystemTime(t0 + 1_000)
    // Answered from the view as it was; the refresh this starts runs on.
    expect((await lagged.read(jar.request())).data).toEqual({ count: 1 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    vi.setSystemTime(t0 + 1_500)
    expect((await lagged.read(jar.request())).unsealError).toBe('revoked')
  })
})

describe('onOutage open, before any view could be loaded', () => {
  it('an instance still refuses the sessions it revoked itself', async () => {
    const storage = createStorage()
    // Writes work, listings fail: the view never loads.
    const store = { getItem: storage.getItem, setItem: storage.setItem, removeItem: storage.removeItem, getKeys: async () => Promise.reject(new Error('SCAN refused')) }
    const errors: unknown[] = []
    const sessions = createSessions<Data>({ password, revocations: revocable({ store, lag: 5, onOutage: 'open', onRefreshError: (error) => errors.push(error) }) })
    const jar = new Jar()
    const { session } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 }) // open: read as not revoked
    await sessions.revoke(session.id as string)
    expect((await sessions.read(jar.request())).unsealError).toBe('revoked')
    expect(errors.length).toBeGreaterThan(0)
  })
})
