// "Remember me": a session's own lifetime, chosen at sign-in with session.setLifetime(), sealed into the
// session so it holds through every later write, rolling renewal and password rotation, with a store too.
import { parseSetCookie } from 'cookie'
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessions, type SessionOptions } from '../src/index.ts'
import { sessionStore } from '../src/store/index.ts'
import { Jar, newPassword, password, visit } from './helpers.ts'

type Data = { userId?: string; n?: number }
const DAY = 24 * 3600
const THIRTY_DAYS = 30 * DAY

const cookieLine = (response: Response) => parseSetCookie(response.headers.getSetCookie().find((line) => line.startsWith('session='))!)

afterEach(() => {
  vi.useRealTimers()
})

describe('session.setLifetime: a lifetime chosen at sign-in', () => {
  const sessions = (options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, ttl: THIRTY_DAYS, ...options })

  it('"remember me" unchecked: a browser-session cookie (no Max-Age) and a 12-hour seal, through later writes', async () => {
    const app = sessions()
    const jar = new Jar()
    const signIn = await visit(app, jar, (s) => (s.set('userId', 'ada'), s.setLifetime({ ttl: 12 * 3600, persistentCookie: false })))
    expect(cookieLine(signIn.response).maxAge).toBeUndefined()
    const read = await app.read(jar.request())
    expect(read.expiresAt! - Date.now()).toBeGreaterThan(12 * 3600 * 1000 - 5000)
    expect(read.expiresAt! - Date.now()).toBeLessThanOrEqual(12 * 3600 * 1000)
    // A later write re-seals: the choice holds.
    const later = await visit(app, jar, (s) => s.set('n', 1))
    expect(cookieLine(later.response).maxAge).toBeUndefined()
    expect((await app.read(jar.request())).expiresAt! - Date.now()).toBeLessThanOrEqual(12 * 3600 * 1000)
    // Another session of the same app, not chosen, keeps the options' lifetime.
    const other = await visit(app, new Jar(), (s) => s.set('userId', 'lin'))
    expect(cookieLine(other.response).maxAge).toBe(THIRTY_DAYS - 60)
  })

  it('"remember me" checked: the options\' 30 days, as Max-Age and seal; a shorter ttl when asked', async () => {
    const app = sessions()
    const jar = new Jar()
    const week = await visit(app, jar, (s) => (s.set('userId', 'ada'), s.setLifetime({ ttl: 7 * DAY })))
    expect(cookieLine(week.response).maxAge).toBe(7 * DAY - 60)
    const again = await visit(app, jar, (s) => s.set('n', 2))
    expect(cookieLine(again.response).maxAge).toBe(7 * DAY - 60)
  })

  it('holds through a password rotation and a rolling renewal, and ends with destroy()', async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: start })
    const jar = new Jar()
    await visit(sessions({ password: { 1: password } }), jar, (s) => (s.set('userId', 'ada'), s.setLifetime({ ttl: 10 * 3600, persistentCookie: false })))
    // Rotation: the next request re-seals under the new password, with the same lifetime.
    const rotated = sessions({ password: { 2: newPassword, 1: password }, rolling: true })
    const rotation = await visit(rotated, jar)
    expect(cookieLine(rotation.response).maxAge).toBeUndefined()
    expect((await rotated.read(jar.request())).expiresAt).toBe(start + 10 * 3600 * 1000)
    // Rolling: touchAfter is the options' (3 days) or a tenth of the session's own ttl (1 hour), whichever comes first.
    vi.setSystemTime(start + 3600 * 1000)
    const touch = await visit(rotated, jar)
    expect(touch.response.headers.getSetCookie()).toHaveLength(1)
    expect((await rotated.read(jar.request())).expiresAt).toBe(start + 11 * 3600 * 1000)
    // destroy() ends the choice with the session: a flash after it gets the options' cookie.
    const out = await visit(rotated, jar, (s) => (s.destroy(), s.flash('notice', 'bye')))
    expect(cookieLine(out.response).maxAge).toBe(300 - 60)
  })

  it('with a store: the seal carries it, and a write of the data alone renews at a tenth of it', async () => {
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: start })
    const app = sessions({ store: sessionStore(createStorage()) })
    const jar = new Jar()
    const signIn = await visit(app, jar, (s) => (s.set('userId', 'ada'), s.setLifetime({ ttl: 10 * 3600, persistentCookie: false })))
    expect(cookieLine(signIn.response).maxAge).toBeUndefined()
    vi.setSystemTime(start + 60_000)
    expect((await visit(app, jar, (s) => s.set('n', 1))).response.headers.getSetCookie()).toEqual([])
    vi.setSystemTime(start + 3600 * 1000)
    const renewed = await visit(app, jar, (s) => s.set('n', 2))
    expect(cookieLine(renewed.response).maxAge).toBeUndefined()
    const read = await app.read(jar.request())
    expect([read.data, read.expiresAt]).toEqual([{ userId: 'ada', n: 2 }, start + 11 * 3600 * 1000])
  })

  it('refuses what it cannot keep: a ttl longer than the option (at commit), and a malformed one (at once)', async () => {
    const app = sessions()
    const session = await app.read(new Jar().request())
    session.set('userId', 'ada')
    session.setLifetime({ ttl: 60 * DAY })
    await expect(app.commit(session, new Response('ok'))).rejects.toThrow('setLifetime({ ttl: 5184000 }) is longer than the ttl option (2592000)')
    expect(() => session.setLifetime({ ttl: 1.5 })).toThrow('setLifetime takes { ttl?: whole seconds')
    expect(() => session.setLifetime({ persistentCookie: 'no' as never })).toThrow('setLifetime takes')
  })
})
