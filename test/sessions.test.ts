import { parseSetCookie } from 'cookie'
import * as ironSession9 from 'iron-session-9'
import * as v from 'valibot'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createSessions, SessionTooLargeError, type SessionOptions, type Sessions } from '../src/index.js'
import { cryptoBackend } from '../src/core/crypto/choice.js'
import { Jar, newPassword, password, setCookieSummary, url } from './helpers.js'
import { headerTransport } from '../src/header.js'

type Data = { user?: { id: number; name: string; roles: string[] }; count?: number; cart?: string[]; notes?: string }

const ok = () => new Response('ok')

/** One request through read → handler → commit, the way every adapter runs it. */
async function visit<D extends Record<string, unknown>>(
  sessions: ReturnType<typeof createSessions<D>>,
  jar: Jar,
  handler: (session: Awaited<ReturnType<typeof sessions.read>>) => unknown = () => {},
  request = jar.request(),
) {
  const session = await sessions.read(request)
  const result = handler(session)
  const response = await sessions.commit(session, result instanceof Response ? result : ok())
  jar.apply(response)
  return { session, response }
}

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('1. options are checked once, at setup', () => {
  it.each<[Partial<SessionOptions>, string]>([
    [{}, 'password is missing'],
    [{ password: 'short' }, 'password must be a string of at least 32 characters'],
    [{ password: {} }, 'password is an empty map'],
    [{ password: { one: password } }, 'ids must be whole numbers written plainly'],
    [{ password, cookieName: 'my session' }, 'not a valid cookie name'],
    [{ password, ttl: -5 }, 'ttl must be a whole number of seconds'],
    [{ password, ttl: 1.5 }, 'ttl must be a whole number of seconds'],
    [{ password, cookieName: '__Host-s', cookieOptions: { path: '/app' } }, "needs path '/' and no domain"],
    [{ password, cookieOptions: { sameSite: 'none', secure: false } }, "sameSite 'none' needs secure: true"],
    [{ password, chunk: 20 }, 'chunk must be true'],
    [{ password, ttl: 0, rolling: true }, 'rolling needs a ttl'],
    [{ password, ttl: 600, rolling: { touchAfter: 600 } }, 'must be less than ttl'],
    [{ password, rolling: 'yes' as unknown as boolean }, 'rolling must be true, false'],
    [{ password, maxLifetime: 0 }, 'maxLifetime must be more than 0'],
    [{ password, ttl: 600, rolling: { touchAfter: 60 }, maxLifetime: 30 }, 'must be more than rolling.touchAfter'],
    [{ password, schema: {} as never }, 'schema must be a Standard Schema'],
    [{ password, header: 'authorization' as never }, `header takes headerTransport("authorization") from 'iron-fetch-session/header'`],
    [{ password, cache: -1 }, 'cache must be a number of entries'],
  ])('%o fails with a message naming the fix', (options, message) => {
    expect(() => createSessions(options as SessionOptions)).toThrow(message)
  })

  it('cookieName defaults to "session"', async () => {
    const sessions = createSessions<Data>({ password })
    const { response } = await visit(sessions, new Jar(), (s) => void (s.data.count = 1))
    expect(setCookieSummary(response)).toEqual([['session', 14 * 24 * 3600 - 60]])
  })
})

describe('2. data and changes', () => {
  const sessions = createSessions<Data>({ password })

  it('writes when data changed and reads it back; a read-only request gets no Set-Cookie', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('user', { id: 1, name: 'Ada', roles: ['admin'] }))
    const { session, response } = await visit(sessions, jar)
    expect(session.isNew).toBe(false)
    expect(session.get('user')).toEqual({ id: 1, name: 'Ada', roles: ['admin'] })
    expect(response.headers.getSetCookie()).toEqual([])
    expect(response.headers.has('cache-control')).toBe(false)
  })

  it('a new session that stays empty gets no Set-Cookie', async () => {
    const { session, response } = await visit(sessions, new Jar())
    expect(session.isNew).toBe(true)
    expect(session.data).toEqual({})
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('detects a nested mutation', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('user', { id: 1, name: 'Ada', roles: [] }))
    const { response } = await visit(sessions, jar, (s) => void s.data.user?.roles.push('editor'))
    expect(setCookieSummary(response)).toHaveLength(1)
    expect((await visit(sessions, jar)).session.data.user?.roles).toEqual(['editor'])
  })

  it('replacing session.data wholesale is saved; untouched data is kept as it was', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    // A request that never looks at the data (its data is parsed only on use) changes nothing.
    expect(setCookieSummary((await visit(sessions, jar, (s) => void s.getFlash('none'))).response)).toEqual([])
    const { response } = await visit(sessions, jar, (s) => void (s.data = { notes: 'new' }))
    expect(setCookieSummary(response)).toHaveLength(1)
    expect((await visit(sessions, jar)).session.data).toEqual({ notes: 'new' })
  })

  it('unset removes a key; emptying the session expires its cookie', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => {
      s.set('count', 1)
      s.set('notes', 'x')
    })
    await visit(sessions, jar, (s) => s.unset('notes'))
    expect((await visit(sessions, jar)).session.data).toEqual({ count: 1 })
    const { response } = await visit(sessions, jar, (s) => s.unset('count'))
    expect(setCookieSummary(response)).toEqual([['session', 0]])
    expect(jar.cookies.size).toBe(0)
  })

  it('refuses non-JSON data at commit, naming the path, before any header', async () => {
    const session = await sessions.read(new Request(url))
    ;(session.data as Record<string, unknown>).when = new Date()
    await expect(sessions.commit(session, ok())).rejects.toThrow('session.when is a Date')
  })

  it('keeps the reserved key out of data', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const payload = await ironSession9.unsealData<Record<string, unknown>>(jar.cookies.get('session') as string, { password })
    expect(Object.keys(payload)).toEqual(['count', '__ifs'])
    expect(Object.keys((await visit(sessions, jar)).session.data)).toEqual(['count'])
    const session = await sessions.read(jar.request())
    ;(session.data as Record<string, unknown>).__ifs = 1
    await expect(sessions.commit(session, ok())).rejects.toThrow('__ifs is reserved')
  })
})

describe('3. flash', () => {
  type Flash = { notice: string }
  const sessions = createSessions<Data, Flash>({ password })

  it('is readable on the next request, then gone; reading it rewrites the cookie without it', async () => {
    const jar = new Jar()
    const first = await visit(sessions, jar, (s) => {
      s.set('count', 1)
      s.flash('notice', 'Signed in')
      expect(s.getFlash('notice')).toBeUndefined() // not on the request that set it
    })
    expect(setCookieSummary(first.response)).toHaveLength(1)

    // A request that does not read it leaves the cookie alone.
    expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([])

    const second = await visit(sessions, jar, (s) => {
      expect(s.getFlash('notice')).toBe('Signed in')
      expect(s.getFlash('notice')).toBe('Signed in') // twice in one request: still there
    })
    expect(setCookieSummary(second.response)).toHaveLength(1)

    const third = await visit(sessions, jar, (s) => expect(s.getFlash('notice')).toBeUndefined())
    expect(setCookieSummary(third.response)).toEqual([])
    expect(third.session.data).toEqual({ count: 1 })
  })

  it('the seal holds the data in its own key order, then the bookkeeping with the flash, as iron-session reads it', async () => {
    const loose = createSessions<Record<string, unknown>, Flash>({ password })
    const jar = new Jar()
    await visit(loose, jar, (s) => {
      s.data = JSON.parse('{"__proto__":{"admin":false},"user":{"id":7},"2":"two","count":1}') as Record<string, unknown>
      s.flash('notice', 'Hi')
    })
    const payload = await ironSession9.unsealData<Record<string, unknown>>(jar.cookies.get('session') as string, { password })
    expect(Object.keys(payload)).toEqual(['2', '__proto__', 'user', 'count', '__ifs'])
    expect(JSON.stringify(payload)).toMatch(/^\{"2":"two","__proto__":\{"admin":false\},"user":\{"id":7\},"count":1,"__ifs":\{"created":\d+,"sealed":\d+,"flash":\{"notice":"Hi"\}\}\}$/)
    const flashOnly = new Jar()
    await visit(loose, flashOnly, (s) => s.flash('notice', 'Bye'))
    expect(Object.keys(await ironSession9.unsealData(flashOnly.cookies.get('session') as string, { password }))).toEqual(['__ifs'])
    const session = await loose.read(new Request(url))
    session.flash('notice', new Date() as unknown as string)
    await expect(loose.commit(session, ok())).rejects.toThrow('session.__ifs.flash.notice is a Date')
  })

  it('a flash alone makes a session, and reading it empties and clears it', async () => {
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.flash('notice', 'Hello'))
    expect(jar.cookies.has('session')).toBe(true)
    const { response } = await visit(sessions, jar, (s) => expect(s.getFlash('notice')).toBe('Hello'))
    expect(setCookieSummary(response)).toEqual([['session', 0]])
  })
})

describe('4. destroy', () => {
  it('expires the cookie and every chunk the request carried, with the same Path and Domain', async () => {
    const sessions = createSessions<Data>({ password, chunk: true, cookieOptions: { domain: 'app.example', path: '/' } })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('notes', 'n'.repeat(6000)))
    const chunks = [...jar.cookies.keys()]
    expect(chunks).toEqual(['session.0', 'session.1', 'session.2'])
    const { response } = await visit(sessions, jar, (s) => s.destroy())
    expect(response.headers.getSetCookie().map((line) => parseSetCookie(line))).toEqual(
      chunks.map((name) => expect.objectContaining({ name, maxAge: 0, domain: 'app.example', path: '/' })),
    )
    expect(jar.cookies.size).toBe(0)
  })

  it('writing data after destroy() is an error at commit, not a silent sign-in', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const session = await sessions.read(jar.request())
    const data = session.data
    session.destroy()
    expect(session.destroyed).toBe(true)
    expect(data).toEqual({}) // cleared in place
    session.set('user', { id: 2, name: 'Eve', roles: [] })
    await expect(sessions.commit(session, ok())).rejects.toThrow('written to the session after destroy()')
  })

  it('a flash after destroy() survives as a fresh session holding only the flash', async () => {
    const sessions = createSessions<Data, { notice: string }>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 7))
    const signOut = await visit(sessions, jar, (s) => {
      s.destroy()
      s.flash('notice', 'Signed out')
    })
    // Only a flash: a short-lived cookie (5 minutes, less the skew), not a 14-day one left behind.
    expect(setCookieSummary(signOut.response)).toEqual([['session', 240]])
    const { session } = await visit(sessions, jar, (s) => expect(s.getFlash('notice')).toBe('Signed out'))
    expect(session.data).toEqual({})
    expect(jar.cookies.size).toBe(0)
  })

  it('destroying a new session writes nothing', async () => {
    const sessions = createSessions<Data>({ password })
    const { response } = await visit(sessions, new Jar(), (s) => s.destroy())
    expect(response.headers.getSetCookie()).toEqual([])
  })
})

describe('5. expiry: ttl, rolling, maxLifetime', () => {
  const t0 = Date.UTC(2030, 0, 1)
  const at = (ms: number) => vi.setSystemTime(t0 + ms)

  it('ttl: Max-Age follows it, and the server refuses the seal after it (with 60 s skew)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const onUnsealError = vi.fn()
    const sessions = createSessions<Data>({ password, ttl: 3600, onUnsealError })
    const jar = new Jar()
    const { response } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect(setCookieSummary(response)).toEqual([['session', 3540]])
    const cookie = jar.header
    at(3600_000 + 59_999)
    const alive = await sessions.read(new Jar(cookie).request())
    expect(alive.data).toEqual({ count: 1 })
    expect(alive.createdAt).toBe(t0)
    expect(alive.expiresAt).toBe(t0 + 3600_000)
    at(3600_000 + 60_000)
    const expired = await sessions.read(new Jar(cookie).request()) // a cache hit: expiry is re-checked
    expect(expired.data).toEqual({})
    expect(expired.unsealError).toBe('expired')
    expect(onUnsealError).toHaveBeenCalledWith('expired', expect.any(Error))
    // The refused cookie is expired once on that response.
    expect(setCookieSummary(await sessions.commit(expired, ok()))).toEqual([['session', 0]])
  })

  it('ttl 0: no expiry in the seal, the longest Max-Age, and readable decades later', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const sessions = createSessions<Data>({ password, ttl: 0 })
    const jar = new Jar()
    const { response } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect(setCookieSummary(response)).toEqual([['session', 2147483647]])
    expect(jar.cookies.get('session')?.split('*')[5]).toBe('')
    at(50 * 365 * 24 * 3600_000)
    const later = await sessions.read(new Jar(jar.header).request())
    expect([later.data, later.expiresAt, later.unsealError]).toEqual([{ count: 1 }, undefined, undefined])
  })

  it('60 s of clock skew: a server whose clock runs a minute behind, or ahead, agrees on expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const sessions = createSessions<Data>({ password, ttl: 600 })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const cookie = jar.header
    // A reader 59 s ahead just after expiry still accepts; a reader 61 s past expiry refuses.
    at(600_000 + 59_000)
    expect((await sessions.read(new Jar(cookie).request())).data).toEqual({ count: 1 })
    at(600_000 + 61_000)
    expect((await sessions.read(new Jar(cookie).request())).unsealError).toBe('expired')
    // A sealing server ahead of the reader: the seal looks fresh and is read.
    at(-60_000)
    expect((await sessions.read(new Jar(cookie).request())).data).toEqual({ count: 1 })
  })

  it('rolling: re-seals an unchanged session at most once per touchAfter, and idles out after ttl', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const sessions = createSessions<Data>({ password, ttl: 1000, rolling: { touchAfter: 100 } })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    at(50_000)
    expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([])
    at(100_000)
    const touched = await visit(sessions, jar)
    expect(setCookieSummary(touched.response)).toEqual([['session', 940]])
    at(150_000)
    expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([])
    // Active every 900 s, the session outlives its first ttl many times over.
    for (let t = 1000_000; t <= 5000_000; t += 900_000) {
      at(t)
      expect((await visit(sessions, jar)).session.data).toEqual({ count: 1 })
    }
    const cookie = jar.header
    at(5000_000 + 1000_000 + 60_000)
    expect((await sessions.read(new Jar(cookie).request())).unsealError).toBe('expired')
  })

  it('rolling: true touches after ttl / 10 by default', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const sessions = createSessions<Data>({ password, ttl: 1000, rolling: true })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    at(99_999)
    expect(setCookieSummary((await visit(sessions, jar)).response)).toEqual([])
    at(100_000)
    expect(setCookieSummary((await visit(sessions, jar)).response)).toHaveLength(1)
  })

  it('maxLifetime: an absolute timeout since creation that survives every re-seal', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const sessions = createSessions<Data>({ password, ttl: 3600, rolling: { touchAfter: 60 }, maxLifetime: 7200 })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 0))
    for (let t = 1000_000; t < 7200_000; t += 1000_000) {
      at(t)
      const { session } = await visit(sessions, jar, (s) => s.set('count', (s.get('count') ?? 0) + 1))
      expect(session.createdAt).toBe(t0)
    }
    // The last seal's ttl was cut short to end at the lifetime (200 s): Max-Age follows, less the 60 s skew.
    at(7000_000)
    const { response } = await visit(sessions, jar, (s) => s.set('count', 99))
    expect(setCookieSummary(response)).toEqual([['session', 140]])
    expect(jar.cookies.get('session')?.split('*')[5]).toBe(String(t0 + 7200_000))
    const cookie = jar.header
    at(7200_000)
    const late = await sessions.read(new Jar(cookie).request())
    expect(late.unsealError).toBe('expired')
    expect(late.data).toEqual({})
  })

  it('an iron-session cookie has no creation time: it is its expiration minus ttl', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const value = await ironSession9.sealData({ count: 5 }, { password, ttl: 3600 })
    at(1800_000)
    const sessions = createSessions<Data>({ password, ttl: 3600, maxLifetime: 4000 })
    const session = await sessions.read(new Jar(`session=${value}`).request())
    expect(session.data).toEqual({ count: 5 })
    expect(session.createdAt).toBe(t0)
    at(4000_000)
    expect((await sessions.read(new Jar(`session=${value}`).request())).unsealError).toBe('expired')
  })
})

describe('6. password rotation', () => {
  it('reads a cookie sealed under the old id, and the commit re-seals it under the new one', async () => {
    const jar = new Jar()
    await visit(createSessions<Data>({ password: { 1: password } }), jar, (s) => s.set('count', 3))
    expect(jar.cookies.get('session')?.split('*')[1]).toBe('1')
    const rotated = createSessions<Data>({ password: { 2: newPassword, 1: password } })
    const { session, response } = await visit(rotated, jar) // read only, and still re-sealed
    expect(session.data).toEqual({ count: 3 })
    expect(setCookieSummary(response)).toHaveLength(1)
    expect(jar.cookies.get('session')?.split('*')[1]).toBe('2')
    // The old password can now be dropped.
    expect((await visit(createSessions<Data>({ password: { 2: newPassword } }), jar)).session.data).toEqual({ count: 3 })
    expect(setCookieSummary((await visit(rotated, jar)).response)).toEqual([])
  })

  it('an unknown id reads as an empty session with reason unknown-password', async () => {
    const jar = new Jar()
    await visit(createSessions<Data>({ password: { 5: password } }), jar, (s) => s.set('count', 3))
    const session = await createSessions<Data>({ password: { 1: password } }).read(jar.request())
    expect(session.data).toEqual({})
    expect(session.unsealError).toBe('unknown-password')
  })
})

describe('7. why a cookie was refused', () => {
  it('each seal part tampered reads as empty with a reason, and the cookie and its chunks are expired once', async () => {
    const onUnsealError = vi.fn()
    const sessions = createSessions<Data>({ password, chunk: true, onUnsealError })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const value = jar.cookies.get('session') as string
    const parts = value.split('*')
    for (let index = 0; index < parts.length; index++) {
      const changed = [...parts]
      changed[index] = `${changed[index]}0`
      const tampered = new Jar(`session=${changed.join('*')}; session.1=stale; other=1`)
      const session = await sessions.read(tampered.request())
      expect(session.data).toEqual({})
      expect(session.unsealError).toBe(index === 1 ? 'unknown-password' : 'invalid')
      const response = await sessions.commit(session, ok())
      expect(setCookieSummary(response)).toEqual([
        ['session', 0],
        ['session.1', 0],
      ])
      tampered.apply(response)
      expect(tampered.header).toBe('other=1')
      const again = await sessions.read(tampered.request())
      expect(again.unsealError).toBeUndefined()
      expect((await sessions.commit(again, ok())).headers.getSetCookie()).toEqual([])
    }
    expect(onUnsealError).toHaveBeenCalledTimes(parts.length)
  })

  it('truncated and foreign cookies read as empty, never throw', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const value = jar.cookies.get('session') as string
    for (const cookie of [`session=${value.slice(0, 40)}`, 'session=hello', 'session=%E0%A4%A', `session="${value}x"`, 'session.1=abc']) {
      const session = await sessions.read(new Request(url, { headers: { cookie } }))
      expect(session.data).toEqual({})
      expect(session.unsealError).toBe('invalid')
    }
  })

  it('a session written by the app after a refusal replaces the bad cookie', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar('session=garbage')
    const { response, session } = await visit(sessions, jar, (s) => s.set('count', 1))
    expect(session.unsealError).toBe('invalid')
    expect(setCookieSummary(response)).toEqual([['session', 14 * 24 * 3600 - 60]])
    expect((await visit(sessions, jar)).session.data).toEqual({ count: 1 })
  })
})

describe('8. schema (Standard Schema)', () => {
  const zodSchema = z.object({ count: z.number().int().nonnegative().optional(), user: z.object({ id: z.number(), name: z.string(), roles: z.array(z.string()) }).optional() })
  const valibotSchema = v.object({ count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })

  it.each([
    ['zod 4', zodSchema],
    ['valibot', valibotSchema],
  ])('%s: data that fails on read is an empty session with reason invalid-data', async (_, schema) => {
    const jar = new Jar()
    await visit(createSessions<Record<string, unknown>>({ password }), jar, (s) => s.set('count', -1))
    const onUnsealError = vi.fn()
    const sessions = createSessions({ password, schema, onUnsealError })
    const session = await sessions.read(jar.request())
    expect(session.data).toEqual({})
    expect(session.unsealError).toBe('invalid-data')
    expect(onUnsealError).toHaveBeenCalledWith('invalid-data', expect.objectContaining({ message: expect.stringContaining('count') }))
  })

  it.each([
    ['zod 4', zodSchema],
    ['valibot', valibotSchema],
  ])('%s: data that fails at commit throws naming the issue, and no header is built', async (_, schema) => {
    const sessions = createSessions({ password, schema })
    const session = await sessions.read(new Request(url))
    session.data.count = -3
    const response = ok()
    await expect(sessions.commit(session, response)).rejects.toThrow(/does not match the schema, so it was not saved: count: /)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('valid data passes both ways', async () => {
    const sessions = createSessions({ password, schema: zodSchema })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 2))
    expect((await visit(sessions, jar)).session.data).toEqual({ count: 2 })
  })
})

describe('9. header transport', () => {
  const withCount = (s: Awaited<ReturnType<Sessions<Data>['read']>>) => (s.set('count', 1), s)

  it('authorization: a client that sends Bearer (empty to start) is answered in Session-Token, never with a cookie', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport('authorization') })
    const first = await sessions.commit(withCount(await sessions.read(new Request(url, { headers: { authorization: '' } }))), ok())
    const token = first.headers.get('session-token') as string
    expect(token).toMatch(/^Fe26\.2\*/)
    expect(first.headers.getSetCookie()).toEqual([])

    const apiRead = await sessions.read(new Request(url, { headers: { authorization: `Bearer ${token}` } }))
    expect(apiRead.data).toEqual({ count: 1 })
    apiRead.set('count', 2)
    const apiWrite = await sessions.commit(apiRead, ok())
    expect(apiWrite.headers.getSetCookie()).toEqual([])
    const next = apiWrite.headers.get('session-token') as string
    expect(next).not.toBe(token)
    expect((await sessions.read(new Request(url, { headers: { authorization: `Bearer ${next}` } }))).data).toEqual({ count: 2 })
  })

  it('a browser signing in without the header gets only the HttpOnly cookie: no seal in a header scripts can read', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport('authorization') })
    const signIn = await sessions.commit(withCount(await sessions.read(new Request(url))), ok())
    expect(signIn.headers.has('session-token')).toBe(false)
    expect(setCookieSummary(signIn)).toHaveLength(1)
    // Another Authorization scheme is the app's own: the cookie is read as usual.
    const basic = await sessions.read(new Jar().apply(signIn).request('/', { headers: { authorization: 'Basic YTpi' } }))
    expect(basic.data).toEqual({ count: 1 })
    basic.set('count', 5)
    const written = await sessions.commit(basic, ok())
    expect(written.headers.has('session-token')).toBe(false)
    expect(setCookieSummary(written)).toHaveLength(1)
  })

  it('firstContact: true offers a new session both ways, by the app’s choice', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport({ name: 'x-session', firstContact: true }) })
    const first = await sessions.commit(withCount(await sessions.read(new Request(url))), ok())
    expect(first.headers.get('x-session')).toMatch(/^Fe26\.2\*/)
    expect(setCookieSummary(first)).toHaveLength(1)
    expect(() => headerTransport({ name: 'x-session', firstContact: 'yes' as never })).toThrow('header.firstContact must be true or false')
    expect(() => headerTransport('bad header')).toThrow('not a usable header name')
    expect(() => headerTransport('cookie')).toThrow('not a usable header name')
  })

  it('a custom header answers in the same header, and destroy or a refused seal answer with it empty', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport('X-Session') })
    const created = await sessions.commit(withCount(await sessions.read(new Request(url, { headers: { 'x-session': '' } }))), ok())
    const token = created.headers.get('x-session') as string
    const session = await sessions.read(new Request(url, { headers: { 'x-session': token } }))
    expect(session.data).toEqual({ count: 1 })
    session.destroy()
    const destroyed = await sessions.commit(session, ok())
    expect(destroyed.headers.get('x-session')).toBe('')
    expect(destroyed.headers.getSetCookie()).toEqual([])

    const refused = await sessions.read(new Request(url, { headers: { 'x-session': 'not-a-seal' } }))
    expect(refused.unsealError).toBe('invalid')
    const answer = await sessions.commit(refused, ok())
    expect(answer.headers.get('x-session')).toBe('')
    expect(answer.headers.getSetCookie()).toEqual([])
  })
})

describe('10. unseal cache', () => {
  it('a repeat request with the same cookie does no crypto, and each request gets its own copy', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('user', { id: 1, name: 'Ada', roles: [] }))
    const decrypt = vi.spyOn(cryptoBackend(), 'decrypt')
    const verify = vi.spyOn(cryptoBackend(), 'verify')
    const a = await sessions.read(jar.request())
    const b = await sessions.read(jar.request())
    expect(decrypt).not.toHaveBeenCalled()
    expect(verify).not.toHaveBeenCalled()
    a.data.user?.roles.push('admin')
    expect(b.data.user?.roles).toEqual([])
    expect((await sessions.read(jar.request())).data.user?.roles).toEqual([])
  })

  it('a hit needs the whole seal: a cached seal changed anywhere but its MAC is opened, and refused', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 }) // cached now
    const seal = jar.cookies.get('session')!
    const parts = seal.split('*')
    // The encrypted part swapped for another valid-looking one; the tail (the MAC) kept.
    parts[4] = parts[4]!.slice(0, -2) + (parts[4]!.endsWith('AA') ? 'BA' : 'AA')
    const forged = await sessions.read(new Jar(`session=${parts.join('*')}`).request())
    expect(forged.unsealError).toBe('invalid')
    expect(forged.data).toEqual({})
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 }) // the real one still hits
  })

  it('with the cache off, every read opens the seal', async () => {
    const sessions = createSessions<Data>({ password, cache: false })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const decrypt = vi.spyOn(cryptoBackend(), 'decrypt')
    await sessions.read(jar.request())
    await sessions.read(jar.request())
    expect(decrypt).toHaveBeenCalledTimes(2)
  })

  it('belongs to one createSessions and its passwords', async () => {
    const jar = new Jar()
    await visit(createSessions<Data>({ password }), jar, (s) => s.set('count', 1))
    const other = createSessions<Data>({ password: newPassword })
    expect((await other.read(jar.request())).unsealError).toBe('invalid')
  })
})

describe('11. the Response', () => {
  const sessions = createSessions<Data>({ password })

  it('keeps the app\'s own Set-Cookie headers and appends the session\'s', async () => {
    const response = new Response('hi', { headers: [['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2; Path=/']] })
    const session = await sessions.read(new Request(url))
    session.set('count', 1)
    const committed = await sessions.commit(session, response)
    expect(setCookieSummary(committed).map(([name]) => name)).toEqual(['a', 'b', 'session'])
    expect(await committed.text()).toBe('hi')
  })

  it('works on immutable responses: Response.redirect and fetch() results', async () => {
    const session = await sessions.read(new Request(url))
    session.set('count', 1)
    const redirect = Response.redirect('https://app.example/next', 303)
    expect(() => redirect.headers.append('x', 'y')).toThrow()
    const committed = await sessions.commit(session, redirect)
    expect(committed.status).toBe(303)
    expect(committed.headers.get('location')).toBe('https://app.example/next')
    expect(setCookieSummary(committed)).toHaveLength(1)
  })

  it('keeps status, statusText, headers, and streams the body unbuffered', async () => {
    let pull!: (chunk: string) => void
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        pull = (chunk) => (chunk ? controller.enqueue(new TextEncoder().encode(chunk)) : controller.close())
      },
    })
    const response = new Response(body, { status: 418, statusText: 'Teapot', headers: { 'x-app': '1', 'content-type': 'text/plain' } })
    const session = await sessions.read(new Request(url))
    session.set('count', 1)
    // The body never ends until we say so: commit must not wait for it.
    const committed = await sessions.commit(session, response)
    expect([committed.status, committed.statusText, committed.headers.get('x-app'), committed.headers.get('content-type')]).toEqual([418, 'Teapot', '1', 'text/plain'])
    pull('hello ')
    pull('world')
    pull('')
    expect(await committed.text()).toBe('hello world')
  })

  it('adds Cache-Control: private when writing, unless the app set one', async () => {
    const session = await sessions.read(new Request(url))
    session.set('count', 1)
    expect((await sessions.commit(session, ok())).headers.get('cache-control')).toBe('private')
    expect((await sessions.commit(session, new Response('', { headers: { 'cache-control': 'no-store' } }))).headers.get('cache-control')).toBe('no-store')
  })

  it('leaves a 101 upgrade response untouched', async () => {
    const upgrade = new Response(null, { status: 200 })
    Object.defineProperty(upgrade, 'status', { value: 101 })
    const session = await sessions.read(new Request(url))
    session.set('count', 1)
    expect(await sessions.commit(session, upgrade)).toBe(upgrade)
  })

  it('refuses a session object it did not read', async () => {
    await expect(sessions.commit({ data: {} } as never, ok())).rejects.toThrow('takes a session returned by read()')
  })
})

describe('commit more than once', () => {
  it('a second commit writes only what changed since the first, against the cookies the first left', async () => {
    const sessions = createSessions<Data>({ password, chunk: true })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const session = await sessions.read(jar.request())
    session.set('notes', 'n'.repeat(6000))
    const first = await sessions.commit(session, ok())
    expect(setCookieSummary(first).map(([name, maxAge]) => `${name}:${maxAge === 0 ? 'expired' : 'set'}`)).toEqual(['session.0:set', 'session.1:set', 'session.2:set', 'session:expired'])
    expect((await sessions.commit(session, ok())).headers.getSetCookie()).toEqual([])
    session.set('notes', 'short')
    const third = await sessions.commit(session, ok())
    expect(setCookieSummary(third).map(([name, maxAge]) => `${name}:${maxAge === 0 ? 'expired' : 'set'}`)).toEqual(['session:set', 'session.0:expired', 'session.1:expired', 'session.2:expired'])
    jar.apply(first).apply(third)
    expect((await visit(sessions, jar)).session.data).toEqual({ count: 1, notes: 'short' })
  })

  it('destroyHeaders destroys at once and returns the expiring lines; commit then adds nothing', async () => {
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('count', 1))
    const session = await sessions.read(jar.request())
    const lines = sessions.destroyHeaders(session)
    expect(session.destroyed).toBe(true)
    expect(lines.map(([name, line]) => [name, parseSetCookie(line).name, parseSetCookie(line).maxAge])).toEqual([['set-cookie', 'session', 0]])
    expect((await sessions.commit(session, ok())).headers.getSetCookie()).toEqual([])
    session.set('count', 2)
    await expect(sessions.commit(session, ok())).rejects.toThrow('after destroy()')
  })
})

describe('12. too large', () => {
  it('without chunking, a session past one cookie throws with the size, the limit and what to do; nothing is written', async () => {
    const sessions = createSessions<Data>({ password })
    const session = await sessions.read(new Request(url))
    session.set('notes', 'n'.repeat(5000))
    const response = ok()
    const error = await sessions.commit(session, response).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect((error as SessionTooLargeError).message).toMatch(/would be \d+ bytes and browsers refuse more than 4096\. .* set chunk: true/)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('chunk: true grows past one cookie and shrinks back, expiring stale chunks', async () => {
    const sessions = createSessions<Data>({ password, chunk: true })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('cart', Array.from({ length: 200 }, (_, i) => `item-${i}-${'x'.repeat(20)}`)))
    expect([...jar.cookies.keys()]).toEqual(['session.0', 'session.1', 'session.2'])
    expect((await visit(sessions, jar)).session.data.cart).toHaveLength(200)
    const shrunk = await visit(sessions, jar, (s) => void s.data.cart?.splice(120))
    expect(setCookieSummary(shrunk.response).map(([name, maxAge]) => `${name}:${maxAge === 0 ? 'expired' : 'set'}`)).toEqual(['session.0:set', 'session.1:set', 'session.2:expired'])
    const small = await visit(sessions, jar, (s) => s.set('cart', ['one']))
    expect(setCookieSummary(small.response).map(([name, maxAge]) => `${name}:${maxAge === 0 ? 'expired' : 'set'}`)).toEqual(['session:set', 'session.0:expired', 'session.1:expired'])
    expect([...jar.cookies.keys()]).toEqual(['session'])
    expect((await visit(sessions, jar)).session.data.cart).toEqual(['one'])
  })

  it('past the chunk limit, commit throws before writing anything', async () => {
    const sessions = createSessions<Data>({ password, chunk: 2 })
    const session = await sessions.read(new Request(url))
    session.set('notes', 'n'.repeat(9000))
    await expect(sessions.commit(session, ok())).rejects.toThrow(/needs [34] cookies .* the limit is 2/)
  })
})
