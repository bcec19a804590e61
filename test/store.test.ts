// Server-side stores through real Requests and Responses, on real unstorage drivers: memory, a
// directory (fs), and Redis (a redis-server this file starts). The same behaviour is asserted on
// each; what only one store can show (a disk that fails, a Redis that stops answering) follows.
import { createHash } from 'node:crypto'
import * as ironSession9 from 'iron-session-9'
import { createStorage, type Storage } from 'unstorage'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createSessions, type Session, type SessionOptions, type Sessions } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, newPassword, password, setCookieSummary, url, visit } from './helpers.js'
import { storeDrivers } from './store-drivers.js'
import { headerTransport } from '../src/header.js'

type Data = { user?: string; count?: number; notes?: string; device?: string }
type S = Sessions<Data>

const ok = () => new Response('ok')

const recordKey = (id: string | undefined) => `ifs:session:${id}`
const idOf = (jar: Jar) => (ironSession9.unsealData<{ __ifs: { id: string } }>(jar.cookies.get('session')!, { password }) as Promise<{ __ifs: { id: string } }>).then((p) => p.__ifs.id)

/** Every key and value in the store: what "writes nothing" is checked against. */
async function snapshot(storage: Storage): Promise<Record<string, unknown>> {
  const keys = (await storage.getKeys()).sort()
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await storage.getItem(key)])))
}

const { drivers } = storeDrivers('iron-fetch-session-store-')

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe.each(drivers)('%s store', (name, make) => {
  let storage: Storage
  const stored = (options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, store: sessionStore(storage), userId: (data) => data.user, ...options })

  beforeAll(async () => {
    storage = await make()
  })

  describe('1. the data in the store, an id in the seal', () => {
    it('a write stores the data under ifs:session:<id>; the cookie is a few hundred bytes holding the id only, whatever the size of the data', async () => {
      const sessions = stored()
      const jar = new Jar()
      const { session, response } = await visit(sessions, jar, (s) => s.set('notes', 'n'.repeat(100_000)))
      expect(session.id).toMatch(/^[0-9a-f]{32}$/)
      expect(setCookieSummary(response)).toEqual([['session', 14 * 24 * 3600 - 60]])
      const cookie = jar.cookies.get('session')!
      expect(cookie.length).toBeLessThan(400)
      expect(await ironSession9.unsealData(cookie, { password })).toEqual({ __ifs: { created: expect.any(Number), sealed: expect.any(Number), id: session.id, ra: expect.any(Number) } })
      const raw = (await storage.getItem(recordKey(session.id))) as string
      expect(raw.startsWith('ifs1:')).toBe(true)
      const record = JSON.parse(raw.slice(5)) as { data: Data; created: number }
      expect(record.data.notes === 'n'.repeat(100_000)).toBe(true)
      const again = await visit(sessions, jar)
      expect(again.session.data.notes === record.data.notes).toBe(true)
      expect([again.session.id, again.session.createdAt]).toEqual([session.id, record.created])
    })

    it('a read-only request writes nothing, to the cookie or to the store; a write changes only its record', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => {
        s.set('count', 1)
        s.flash('notice' as never, 'hi' as never)
      })
      await visit(sessions, jar, (s) => void s.getFlash('notice' as never)) // the flash is read: a write
      const before = await snapshot(storage)
      for (const handler of [() => {}, (s: Session<Data>) => void s.data.count, (s: Session<Data>) => s.set('count', 1), (s: Session<Data>) => void s.getFlash('none' as never)]) {
        const { response } = await visit(sessions, jar, handler)
        expect(response.headers.getSetCookie()).toEqual([])
      }
      expect(await snapshot(storage)).toEqual(before)
      const id = await idOf(jar)
      await visit(sessions, jar, (s) => s.set('count', 2))
      const after = await snapshot(storage)
      expect(Object.keys(after).filter((key) => after[key] !== before[key])).toEqual([recordKey(id)])
    })

    it('flash lives in the record: there on the next request, then gone', async () => {
      const sessions = createSessions<Data, { notice: string }>({ password, store: sessionStore(storage) })
      const jar = new Jar()
      await visit(sessions as unknown as S, jar, (s) => (s.set('count', 1), (s as unknown as Session<Data, { notice: string }>).flash('notice', 'Signed in')))
      expect(JSON.parse(((await storage.getItem(recordKey(await idOf(jar)))) as string).slice(5)).flash).toEqual({ notice: 'Signed in' })
      const second = await sessions.read(jar.request())
      expect(second.getFlash('notice')).toBe('Signed in')
      jar.apply(await sessions.commit(second, ok()))
      const third = await sessions.read(jar.request())
      expect(third.getFlash('notice')).toBeUndefined()
      expect(third.data).toEqual({ count: 1 })
    })

    it('the unseal cache holds the id, never the data: a second tab sees the first tab’s write, without crypto', async () => {
      const sessions = stored()
      const tabA = new Jar()
      await visit(sessions, tabA, (s) => s.set('count', 1))
      const tabB = new Jar(tabA.header)
      await visit(sessions, tabA, (s) => s.set('count', 2))
      const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt')
      expect((await sessions.read(tabB.request())).data).toEqual({ count: 2 })
      expect(decrypt).not.toHaveBeenCalled()
    })

    it('rolling, maxLifetime and the record’s own expiry are enforced from what is stored', async () => {
      const t0 = Date.UTC(2030, 0, 1)
      vi.useFakeTimers({ toFake: ['Date'], now: t0 })
      const sessions = stored({ ttl: 3600, rolling: { touchAfter: 600 }, maxLifetime: 7200 })
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('user', `life-${name}`))
      vi.setSystemTime(t0 + 300_000)
      expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([]) // not due
      vi.setSystemTime(t0 + 3000_000)
      const touched = await visit(sessions, jar)
      expect(setCookieSummary(touched.response)).toEqual([['session', 3540]])
      const record = JSON.parse(((await storage.getItem(recordKey(touched.session.id))) as string).slice(5))
      expect(record).toMatchObject({ created: t0, sealed: t0 + 3000_000, expires: t0 + 3000_000 + 3600_000 })
      expect(await sessions.sessionsOf(`life-${name}`)).toHaveLength(1)
      vi.setSystemTime(t0 + 7200_000) // past maxLifetime
      const late = await sessions.read(jar.request())
      expect([late.unsealError, late.data]).toEqual(['expired', {}])
      // Memory and fs ignore the driver ttl and still hold the record: it is refused from its own times.
      expect(await sessions.sessionsOf(`life-${name}`)).toEqual([])
    })

    it('password rotation re-seals the id under the new password; the data stays where it is', async () => {
      const jar = new Jar()
      await visit(stored({ password: { 1: password } }), jar, (s) => s.set('count', 3))
      const id = await idOf(jar)
      const rotated = stored({ password: { 2: newPassword, 1: password } })
      const { session, response } = await visit(rotated, jar)
      expect([session.data, session.id]).toEqual([{ count: 3 }, id])
      expect(setCookieSummary(response)).toHaveLength(1)
      expect(jar.cookies.get('session')?.split('*')[1]).toBe('2')
      expect((await visit(stored({ password: { 2: newPassword } }), jar)).session.data).toEqual({ count: 3 })
    })

    it('schema: stored data that fails reads as invalid-data; data that fails at commit reaches neither store nor header', async () => {
      const jar = new Jar()
      await visit(stored(), jar, (s) => s.set('count', -1))
      const schema = z.object({ count: z.number().nonnegative().optional(), user: z.string().optional() })
      const strict = createSessions({ password, store: sessionStore(storage), schema })
      expect((await strict.read(jar.request())).unsealError).toBe('invalid-data')
      const before = await snapshot(storage)
      const session = await strict.read(new Request(url))
      session.data.count = -5
      await expect(strict.commit(session, ok())).rejects.toThrow('does not match the schema')
      expect(await snapshot(storage)).toEqual(before)
    })

    it('the header transport carries the same small seal', async () => {
      const sessions = stored({ header: headerTransport('authorization') })
      const first = await sessions.read(new Request(url, { headers: { authorization: 'Bearer' } }))
      first.set('notes', 'x'.repeat(10_000))
      const token = (await sessions.commit(first, ok())).headers.get('session-token')!
      expect(token.length).toBeLessThan(400)
      expect((await sessions.read(new Request(url, { headers: { authorization: `Bearer ${token}` } }))).data.notes).toHaveLength(10_000)
    })

    it('adding the store keeps cookie sessions: the next commit moves their data in', async () => {
      const jar = new Jar()
      await visit(createSessions<Data>({ password }), jar, (s) => s.set('count', 7))
      expect(jar.cookies.get('session')!.length).toBeGreaterThan(100)
      const sessions = stored()
      const { session, response } = await visit(sessions, jar) // read only, and still written once: the move
      expect(session.data).toEqual({ count: 7 })
      expect(setCookieSummary(response)).toHaveLength(1)
      const id = await idOf(jar)
      expect(JSON.parse(((await storage.getItem(recordKey(id))) as string).slice(5)).data).toEqual({ count: 7 })
      expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([])
      // Dropping the store again: a seal that names a stored session cannot be read without it.
      expect((await createSessions<Data>({ password }).read(jar.request())).unsealError).toBe('invalid')
    })
  })

  describe('2. ids: session.id and regenerateId', () => {
    it('ids are 128 random bits in hex, one per session, and undefined without a store', async () => {
      const sessions = stored()
      const ids = new Set<string>()
      for (let i = 0; i < 200; i++) ids.add((await sessions.read(new Request(url))).id!)
      expect(ids.size).toBe(200)
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect((await createSessions({ password }).read(new Request(url))).id).toBeUndefined()
    })

    it('regenerateId(): a new id and cookie with the data; the old entry stays and its cookie still reads', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('count', 1))
      const oldCookie = jar.header
      const oldId = await idOf(jar)
      const { session, response } = await visit(sessions, jar, (s) => (s.set('notes', 'elevated'), s.regenerateId()))
      expect(session.id).not.toBe(oldId)
      expect(setCookieSummary(response)).toHaveLength(1)
      expect((await sessions.read(jar.request())).data).toEqual({ count: 1, notes: 'elevated' })
      expect((await sessions.read(new Jar(oldCookie).request())).data).toEqual({ count: 1 })
    })

    it('regenerateId(true): the old entry is removed, and its cookie reads as revoked', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('count', 1))
      const oldCookie = jar.header
      const oldId = await idOf(jar)
      const { session } = await visit(sessions, jar, (s) => s.regenerateId(true))
      expect(await storage.getItem(recordKey(oldId))).toBeNull()
      expect(await storage.getItem(recordKey(session.id))).not.toBeNull()
      const old = await sessions.read(new Jar(oldCookie).request())
      expect([old.unsealError, old.data, old.isNew]).toEqual(['revoked', {}, true])
      expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
    })

    it('the new id is known as soon as regenerateId() returns', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('count', 1))
      const session = await sessions.read(jar.request())
      const before = session.id
      session.regenerateId()
      const after = session.id
      expect(after).not.toBe(before)
      jar.apply(await sessions.commit(session, ok()))
      expect(await idOf(jar)).toBe(after)
    })
  })

  describe('3. ending sessions', () => {
    it('destroy() removes the stored data, and a copy of the cookie reads as revoked; a flash after it gets a new id', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('count', 1))
      const copy = jar.header
      const id = await idOf(jar)
      const { session, response } = await visit(sessions, jar, (s) => (s.destroy(), s.flash('notice' as never, 'bye' as never)))
      expect(await storage.getItem(recordKey(id))).toBeNull()
      expect(session.id).not.toBe(id)
      expect(setCookieSummary(response)).toEqual([['session', 240]])
      expect((await sessions.read(new Jar(copy).request())).unsealError).toBe('revoked')
      expect((await sessions.read(jar.request())).getFlash('notice' as never)).toBe('bye')
    })

    it('emptying the data ends the stored session too', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('count', 1))
      const copy = jar.header
      const id = await idOf(jar)
      const { response } = await visit(sessions, jar, (s) => s.unset('count'))
      expect(setCookieSummary(response)).toEqual([['session', 0]])
      expect(await storage.getItem(recordKey(id))).toBeNull()
      expect((await sessions.read(new Jar(copy).request())).unsealError).toBe('revoked')
    })

    it('revoke(id) from another server ends the session: its cookie reads as new, with unsealError revoked, and that response expires it', async () => {
      const onUnsealError = vi.fn()
      const app = stored({ onUnsealError })
      const admin = stored() // another process with the same store
      const jar = new Jar()
      const { session } = await visit(app, jar, (s) => s.set('count', 1))
      expect(await admin.revoke(session.id!)).toBe(true)
      expect(await admin.revoke('0'.repeat(32))).toBe(false)
      const after = await app.read(jar.request())
      expect([after.unsealError, after.isNew, after.data]).toEqual(['revoked', true, {}])
      expect(onUnsealError).toHaveBeenCalledWith('revoked', expect.objectContaining({ message: expect.stringContaining('was revoked') }))
      expect(setCookieSummary(await app.commit(after, ok()))).toEqual([['session', 0]])
      await expect(admin.revoke('not-an-id')).rejects.toThrow('32 hexadecimal characters')
    })

    it('requests in flight while revoke() runs cannot write the session back to life', async () => {
      const sessions = stored()
      const jar = new Jar()
      const { session } = await visit(sessions, jar, (s) => s.set('count', 0))
      const cookie = jar.header
      // 20 requests have read the session; their commits race the revocation.
      const inFlight = await Promise.all(Array.from({ length: 20 }, () => sessions.read(new Jar(cookie).request())))
      for (const [i, s] of inFlight.entries()) s.set('count', i + 1)
      const [responses] = await Promise.all([Promise.all(inFlight.map((s) => sessions.commit(s, ok()))), sessions.revoke(session.id!)])
      for (const response of [new Response(), ...responses]) {
        const jarAfter = new Jar(cookie).apply(response)
        expect((await sessions.read(jarAfter.request())).unsealError).toBe('revoked')
      }
    })

    it('sessionsOf and revokeAll under concurrent sign-ins on two servers: every finished sign-in is listed, none survives unlisted', async () => {
      const user = `grace-${name}`
      const [a, b] = [stored(), stored()]
      const signIn = async (i: number) => {
        const jar = new Jar()
        const { session } = await visit(i % 2 ? a : b, jar, (s) => (s.set('user', user), s.set('device', `device ${i}`), s.regenerateId()))
        return { id: session.id!, jar }
      }
      const first = await Promise.all(Array.from({ length: 24 }, (_, i) => signIn(i)))
      await visit(a, new Jar(), (s) => s.set('user', `someone-else-${name}`))
      const listed = await b.sessionsOf(user)
      expect(listed.map((entry) => entry.id).sort()).toEqual(first.map(({ id }) => id).sort())
      expect(listed[0]).toMatchObject({ createdAt: expect.any(Number), updatedAt: expect.any(Number), expiresAt: expect.any(Number), data: { user, device: expect.stringMatching(/^device \d+$/) } })

      // "Sign out everywhere else", while 12 more sign-ins race it.
      const kept = first[0]!
      const [ended, late] = await Promise.all([a.revokeAll(user, { except: kept.id }), Promise.all(Array.from({ length: 12 }, (_, i) => signIn(100 + i)))])
      expect(ended).not.toContain(kept.id)
      for (const { id } of first.slice(1)) expect(ended).toContain(id)
      const listedNow = new Set((await a.sessionsOf(user)).map((entry) => entry.id))
      const everyone = [...first, ...late]
      const reads = await Promise.all(everyone.map(({ jar }) => a.read(jar.request())))
      for (const read of reads) expect([undefined, 'revoked']).toContain(read.unsealError)
      const live = new Set(everyone.filter((_, i) => reads[i]!.unsealError === undefined).map(({ id }) => id))
      expect(live.has(kept.id)).toBe(true)
      for (const { id } of first.slice(1)) expect(live.has(id)).toBe(false)
      expect(live).toEqual(listedNow) // every live session is listed, and only those
      expect(await a.sessionsOf(`someone-else-${name}`)).toHaveLength(1)
    })

    it('a rolling session moves its entry on its user\'s list before the entry could end, and only then', async () => {
      const t0 = Date.UTC(2031, 0, 1)
      vi.useFakeTimers({ toFake: ['Date'], now: t0 })
      const sessions = stored({ ttl: 1000, rolling: { touchAfter: 100 } })
      const jar = new Jar()
      const user = `rolling-${name}`
      const { session } = await visit(sessions, jar, (s) => s.set('user', user))
      const listKeys = (await storage.getKeys('ifs:users')).filter((key) => key.startsWith('ifs:users:'))
      const entry = async () => {
        for (const key of listKeys) {
          const list = JSON.parse(String(await storage.getItem(key)).slice(5)) as Record<string, number>
          if (session.id! in list) return list[session.id!]
        }
        return undefined
      }
      // The entry lives 2 × (ttl + 60 s) = 2120 s; each touch moves the session's end to now + 1000 s.
      for (const [at, filedAt] of [[500, t0], [1000, t0], [1100, t0 + 1100_000], [2000, t0 + 1100_000], [2200, t0 + 2200_000]] as const) {
        vi.setSystemTime(t0 + at * 1000)
        await visit(sessions, jar)
        expect(await entry()).toBe(filedAt + 2120_000)
      }
      expect((await sessions.sessionsOf(user)).map((entry) => entry.id)).toEqual([session.id])
      // The user's key is an HMAC under the password, not a hash anyone can recompute from a guessed id.
      const sha = createHash('sha256').update(user).digest('hex')
      expect((await storage.getKeys('ifs')).some((key) => key.includes(sha))).toBe(false)
    })

    it('a session that changes user moves between the users’ lists', async () => {
      const sessions = stored()
      const jar = new Jar()
      await visit(sessions, jar, (s) => s.set('user', `x-${name}`))
      await visit(sessions, jar, (s) => s.set('user', `y-${name}`))
      expect(await sessions.sessionsOf(`x-${name}`)).toEqual([])
      expect((await sessions.sessionsOf(`y-${name}`)).map((entry) => entry.id)).toEqual([await idOf(jar)])
      await visit(sessions, jar, (s) => s.unset('user'))
      expect(await sessions.sessionsOf(`y-${name}`)).toEqual([])
    })
  })
})

describe('setup: store options fail at setup with the fix', () => {
  const storage = createStorage()
  it.each<[Record<string, unknown>, string]>([
    [{ store: {} }, "store takes sessionStore(storage) from 'iron-fetch-session/store'"],
    [{ store: storage }, 'not the storage itself: write store: sessionStore(storage)'],
    [{ store: sessionStore(storage), storeTimeout: 0 }, 'storeTimeout must be a whole number of milliseconds'],
    [{ store: sessionStore(storage), storeTimeout: '5s' }, 'storeTimeout must be a whole number of milliseconds'],
    [{ storeTimeout: 100 }, 'storeTimeout needs a store'],
    [{ userId: () => 'x' }, 'userId needs a store'],
    [{ store: sessionStore(storage), userId: 'user' }, 'userId must be a function'],
  ])('%o', (options, message) => {
    expect(() => createSessions({ password, ...options } as SessionOptions)).toThrow(message)
  })

  it('sessionStore() checks the storage it is given', () => {
    expect(() => sessionStore({} as never)).toThrow('the storage given to sessionStore() must have getItem, setItem and removeItem (missing getItem, setItem, removeItem)')
    expect(() => sessionStore({ getItem() {}, setItem() {} } as never)).toThrow('(missing removeItem)')
  })

  it('without a store, revoke and sessionsOf say what they need; with one, destroyHeaders refuses', async () => {
    const cookieOnly = createSessions({ password })
    await expect(cookieOnly.revoke('0'.repeat(32))).rejects.toThrow('revoke(id) needs the store option')
    await expect(cookieOnly.sessionsOf('ada')).rejects.toThrow('needs the store option')
    await expect(createSessions({ password, store: sessionStore(storage) }).sessionsOf('ada')).rejects.toThrow('needs the userId option')
    const withStore = createSessions({ password, store: sessionStore(storage) })
    expect(() => withStore.destroyHeaders(withStore as never)).toThrow('destroyHeaders() cannot end a session on the server at once')
  })
})
