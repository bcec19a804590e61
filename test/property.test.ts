// Property tests: fixed seed, 10,000 runs each, bounded by the test timeout.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSessions, sealData, unsealData } from '../src/index.js'
import { MAX_COOKIE_HEADER } from '../src/core/cookies.js'
import { bearerToken } from '../src/core/header.js'
import { password } from './helpers.js'
import { headerTransport } from '../src/header.js'

const RUNS = { seed: 20261123, numRuns: 10_000 }
const TIMEOUT = 180_000
type Data = Record<string, unknown>
const url = 'https://app.example/'

/** Characters a browser may send in a cookie value (RFC 6265 cookie-octet). */
const COOKIE_OCTETS = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i)).filter((c) => !'",;\\'.includes(c))
const cookieOctet = fc.constantFrom(...COOKIE_OCTETS)

async function sessionCookies(sessions: ReturnType<typeof createSessions<Data>>, data: Data): Promise<Map<string, string>> {
  const session = await sessions.read(new Request(url))
  Object.assign(session.data, data)
  const response = await sessions.commit(session, new Response(null))
  return new Map(response.headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]))
}

const headerOf = (cookies: Iterable<[string, string]>) => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')

type Edit = { kind: 'change' | 'delete' | 'insert'; at: number; char: string }
const edit = fc.record({ kind: fc.constantFrom<Edit['kind']>('change', 'delete', 'insert'), at: fc.nat(), char: cookieOctet })
function apply(value: string, { kind, at, char }: Edit): string {
  const i = at % (value.length + (kind === 'insert' ? 1 : 0))
  if (kind === 'delete') return value.slice(0, i) + value.slice(i + 1)
  if (kind === 'insert') return value.slice(0, i) + char + value.slice(i)
  // A change to the same character is no change: take the next octet instead.
  const replacement = char === value[i] ? COOKIE_OCTETS[(COOKIE_OCTETS.indexOf(char) + 1) % COOKIE_OCTETS.length]! : char
  return value.slice(0, i) + replacement + value.slice(i + 1)
}

describe('tampering', () => {
  it(
    'any single-byte change, deletion or insertion in a seal gives an empty session with a reason, never data, never a throw',
    async () => {
      const sessions = createSessions<Data>({ password, cache: false })
      const value = (await sessionCookies(sessions, { user: 'ada', role: 'admin' })).get('session')!
      await fc.assert(
        fc.asyncProperty(edit, async (change) => {
          const tampered = apply(value, change)
          const session = await sessions.read(new Request(url, { headers: { cookie: `session=${tampered}` } }))
          expect(session.data).toEqual({})
          expect(session.unsealError).toMatch(/^(invalid|unknown-password|expired)$/)
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  it(
    'the same holds for any chunk of a chunked session',
    async () => {
      const sessions = createSessions<Data>({ password, chunk: true, cache: false })
      const cookies = await sessionCookies(sessions, { user: 'ada', notes: 'n'.repeat(9000) })
      const names = [...cookies.keys()]
      expect(names.length).toBeGreaterThan(1)
      expect(names.every((name, i) => name === `session.${i}`)).toBe(true)
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...names), edit, async (name, change) => {
          const jar = new Map(cookies)
          jar.set(name, apply(jar.get(name)!, change))
          const session = await sessions.read(new Request(url, { headers: { cookie: headerOf(jar) } }))
          expect(session.data).toEqual({})
          expect(session.unsealError).toBeDefined()
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  it(
    'chunks reordered, dropped, duplicated or swapped in from another session are refused',
    async () => {
      const sessions = createSessions<Data>({ password, chunk: true, cache: false })
      const mine = await sessionCookies(sessions, { user: 'ada', notes: 'a'.repeat(9000) })
      const theirs = await sessionCookies(sessions, { user: 'eve', notes: 'e'.repeat(9000) })
      const names = [...mine.keys()]
      const chunkList = fc.array(fc.record({ from: fc.constantFrom(mine, theirs), index: fc.nat({ max: names.length - 1 }) }), { minLength: 1, maxLength: 4 })
      await fc.assert(
        fc.asyncProperty(chunkList, async (picks) => {
          const values = picks.map(({ from, index }) => from.get(names[index]!)!)
          const header = values.map((value, i) => `session.${i}=${value}`).join('; ')
          const session = await sessions.read(new Request(url, { headers: { cookie: header } }))
          const same = (jar: Map<string, string>) => values.length === jar.size && values.every((value, i) => value === jar.get(`session.${i}`))
          // Only an exact, complete chunk sequence of one session reads, and then as that session.
          if (same(mine)) expect(session.data.user).toBe('ada')
          else if (same(theirs)) expect(session.data.user).toBe('eve')
          else {
            expect(session.data).toEqual({})
            expect(session.unsealError).toBe('invalid')
          }
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )
})

describe('arbitrary Cookie headers', () => {
  // What a Headers object accepts: visible ASCII, space, tab and bytes 0x80–0xFF, no CR, LF or NUL.
  const headerChar = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('%', '%2', '%zz', '%E0%A4%A', '"', ';', '=', 'session', 'session.0', 'session.1', '\t'),
  )
  const header = fc.oneof(
    fc.array(headerChar, { maxLength: 400 }).map((chars) => chars.join('')),
    fc.array(fc.tuple(fc.constantFrom('session', 'session.0', 'session.1', 'session.2', 'x', '__proto__', 'constructor'), fc.string({ maxLength: 40 })), { maxLength: 50 }).map((pairs) =>
      pairs.map(([name, value]) => `${name}=${value.replace(/[\r\n\0]/g, '')}`).join('; '),
    ),
    fc.string({ maxLength: 60 }).map((value) => `session="${value.replace(/[\r\n\0]/g, '')}"`),
  )

  it(
    'make read resolve, never throw, and never return data it did not seal',
    async () => {
      const sessions = createSessions<Data>({ password, chunk: true })
      await fc.assert(
        fc.asyncProperty(header, async (cookie) => {
          const session = await sessions.read(new Request(url, { headers: { cookie } }))
          expect(session.data).toEqual({})
          expect(session.isNew).toBe(true)
          // And committing it never throws either.
          await sessions.commit(session, new Response(null))
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  it('a very long header, thousands of cookies, and duplicates around a valid one', async () => {
    const sessions = createSessions<Data>({ password })
    const value = (await sessionCookies(sessions, { user: 'ada' })).get('session')!
    const many = Array.from({ length: 3000 }, (_, i) => `c${i}=${i}`).join('; ')
    // The first of duplicate names wins, as in browsers' order (most specific path first).
    const read = async (cookie: string) => (await sessions.read(new Request(url, { headers: { cookie } }))).data
    expect(await read(`${many}; session=${value}`)).toEqual({ user: 'ada' })
    expect(await read(`session=${value}; session=garbage`)).toEqual({ user: 'ada' })
    expect(await read(`session=garbage; session=${value}`)).toEqual({})
    const huge = await sessions.read(new Request(url, { headers: { cookie: `${'x'.repeat(MAX_COOKIE_HEADER)}; session=${value}` } }))
    expect(huge.data).toEqual({})
    expect(huge.unsealError).toBe('invalid')
  })
})

describe('payloads', () => {
  const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'))
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ maxDepth: 4 }, fc.jsonValue({ maxDepth: 0 }), tie('object'), fc.array(tie('value'), { maxLength: 4 })),
    object: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => {
      // Own data properties, as JSON.parse makes them: a "__proto__" key stays a key.
      const object: Record<string, unknown> = {}
      for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true })
      return object
    }),
  }))

  it(
    'any JSON value round-trips, __proto__, constructor and prototype keys as data, polluting nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(json.value, async (value) => {
          const back = await unsealData(await sealData(value, { password }), { password })
          // unsealData answers {} for a seal of null, as iron-session's does.
          expect(JSON.stringify(back)).toBe(JSON.stringify(value ?? {}))
          expect(({} as Record<string, unknown>).polluted).toBeUndefined()
          expect(Object.prototype).not.toHaveProperty('isAdmin')
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  it(
    'a non-JSON value anywhere fails at seal time, naming its path',
    async () => {
      const bad = fc.constantFrom<[unknown, string]>([new Date(0), 'a Date'], [new Map(), 'a Map'], [1n, 'a BigInt'], [() => 1, 'a function'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [new Set(), 'a Set'])
      const path = fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k)), fc.nat({ max: 3 })), { maxLength: 4 })
      await fc.assert(
        fc.asyncProperty(bad, path, async ([value, kind], keys) => {
          // Build { a: [ , , { b: value } ] } along the path, and the path's expected name.
          let data: unknown = value
          for (const k of [...keys].reverse()) {
            if (typeof k === 'number') {
              const array: unknown[] = Array.from({ length: k + 1 }, () => 0)
              array[k] = data
              data = array
            } else data = { [k]: data }
          }
          const name = 'session' + keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')
          await expect(sealData(data, { password })).rejects.toThrow(`${name} is ${kind}`)
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )
})

describe('Authorization: Bearer', () => {
  // The shape the header had to have before the parser was a scan; only ever run on short input here.
  const SHAPE = /^Bearer(?: +(\S*))? *$/i
  const piece = fc.constantFrom('Bearer', 'bEaReR', ' ', ' ', '   ', '\t', '\u00a0', 'x', 'Fe26.2**', '*', 'y z')

  it(
    'reads the token exactly when the value is "Bearer", spaces, one token, spaces',
    () => {
      fc.assert(
        fc.property(fc.boolean(), fc.array(piece, { maxLength: 12 }), (prefixed, pieces) => {
          const value = (prefixed ? 'Bearer' : '') + pieces.join('')
          const shape = SHAPE.exec(value)
          expect(bearerToken(value)).toBe(shape ? shape[1] || '' : undefined)
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  // 64 KB values that made the old pattern backtrack over every split of the spaces (seconds each):
  // read one after another on real requests, they now cost about what a short header does. The test
  // asserts what each reads as; the test timeout (30 s) is what a quadratic parser would run into.
  it('64 KB of spaces, tabs and mixed input read in one pass, as no session or as the token', async () => {
    const sessions = createSessions<Data>({ password, header: headerTransport('authorization') })
    const runs = 64 * 1024
    const notBearer = ['Bearer' + ' '.repeat(runs) + 'x y', 'Bearer' + ' \t'.repeat(runs / 2) + 'x', 'bearer ' + 'x'.repeat(runs) + ' y', 'Bearer' + ' '.repeat(runs) + '\u00a0x']
    for (let round = 0; round < 8; round++) {
      for (const value of notBearer) {
        const session = await sessions.read(new Request(url, { headers: { authorization: value } }))
        // Not the Bearer scheme: the app's own business, so the cookie (none here) is read instead.
        expect([session.isNew, session.unsealError]).toEqual([true, undefined])
      }
      const spaced = await sessions.read(new Request(url, { headers: { authorization: 'Bearer' + ' '.repeat(runs) + 'not-a-seal' + ' '.repeat(runs) } }))
      expect(spaced.unsealError).toBe('invalid')
      const empty = await sessions.read(new Request(url, { headers: { authorization: 'Bearer' + ' '.repeat(runs) } }))
      expect([empty.isNew, empty.unsealError]).toEqual([true, undefined])
    }
  })
})
