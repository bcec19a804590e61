// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on the pure modules:
// base64url on the path of runtimes without Buffer (workerd, browsers), the LRU's capacity, and the
// ids a store and revocations key sessions by.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { fromBase64Url, toBase64Url } from '../src/core/base64url.js'
import { idFromSeal, isSessionId, newSessionId, shortId } from '../src/core/ids.js'
import { Lru } from '../src/core/lru.js'
import { sealData } from '../src/index.js'
import { password } from './helpers.js'

const NodeBuffer = Buffer
/** Bytes 0…255 over and over, with some variety: every character of the alphabet shows up. */
const bytesOf = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * (i >> 8)) & 0xff)

describe('base64url without Buffer (as in workerd and browsers: btoa and atob)', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  /** The module as a runtime without a global Buffer loads it. */
  async function withoutBuffer(): Promise<typeof import('../src/core/base64url.js')> {
    vi.resetModules()
    vi.stubGlobal('Buffer', undefined)
    try {
      return await import('../src/core/base64url.js')
    } finally {
      vi.unstubAllGlobals()
    }
  }

  it('writes and reads what Buffer writes, for short, long and over-32 KB byte strings', async () => {
    const plain = await withoutBuffer()
    for (const n of [0, 1, 2, 3, 16, 32, 47, 48, 49, 50, 300, 3001, 0x8000 + 5]) {
      const bytes = bytesOf(n)
      const text = NodeBuffer.from(bytes).toString('base64url')
      expect(plain.toBase64Url(bytes)).toBe(text)
      expect(plain.fromBase64Url(text)).toEqual(bytes)
      expect(plain.fromAuthenticatedBase64Url(text)).toEqual(bytes)
    }
  })

  it('a view into a larger buffer encodes only its own bytes', async () => {
    const plain = await withoutBuffer()
    const whole = bytesOf(200)
    const view = whole.subarray(50, 150)
    expect(plain.toBase64Url(view)).toBe(NodeBuffer.from(view).toString('base64url'))
  })

  it('refuses padding, the other alphabet, stray characters and spare bits in long texts as in short ones', async () => {
    const plain = await withoutBuffer()
    for (const n of [31, 32, 48, 100, 300, 301, 302]) {
      const text = NodeBuffer.from(bytesOf(n, 3)).toString('base64url')
      expect(plain.fromBase64Url(text)).toEqual(bytesOf(n, 3))
      expect(plain.fromBase64Url(`${text}=`)).toBeUndefined()
      expect(plain.fromBase64Url(`${text}==`)).toBeUndefined()
      expect(plain.fromBase64Url(`${text.slice(0, 10)}+${text.slice(11)}`)).toBeUndefined()
      expect(plain.fromBase64Url(`${text.slice(0, 10)}/${text.slice(11)}`)).toBeUndefined()
      expect(plain.fromBase64Url(`${text.slice(0, 10)}.${text.slice(11)}`)).toBeUndefined()
      if (text.length % 4 === 0) expect(plain.fromBase64Url(`${text}A`)).toBeUndefined() // a length of 4k + 1 is never base64
      // The last character with a spare low bit set: the same bytes spelled another way.
      const last = text.charCodeAt(text.length - 1)
      if (n % 3 !== 0) expect(plain.fromBase64Url(text.slice(0, -1) + String.fromCharCode(last + 1))).toBeUndefined()
    }
  })

  it('every length past the short-text loop round-trips, and a set spare bit of any weight is refused', async () => {
    const plain = await withoutBuffer()
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (let n = 45; n < 140; n++) {
      for (const seed of [1, 5, 11]) {
        const bytes = bytesOf(n, seed).map((byte, i) => (byte + i * seed) & 0xff)
        const text = NodeBuffer.from(bytes).toString('base64url')
        expect(plain.fromBase64Url(text)).toEqual(bytes)
        const tail = text.length % 4
        if (tail === 0) continue
        const last = alphabet.indexOf(text.at(-1) as string)
        for (const bit of tail === 2 ? [1, 2, 4, 8] : [1, 2]) {
          expect(plain.fromBase64Url(text.slice(0, -1) + alphabet[last ^ bit])).toBeUndefined()
        }
      }
    }
  })

  it('the empty text is no bytes, on both paths', async () => {
    const plain = await withoutBuffer()
    expect(plain.fromBase64Url('')).toEqual(new Uint8Array(0))
    expect(fromBase64Url('')).toEqual(new Uint8Array(0))
    expect(plain.toBase64Url(new Uint8Array(0))).toBe('')
    expect(toBase64Url(new Uint8Array(0))).toBe('')
  })
})

describe('Lru', () => {
  it('keeps at least the last half of its capacity: a full cache of recent entries still hits', () => {
    const lru = new Lru<number, string>(100)
    for (let i = 0; i < 100; i++) lru.set(i, `v${i}`)
    for (let i = 50; i < 100; i++) expect(lru.get(i)).toBe(`v${i}`)
    expect(lru.size).toBeGreaterThanOrEqual(50)
  })

  it('setting a key it holds again replaces the value and holds it once', () => {
    const lru = new Lru<string, number>(4)
    lru.set('a', 1)
    lru.set('b', 2)
    lru.set('a', 3)
    expect([lru.get('a'), lru.get('b'), lru.size]).toEqual([3, 2, 2])
  })
})

describe('session ids', () => {
  it('a new id is 128 random bits as 32 lowercase hex characters, and reads as an id', () => {
    const ids = Array.from({ length: 100 }, newSessionId)
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/)
      expect(isSessionId(id)).toBe(true)
    }
    expect(new Set(ids).size).toBe(100)
  })

  it('anything else is not an id: other types, other lengths, other characters', () => {
    const id = newSessionId()
    for (const bad of [undefined, null, 42, { id }, [id], id.toUpperCase().replace(/^[0-9]/, 'A'), id.slice(1), `${id}0`, `${id}\n`, ` ${id}`, 'g'.repeat(32), '']) {
      expect(isSessionId(bad)).toBe(false)
    }
  })

  it('shortId shows enough to tell ids apart in a log, not the whole id', () => {
    const id = newSessionId()
    const short = shortId(id)
    expect(short.startsWith(id.slice(0, 8))).toBe(true)
    expect(short).not.toContain(id.slice(8))
    expect(short.length).toBeLessThan(id.length)
  })

  it("a seal that names no id is known by the first 128 bits of its MAC, with or without iron-session's ~2", async () => {
    const seal = await sealData({ user: 'ada' }, { password })
    const mac = seal.split('*').at(-1) as string
    const expected = NodeBuffer.from(mac, 'base64url').subarray(0, 16).toString('hex')
    expect(idFromSeal(seal)).toBe(expected)
    expect(idFromSeal(`${seal}~2`)).toBe(expected)
    expect(isSessionId(idFromSeal(seal))).toBe(true)
    const other = await sealData({ user: 'ada' }, { password })
    expect(idFromSeal(other)).not.toBe(expected)
  })

  it('a value with no MAC to read still gets a stable id, different for different values', () => {
    const ids = ['x', 'short', 'shorter', 'not*a*seal*at*all', '~', '*', 'no mac here, but longer than sixteen characters'].map(idFromSeal)
    for (const id of ids) expect(isSessionId(id)).toBe(true)
    expect(new Set(ids).size).toBe(ids.length)
    expect(idFromSeal('short')).toBe(idFromSeal('short'))
  })
})
