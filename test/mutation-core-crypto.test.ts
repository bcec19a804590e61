// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on seals, passwords,
// keys and cookies: what an app is told (onUnsealError's errors, error names and fields), and the
// boundaries the options promise (32 characters, password id 0, 10 chunks, 64 KiB of Cookie header).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cookieConfig, liveCookieNames, writeSealCookies } from '../src/core/cookies.js'
import { cachedPasswords } from '../src/core/passwords.js'
import { seal, unseal, UnsealError } from '../src/core/seal.js'
import { createSessions, SessionTooLargeError, unsealData } from '../src/index.js'
import { Jar, password } from './helpers.js'

afterEach(() => {
  vi.useRealTimers()
})

/** What onUnsealError is given for a value read by unsealData. */
async function refusal(value: unknown, pw: string = password): Promise<{ reason: string; error: Error }> {
  const told: Array<{ reason: string; error: Error }> = []
  expect(await unsealData(value as string, { password: pw, onUnsealError: (reason, error) => told.push({ reason, error: error as Error }) })).toEqual({})
  expect(told).toHaveLength(1)
  return told[0]!
}

describe('a refused seal says why, in an UnsealError', () => {
  it.each<[string, (good: string) => unknown, string]>([
    ['not a string', () => 42, 'a seal is a string, got number'],
    ['over 64 KiB', () => 'x'.repeat(64 * 1024 + 1), 'the seal is over 65536 characters'],
    ['exactly 64 KiB of one part', () => 'x'.repeat(64 * 1024), 'a seal has 8 parts, this one has 1'],
    ['seven parts', (good) => good.split('*').slice(0, 7).join('*'), 'a seal has 8 parts, this one has 7'],
    ['another prefix', (good) => good.replace(/^Fe26\.2/, 'Fe26.1'), 'wrong seal prefix, expected Fe26.2'],
    ['a malformed expiration', (good) => good.split('*').map((part, i) => (i === 5 ? '12x' : part)).join('*'), 'malformed expiration'],
    ['an upper-case salt', (good) => good.split('*').map((part, i) => (i === 2 ? part.toUpperCase() : part)).join('*'), "a salt is not iron's hex of at most 128 characters"],
    ['a short IV', (good) => good.split('*').map((part, i) => (i === 3 ? part.slice(1) : part)).join('*'), 'the IV or the MAC has the wrong length'],
    ['an unknown password id', (good) => good.replace(/^Fe26\.2\*1\*/, 'Fe26.2*9*'), 'no password with id "9"'],
    ['a MAC that is not base64url', (good) => good.replace(/.~2$/, '+~2'), 'malformed base64url'],
    ['a changed ciphertext', (good) => good.split('*').map((part, i) => (i === 4 ? `A${part.slice(1)}` : part)).join('*'), 'bad MAC: the seal was changed or made with another password'],
  ])('%s', async (_, change, message) => {
    const good = await seal(cachedPasswords(password), { a: 1 }, 3600)
    const changed = change(good)
    if (typeof changed === 'string') expect(changed).not.toBe(good)
    const { reason, error } = await refusal(changed)
    expect(error).toBeInstanceOf(UnsealError)
    expect(error.name).toBe('UnsealError')
    expect(error.message).toBe(`iron-fetch-session: ${message}`)
    expect(reason).toBe(message.startsWith('no password') ? 'unknown-password' : 'invalid')
  })

  it('an expired seal says when it expired', async () => {
    const passwords = cachedPasswords(password)
    const made = Date.UTC(2030, 0, 1)
    const sealed = await seal(passwords, { a: 1 }, 60, made)
    const error = await unseal(passwords, sealed, made + 121_000).then(
      () => undefined,
      (e: unknown) => e as UnsealError,
    )
    expect(error?.reason).toBe('expired')
    expect(error?.message).toBe(`iron-fetch-session: the seal expired at ${new Date(made + 60_000).toISOString()}`)
  })
})

describe('passwords', () => {
  it('exactly 32 characters is enough', async () => {
    const exactly = 'p'.repeat(32)
    const sessions = createSessions({ password: exactly })
    const jar = new Jar()
    const session = await sessions.read(jar.request())
    session.set('a', 1)
    jar.apply(await sessions.commit(session, new Response()))
    expect((await sessions.read(jar.request())).data).toEqual({ a: 1 })
  })

  it.each<[unknown, string]>([
    [null, 'password is missing'],
    [{ 1: 12345 }, 'password[1] must be a string of at least 32 characters (got number)'],
    [{ 1: null }, 'password[1] must be a string of at least 32 characters (got object)'],
  ])('%j is refused, saying why', (given, message) => {
    expect(() => createSessions({ password: given as string })).toThrow(message)
  })

  it('a map with only id 0 seals with id 0', async () => {
    const sealed = await seal(cachedPasswords({ 0: password }), { a: 1 }, 60)
    expect(sealed.split('*')[1]).toBe('0')
    expect((await unseal(cachedPasswords({ 0: password }), sealed)).data).toEqual({ a: 1 })
  })

  it('new seals keep one salt pair for the hour, not for a moment', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2031, 5, 1) })
    const pw = { 3: 'a-password-used-only-in-this-salt-test-456' }
    const salts = (value: string) => value.split('*').filter((_, i) => i === 2 || i === 6)
    const first = salts(await seal(cachedPasswords(pw), {}, 60))
    vi.setSystemTime(Date.UTC(2031, 5, 1, 0, 59))
    expect(salts(await seal(cachedPasswords(pw), {}, 60))).toEqual(first)
    vi.setSystemTime(Date.UTC(2031, 5, 1, 1, 0, 1))
    expect(salts(await seal(cachedPasswords(pw), {}, 60))).not.toEqual(first)
  })
})

describe('cookie options', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ cookieName: 123 }, 'cookieName 123 is not a valid cookie name. Use letters, digits and !#$%&\'*+-.^_`|~ only, for example "session".'],
    [{ cookieOptions: null }, 'cookieOptions must be an object of cookie attributes, such as { domain, path, secure }.'],
    [{ cookieOptions: 'secure' }, 'cookieOptions must be an object of cookie attributes'],
    [{ cookieName: '__Secure-s', cookieOptions: { secure: false } }, 'needs secure: true (the __Secure- prefix); remove secure: false or rename the cookie.'],
    [{ cookieName: '__Host-s', cookieOptions: { secure: false } }, '(the __Host- prefix)'],
    [{ chunk: 11 }, 'chunk must be true (up to 4 cookies), false, or a whole number of cookies from 1 to 10; got 11.'],
  ])('%j is refused, saying what to change', (options, message) => {
    expect(() => createSessions({ password, ...options } as never)).toThrow(message)
  })

  it('chunk: 10, the most, is accepted', () => {
    expect(cookieConfig('s', {}, 10).maxChunks).toBe(10)
  })

  it('a session too large for its chunks says how large, against what limit', async () => {
    const sessions = createSessions<{ blob?: string }>({ password, chunk: 2 })
    const session = await sessions.read(new Request('https://app.example/'))
    session.set('blob', 'x'.repeat(20_000))
    const error = await sessions.commit(session, new Response()).then(
      () => undefined,
      (e: unknown) => e as SessionTooLargeError,
    )
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error?.name).toBe('SessionTooLargeError')
    expect(error?.limit).toBe(2 * 4096)
    expect(error?.bytes).toBeGreaterThan(20_000)
    expect(error?.bytes).toBeLessThan(40_000)
  })

  it('only the lines that leave a cookie in the browser count as live', () => {
    const config = cookieConfig('s', { domain: 'app.example' }, 3)
    const lines = writeSealCookies('v'.repeat(5000), 60, ['s', 's.0', 's.1', 's.2'], config)
    expect(liveCookieNames(lines)).toEqual(['s.0', 's.1'])
    expect(liveCookieNames(writeSealCookies('short', undefined, ['s.0'], config))).toEqual(['s'])
  })

  it('a Cookie header of exactly 64 KiB is read; one character more is not', async () => {
    const sessions = createSessions({ password })
    const jar = new Jar()
    const session = await sessions.read(jar.request())
    session.set('a', 1)
    jar.apply(await sessions.commit(session, new Response()))
    const pad = (length: number) => `${jar.header}; pad=${'p'.repeat(length - jar.header.length - 6)}`
    const at = (header: string) => sessions.read(new Request('https://app.example/', { headers: { cookie: header } }))
    expect(pad(64 * 1024)).toHaveLength(64 * 1024)
    expect((await at(pad(64 * 1024))).data).toEqual({ a: 1 })
    expect((await at(pad(64 * 1024 + 1))).unsealError).toBe('invalid')
  })
})
