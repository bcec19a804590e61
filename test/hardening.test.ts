// Hardening, round three: each case here was a proof of concept against the code before it, and
// each now holds. Real Requests and Responses on unstorage's memory driver (the store cases are the
// same on every driver: test/store.test.ts runs the shared behaviour on fs and Redis too).
import { createHash } from 'node:crypto'
import * as ironSession9 from 'iron-session-9'
import { createStorage, type Storage } from 'unstorage'
import { describe, expect, it, vi, afterEach } from 'vitest'
import { getIronSession } from '../src/adapters/iron-session.js'
import { createSessions, sealData, SessionTooLargeError, type Session, type SessionOptions, type Sessions } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password, visit } from './helpers.js'
import { headerTransport } from '../src/header.js'

type Data = { user?: string; count?: number; notes?: string }
const ok = () => new Response('ok')

const copy = (jar: Jar) => new Jar(jar.header)

afterEach(() => {
  vi.useRealTimers()
})

describe('a cookie-only seal read after a store is added', () => {
  const stored = (storage: Storage, options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, store: sessionStore(storage), userId: (data) => data.user, ...options })

  it('every replay lands on one id, taken from the seal: destroy() on one ends them all', async () => {
    const storage = createStorage()
    const legacy = new Jar()
    await visit(createSessions<Data>({ password }), legacy, (s) => s.set('user', 'ada'))
    const sessions = stored(storage)
    const replays = [copy(legacy), copy(legacy), copy(legacy)]
    const ids = []
    for (const jar of replays) ids.push((await visit(sessions, jar, (s) => s.set('count', 1))).session.id)
    expect(new Set(ids).size).toBe(1)
    // Once moved, a replay of the old cookie reads the record, not the cookie's copy of the data.
    await visit(sessions, replays[0]!, (s) => s.set('count', 5))
    expect((await visit(sessions, copy(legacy))).session.data.count).toBe(5)
    await visit(sessions, replays[1]!, (s) => s.destroy())
    for (const jar of [copy(legacy), replays[0]!, replays[2]!]) expect((await visit(sessions, jar)).session.unsealError).toBe('revoked')
    // Signed out on the very first read of such a cookie, before it ever moved in: its replays die too.
    const fresh = new Jar()
    await visit(createSessions<Data>({ password }), fresh, (s) => s.set('user', 'abe'))
    const replay = copy(fresh)
    await visit(sessions, fresh, (s) => s.destroy())
    expect((await visit(sessions, replay)).session.unsealError).toBe('revoked')
  })

  it('revokeAll(user) and regenerateId(true) end the moved session and every replay of the old cookie', async () => {
    const storage = createStorage()
    const legacy = new Jar(`session=${await ironSession9.sealData({ user: 'bob' }, { password, ttl: 3600 })}`)
    const sessions = stored(storage)
    const moved = copy(legacy)
    await visit(sessions, moved, (s) => s.set('count', 1))
    expect(await sessions.revokeAll('bob')).toHaveLength(1)
    expect((await visit(sessions, copy(legacy))).session.unsealError).toBe('revoked')

    const other = new Jar()
    await visit(createSessions<Data>({ password }), other, (s) => s.set('user', 'cy'))
    const rotated = copy(other)
    await visit(sessions, rotated, (s) => s.regenerateId(true))
    expect((await visit(sessions, copy(other))).session.unsealError).toBe('revoked')
    expect((await visit(sessions, rotated)).session.data.user).toBe('cy')
  })

  it("legacySeals: 'refuse' stops accepting cookie-only seals once migration is over", async () => {
    const legacy = new Jar()
    await visit(createSessions<Data>({ password }), legacy, (s) => s.set('user', 'dee'))
    const refused = await visit(stored(createStorage(), { legacySeals: 'refuse' }), legacy)
    expect([refused.session.unsealError, refused.session.data]).toEqual(['invalid', {}])
    expect(refused.response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    expect(() => createSessions({ password, store: sessionStore(createStorage()), legacySeals: 'keep' as never })).toThrow("legacySeals must be 'migrate' (default) or 'refuse'")
    expect(() => createSessions({ password, legacySeals: 'refuse' })).toThrow('legacySeals needs a store')
  })
})

describe('revokeAll with a store whose getKeys ignores the prefix', () => {
  it("revokeAll('mallory') ends no one else's session", async () => {
    const storage = createStorage()
    const careless = Object.assign(Object.create(storage) as Storage, { getKeys: () => storage.getKeys() })
    const sessions = createSessions<Data>({ password, store: sessionStore(careless), userId: (data) => data.user })
    const ada = new Jar()
    await visit(sessions, ada, (s) => s.set('user', 'ada'))
    await visit(sessions, new Jar(), (s) => s.set('user', 'mallory'))
    expect(await sessions.revokeAll('mallory')).toHaveLength(1)
    expect((await visit(sessions, ada)).session.data.user).toBe('ada')
  })
})

describe('maxLifetime and a seal with no creation time', () => {
  it('a 365-day iron-session seal read with ttl 14 days and maxLifetime 1 hour is refused: its age cannot be known', async () => {
    const value = await ironSession9.sealData({ user: 'eve' }, { password, ttl: 365 * 24 * 3600 })
    const sessions = createSessions<Data>({ password, maxLifetime: 3600 })
    const read = await sessions.read(new Jar(`session=${value}`).request())
    expect([read.unsealError, read.data]).toEqual(['expired', {}])
    // One sealed with the ttl the options allow is read, and aged from its expiry.
    const fitting = await ironSession9.sealData({ user: 'eve' }, { password })
    expect((await sessions.read(new Jar(`session=${fitting}`).request())).data).toEqual({ user: 'eve' })
  })
})

describe('the iron-session drop-in and sealData tokens', () => {
  it('a token made by sealData under the same password is not a session there either', async () => {
    const token = await sealData({ user: 'admin' }, { password })
    const reasons: string[] = []
    const session = await getIronSession<Data>(new Jar(`session=${token}`).request(), new Response(), { cookieName: 'session', password, onUnsealError: (reason) => void reasons.push(reason) })
    expect({ ...session }).toEqual({})
    expect(reasons).toEqual(['invalid'])
    // iron-session's own seals still open, as in iron-session.
    const seal = await ironSession9.sealData({ user: 'ada' }, { password })
    expect({ ...(await getIronSession<Data>(new Jar(`session=${seal}`).request(), new Response(), { cookieName: 'session', password })) }).toEqual({ user: 'ada' })
  })
})

describe('header firstContact and browsers', () => {
  it('a request carrying any cookie, even a refused or expired one, is a browser: its sign-in gets no seal in the header', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport({ name: 'x-session', firstContact: true }) })
    for (const cookie of ['session=garbage', 'session=' + (await ironSession9.sealData({ user: 'x' }, { password: 'another-password-of-at-least-32-chars!!' })), 'theme=dark']) {
      const { response } = await visit(sessions, new Jar(cookie), (s) => s.set('user', 'fay'))
      expect(response.headers.has('x-session')).toBe(false)
      expect(response.headers.getSetCookie().some((line) => line.startsWith('session=Fe26.2'))).toBe(true)
    }
    // A client with no cookie at all is still offered the seal both ways.
    const fresh = await visit(sessions, new Jar(), (s) => s.set('user', 'gus'))
    expect(fresh.response.headers.get('x-session')).toMatch(/^Fe26\.2\*/)
  })
})

describe('store mode and a sign-in without regenerateId()', () => {
  it('a change of user on the same id rotates the id and ends the old one: a planted id is worth nothing', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data>({ password, store: sessionStore(storage), userId: (data) => data.user })
    const victim = new Jar()
    const planted = await visit(sessions, victim, (s) => s.set('count', 1))
    const attacker = copy(victim)
    const signIn = await visit(sessions, victim, (s) => s.set('user', 'hal'))
    expect(signIn.session.id).not.toBe(planted.session.id)
    const replay = await visit(sessions, attacker)
    expect([replay.session.unsealError, replay.session.data]).toEqual(['revoked', {}])
    expect((await visit(sessions, victim)).session.data).toEqual({ count: 1, user: 'hal' })
  })
})

describe('maxStoredBytes', () => {
  it('a 20 MB session fails at commit with SessionTooLargeError, before anything is stored or any header built', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data>({ password, store: sessionStore(storage) })
    const session = await sessions.read(new Jar().request())
    session.set('notes', 'n'.repeat(20 * 1024 * 1024))
    const error = await sessions.commit(session, ok()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(String(error)).toMatch(/is \d+ bytes of JSON, over maxStoredBytes \(262144\)/)
    expect(await storage.getKeys()).toEqual([])
    // Under the limit, a write goes through; the limit can be raised.
    const big = createSessions<Data>({ password, store: sessionStore(storage), maxStoredBytes: 1024 * 1024 })
    const jar = new Jar()
    await visit(big, jar, (s) => s.set('notes', 'n'.repeat(500_000)))
    // Read by options with the default limit, that record is refused unread.
    const read = await visit(sessions, copy(jar))
    expect([read.session.unsealError, read.session.data]).toEqual(['invalid', {}])
    expect((await visit(big, jar)).session.data.notes).toHaveLength(500_000)
  })

  it('a limit that is not a whole number of bytes from 1024 fails at setup', () => {
    expect(() => createSessions({ password, store: sessionStore(createStorage()), maxStoredBytes: 10 })).toThrow('maxStoredBytes must be a whole number of bytes, at least 1024')
    expect(() => createSessions({ password, maxStoredBytes: 4096 })).toThrow('maxStoredBytes needs a store')
  })
})

describe("a user's sessions without a scan of everyone's", () => {
  const userOf = (data: Partial<Data>) => data.user

  it('sessionsOf and revokeAll never list the store, and work on a store without getKeys', async () => {
    const storage = createStorage()
    const noListing = { getItem: storage.getItem.bind(storage), setItem: storage.setItem.bind(storage), removeItem: storage.removeItem.bind(storage) }
    const sessions = createSessions<Data>({ password, store: sessionStore(noListing), userId: userOf })
    const devices = [new Jar(), new Jar(), new Jar()]
    const ids = []
    for (const jar of devices) ids.push((await visit(sessions, jar, (s) => s.set('user', 'ida'))).session.id)
    expect((await sessions.sessionsOf('ida')).map((s) => s.id).sort()).toEqual([...ids].sort())
    expect((await sessions.revokeAll('ida', { except: ids[0] })).sort()).toEqual(ids.slice(1).sort())
    expect(await Promise.all(devices.map(async (jar) => (await visit(sessions, jar)).session.unsealError))).toEqual([undefined, 'revoked', 'revoked'])
  })

  it('revokeAll ends a session its list lost, by the not-before time every read checks', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data>({ password, store: sessionStore(storage), userId: userOf })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('user', 'jo'))
    for (const key of await storage.getKeys('ifs:users')) await storage.setItem(key, 'ifs1:{}') // the list lost it
    expect(await sessions.sessionsOf('jo')).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 2)) // created strictly before the not-before time
    expect(await sessions.revokeAll('jo')).toEqual([])
    expect((await visit(sessions, jar)).session.unsealError).toBe('revoked')
    // Signing in again afterwards is untouched.
    const again = new Jar()
    await visit(sessions, again, (s) => s.set('user', 'jo'))
    expect((await visit(sessions, again)).session.data.user).toBe('jo')
  })

  it('sessions filed the way before (a SHA-256 key per session, no user key in the seal) move over at their next request; revokeAll ends them before that', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data>({ password, store: sessionStore(storage), userId: userOf })
    const sha = createHash('sha256').update('kim').digest('hex')
    const old = async (id: string) => {
      const now = Date.now() - 1000
      await storage.setItem(`ifs:session:${id}`, `ifs1:${JSON.stringify({ created: now, sealed: now, expires: now + 3600_000, user: 'kim', indexed: now + 7200_000, data: { user: 'kim' } })}`)
      await storage.setItem(`ifs:user:${sha}:${id}`, `ifs1:${now}`)
      return new Jar(`session=${await ironSession9.sealData({ __ifs: { created: now, sealed: now, id } }, { password, ttl: 3600 })}`)
    }
    const [a, b] = [await old('a'.repeat(32)), await old('b'.repeat(32))]
    // a is used once: it moves to the new layout (re-sealed with the user's key, filed on kim's list, its old key gone).
    const moved = await visit(sessions, a)
    expect(moved.response.headers.getSetCookie()).toHaveLength(1)
    expect(await storage.hasItem(`ifs:user:${sha}:${'a'.repeat(32)}`)).toBe(false)
    expect((await sessions.sessionsOf('kim')).map((s) => s.id)).toEqual(['a'.repeat(32)])
    // b never came back: not listed, yet revokeAll ends it (its record names its user, and the read checks kim's not-before).
    await sessions.revokeAll('kim')
    expect((await visit(sessions, b)).session.unsealError).toBe('revoked')
    expect((await visit(sessions, a)).session.unsealError).toBe('revoked')
  })
})
