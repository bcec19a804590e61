// The iron-session drop-in behaves as iron-session 9 does, case by case; the real package is the oracle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSetCookie } from 'cookie'
import * as ironSession9 from 'iron-session-9'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  getIronSession,
  nextProxyCookies,
  nodeCookies,
  sealData,
  unsealData,
  webCookies,
  type CookieJar,
  type CookieOptions,
  type CookieStore,
  type IronSession,
  type SessionOptions,
} from '../src/adapters/iron-session.js'
import { createSessions } from '../src/index.js'
import { Jar, newPassword, password, url } from './helpers.js'

type User = { id: number; name: string }
type Data = { user?: User; count?: number; notes?: string }

const options: SessionOptions = { password, cookieName: 'app' }
const FOURTEEN_DAYS = 14 * 24 * 3600
const passwordId = (seal: string | undefined) => seal?.split('*')[1]
const expiration = (seal: string | undefined) => Number(seal?.split('*')[5])
const setCookies = (response: Response) => response.headers.getSetCookie().map((line) => parseSetCookie(line))
const appLines = (response: Response) => response.headers.getSetCookie().filter((line) => line.startsWith('app'))

/** One request's session through Request / Response, and the response it wrote to. */
async function open(jar: Jar, opts: SessionOptions = options) {
  const response = new Response()
  const session = await getIronSession<Data>(jar.request(), response, opts)
  return { session, response }
}

/** A browser holding a session saved with { count: 1 }. */
async function savedWithCount(opts: SessionOptions = options): Promise<Jar> {
  const jar = new Jar()
  const { session, response } = await open(jar, opts)
  session.count = 1
  await session.save()
  return jar.apply(response)
}

/** A Map-backed store shaped like Next.js `await cookies()`, recording every set(). */
class MapStore implements CookieStore {
  readonly values = new Map<string, string>()
  readonly calls: Array<[string, string, Record<string, unknown>]> = []
  get = (name: string) => (this.values.has(name) ? { name, value: this.values.get(name) as string } : undefined)
  getAll = () => [...this.values].map(([name, value]) => ({ name, value }))
  set = (name: string, value: string, cookie: Record<string, unknown> = {}) => {
    this.calls.push([name, value, cookie])
    if (cookie.maxAge === 0) this.values.delete(name)
    else this.values.set(name, value)
  }
}

describe('Node http: getIronSession(req, res, options) on a real server', () => {
  let server: Server
  let base: string
  const errors: unknown[] = []
  const setHeaderValues: unknown[] = []

  const routes: Record<string, (session: IronSession<Data>, res: ServerResponse) => Promise<unknown> | unknown> = {
    '/login': async (session) => {
      session.user = { id: 1, name: 'Ada' }
      await session.save()
    },
    '/me': (session) => session.user ?? null,
    '/touch': (session) => session.save(),
    '/logout': (session) => session.destroy(),
    '/login-then-logout': async (session) => {
      session.user = { id: 9, name: 'Mallory' }
      await session.save()
      session.destroy()
    },
    '/sign-back-in': async (session) => {
      session.destroy()
      session.user = { id: 2, name: 'Eve' }
      await session.save().catch((error: unknown) => errors.push(error))
    },
    '/late': async (session, res) => {
      res.end('sent')
      session.count = 9
      await session.save().catch((error: unknown) => errors.push(error))
    },
  }

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('set-cookie', 'theme=dark; Path=/') // the app's own cookie must survive
      const setHeader = res.setHeader.bind(res)
      res.setHeader = (name: string, value: number | string | readonly string[]) => (setHeaderValues.push(value), setHeader(name, value))
      const session = await getIronSession<Data>(req, res, options)
      const result = await routes[new URL(req.url ?? '/', 'http://x').pathname]?.(session, res)
      if (!res.headersSent) res.end(JSON.stringify({ result: result ?? null, session }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))))

  async function get(jar: Jar, path: string) {
    const response = await fetch(base + path, { headers: jar.cookies.size > 0 ? { cookie: jar.header } : {} })
    jar.apply(response)
    return { response, body: (await response.json()) as { result: unknown; session: Data } }
  }

  it("signs in with iron-session's exact Set-Cookie line, beside the app's own cookie, and reads it back", async () => {
    const jar = new Jar()
    setHeaderValues.length = 0
    const { response } = await get(jar, '/login')
    const lines = response.headers.getSetCookie()
    expect(lines[0]).toBe('theme=dark; Path=/')
    expect(lines[1]).toMatch(/^app=Fe26\.2\*1\*[^;]+~2; Max-Age=1209540; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    expect(setHeaderValues.at(-1)).toEqual([lines[0], lines[1]]) // an array, as iron-session sets it
    expect(response.headers.get('cache-control')).toBeNull() // iron-session adds none; see extras.privateCache

    const me = await get(jar, '/me')
    expect(me.body).toEqual({ result: { id: 1, name: 'Ada' }, session: { user: { id: 1, name: 'Ada' } } })
    expect(me.response.headers.getSetCookie()).toEqual(['theme=dark; Path=/']) // no save(), no cookie
  })

  it('save() of unchanged data writes a fresh seal every time, extending the session', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const jar = new Jar()
      await get(jar, '/login')
      const first = jar.cookies.get('app')
      vi.advanceTimersByTime(60_000)
      const { response } = await get(jar, '/touch')
      expect(setCookies(response).map((c) => c.name)).toEqual(['theme', 'app'])
      expect(expiration(jar.cookies.get('app')) - expiration(first)).toBe(60_000)
    } finally {
      vi.useRealTimers()
    }
  })

  it('destroy() expires the cookie, and wins over a save() earlier in the same response', async () => {
    const jar = new Jar()
    await get(jar, '/login')
    const logout = await get(jar, '/logout')
    expect(logout.response.headers.getSetCookie()[1]).toBe('app=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax')
    expect(jar.cookies.has('app')).toBe(false)

    // A request without any session cookie: destroy() still writes the expiry after the login line.
    const fresh = new Jar()
    const { response, body } = await get(fresh, '/login-then-logout')
    expect(setCookies(response).map((c) => [c.name, c.maxAge])).toEqual([['theme', undefined], ['app', FOURTEEN_DAYS - 60], ['app', 0]])
    expect(body.session).toEqual({})
    expect(fresh.cookies.has('app')).toBe(false)
  })

  it('saving a destroyed session with data written back into it throws and writes nothing more', async () => {
    const jar = new Jar()
    await get(jar, '/login')
    errors.length = 0
    await get(jar, '/sign-back-in')
    expect(String(errors[0])).toMatch(/^Error: iron-session: Cannot save a destroyed session/)
    expect(jar.cookies.has('app')).toBe(false)
  })

  it('save() after the headers were sent throws', async () => {
    errors.length = 0
    await fetch(base + '/late')
    expect(String(errors[0])).toMatch(/^Error: iron-session: Cannot set session cookie: session.save\(\) was called after headers were sent/)
  })
})

describe('the CookieJar helpers', () => {
  it('nodeCookies(req, res) keeps a single earlier Set-Cookie string and appends after it', async () => {
    const headers: Record<string, unknown> = { 'set-cookie': 'other=1' }
    const res = { headersSent: false, getHeader: (name: string) => headers[name] as string, setHeader: (name: string, value: unknown) => (headers[name] = value) }
    const session = await getIronSession<Data>(nodeCookies({ headers: {} }, res), options)
    session.count = 1
    await session.save()
    expect(headers['set-cookie']).toEqual(['other=1', expect.stringMatching(/^app=Fe26/)])
  })

  it('webCookies(request, headers) writes into a bare Headers for a response built later', async () => {
    const jar = new Jar()
    const headers = new Headers()
    const session = await getIronSession<Data>(webCookies(jar.request(), headers), options)
    session.user = { id: 3, name: 'Grace' }
    await session.save()
    jar.apply(new Response(null, { headers }))
    expect((await getIronSession<Data>(webCookies(jar.request(), new Headers()), options)).user).toEqual({ id: 3, name: 'Grace' })
  })

  it('webCookies refuses to save into a response whose body was already read', async () => {
    const response = new Response('read already')
    await response.text()
    const session = await getIronSession<Data>(webCookies(new Request(url), response), options)
    session.count = 1
    await expect(session.save()).rejects.toThrow(/^iron-session: Cannot set session cookie: the response body has already been consumed/)
  })

  it('nextProxyCookies(request, response) writes the response cookie and the request cookie, so the same request reads it', async () => {
    const request = { cookies: new MapStore() }
    const response = { cookies: new MapStore() }
    const session = await getIronSession<Data>(nextProxyCookies(request, response), options)
    session.user = { id: 7, name: 'Ken' }
    await session.save()
    expect(response.cookies.calls).toEqual([['app', expect.stringMatching(/^Fe26/), { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: FOURTEEN_DAYS - 60 }]])
    expect(request.cookies.calls.map(([name]) => name)).toEqual(['app'])
    expect((await getIronSession<Data>(nextProxyCookies(request, { cookies: new MapStore() }), options)).user).toEqual({ id: 7, name: 'Ken' })
  })

  it('a cookie store gets set(name, value, attributes); destroy() sets maxAge 0', async () => {
    const store = new MapStore()
    const session = await getIronSession<Data>(store, options)
    session.user = { id: 4, name: 'Linus' }
    await session.save()
    expect(store.calls).toEqual([['app', expect.stringMatching(/^Fe26\.2\*1\*/), { maxAge: FOURTEEN_DAYS - 60, path: '/', httpOnly: true, secure: true, sameSite: 'lax' }]])
    const read = await getIronSession<Data>(store, options)
    expect({ ...read }).toEqual({ user: { id: 4, name: 'Linus' } })
    read.destroy()
    expect(store.calls.at(-1)).toEqual(['app', '', { maxAge: 0, path: '/', httpOnly: true, secure: true, sameSite: 'lax' }])
    expect(store.values.size).toBe(0)
  })

  it('an app-made CookieJar is used as it is: read, write, assertWritable', async () => {
    const cookies = new Map<string, string>()
    let writable = true
    const jar: CookieJar = {
      read: (name) => cookies.get(name),
      write: (name, value) => void cookies.set(name, value),
      assertWritable: () => {
        if (!writable) throw new Error('closed')
      },
    }
    const session = await getIronSession<Data>(jar, options)
    session.count = 3
    await session.save()
    expect((await getIronSession<Data>(jar, options)).count).toBe(3)
    writable = false
    await expect(session.save()).rejects.toThrow('closed')
  })

  it('chunk: true splits a big seal over app.0 … app.3 and expires the chunks when it shrinks', async () => {
    const store = new MapStore()
    const chunked = { ...options, chunk: true }
    const session = await getIronSession<Data>(store, chunked)
    session.notes = 'n'.repeat(9000)
    await session.save()
    expect([...store.values.keys()]).toEqual(['app.0', 'app.1', 'app.2', 'app.3'])
    expect((await getIronSession<Data>(store, chunked)).notes).toHaveLength(9000)

    const again = await getIronSession<Data>(store, chunked)
    again.notes = 'short'
    await again.save()
    expect(Object.fromEntries(store.values)).toEqual({ app: expect.stringMatching(/^Fe26/) })
    expect((await getIronSession<Data>(store, chunked)).notes).toBe('short')
  })

  it('without chunk, a seal over 4096 bytes fails before any Set-Cookie is written', async () => {
    const { session, response } = await open(new Jar())
    session.notes = 'n'.repeat(3000)
    await expect(session.save()).rejects.toThrow(/^iron-session: Cookie length is too big \(\d+ bytes\), browsers will refuse it/)
    expect(response.headers.getSetCookie()).toEqual([])
  })
})

describe("iron-session's options, as iron-session 9 reads them", () => {
  afterEach(() => vi.useRealTimers())

  /** The Set-Cookie line our drop-in writes and the one iron-session 9 writes for the same options and data. */
  async function bothLines(cookieOptions: CookieOptions, ttl?: number) {
    const opts: SessionOptions = { ...options, cookieOptions, ...(ttl !== undefined && { ttl }) }
    const lines: string[] = []
    type Get = (req: Request, res: Response, opts: SessionOptions) => Promise<IronSession<Data>>
    for (const get of [getIronSession, ironSession9.getIronSession] as unknown as Get[]) {
      const response = new Response()
      const session = await get(new Request(url), response, opts)
      session.count = 1
      await session.save()
      lines.push((response.headers.get('set-cookie') ?? '').replace(/^app=[^;]+/, 'app=SEAL'))
    }
    return lines
  }

  it.each<[string, CookieOptions, number | undefined]>([
    ["the quickstart's options (maxAge 30 days)", { secure: false, httpOnly: true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 30 }, undefined],
    ['maxAge: undefined (a browser-session cookie)', { maxAge: undefined }, undefined],
    ['sameSite: false', { sameSite: false }, undefined],
    ['sameSite: true', { sameSite: true }, undefined],
    ["sameSite: 'none', partitioned, priority, domain, path", { sameSite: 'none', partitioned: true, priority: 'high', domain: 'app.example', path: '/admin' }, undefined],
    ['an expires date in the future', { expires: new Date(Date.now() + 3600_000) }, undefined],
    ['ttl 0', {}, 0],
    ['ttl 30 (under the 60 s skew)', {}, 30],
  ])('%s: the same Set-Cookie line as iron-session 9', async (_, cookieOptions, ttl) => {
    const [ours, theirs] = await bothLines(cookieOptions, ttl)
    expect(ours).toBe(theirs)
  })

  it("maxAge sets the cookie's life; the seal still expires after ttl", async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const monthly: SessionOptions = { ...options, cookieOptions: { maxAge: 30 * 24 * 3600 } }
    const jar = await savedWithCount(monthly)
    vi.advanceTimersByTime((FOURTEEN_DAYS + 61) * 1000)
    const reasons: string[] = []
    const { session } = await open(jar, { ...monthly, onUnsealError: (reason) => reasons.push(reason) })
    expect({ ...session }).toEqual({})
    expect(reasons).toEqual(['expired'])
  })

  it('maxAge: undefined seals with no expiry, so the session lasts as long as the browser keeps the cookie', async () => {
    const jar = await savedWithCount({ ...options, cookieOptions: { maxAge: undefined } })
    expect(jar.cookies.get('app')?.split('*')[5]).toBe('')
    expect((await open(jar)).session.count).toBe(1)
  })

  it('an expires date in the past is refused on save, and a page that only reads still works', async () => {
    const stale: SessionOptions = { ...options, cookieOptions: { expires: new Date(Date.now() - 1000) } }
    const jar = await savedWithCount()
    const { session, response } = await open(jar, stale)
    expect(session.count).toBe(1)
    await expect(session.save()).rejects.toThrow(/^iron-session: Bad usage. cookieOptions.expires is in the past/)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('the options are read on every call, so a ttl changed on a shared options object applies', async () => {
    const shared: SessionOptions = { ...options }
    await savedWithCount(shared)
    shared.ttl = 3600
    const { session, response } = await open(new Jar(), shared)
    session.count = 2
    await session.save()
    expect(setCookies(response)[0]?.maxAge).toBe(3540)
  })

  it('updateConfig() then save() re-seals under the new password and ttl, even with unchanged data', async () => {
    const jar = await savedWithCount()
    const { session, response } = await open(jar)
    session.updateConfig({ cookieName: 'app', password: { 2: newPassword, 1: password }, ttl: 120 })
    await session.save()
    jar.apply(response)
    expect(passwordId(jar.cookies.get('app'))).toBe('2')
    expect(setCookies(response)[0]?.maxAge).toBe(60)
    expect(await unsealData(jar.cookies.get('app') as string, { password: { 2: newPassword } })).toEqual({ count: 1 })
    expect(await unsealData(jar.cookies.get('app') as string, { password })).toEqual({})
  })

  it('updateConfig() checks the new options at once', async () => {
    const { session } = await open(new Jar())
    expect(() => session.updateConfig({ cookieName: 'app', password: 'too-short' })).toThrow(/^iron-session: Bad usage. Password must be at least 32 characters long/)
  })

  it.each<[string, unknown, RegExp]>([
    ['no cookieName', { password }, /^iron-session: Bad usage. Missing cookie name\. \(iron-fetch-session: /],
    ['no password', { cookieName: 'app' }, /^iron-session: Bad usage. Missing password\./],
    ['a short password', { cookieName: 'app', password: 'short' }, /^iron-session: Bad usage. Password must be at least 32 characters long\./],
    ['an empty password map', { cookieName: 'app', password: {} }, /^iron-session: Bad usage. The password map is empty/],
    ['a password id that is not a number', { cookieName: 'app', password: { one: password } }, /^iron-session: Bad usage. Password ids must be integers, got "one"/],
  ])('%s fails with iron-session’s message first', async (_, opts, message) => {
    await expect(getIronSession(new Request(url), new Response(), opts as SessionOptions)).rejects.toThrow(message)
  })

  it('bad call shapes fail with iron-session’s bad-usage message', async () => {
    const message = 'iron-session: Bad usage: use getIronSession(req, res, options) or getIronSession(cookieStore, options).'
    await expect((getIronSession as (...args: unknown[]) => Promise<unknown>)()).rejects.toThrow(message)
    await expect((getIronSession as (...args: unknown[]) => Promise<unknown>)(new Request(url))).rejects.toThrow(message)
    await expect((getIronSession as (...args: unknown[]) => Promise<unknown>)({ not: 'a store' }, options)).rejects.toThrow(message)
  })

  it('session data that is not JSON fails on save, naming the value', async () => {
    const { session } = await open(new Jar())
    ;(session as Record<string, unknown>).seen = { at: new Date() }
    await expect(session.save()).rejects.toThrow(/^iron-session: The session data is not JSON serializable \(session\.seen\.at is a Date\)/)
  })

  it('save, destroy and updateConfig are read-only and not enumerable', async () => {
    const { session } = await open(await savedWithCount())
    expect(Object.keys(session)).toEqual(['count'])
    expect(() => Object.assign(session, { save: () => {} })).toThrow(TypeError)
  })
})

describe('cookies that are refused', () => {
  it('tampered, expired, foreign-password and non-seal cookies read as empty and are reported', async () => {
    const reasons: string[] = []
    const watched: SessionOptions = { ...options, onUnsealError: (reason) => reasons.push(reason) }
    const value = (await savedWithCount()).cookies.get('app') as string
    const expired = await ironSession9.sealData({ count: 1 }, { password, ttl: 1 })
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 62_000 })
    try {
      for (const cookie of [value.replace(/\*([^*]{4})/, '*AAAA'), expired, await sealData({ count: 1 }, { password: { 7: newPassword } }), 'garbage', await sealData('a token, not a session', { password })]) {
        const { session } = await open(new Jar(`app=${cookie}`), watched)
        expect({ ...session }).toEqual({})
      }
    } finally {
      vi.useRealTimers()
    }
    expect(reasons).toEqual(['invalid', 'expired', 'unknown-password', 'invalid', 'invalid'])
  })

  it('the version marker after the seal is ignored, whatever it says', async () => {
    const value = ((await savedWithCount()).cookies.get('app') as string).replace(/~2$/, '')
    for (const marker of ['', '~1', '~3', '~x', '~']) expect((await open(new Jar(`app=${value}${marker}`))).session.count).toBe(1)
  })
})

describe('interop with the real iron-session 9, and rollback', () => {
  const big = { user: { id: 5, name: 'Barbara' }, notes: Array.from({ length: 900 }, (_, i) => `note ${i}.`).join(' ') }

  it.each([
    ['one cookie', options, { user: { id: 5, name: 'Barbara' } }],
    ['chunk: true and a big session', { ...options, chunk: true }, big],
  ])('%s: iron-session 9 writes, we read; we write, iron-session 9 reads exactly the data', async (_, opts, data) => {
    const theirs = new Response()
    const written = await ironSession9.getIronSession<Data>(new Request(url), theirs, opts)
    Object.assign(written, data)
    await written.save()
    const jar = new Jar().apply(theirs)
    expect(jar.cookies.size).toBe(opts.chunk ? 4 : 1)

    const { session, response } = await open(jar, opts)
    expect({ ...session }).toEqual(data)
    session.count = 2
    await session.save()
    jar.apply(response)
    expect({ ...(await ironSession9.getIronSession<Data>(jar.request(), new Response(), opts)) }).toEqual({ ...data, count: 2 })
  })

  it("a cookie written by the core (with its bookkeeping key) shows only the app's data through the drop-in", async () => {
    const sessions = createSessions({ password, cookieName: 'app' })
    const core = await sessions.read(new Request(url))
    core.data.user = { id: 6, name: 'Rosa' }
    const jar = new Jar().apply(await sessions.commit(core, new Response()))
    const seal = jar.cookies.get('app') as string
    expect(await ironSession9.unsealData(seal, { password })).toHaveProperty('__ifs') // what the core writes
    expect(await unsealData(seal, { password })).toEqual({ user: { id: 6, name: 'Rosa' } })
    const { session, response } = await open(jar)
    expect({ ...session }).toEqual({ user: { id: 6, name: 'Rosa' } })
    await session.save()
    // Re-saved through the drop-in, the cookie holds exactly the app's data: a rollback to iron-session reads nothing else.
    expect(await ironSession9.unsealData(jar.apply(response).cookies.get('app') as string, { password })).toEqual({ user: { id: 6, name: 'Rosa' } })
  })

  it('sealData and unsealData move both ways with iron-session 9', async () => {
    const token = await sealData({ invite: 7 }, { password, ttl: 900 })
    expect(token).toMatch(/^Fe26\.2\*1\*.*~2$/)
    expect(await ironSession9.unsealData(token, { password })).toEqual({ invite: 7 })
    expect(await unsealData(await ironSession9.sealData({ invite: 8 }, { password }), { password })).toEqual({ invite: 8 })
  })
})

describe('extras: our improvements, opt-in', () => {
  afterEach(() => vi.useRealTimers())
  const extras: SessionOptions = { ...options, extras: { saveOnChange: true, privateCache: true } }

  it('saveOnChange: an unchanged save() writes nothing until a tenth of ttl has passed, then re-seals', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const jar = await savedWithCount(extras)
    vi.advanceTimersByTime(3600_000)
    const soon = await open(jar, extras)
    await soon.session.save()
    expect(soon.response.headers.getSetCookie()).toEqual([])

    vi.advanceTimersByTime(2 * 24 * 3600_000)
    const later = await open(jar, extras)
    await later.session.save()
    expect(appLines(later.response)).toHaveLength(1)
  })

  it('saveOnChange: a change, a new password or updateConfig() still writes; an empty new session does not', async () => {
    const jar = await savedWithCount(extras)
    const changed = await open(jar, extras)
    changed.session.count = 2
    await changed.session.save()
    expect(appLines(changed.response)).toHaveLength(1)

    const rotated = await open(jar, { ...extras, password: { 2: newPassword, 1: password } })
    await rotated.session.save()
    expect(passwordId(parseSetCookie(appLines(rotated.response)[0] as string).value)).toBe('2')

    const updated = await open(jar, extras)
    updated.session.updateConfig({ ...extras, ttl: 3600 })
    await updated.session.save()
    expect(appLines(updated.response)).toHaveLength(1)

    const empty = await open(new Jar(), extras)
    await empty.session.save()
    expect(empty.response.headers.getSetCookie()).toEqual([])
  })

  it('privateCache: a response carrying the cookie says Cache-Control: private, unless the app set its own', async () => {
    const written = await open(new Jar(), extras)
    written.session.count = 1
    await written.session.save()
    expect(written.response.headers.get('cache-control')).toBe('private')

    const own = new Response(null, { headers: { 'cache-control': 'no-store' } })
    const session = await getIronSession<Data>(new Request(url), own, extras)
    session.count = 1
    await session.save()
    expect(own.headers.get('cache-control')).toBe('no-store')
  })
})
