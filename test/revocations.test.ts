// Revocable cookie sessions (the revocations option): the data stays in the cookie, a store holds only
// what was revoked. Through real Requests and Responses on real unstorage drivers — memory, a directory
// (fs) and Redis (a redis-server this file starts) — with two createSessions() on one store standing
// for two instances of an app. Time is moved with vi.setSystemTime to cross the lag.
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import * as ironSession9 from 'iron-session-9'
import { createStorage, type Storage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessions, SessionStoreError, type Session, type SessionOptions, type Sessions } from '../src/index.js'
import { Jar, password, visit } from './helpers.js'
import { storeDrivers } from './store-drivers.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'

type Data = { user?: string; count?: number }
type S = Sessions<Data>

const ok = () => new Response('ok')

/** A copy of the browser's cookies: what a thief holds. */
const copy = (jar: Jar) => new Jar(jar.header)
const payloadOf = (jar: Jar) => ironSession9.unsealData<Record<string, unknown> & { __ifs: { id: string; created: number } }>(jar.cookies.get('session')!, { password })

const { drivers, keep, redis, withRedis } = storeDrivers('ifs-revocations-')

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe.each(drivers)('%s store', (_name, make) => {
  let storage: Storage
  // push: false: these cases pin the lag's own mechanics (on Redis, push would bring a revocation before the lag; its tests are in revocations-review).
  const instance = (lag = 5, options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: storage, lag, push: false }), ...options })

  beforeAll(async () => {
    storage = await make()
  })

  it('the data stays in the cookie, with a 128-bit id and its creation time; writing it writes nothing to the store', async () => {
    await storage.clear()
    const sessions = instance()
    const jar = new Jar()
    const { session } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect(session.id).toMatch(/^[0-9a-f]{32}$/)
    expect(await payloadOf(jar)).toEqual({ count: 1, __ifs: { created: expect.any(Number), sealed: expect.any(Number), id: session.id, ra: expect.any(Number) } })
    const again = await visit(sessions, jar, (s) => s.set('count', 2))
    expect([again.session.id, again.session.data.count]).toEqual([session.id, 2])
    expect(await storage.getKeys('ifs:')).toEqual([])
  })

  it('lagged reads make no store call once the view is fresh', async () => {
    const sessions = instance()
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    await visit(sessions, jar) // the first read of a seal loads the view
    const getItem = vi.spyOn(storage, 'getItem')
    const getKeys = vi.spyOn(storage, 'getKeys')
    for (let i = 0; i < 20; i++) await visit(sessions, jar, (s) => s.set('count', i))
    expect([getItem.mock.calls.length, getKeys.mock.calls.length]).toEqual([0, 0])
  })

  it('destroy() revokes: a copy of the cookie is refused at once here, and on another instance within the lag', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const [here, there] = [instance(5), instance(5)]
    const jar = new Jar()
    await visit(here, jar, (s) => s.set('user', 'ada'))
    const stolen = copy(jar)
    expect((await visit(there, copy(stolen))).session.data.user).toBe('ada') // there's view is loaded now
    const { response } = await visit(here, jar, (s) => s.destroy())
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)

    const refusedHere = await visit(here, copy(stolen))
    expect([refusedHere.session.isNew, refusedHere.session.unsealError, refusedHere.session.data]).toEqual([true, 'revoked', {}])
    expect(refusedHere.response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    // Within the lag the other instance still reads from its view (the documented delay) …
    expect((await visit(there, copy(stolen))).session.unsealError).toBeUndefined()
    // … and once the view is lag seconds old, the read refreshes it first.
    vi.setSystemTime(t0 + 5_000)
    expect((await visit(there, copy(stolen))).session.unsealError).toBe('revoked')
  })

  it('revoke(id) from another instance, and regenerateId(true), end the old id; the new cookie lives', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const [app, admin] = [instance(2), instance(2)]
    const jar = new Jar()
    const { session } = await visit(app, jar, (s) => s.set('user', 'bob'))
    expect(await admin.revoke(session.id!)).toBe(true)
    vi.setSystemTime(t0 + 2_000)
    expect((await visit(app, copy(jar))).session.unsealError).toBe('revoked')

    const next = new Jar()
    const signedIn = await visit(app, next, (s) => s.set('user', 'bob'))
    const before = copy(next)
    const rotated = await visit(app, next, (s) => s.regenerateId(true))
    expect(rotated.session.id).not.toBe(signedIn.session.id)
    expect((await visit(app, before)).session.unsealError).toBe('revoked')
    expect((await visit(app, next)).session.data.user).toBe('bob')
    await expect(admin.revoke('not-an-id')).rejects.toThrow('revoke(id) takes a session id')
  })

  it('revokeAll(user, { except }) ends every session of that user created before it, but the one kept', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const [app, other] = [instance(1), instance(1)]
    const devices = [new Jar(), new Jar(), new Jar()]
    const ids: string[] = []
    for (const jar of devices) ids.push((await visit(app, jar, (s) => s.set('user', 'cleo'))).session.id!)
    const someoneElse = new Jar()
    await visit(app, someoneElse, (s) => s.set('user', 'dan'))
    vi.setSystemTime(t0 + 10)
    expect(await other.revokeAll('cleo', { except: ids[0] })).toEqual([])
    vi.setSystemTime(t0 + 1_010)
    const reads = await Promise.all(devices.map(async (jar) => (await visit(app, jar)).session.unsealError))
    expect(reads).toEqual([undefined, 'revoked', 'revoked'])
    expect((await visit(app, someoneElse)).session.data.user).toBe('dan')
    // Signing in again afterwards is a new session, untouched by the not-before time.
    const again = new Jar()
    vi.setSystemTime(t0 + 2_000)
    await visit(app, again, (s) => s.set('user', 'cleo'))
    vi.setSystemTime(t0 + 4_000)
    expect((await visit(other, again)).session.data.user).toBe('cleo')
    // The store names the user by an HMAC under the password, not by a hash anyone can recompute.
    const listed = (await storage.getKeys('ifs:rv:')).join(' ')
    expect(listed).not.toContain(createHash('sha256').update('cleo').digest('hex'))
    expect(listed).toMatch(/ifs:rv:user:[0-9a-f]{64}/)
  })

  it('a sign-in on an anonymous session starts anew: a new id and creation time, so a not-before from before it does not apply', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const app = instance(1)
    const jar = new Jar()
    const anonymous = await visit(app, jar, (s) => s.set('count', 1))
    await app.revokeAll('erin')
    vi.setSystemTime(t0 + 100)
    const signIn = await visit(app, jar, (s) => s.set('user', 'erin'))
    expect(signIn.session.id).not.toBe(anonymous.session.id)
    expect((await payloadOf(jar)).__ifs.created).toBe(t0 + 100)
    vi.setSystemTime(t0 + 1_500)
    expect((await visit(app, jar)).session.data).toEqual({ count: 1, user: 'erin' })
  })

  it('a cookie sealed before revocations were on (or by iron-session) gets an id from its MAC: revoking it ends every replay', async () => {
    const legacy = new Jar()
    const plain = createSessions<Data>({ password })
    await visit(plain, legacy, (s) => s.set('user', 'fay'))
    const ironJar = new Jar(`session=${await ironSession9.sealData({ user: 'gus' }, { password, ttl: 3600 })}`)
    const app = instance(5)
    for (const jar of [legacy, ironJar]) {
      const replay = copy(jar)
      const first = await visit(app, copy(jar))
      const second = await visit(app, copy(jar))
      expect(first.session.id).toBe(second.session.id)
      await visit(app, jar, (s) => s.destroy())
      expect((await visit(app, replay)).session.unsealError).toBe('revoked')
    }
  })

  it('strict (lag 0): every read asks the store, in one round trip, and a revocation holds at once everywhere', async () => {
    const [app, other] = [instance(0), instance(0)]
    const jar = new Jar()
    const { session } = await visit(app, jar, (s) => s.set('user', 'hal'))
    const getItem = vi.spyOn(storage, 'getItem')
    await visit(app, jar)
    expect(getItem.mock.calls.map(([key]) => key.replace(/[0-9a-f]{32,}/, '…'))).toEqual(['ifs:rv:id:…', 'ifs:rv:user:…'])
    await other.revoke(session.id!)
    expect((await visit(app, copy(jar))).session.unsealError).toBe('revoked')
  })
})

describe('refreshes, outages and setup', () => {
  it('a refresh lists only the minutes written since the last one, and keys outside what it asked for count for nothing', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const storage = createStorage()
    const getKeys = vi.spyOn(storage, 'getKeys')
    const app = createSessions<Data>({ password, revocations: revocable({ store: storage, lag: 1 }) })
    const jar = new Jar()
    await visit(app, jar, (s) => s.set('count', 1))
    expect(getKeys).not.toHaveBeenCalled() // a request without a seal has nothing to check
    await visit(app, jar)
    expect(getKeys.mock.calls.map(([prefix]) => prefix)).toEqual(['ifs:rv:log:'])
    for (let i = 0; i < 50; i++) await createSessions<Data>({ password, revocations: revocable({ store: storage, lag: 1 }) }).revoke(i.toString(16).padStart(32, '0'))
    vi.setSystemTime(t0 + 1_000)
    getKeys.mockClear()
    await visit(app, jar)
    expect(getKeys.mock.calls.length).toBeGreaterThan(0)
    expect(getKeys.mock.calls.every(([prefix]) => /^ifs:rv:log:\d+:$/.test(prefix as string))).toBe(true)
    expect(getKeys.mock.calls.length).toBeLessThanOrEqual(4)

    // A store that ignores the prefix and returns every key it has: only well-formed log keys count.
    const careless = createStorage()
    await careless.setItem('ifs:rv:id:' + 'a'.repeat(32), 'x')
    await careless.setItem('other:key', 'x')
    const ignoring = Object.assign(Object.create(careless) as Storage, { getKeys: () => careless.getKeys() })
    const fresh = createSessions<Data>({ password, revocations: revocable({ store: ignoring, lag: 1 }) })
    expect((await visit(fresh, new Jar(jar.header))).session.data).toEqual({ count: 1 })
  })

  it.skipIf(!withRedis)('Redis frozen: a lagged view older than the lag fails closed (SessionStoreError) and reports the failed refresh, or goes on with onOutage open; strict reads fail, or pass with onOutage open', async () => {
    const storage = createStorage({ driver: redisDriver({ url: redis().url }) })
    keep(storage)
    const errors: unknown[] = []
    const lagged = createSessions<Data>({ password, storeTimeout: 300, revocations: revocable({ store: storage, lag: 1, push: false, onRefreshError: (error) => errors.push(error) }) })
    const laggedOpen = createSessions<Data>({ password, storeTimeout: 300, revocations: revocable({ store: storage, lag: 1, push: false, onOutage: 'open' }) })
    const strict = createSessions<Data>({ password, storeTimeout: 300, revocations: revocable({ store: storage, lag: 0 }) })
    const open = createSessions<Data>({ password, storeTimeout: 300, revocations: revocable({ store: storage, lag: 0, onOutage: 'open' }) })
    const jar = new Jar()
    await visit(lagged, jar, (s) => s.set('count', 7))
    await visit(lagged, jar)
    await visit(laggedOpen, jar)
    await visit(strict, jar)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    redis().freeze()
    try {
      // Within the lag, the view answers with no store call.
      vi.setSystemTime(t0 + 400)
      expect((await lagged.read(jar.request())).data.count).toBe(7)
      // Past it, the view may miss a revocation: the read waits for a refresh, which fails, and so does the read.
      vi.setSystemTime(t0 + 1_500)
      await expect(lagged.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBeInstanceOf(SessionStoreError)
      expect(String(errors[0])).toMatch(/refreshing the revocation view/)
      // Within the next lag it fails at once, without waiting on the store again.
      await expect(lagged.read(jar.request())).rejects.toThrow('past the lag (1 s)')
      expect(errors).toHaveLength(1)
      expect((await visit(laggedOpen, jar)).session.data.count).toBe(7)
      await expect(strict.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
      expect((await visit(open, jar)).session.data.count).toBe(7)
      // A fresh instance with no view at all fails closed.
      const cold = createSessions<Data>({ password, storeTimeout: 300, revocations: revocable({ store: storage, lag: 1 }) })
      await expect(cold.read(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
    } finally {
      redis().thaw()
    }
  })

  it('wrong options fail at setup, saying what to change', () => {
    const store = createStorage()
    const make = (options: Record<string, unknown>) => () => createSessions({ password, ...options } as SessionOptions)
    const plan = (options: Record<string, unknown>) => () => revocable(options as never)
    expect(make({ store: sessionStore(store), revocations: revocable({ store }) })).toThrow('store and revocations do not go together')
    expect(plan({ store, lags: 5 })).toThrow('unknown revocations option "lags". Did you mean lag?')
    expect(plan({ store, lag: -1 })).toThrow('revocations.lag must be a number of seconds from 0')
    expect(plan({ store: { getItem() {}, setItem() {}, removeItem() {} } })).toThrow('revocations with a lag need a store with getKeys')
    expect(plan({ store: {} })).toThrow('revocations.store must have getItem, setItem and removeItem')
    expect(plan({ store, onOutage: 'maybe' })).toThrow("revocations.onOutage must be 'closed'")
    expect(make({ ttl: 0, revocations: revocable({ store }) })).toThrow('revocations need seals that end')
    expect(make({ storeTimeout: 0, revocations: revocable({ store }) })).toThrow('storeTimeout must be a whole number of milliseconds')
    // A plain object is not a plan: the code of revocations comes with its import.
    expect(make({ revocations: { store, lag: 5 } })).toThrow("revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'")
    const sessions = createSessions<Data>({ password, revocations: revocable({ store }) })
    return Promise.all([
      expect(sessions.revokeAll('x')).rejects.toThrow('revokeAll(user) needs the userId option'),
      expect(sessions.sessionsOf('x')).rejects.toThrow('sessionsOf(user) needs the store option (revocations keep no list of sessions)'),
      expect(Promise.resolve().then(() => sessions.destroyHeaders({} as never))).rejects.toThrow('destroyHeaders() cannot end a session on the server at once'),
    ])
  })
})

describe('a lagged refresh after a quiet spell', () => {
  it('lists the minutes since the last refresh, and after a day without requests everything once rather than 1,440 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const storage = createStorage()
    const listed: string[] = []
    // The real memory storage, with the prefixes asked of getKeys written down.
    const store = { getItem: storage.getItem, setItem: storage.setItem, removeItem: storage.removeItem, getKeys: (base: string) => (listed.push(base), storage.getKeys(base)) }
    const sessions = createSessions<Data>({ password, revocations: revocable({ store, lag: 5 }) })
    const jar = new Jar()
    const session = await sessions.read(jar.request())
    session.data.count = 1
    jar.apply(await sessions.commit(session, new Response('ok')))
    await sessions.read(jar.request())
    expect(listed).toEqual(['ifs:rv:log:'])
    listed.length = 0
    vi.setSystemTime(Date.now() + 6_000)
    await sessions.read(jar.request())
    expect(listed.length).toBeGreaterThan(0)
    expect(listed.length).toBeLessThanOrEqual(4)
    expect(listed.every((prefix) => /^ifs:rv:log:\d+:$/.test(prefix))).toBe(true)
    listed.length = 0
    vi.setSystemTime(Date.now() + 24 * 3600_000)
    expect((await sessions.read(jar.request())).data.count).toBe(1)
    expect(listed).toEqual(['ifs:rv:log:'])
  })
})

describe('revokeAll(user, { except }) and the session it keeps', () => {
  it.each([0, 5])('lag %i: the kept session may regenerate its id afterwards and stays signed in', async (lag) => {
    const sessions = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: createStorage(), lag }) })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('user', 'u'))
    await new Promise((resolve) => setTimeout(resolve, 5))
    const kept = await sessions.read(jar.request())
    await sessions.revokeAll('u', { except: kept.id })
    kept.regenerateId(true)
    jar.apply(await sessions.commit(kept, ok()))
    const after = await sessions.read(jar.request())
    expect([after.unsealError, after.data.user]).toEqual([undefined, 'u'])
  })
})
