// Seals that could pose as something else: tokens as sessions, sessions as tokens, bookkeeping from
// outside, seals that cannot prove their age, flash keys that name Object.prototype, cookie prefixes.
import * as ironSession9 from 'iron-session-9'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessions, sealData, unsealData, type Session } from '../src/index.js'
import { Jar, password, setCookieSummary } from './helpers.js'

type Data = { userId?: number }
const ok = () => new Response('ok')

/** A browser holding a session cookie whose value is `value`. */
const holding = (value: string) => new Jar(`session=${value}`)

/** Commits `edit` on a session read from `jar`, and applies the answer to the jar. */
async function visit(sessions: ReturnType<typeof createSessions<Data>>, jar: Jar, edit: (session: Session<Data>) => void = () => {}) {
  const session = await sessions.read(jar.request())
  edit(session)
  const response = await sessions.commit(session, ok())
  jar.apply(response)
  return { session, response }
}

afterEach(() => vi.useRealTimers())

describe('sealData tokens and session cookies cannot stand in for each other', () => {
  it('a magic-link token sent as the session cookie reads as no session, and rolling does not re-seal it', async () => {
    const reasons: string[] = []
    const sessions = createSessions<Data>({ password, rolling: true, onUnsealError: (reason) => reasons.push(reason) })
    const token = await sealData({ userId: 42 }, { password, ttl: 900 })
    const { session, response } = await visit(sessions, holding(token))
    expect(session.isNew).toBe(true)
    expect(session.data).toEqual({})
    expect(session.unsealError).toBe('invalid')
    expect(reasons).toEqual(['invalid'])
    // The answer only expires the cookie: no 14-day session was made from the token.
    expect(setCookieSummary(response)).toEqual([['session', 0]])
  })

  it('a session cookie given to unsealData is refused, so it cannot serve as a token', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('userId', 7))
    const reasons: string[] = []
    expect(await unsealData(jar.cookies.get('session') as string, { password, onUnsealError: (reason) => reasons.push(reason) })).toEqual({})
    expect(reasons).toEqual(['invalid'])
  })

  it('a token opens with unsealData as the data it sealed, without the marker', async () => {
    const token = await sealData({ userId: 42, next: '/inbox' }, { password })
    expect(await unsealData(token, { password })).toEqual({ userId: 42, next: '/inbox' })
    expect(await unsealData(await sealData('a plain string', { password }), { password })).toBe('a plain string')
  })

  it('sealData refuses the reserved key, so app data cannot forge a session’s bookkeeping', async () => {
    await expect(sealData({ __ifs: { created: 8.64e15 } }, { password })).rejects.toThrow('the key __ifs is reserved')
  })

  it('bookkeeping that no commit wrote (a creation time in the future) is refused', async () => {
    // A seal made outside createSessions with the same password, here by iron-session itself.
    const forged = await ironSession9.sealData({ userId: 1, __ifs: { created: 8.64e15, sealed: 8.64e15 } }, { password })
    const sessions = createSessions<Data>({ password, maxLifetime: 3600 })
    const { session } = await visit(sessions, holding(forged))
    expect(session.unsealError).toBe('invalid')
    expect(session.data).toEqual({})
  })

  it("iron-session's own cookies still read as sessions: they carry no marker", async () => {
    const sessions = createSessions<Data>({ password })
    const value = await ironSession9.sealData({ userId: 3 }, { password })
    expect((await visit(sessions, holding(value))).session.data).toEqual({ userId: 3 })
  })
})

describe('maxLifetime with seals that cannot prove their age', () => {
  it('an iron-session cookie sealed with ttl 0 is refused as expired when maxLifetime is set, and read without it', async () => {
    const value = await ironSession9.sealData({ userId: 1 }, { password, ttl: 0 })
    const strict = await visit(createSessions<Data>({ password, maxLifetime: 3600 }), holding(value))
    expect(strict.session.unsealError).toBe('expired')
    expect(strict.session.data).toEqual({})
    const lenient = await createSessions<Data>({ password }).read(holding(value).request())
    expect(lenient.data).toEqual({ userId: 1 })
  })

  it('an iron-session cookie with an expiry is aged from it, so maxLifetime still applies to it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const value = await ironSession9.sealData({ userId: 1 }, { password, ttl: 7200 })
    const sessions = createSessions<Data>({ password, ttl: 7200, maxLifetime: 3600 })
    expect((await sessions.read(holding(value).request())).data).toEqual({ userId: 1 })
    vi.advanceTimersByTime(3601_000)
    expect((await sessions.read(holding(value).request())).unsealError).toBe('expired')
  })
})

describe('flash keys are own keys', () => {
  type Flash = Record<string, string>

  it('getFlash of a name on Object.prototype is undefined, and "__proto__" round-trips as a key', async () => {
    const sessions = createSessions<Data, Flash>({ password })
    const jar = new Jar()
    const first = await sessions.read(jar.request())
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(first.getFlash(name)).toBeUndefined()
    first.flash('__proto__', 'kept')
    first.flash('notice', 'hello')
    jar.apply(await sessions.commit(first, ok()))

    const second = await sessions.read(jar.request())
    expect(second.getFlash('constructor')).toBeUndefined()
    expect(second.getFlash('__proto__')).toBe('kept')
    expect(second.getFlash('notice')).toBe('hello')
  })
})

describe('cookie prefixes, as browsers read them: in any case', () => {
  it.each([
    [{ cookieName: '__host-s', cookieOptions: { domain: 'app.example' } }, 'needs path \'/\' and no domain'],
    [{ cookieName: '__HOST-s', cookieOptions: { path: '/admin' } }, 'needs path \'/\' and no domain'],
    [{ cookieName: '__secure-s', cookieOptions: { secure: false } }, 'needs secure: true'],
    [{ cookieName: '__Host-s', cookieOptions: { secure: false } }, 'needs secure: true'],
  ])('%j fails at setup', (options, message) => {
    expect(() => createSessions({ password, ...options })).toThrow(message)
  })

  it('__Host- with the defaults is accepted and written with Secure, Path=/ and no Domain', async () => {
    const sessions = createSessions<Data>({ password, cookieName: '__Host-session' })
    const { response } = await visit(sessions, new Jar(), (s) => s.set('userId', 1))
    expect(response.headers.getSetCookie()[0]).toMatch(/^__Host-session=Fe26[^;]*; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
  })
})
