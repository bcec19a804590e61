// What a store session costs Redis, counted by Redis itself (INFO commandstats), and what a write that
// changes only the data does to the cookie: nothing. A real redis-server on a free 127.0.0.1 port, through
// unstorage's Redis driver, as docs/stores.md sets it up.
import { Redis } from 'ioredis'
import { createStorage, prefixStorage, type Storage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessions, type SessionOptions } from '../src/index.ts'
import { sessionStore } from '../src/store/index.ts'
import { revocable } from '../src/revocations.ts'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { Jar, visit } from './helpers.ts'

type Data = { user?: string; count?: number }
const password = 'a-round-trip-test-password-of-32-chars-or-more'
const TTL = 3600

let redis: RunningRedis
let admin: Redis
const storages: Storage[] = []

beforeAll(async () => {
  redis = await startRedis()
  admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await admin.connect()
}, 30_000)

afterAll(async () => {
  await Promise.allSettled(storages.map((storage) => storage.dispose()))
  admin?.disconnect()
  await redis?.stop()
})

afterEach(() => {
  vi.useRealTimers()
})

/** The Redis setup of docs/stores.md: unstorage's driver; `mount` puts it under a prefix of the storage. */
function redisStorage(driverOptions: { base?: string } = {}, mount?: string): Storage {
  const driver = redisDriver({ url: redis.url, ...driverOptions })
  const storage = mount === undefined ? createStorage({ driver }) : createStorage()
  if (mount !== undefined) storage.mount(mount, driver)
  storages.push(storage)
  return storage
}

const stored = (storage: Storage, options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, ttl: TTL, cookieOptions: { secure: false }, store: sessionStore(storage), userId: (data) => data.user, ...options })

/** The commands Redis ran while `run` did, by name; the counting's own (INFO, CONFIG) left out. */
async function commandsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  await admin.config('RESETSTAT')
  await run()
  const info = await admin.info('commandstats')
  const counts: Record<string, number> = {}
  for (const [, name, calls] of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (name === 'info' || name!.startsWith('config')) continue
    counts[name!] = Number(calls)
  }
  return counts
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

/** A signed-in session and its jar; the storage's connection is up. */
async function signedIn(storage: Storage, options: Partial<SessionOptions<Data>> = {}) {
  const sessions = stored(storage, options)
  const jar = new Jar()
  await visit(sessions, jar, (s) => Object.assign(s.data, { user: 'ada', count: 0 }))
  expect(jar.cookies.get('session')).toBeTruthy()
  return { sessions, jar }
}

describe('one command a read', () => {
  it('a signed-in session is read with one MGET: its record, its revocation marker and its user\'s "sign out everywhere" time', async () => {
    const { sessions, jar } = await signedIn(redisStorage())
    const counts = await commandsDuring(async () => {
      for (let i = 0; i < 10; i++) {
        const session = await sessions.read(jar.request())
        expect(session.data).toEqual({ user: 'ada', count: 0 })
      }
    })
    expect(counts).toEqual({ mget: 10 })
  })

  it('an anonymous session too (no user: record and marker)', async () => {
    const sessions = stored(redisStorage())
    const jar = new Jar()
    await visit(sessions, jar, (s) => (s.data.count = 1))
    const counts = await commandsDuring(async () => {
      for (let i = 0; i < 5; i++) expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
    })
    expect(counts).toEqual({ mget: 5 })
  })

  it('the revocation and "sign out everywhere" the MGET reads still end the session at once', async () => {
    const storage = redisStorage()
    const { sessions, jar } = await signedIn(storage)
    const other = await signedIn(storage)
    expect(await sessions.revoke((await sessions.read(jar.request())).id!)).toBe(true)
    const revoked = await sessions.read(jar.request())
    expect([revoked.isNew, revoked.unsealError]).toEqual([true, 'revoked'])
    const otherId = (await other.sessions.read(other.jar.request())).id
    expect(await sessions.revokeAll('ada')).toContain(otherId)
    const everywhere = await other.sessions.read(other.jar.request())
    expect([everywhere.isNew, everywhere.unsealError]).toEqual([true, 'revoked'])
  })
})

describe('a write that changes only the data', () => {
  it('is one SET on Redis, and the response carries no Set-Cookie: the cookie the client holds stays', async () => {
    const { sessions, jar } = await signedIn(redisStorage())
    const before = jar.header
    for (let count = 1; count <= 5; count++) {
      const session = await sessions.read(jar.request())
      let response: Response | undefined
      const counts = await commandsDuring(async () => {
        session.data.count = count
        response = await sessions.commit(session, new Response('ok'))
      })
      expect(counts).toEqual({ set: 1 })
      expect(response!.headers.getSetCookie()).toEqual([])
      expect(response!.headers.get('cache-control')).toBeNull()
      jar.apply(response!)
    }
    expect(jar.header).toBe(before)
    expect((await sessions.read(jar.request())).data).toEqual({ user: 'ada', count: 5 })
  })

  it('keeps the record to the seal\'s expiry: the record says when the session ends, and Redis\'s TTL follows it', async () => {
    const storage = redisStorage()
    const { sessions, jar } = await signedIn(storage)
    const session = await sessions.read(jar.request())
    const sealExpires = session.expiresAt!
    session.data.count = 1
    expect((await sessions.commit(session, new Response('ok'))).headers.getSetCookie()).toEqual([])
    const record = JSON.parse(((await storage.getItem(`ifs:session:${session.id}`)) as string).slice(5)) as { expires: number }
    expect(record.expires).toBe(sealExpires)
    const ttl = await admin.ttl(`ifs:session:${session.id}`)
    // The seal's remaining seconds, plus the clock skew a seal is read with (60 s).
    const left = Math.ceil((sealExpires - Date.now()) / 1000)
    expect(ttl).toBeGreaterThanOrEqual(left + 60 - 2)
    expect(ttl).toBeLessThanOrEqual(left + 60 + 1)
  })

  it('re-seals once the seal is a tenth of ttl old (rolling: its touchAfter): a write still moves the expiry, and record and seal move together', async () => {
    for (const [options, renewAfter] of [[{}, TTL / 10], [{ rolling: { touchAfter: 60 } }, 60]] as const) {
      const storage = redisStorage()
      const start = Date.now()
      vi.useFakeTimers({ toFake: ['Date'], now: start })
      const { sessions, jar } = await signedIn(storage, options)
      const sealed = jar.header
      // Just before renewal is due: the cookie stays.
      vi.setSystemTime(start + renewAfter * 1000 - 1000)
      const early = await visit(sessions, jar, (s) => (s.data.count = 1))
      expect(early.response.headers.getSetCookie()).toEqual([])
      expect(jar.header).toBe(sealed)
      // Due: the write re-seals, with a fresh ttl, and the record follows.
      const at = start + renewAfter * 1000
      vi.setSystemTime(at)
      const due = await visit(sessions, jar, (s) => (s.data.count = 2))
      expect(due.response.headers.getSetCookie()).toHaveLength(1)
      expect(jar.header).not.toBe(sealed)
      const next = await sessions.read(jar.request())
      expect(next.expiresAt).toBe(at + TTL * 1000)
      expect(next.data).toEqual({ user: 'ada', count: 2 })
      const record = JSON.parse(((await storage.getItem(`ifs:session:${next.id}`)) as string).slice(5)) as { expires: number }
      expect(record.expires).toBe(next.expiresAt)
      vi.useRealTimers()
    }
  })

  it('a new id, a sign-out, a password rotation or regenerateId() still re-seal', async () => {
    const storage = redisStorage()
    const { sessions, jar } = await signedIn(storage)
    const regenerated = await visit(sessions, jar, (s) => s.regenerateId())
    expect(regenerated.response.headers.getSetCookie()).toHaveLength(1)
    const switched = await visit(sessions, jar, (s) => (s.data.user = 'grace'))
    expect(switched.response.headers.getSetCookie()).toHaveLength(1)
    expect(switched.session.id).not.toBe(regenerated.session.id)
    const rotated = stored(storage, { password: { 2: 'the-next-round-trip-password-of-32-chars', 1: password } })
    const rotation = await visit(rotated, jar, (s) => (s.data.count = 9))
    expect(rotation.response.headers.getSetCookie()).toHaveLength(1)
    const out = await visit(rotated, jar, (s) => s.destroy())
    expect(out.response.headers.getSetCookie()[0]).toMatch(/Max-Age=0/)
  })
})

describe('a sign-in', () => {
  it('is one command: the session filed on its user\'s list, its record written, and the anonymous id it replaces ended, at once', async () => {
    const storage = redisStorage()
    const sessions = stored(storage)
    const jar = new Jar()
    const anonymous = await visit(sessions, jar, (s) => (s.data.count = 1))
    const before = anonymous.session.id!
    const session = await sessions.read(jar.request())
    let response: Response | undefined
    const user = `user-${crypto.randomUUID()}`
    const counts = await commandsDuring(async () => {
      session.data.user = user
      response = await sessions.commit(session, new Response('ok'))
    })
    // One command from the app: the EVAL. Redis counts the script's own calls too: it read the list (GET), wrote
    // the list, the record and the old id's marker (SET), and removed the old record (DEL).
    expect(counts).toEqual({ eval: 1, get: 1, set: 3, del: 1 })
    jar.apply(response!)
    const signedInSession = await sessions.read(jar.request())
    expect(signedInSession.data).toEqual({ user, count: 1 })
    expect(signedInSession.id).not.toBe(before)
    expect((await sessions.sessionsOf(user)).map((info) => info.id)).toEqual([signedInSession.id])
    // The id from before the sign-in is ended, its record gone.
    expect(await admin.exists(`ifs:revoked:${before}`)).toBe(1)
    expect(await admin.exists(`ifs:session:${before}`)).toBe(0)
  })

  it('60 sign-ins of one user at once, from two instances, are all listed, and revokeAll ends them all', async () => {
    const [one, two] = [stored(redisStorage()), stored(redisStorage())]
    // Each instance's first store call checks where its keys land (redis.ts); from then on a sign-in is one script.
    for (const sessions of [one, two]) await visit(sessions, new Jar(), (s) => (s.data.count = 1))
    const user = `shared-${crypto.randomUUID()}`
    const jars = Array.from({ length: 60 }, () => new Jar())
    await Promise.all(jars.map((jar, i) => visit(i % 2 ? one : two, jar, (s) => (s.data.user = user))))
    const ids = await Promise.all(jars.map(async (jar) => (await one.read(jar.request())).id))
    expect((await two.sessionsOf(user)).map((info) => info.id).sort()).toEqual([...ids].sort())
    expect((await one.revokeAll(user)).sort()).toEqual([...ids].sort())
    for (const jar of jars.slice(0, 5)) expect((await two.read(jar.request())).unsealError).toBe('revoked')
  })
})

describe('where the keys are', () => {
  it("under unstorage's prefixStorage (which getMount does not show), the keys stay under the prefix: the storage's own calls serve", async () => {
    const storage = prefixStorage(redisStorage(), 'app1')
    const { sessions, jar } = await signedIn(storage)
    const session = await sessions.read(jar.request())
    session.data.count = 3
    await sessions.commit(session, new Response('ok'))
    expect(await admin.exists(`app1:ifs:session:${session.id}`)).toBe(1)
    expect(await admin.exists(`ifs:session:${session.id}`)).toBe(0)
    expect((await sessions.read(jar.request())).data).toEqual({ user: 'ada', count: 3 })
    // Nothing was left behind by the check.
    expect(await admin.keys('*probe*')).toEqual([])
  })

  it('revocations under prefixStorage keep their log under the prefix too (the stream is used only where getMount tells the truth)', async () => {
    const storage = () => prefixStorage(redisStorage(), 'app2')
    const make = () => createSessions<Data>({ password, ttl: TTL, cookieOptions: { secure: false }, userId: (data) => data.user, revocations: revocable({ store: storage(), lag: 1, push: false }) })
    const [one, two] = [make(), make()]
    const jar = new Jar()
    await visit(one, jar, (s) => (s.data.user = 'lin'))
    expect((await two.read(jar.request())).data).toEqual({ user: 'lin' })
    const id = (await one.read(jar.request())).id!
    await one.revoke(id)
    // The other instance hears of it within its lag, from the log under the prefix.
    const deadline = Date.now() + 10_000
    let refused: string | undefined
    while (refused === undefined && Date.now() < deadline) {
      refused = (await two.read(jar.request())).unsealError
      if (refused === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(refused).toBe('revoked')
    const keys = await admin.keys('*')
    expect(keys.filter((key) => key.includes(':rv:') && !key.startsWith('app2:'))).toEqual([])
    expect(keys.some((key) => key.startsWith('app2:ifs:rv:'))).toBe(true)
  })

  it('under the driver\'s base and a mount, the direct path writes and reads the keys unstorage\'s own calls do', async () => {
    const storage = redisStorage({ base: 'app' }, 'ifs')
    const { sessions, jar } = await signedIn(storage)
    const session = await sessions.read(jar.request())
    session.data.count = 7
    await sessions.commit(session, new Response('ok'))
    // Where unstorage puts them: the mount's key under the driver's base.
    expect(await admin.exists(`app:session:${session.id}`)).toBe(1)
    const record = JSON.parse(((await storage.getItem(`ifs:session:${session.id}`)) as string).slice(5)) as { data: Data }
    expect(record.data).toEqual({ user: 'ada', count: 7 })
    // A store without the direct path (only getItem, setItem, removeItem) reads the same session from the same keys.
    const generic = { getItem: (key: string) => storage.getItem(key), setItem: (key: string, value: string, options: { ttl?: number }) => storage.setItem(key, value, options), removeItem: (key: string) => storage.removeItem(key) }
    const plain = createSessions<Data>({ password, ttl: TTL, cookieOptions: { secure: false }, store: sessionStore(generic), userId: (data) => data.user })
    expect((await plain.read(jar.request())).data).toEqual({ user: 'ada', count: 7 })
    expect(await plain.revoke(session.id!)).toBe(true)
    expect((await sessions.read(jar.request())).unsealError).toBe('revoked')
  })
})
