import { parseSetCookie, stringifySetCookie } from 'cookie'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cookieHeaderFrom } from './helpers.js'
import {
  cookieConfig,
  cookieMaxAge,
  expireCookies,
  liveCookieNames,
  MAX_COOKIE_BYTES,
  readSealCookies,
  SessionTooLargeError,
  writeSealCookies,
} from '../src/core/cookies.js'

const bytes = (text: string) => new TextEncoder().encode(text).length
const seal = (length: number) => 'Fe26.2*' + 'x'.repeat(length - 7)

describe('defaults and attributes', () => {
  it('writes HttpOnly, Secure, SameSite=Lax, Path=/ and Max-Age ttl - 60', () => {
    const [line] = writeSealCookies('Fe26.2*abc~2', cookieMaxAge(14 * 24 * 3600), [], cookieConfig('session'))
    expect(line).toBe('session=Fe26.2*abc~2; Max-Age=1209540; Path=/; HttpOnly; Secure; SameSite=Lax')
  })

  it('Max-Age follows ttl: ttl - 60, ttl itself up to 60, the maximum for ttl 0', () => {
    expect(cookieMaxAge(3600)).toBe(3540)
    expect(cookieMaxAge(61)).toBe(1)
    expect(cookieMaxAge(60)).toBe(60)
    expect(cookieMaxAge(30)).toBe(30)
    expect(cookieMaxAge(0)).toBe(2147483647)
  })

  it('takes the app\'s attributes over the defaults', () => {
    const config = cookieConfig('sid', { secure: false, sameSite: 'strict', path: '/app', domain: 'example.com' })
    const [line] = writeSealCookies('v', 10, [], config)
    expect(parseSetCookie(line as string)).toMatchObject({ name: 'sid', path: '/app', domain: 'example.com', sameSite: 'strict', httpOnly: true })
    expect(line).not.toContain('Secure')
  })
})

describe('setup checks say what to change', () => {
  it.each<[string, Parameters<typeof cookieConfig>[1], Parameters<typeof cookieConfig>[2], string]>([
    ['a b', {}, false, 'cookieName "a b" is not a valid cookie name'],
    ['', {}, false, 'is not a valid cookie name'],
    ['__Secure-s', { secure: false }, false, 'a cookie named __Secure-s needs secure: true'],
    ['__Host-s', { secure: false }, false, 'a cookie named __Host-s needs secure: true'],
    ['__Host-s', { path: '/api' }, false, "needs path '/' and no domain"],
    ['__Host-s', { domain: 'example.com' }, false, "needs path '/' and no domain"],
    ['s', { sameSite: 'none', secure: false }, false, "sameSite 'none' needs secure: true"],
    ['s', { sameSite: 'loose' as 'lax' }, false, "sameSite must be 'lax', 'strict' or 'none'"],
    ['s', { partitioned: true, secure: false }, false, 'partitioned needs secure: true'],
    ['s', { domain: 'bad domain' }, false, 'cookieOptions are not valid'],
    ['s', {}, 0, 'chunk must be true'],
    ['s', {}, 11, 'chunk must be true'],
    ['s', {}, 2.5, 'chunk must be true'],
  ])('%s %o chunk=%s', (name, options, chunk, message) => {
    expect(() => cookieConfig(name, options, chunk)).toThrow(message)
  })

  it('accepts the prefixes when their rules hold', () => {
    expect(cookieConfig('__Host-session').name).toBe('__Host-session')
    expect(cookieConfig('__Secure-session', { domain: 'example.com', path: '/a' }).name).toBe('__Secure-session')
  })
})

describe('reading', () => {
  const config = cookieConfig('s', {}, true)

  it('reads the whole cookie among others, and prefers it to chunks', () => {
    expect(readSealCookies('a=1; s=SEAL; b=2', config)).toEqual({ seal: 'SEAL', present: ['s'] })
    expect(readSealCookies('s.0=A; s=SEAL; s.1=B', config)).toEqual({ seal: 'SEAL', present: ['s', 's.0', 's.1'] })
  })

  it('joins chunks in order with no separator and stops at the first gap', () => {
    expect(readSealCookies('s.1=B; x=y; s.0=A; s.2=C', config).seal).toBe('ABC')
    expect(readSealCookies('s.0=A; s.2=C', config)).toEqual({ seal: 'A', present: ['s.0', 's.2'] })
  })

  it('finds nothing in an absent or unrelated header', () => {
    expect(readSealCookies(null, config)).toEqual({ seal: undefined, present: [] })
    expect(readSealCookies('session=1; s.x=2; ss=3', config)).toEqual({ seal: undefined, present: [] })
    expect(readSealCookies('s.1=B', config)).toEqual({ seal: undefined, present: ['s.1'] })
  })

  it('reads iron-session\'s 4 chunks even with chunking off', () => {
    expect(readSealCookies('s.0=A; s.1=B; s.2=C; s.3=D; s.4=E', cookieConfig('s')).seal).toBe('ABCD')
  })
})

describe('writing and chunking', () => {
  it('fits one cookie up to exactly 4096 bytes of Set-Cookie, and chunks past it', () => {
    const config = cookieConfig('s', {}, true)
    const overhead = bytes(writeSealCookies('', 100, [], config)[0] as string)
    const fits = seal(MAX_COOKIE_BYTES - overhead)
    const one = writeSealCookies(fits, 100, [], config)
    expect(one).toHaveLength(1)
    expect(bytes(one[0] as string)).toBe(4096)
    const two = writeSealCookies(`${fits}y`, 100, [], config)
    expect(two.map((line) => parseSetCookie(line).name)).toEqual(['s.0', 's.1'])
  })

  it('uses the fewest chunks, each within 4096 UTF-8 bytes including attributes, and they join back', () => {
    const config = cookieConfig('session', { domain: 'example.com', path: '/' }, true)
    for (const length of [4200, 8000, 12_000, 16_000]) {
      const value = seal(length)
      const lines = writeSealCookies(value, 1209540, [], config)
      for (const line of lines) expect(bytes(line)).toBeLessThanOrEqual(MAX_COOKIE_BYTES)
      expect(lines.length).toBe(Math.ceil(length / (MAX_COOKIE_BYTES - bytes(writeSealCookies('', 1209540, [], { ...config, name: 'session.0' })[0] as string))))
      expect(readSealCookies(cookieHeaderFrom(lines), config).seal).toBe(value)
    }
  })

  it('expires the whole cookie when writing chunks, and chunks past the new count', () => {
    const config = cookieConfig('s', { domain: 'example.com' }, true)
    const grown = writeSealCookies(seal(9000), 100, ['s'], config)
    expect(grown.map((line) => [parseSetCookie(line).name, parseSetCookie(line).maxAge])).toEqual([
      ['s.0', 100],
      ['s.1', 100],
      ['s.2', 100],
      ['s', 0],
    ])
    const shrunk = writeSealCookies(seal(5000), 100, ['s.0', 's.1', 's.2'], config)
    expect(shrunk.map((line) => [parseSetCookie(line).name, parseSetCookie(line).maxAge])).toEqual([
      ['s.0', 100],
      ['s.1', 100],
      ['s.2', 0],
    ])
    const whole = writeSealCookies(seal(100), 100, ['s.0', 's.1'], config)
    expect(whole.map((line) => [parseSetCookie(line).name, parseSetCookie(line).maxAge])).toEqual([
      ['s', 100],
      ['s.0', 0],
      ['s.1', 0],
    ])
  })

  it('expires with the same Path and Domain, so the browser deletes the cookie it has', () => {
    const config = cookieConfig('s', { domain: 'example.com', path: '/app' })
    const [line] = expireCookies(['s.1'], config)
    expect(parseSetCookie(line as string)).toMatchObject({ name: 's.1', value: '', maxAge: 0, domain: 'example.com', path: '/app' })
    expect(line).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  })

  it('without chunking, a seal too large for one cookie throws with the size and what to do', () => {
    const config = cookieConfig('s')
    const error = (() => {
      try {
        writeSealCookies(seal(5000), 100, [], config)
      } catch (caught) {
        return caught as SessionTooLargeError
      }
    })()
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error?.limit).toBe(4096)
    expect(error?.bytes).toBeGreaterThan(5000)
    expect(error?.message).toMatch(/would be \d+ bytes.*set chunk: true/)
  })

  it('with chunking, past the chunk limit it throws instead of writing part of it', () => {
    expect(() => writeSealCookies(seal(17_000), 100, [], cookieConfig('s', {}, true))).toThrow(/needs 5 cookies .* the limit is 4/)
    expect(writeSealCookies(seal(17_000), 100, [], cookieConfig('s', {}, 5))).toHaveLength(5)
    expect(() => writeSealCookies(seal(9000), 100, [], cookieConfig('s', {}, 2))).toThrow(/needs 3 cookies .* the limit is 2/)
  })
})

describe('Set-Cookie lines written without the cookie package on the hot path', () => {
  const options = fc.record(
    {
      domain: fc.constantFrom('example.com', 'app.example.org'),
      path: fc.constantFrom('/', '/app', '/a/b'),
      secure: fc.constant(true),
      httpOnly: fc.boolean(),
      sameSite: fc.constantFrom<'lax' | 'strict' | 'none'>('lax', 'strict', 'none'),
      partitioned: fc.boolean(),
      priority: fc.constantFrom<'low' | 'medium' | 'high'>('low', 'medium', 'high'),
    },
    { requiredKeys: [] },
  )
  // What a seal is made of: hex, base64url, digits, 'Fe26.2', '*' and '~'.
  const sealText = fc.string({ unit: fc.constantFrom(...'abcdefABCXYZ0123456789-_*.~'), maxLength: 9000 })

  it('are exactly what stringifySetCookie writes, whole or in chunks, and liveCookieNames reads them as parseSetCookie does', () => {
    fc.assert(
      fc.property(options, sealText, fc.integer({ min: 1, max: 2147483647 }), fc.constantFrom(false, true), (cookieOptions, value, maxAge, chunk) => {
        const config = cookieConfig('sess', cookieOptions, chunk)
        let lines: string[]
        try {
          lines = writeSealCookies(value, maxAge, ['sess', 'sess.0', 'sess.5'], config)
        } catch (error) {
          expect(error).toBeInstanceOf(SessionTooLargeError)
          return
        }
        const written = lines.filter((line) => parseSetCookie(line).maxAge !== 0)
        for (const line of written) {
          const { name, value: part } = parseSetCookie(line)
          expect(line).toBe(stringifySetCookie(name, part ?? '', { ...config.attributes, maxAge }))
        }
        expect(written.map((line) => parseSetCookie(line).value).join('')).toBe(value)
        expect(liveCookieNames(lines)).toEqual(lines.filter((line) => parseSetCookie(line).maxAge !== 0).map((line) => parseSetCookie(line).name))
      }),
      { numRuns: 500 },
    )
  })
})
