// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on read: what an instance
// without a store makes of a store's seal, a schema that throws, expiry seen from the unseal cache (and
// without one), an oversized Cookie header, seals without an expiry under maxLifetime, times that are
// not finite, and the session kept by revokeAll's `except` regenerating its id afterwards.
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cachedPasswords } from '../src/core/passwords.js'
import { sealJson } from '../src/core/seal.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password, visit } from './helpers.js'

type Data = { user?: string; count?: number }

afterEach(() => {
  vi.useRealTimers()
})

/** An instance with these options that records what onUnsealError hears. */
function heard(options: Partial<SessionOptions<Data>> = {}) {
  const told: Array<[string, string]> = []
  const sessions = createSessions<Data>({ password, onUnsealError: (reason, error) => told.push([reason, (error as Error).message]), ...options })
  return { sessions, told }
}

async function written(options: Partial<SessionOptions<Data>>, data: Data, jar = new Jar()): Promise<Jar> {
  const sessions = createSessions<Data>({ password, ...options })
  const session = await sessions.read(jar.request())
  for (const [key, value] of Object.entries(data)) session.set(key as keyof Data, value as never)
  jar.apply(await sessions.commit(session, new Response()))
  return jar
}

describe('refused reads, with the reason and message onUnsealError hears', () => {
  it("a store's seal read by an instance without a store", async () => {
    const jar = await written({ store: sessionStore(createStorage()) }, { count: 1 })
    const { sessions, told } = heard()
    const session = await sessions.read(jar.request())
    expect([session.unsealError, session.data]).toEqual(['invalid', {}])
    expect(told).toEqual([['invalid', 'iron-fetch-session: the seal names a stored session, and no store is configured']])
  })

  it('a schema whose validate throws reads as invalid, with what it threw', async () => {
    const jar = await written({}, { count: 1 })
    const schema = { '~standard': { version: 1, vendor: 'test', validate: () => { throw new Error('schema exploded') } } }
    const { sessions, told } = heard({ schema: schema as never })
    const session = await sessions.read(jar.request())
    expect([session.unsealError, session.data]).toEqual(['invalid', {}])
    expect(told).toEqual([['invalid', 'iron-fetch-session: Error: schema exploded']])
  })

  it('a seal that expired since this instance cached it: the expiry, then the seal itself once forgotten', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const { sessions, told } = heard({ ttl: 120 })
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('count', 1))
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
    const expiresAt = new Date(t0 + 120_000).toISOString()
    vi.setSystemTime(t0 + 180_000) // ttl and the clock skew past
    expect((await sessions.read(jar.request())).unsealError).toBe('expired')
    expect((await sessions.read(jar.request())).unsealError).toBe('expired')
    expect(told).toEqual([
      ['expired', `iron-fetch-session: the session expired at ${expiresAt}`],
      ['expired', `iron-fetch-session: the seal expired at ${expiresAt}`],
    ])
  })

  it('maxLifetime passed, with the unseal cache turned off', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const { sessions, told } = heard({ ttl: 0, maxLifetime: 60, cache: false })
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('count', 1))
    vi.setSystemTime(t0 + 61_000)
    expect((await sessions.read(jar.request())).unsealError).toBe('expired')
    expect(told).toEqual([['expired', `iron-fetch-session: the session passed maxLifetime (created ${new Date(t0).toISOString()})`]])
  })

  it.each(['created', 'sealed', 'ra'])('a %s time of minus infinity (1e999 in the JSON) is not a past moment', async (field) => {
    const sealed = await sealJson(cachedPasswords(password), `{"count":1,"__ifs":{"created":1,"sealed":1,"rid":"${'a'.repeat(32)}","${field}":-1e999}}`, 3600)
    const { sessions, told } = heard()
    const session = await sessions.read(new Jar(`session=${sealed}`).request())
    expect([session.unsealError, session.data]).toEqual(['invalid', {}])
    expect(told).toEqual([['invalid', "iron-fetch-session: the seal's __ifs holds a time that is not a past moment"]])
  })
})

describe('an oversized Cookie header', () => {
  it('is refused, and the answer expires no cookie it did not read', async () => {
    const { sessions } = heard()
    const request = new Request('https://app.example/', { headers: { cookie: `session=${'x'.repeat(64 * 1024)}; other=1` } })
    const session = await sessions.read(request)
    expect(session.unsealError).toBe('invalid')
    const response = await sessions.commit(session, new Response())
    expect(response.headers.getSetCookie()).toEqual([])
  })
})

describe('maxLifetime added to an app whose seals have no expiry (ttl 0)', () => {
  it('reads them by the creation time they carry', async () => {
    const jar = await written({ ttl: 0 }, { count: 1 })
    const { sessions, told } = heard({ ttl: 0, maxLifetime: 3600 })
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
    expect(told).toEqual([])
  })
})

describe("revokeAll(user, { except }) and the kept session's later regenerateId()", () => {
  it('the kept session stays signed in under its new id; the others are ended', async () => {
    const store = createStorage()
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag: 0 }) }
    const sessions = createSessions<Data>(options)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const laptop = await written(options, { user: 'ada' })
    const phone = await written(options, { user: 'ada' })
    vi.setSystemTime(t0 + 1_000)
    const kept = await sessions.read(laptop.request())
    await sessions.revokeAll('ada', { except: kept.id })
    vi.setSystemTime(t0 + 2_000)
    kept.regenerateId()
    laptop.apply(await sessions.commit(kept, new Response()))
    vi.setSystemTime(t0 + 3_000)
    const again = await createSessions<Data>(options).read(laptop.request())
    expect([again.unsealError, again.data, again.id]).toEqual([undefined, { user: 'ada' }, kept.id])
    expect((await createSessions<Data>(options).read(phone.request())).unsealError).toBe('revoked')
  })
})
