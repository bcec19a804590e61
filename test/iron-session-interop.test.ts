// Cookies iron-session already issued keep working here, and ours work there: the real packages, both ways.
import { parseSetCookie } from 'cookie'
import fc from 'fast-check'
import * as ironSession8 from 'iron-session-8'
import * as ironSession9 from 'iron-session-9'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cookieHeaderFrom } from './helpers.js'
import { sealData, unsealData } from '../src/index.js'
import { cookieConfig, cookieMaxAge, readSealCookies, writeSealCookies } from '../src/core/cookies.js'
import { backendNames, cryptoBackend, useCryptoBackend } from '../src/core/crypto/choice.js'
import { normalizePasswords } from '../src/core/passwords.js'
import { seal, unseal } from '../src/core/seal.js'

const password = 'a-test-password-of-at-least-32-characters'
const passwordMap = { 1: password, 2: 'the-newer-password-of-32-characters-or-more' }
const json = (value: unknown) => JSON.parse(JSON.stringify(value))
const sessionData = fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { maxKeys: 6 })
const tokenData = fc.dictionary(fc.string({ minLength: 1 }).filter((key) => key !== '__ifs'), fc.jsonValue(), { maxKeys: 6 })
const url = 'https://app.example/'
const chosen = cryptoBackend().name

// Both ways, on each crypto backend: sealData and unsealData use the backend chosen when they first see a password.
describe.each(
  backendNames().flatMap((backend) => [
    ['iron-session 8.0.4', ironSession8, backend] as const,
    ['iron-session 9.0.1', ironSession9, backend] as const,
  ]),
)('%s, on %s', (_, iron, backend) => {
  beforeAll(() => useCryptoBackend(backend))
  afterAll(() => useCryptoBackend(chosen))

  it('seals and unseals here on that backend', () => {
    expect(normalizePasswords(passwordMap).byId.get('2')!.backend.name).toBe(backend)
  })

  it('its cookie values unseal with ours, with a string password and with a { 1, 2 } map', async () => {
    await fc.assert(
      fc.asyncProperty(sessionData, fc.constantFrom<string | typeof passwordMap>(password, passwordMap), async (data, pw) => {
        const value = await iron.sealData(data, { password: pw })
        expect(value).toMatch(/^Fe26\.2\*.*~2$/)
        expect(await unsealData(value, { password: pw, onUnsealError: (reason) => expect.fail(reason) })).toEqual(json(data))
      }),
      { numRuns: 60 },
    )
  })

  // A token made by our sealData says so inside the seal (`__ifs: { purpose: 'data' }`), which iron-session shows as a field.
  const token = { __ifs: { purpose: 'data' } }

  it('reads the values we write, which end in ~2', async () => {
    await fc.assert(
      fc.asyncProperty(tokenData, fc.constantFrom<string | typeof passwordMap>(password, passwordMap), async (data, pw) => {
        const value = await sealData(data, { password: pw })
        expect(value.endsWith('~2')).toBe(true)
        expect(await iron.unsealData(value, { password: pw })).toEqual({ ...json(data), ...token })
      }),
      { numRuns: 60 },
    )
  })

  it('a cookie rotated to our newer password id is read by it when it has the map', async () => {
    const value = await sealData({ user: 'ada' }, { password: passwordMap })
    expect(value.split('*')[1]).toBe('2')
    expect(await iron.unsealData(value, { password: passwordMap })).toEqual({ user: 'ada', ...token })
    // ...and refused (empty) by an iron-session that only knows the old password.
    expect(await iron.unsealData(value, { password })).toEqual({})
  })
})

describe('iron-session 9 chunks (chunk: true)', () => {
  const options = { password, cookieName: 'app', chunk: true }
  const big = fc.record({ user: fc.string(), notes: fc.string({ minLength: 5000, maxLength: 11_000 }) })

  it('a session it split across app.0, app.1, … reads whole with ours', async () => {
    await fc.assert(
      fc.asyncProperty(big, async (data) => {
        const response = new Response()
        const session = await ironSession9.getIronSession<Record<string, unknown>>(new Request(url), response, options)
        Object.assign(session, data)
        await session.save()
        const setCookies = response.headers.getSetCookie()
        expect(setCookies.length).toBeGreaterThan(1)
        expect(parseSetCookie(setCookies[0] as string).name).toBe('app.0')
        const read = readSealCookies(cookieHeaderFrom(setCookies), cookieConfig('app', {}, true))
        expect((await unseal(normalizePasswords(password), read.seal as string)).data).toEqual(data)
      }),
      { numRuns: 20 },
    )
  })

  it('chunks we write are read by it', async () => {
    await fc.assert(
      fc.asyncProperty(big, async (data) => {
        const value = await seal(normalizePasswords(password), data, 3600)
        const setCookies = writeSealCookies(value, cookieMaxAge(3600), [], cookieConfig('app', {}, true))
        expect(setCookies.length).toBeGreaterThan(1)
        const request = new Request(url, { headers: { cookie: cookieHeaderFrom(setCookies) } })
        const session = await ironSession9.getIronSession<Record<string, unknown>>(request, new Response(), options)
        expect({ ...session }).toEqual(data)
      }),
      { numRuns: 20 },
    )
  })

  it('after it shrinks, the stale chunks it expires leave a cookie we read, and the other way round', async () => {
    const config = cookieConfig('app', {}, true)
    // We wrote three chunks; iron-session 9 rewrites the session small and expires them.
    const ours = writeSealCookies(await seal(normalizePasswords(password), { notes: 'n'.repeat(9000) }, 3600), 3540, [], config)
    const jar = new Map(ours.map((line) => [parseSetCookie(line).name, parseSetCookie(line).value]))
    const response = new Response()
    const session = await ironSession9.getIronSession<{ notes?: string }>(new Request(url, { headers: { cookie: cookieHeaderFrom(ours) } }), response, options)
    expect(session.notes).toHaveLength(9000)
    session.notes = 'short'
    await session.save()
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line)
      if (cookie.maxAge === 0) jar.delete(cookie.name)
      else jar.set(cookie.name, cookie.value)
    }
    expect([...jar.keys()]).toEqual(['app'])
    const header = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
    const read = readSealCookies(header, config)
    expect((await unseal(normalizePasswords(password), read.seal as string)).data).toEqual({ notes: 'short' })
  })
})
