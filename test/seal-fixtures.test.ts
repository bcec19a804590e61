/**
 * Seals already issued keep working: cookies sealed by iron-fetch-session 0.1 (commit 342e5a0, before the
 * refactor of how seals carry session identity) read as before. The cookies and the store records behind
 * them are in test/fixtures/seals-0.1.json, made once by test/fixtures/make-seal-fixtures.mjs; never
 * regenerate them with newer code.
 *
 * Each fixture's `ifs` is the raw `__ifs` bookkeeping its seal carries, the old format:
 *   cookie:        { created, sealed, flash? }              beside the data
 *   store:         { created, sealed, id, u? }              the data (and flash) in the record the id names
 *   revocations:   { created, sealed, flash?, rid, ra? }    beside the data
 *
 * Only the public entry points are imported (src/index.ts, src/store/index.ts, src/revocations.ts), so
 * internal files can move. The clock (Date only) is set shortly after the fixtures were sealed.
 */
import { readFileSync } from 'node:fs'
import { createStorage, type Storage } from 'unstorage'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSessions, type SessionOptions, type Sessions } from '../src/index.ts'
import { sessionStore } from '../src/store/index.ts'
import { revocable } from '../src/revocations.ts'
import { Jar } from './helpers.ts'

type PasswordName = 'old' | 'new'

interface Fixture {
  name: string
  mode: 'cookie' | 'store' | 'revocations'
  form: 'plain' | 'flash' | 'chunked' | 'rotated' | 'signed-in' | 'anonymous' | 'rid-without-ra'
  /** The options it is read with (and was sealed with, but for `sealedWith`); userId 'userId' is `(data) => data.userId`. */
  options: { mode: Fixture['mode']; password: PasswordName | Record<string, PasswordName>; ttl: number; chunk?: boolean; userId?: 'userId'; lag?: number }
  sealedWith?: { password: PasswordName }
  cookie: string
  seal: string
  ifs: { created: number; sealed: number; flash?: Record<string, unknown>; id?: string; u?: string; rid?: string; ra?: number }
  expected: { data: Record<string, unknown>; flash: Record<string, unknown>; createdAt: number; id: string | null; user?: string | null }
  /** Every key and raw value of the store after sealing (store and revocations modes). */
  store?: Record<string, string>
}

interface Fixtures {
  commit: string
  sealedAt: string
  passwords: Record<PasswordName, string>
  fixtures: Fixture[]
}

const file = JSON.parse(readFileSync(new URL('./fixtures/seals-0.1.json', import.meta.url), 'utf8')) as Fixtures
const SEALED_AT = Date.parse(file.sealedAt)
/** Ten minutes after sealing: well inside every seal's ttl and every record's expiry. */
const READ_AT = SEALED_AT + 10 * 60_000
const url = 'https://app.example/'

const passwordOf = (password: Fixture['options']['password']) =>
  typeof password === 'string' ? file.passwords[password] : Object.fromEntries(Object.entries(password).map(([id, name]) => [id, file.passwords[name]]))

/** The fixture's options, with a fresh memory storage holding the fixture's store records. */
async function setup(fixture: Fixture, password = passwordOf(fixture.options.password)): Promise<{ sessions: Sessions; storage: Storage }> {
  const storage = createStorage()
  for (const [key, value] of Object.entries(fixture.store ?? {})) await storage.setItem(key, value)
  const options: SessionOptions = { password, ttl: fixture.options.ttl }
  if (fixture.options.chunk !== undefined) options.chunk = fixture.options.chunk
  if (fixture.options.userId === 'userId') options.userId = (data) => data.userId as string | undefined
  if (fixture.mode === 'store') options.store = sessionStore(storage)
  if (fixture.mode === 'revocations') options.revocations = revocable({ store: storage, lag: fixture.options.lag ?? 0 })
  return { sessions: createSessions(options), storage }
}

const request = (cookie: string) => new Request(url, { headers: { cookie } })
const idKey = (fixture: Fixture) => (fixture.mode === 'store' ? 'id' : 'rid')

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(READ_AT)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('the fixture file', () => {
  it('covers every mode and form, and records the old __ifs format', () => {
    const forms = file.fixtures.map((fixture) => `${fixture.mode}/${fixture.form}`)
    expect(forms).toEqual(['cookie/plain', 'cookie/flash', 'cookie/chunked', 'cookie/rotated', 'store/signed-in', 'store/anonymous', 'revocations/signed-in', 'revocations/anonymous', 'revocations/rid-without-ra'])
    const keys = Object.fromEntries(file.fixtures.map((fixture) => [`${fixture.mode}/${fixture.form}`, Object.keys(fixture.ifs)]))
    expect(keys).toEqual({
      'cookie/plain': ['created', 'sealed'],
      'cookie/flash': ['created', 'sealed', 'flash'],
      'cookie/chunked': ['created', 'sealed'],
      'cookie/rotated': ['created', 'sealed'],
      'store/signed-in': ['created', 'sealed', 'id', 'u'],
      'store/anonymous': ['created', 'sealed', 'id'],
      'revocations/signed-in': ['created', 'sealed', 'rid', 'ra'],
      'revocations/anonymous': ['created', 'sealed', 'flash', 'rid', 'ra'],
      'revocations/rid-without-ra': ['created', 'sealed', 'rid'],
    })
    for (const fixture of file.fixtures) {
      expect(fixture.seal).toMatch(/^Fe26\.2\*1\*/)
      expect(fixture.ifs.sealed).toBeLessThan(READ_AT)
      if (fixture.mode !== 'cookie') expect(fixture.ifs[idKey(fixture)]).toBe(fixture.expected.id)
    }
    // The chunked fixture is split over cookies session.0, session.1, … whose values join into the seal.
    const chunked = file.fixtures.find((fixture) => fixture.form === 'chunked') as Fixture
    const jar = new Jar(chunked.cookie)
    expect([...jar.cookies.keys()]).toEqual(['session.0', 'session.1'])
    expect([...jar.cookies.values()].join('')).toBe(chunked.seal)
  })
})

describe.each(file.fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_, fixture) => {
  it('reads as it did: data, flash, createdAt, expiresAt, id', async () => {
    const { sessions } = await setup(fixture)
    const session = await sessions.read(request(fixture.cookie))
    expect(session.unsealError).toBeUndefined()
    expect(session.isNew).toBe(false)
    expect(session.data).toEqual(fixture.expected.data)
    expect(session.createdAt).toBe(fixture.expected.createdAt)
    expect(session.createdAt).toBe(fixture.ifs.created)
    expect(session.expiresAt).toBe(fixture.ifs.sealed + fixture.options.ttl * 1000)
    for (const [key, value] of Object.entries(fixture.expected.flash)) expect(session.getFlash(key)).toEqual(value)
    expect(session.getFlash('absent')).toBeUndefined()
    if (fixture.mode === 'cookie') expect(session.id).toBeUndefined()
    else expect(session.id).toBe(fixture.expected.id)
  })

  it('a flash read is gone on the next request', async () => {
    const { sessions } = await setup(fixture)
    const session = await sessions.read(request(fixture.cookie))
    for (const key of Object.keys(fixture.expected.flash)) session.getFlash(key)
    const jar = new Jar(fixture.cookie).apply(await sessions.commit(session, new Response('ok')))
    const next = await sessions.read(request(jar.header))
    expect(next.unsealError).toBeUndefined()
    expect(next.data).toEqual(fixture.expected.data)
    for (const key of Object.keys(fixture.expected.flash)) expect(next.getFlash(key)).toBeUndefined()
  })

  it('a change is saved, and the cookie then held reads it back (same session, same createdAt)', async () => {
    const { sessions } = await setup(fixture)
    const session = await sessions.read(request(fixture.cookie))
    session.data.changed = 'after the refactor'
    const response = await sessions.commit(session, new Response('ok'))
    const jar = new Jar(fixture.cookie).apply(response)
    if (fixture.mode === 'store' && fixture.form !== 'rotated') {
      // A store's seal only names the session: a change of the data alone goes to the store, and the cookie stays.
      expect(response.headers.getSetCookie()).toEqual([])
      expect(jar.header).toBe(fixture.cookie)
    } else {
      expect(response.headers.getSetCookie().length).toBeGreaterThan(0)
      expect(jar.header).not.toBe(fixture.cookie)
    }
    vi.setSystemTime(READ_AT + 60_000)
    const next = await sessions.read(request(jar.header))
    expect(next.unsealError).toBeUndefined()
    expect(next.isNew).toBe(false)
    expect(next.data).toEqual({ ...fixture.expected.data, changed: 'after the refactor' })
    expect(next.createdAt).toBe(fixture.expected.createdAt)
    if (fixture.mode === 'cookie') expect(next.id).toBeUndefined()
    else expect(next.id).toBe(fixture.expected.id)
    // The flash was not read, so it is still there for the request that reads it.
    for (const [key, value] of Object.entries(fixture.expected.flash)) expect(next.getFlash(key)).toEqual(value)
    if (fixture.form === 'rotated') {
      // Re-sealed under the new password: it reads with the old one gone.
      const { sessions: newOnly } = await setup(fixture, { 2: file.passwords.new })
      const rotated = await newOnly.read(request(jar.header))
      expect(rotated.unsealError).toBeUndefined()
      expect(rotated.data).toEqual({ ...fixture.expected.data, changed: 'after the refactor' })
    }
  })

  it('destroy() signs out: the cookie is expired, and with a store or revocations a replay is refused', async () => {
    const { sessions } = await setup(fixture)
    const session = await sessions.read(request(fixture.cookie))
    session.destroy()
    const response = await sessions.commit(session, new Response('ok'))
    const jar = new Jar(fixture.cookie).apply(response)
    expect(jar.cookies.size).toBe(0)
    const replay = await sessions.read(request(fixture.cookie))
    if (fixture.mode === 'cookie') {
      // A cookie-only seal has nothing on the server to end: a stolen copy still reads until it expires.
      expect(replay.unsealError).toBeUndefined()
    } else {
      expect(replay.isNew).toBe(true)
      expect(replay.unsealError).toBe('revoked')
      expect(replay.data).toEqual({})
    }
  })

  if (fixture.mode !== 'cookie') {
    it('revoke(id) ends it: the cookie reads as new, unsealError "revoked"', async () => {
      const { sessions } = await setup(fixture)
      expect(await sessions.revoke(fixture.expected.id as string)).toBe(true)
      const session = await sessions.read(request(fixture.cookie))
      expect(session.isNew).toBe(true)
      expect(session.unsealError).toBe('revoked')
      expect(session.data).toEqual({})
    })
  }

  if (fixture.mode !== 'cookie' && fixture.expected.user) {
    const user = fixture.expected.user
    it(`revokeAll('${user}') ends it; revokeAll with except: its id spares it`, async () => {
      const spared = await setup(fixture)
      vi.setSystemTime(READ_AT + 1000)
      await spared.sessions.revokeAll(user, { except: fixture.expected.id as string })
      const kept = await spared.sessions.read(request(fixture.cookie))
      expect(kept.unsealError).toBeUndefined()
      expect(kept.data).toEqual(fixture.expected.data)

      const { sessions } = await setup(fixture)
      const ended = await sessions.revokeAll(user)
      // A store lists what it ended; revocations end by time and list nothing.
      expect(ended).toEqual(fixture.mode === 'store' ? [fixture.expected.id] : [])
      const session = await sessions.read(request(fixture.cookie))
      expect(session.isNew).toBe(true)
      expect(session.unsealError).toBe('revoked')
    })
  }

  if (fixture.mode === 'store') {
    it("the store's records are where the seal says, and sessionsOf lists a signed-in one", async () => {
      expect(Object.keys(fixture.store ?? {})).toContain(`ifs:session:${fixture.expected.id}`)
      for (const value of Object.values(fixture.store ?? {})) expect(value.startsWith('ifs1:')).toBe(true)
      const { sessions } = await setup(fixture)
      if (fixture.expected.user) {
        const listed = await sessions.sessionsOf(fixture.expected.user)
        expect(listed.map((info) => info.id)).toEqual([fixture.expected.id])
        expect(listed[0]?.data).toEqual(fixture.expected.data)
      }
    })
  }
})
