// Strict unpadded base64url: every byte string round-trips, and a text is accepted exactly when it is
// the canonical spelling of its bytes, on both decoding paths Node takes (short texts, long ones).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../src/core/base64url.js'

/** The reference: the url alphabet only, no padding, and the text that Buffer writes for its own bytes. */
const canonical = (text: string) => /^[A-Za-z0-9_-]*$/.test(text) && text.length % 4 !== 1 && Buffer.from(Buffer.from(text, 'base64url')).toString('base64url') === text

describe('base64url', () => {
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 48 }), fc.uint8Array({ minLength: 49, maxLength: 4000 }))

  it('any bytes round-trip, as Buffer spells them', () => {
    fc.assert(
      fc.property(bytes, (input) => {
        const text = toBase64Url(input)
        expect(text).toBe(Buffer.from(input).toString('base64url'))
        expect(fromBase64Url(text)).toEqual(new Uint8Array(input))
      }),
      { numRuns: 2000 },
    )
  })

  it('a changed text is accepted exactly when it is canonical, then as its bytes', () => {
    const chars = fc.constantFrom(...'AQgw_-+/=. \n\t~%*é\u0100😀', 'B', 'z', '9')
    const edit = fc.record({ at: fc.nat(), kind: fc.constantFrom('change', 'insert', 'delete', 'append'), char: chars })
    fc.assert(
      fc.property(bytes, fc.array(edit, { minLength: 1, maxLength: 3 }), (input, edits) => {
        let text = toBase64Url(input)
        for (const { at, kind, char } of edits) {
          const i = at % (text.length + 1)
          if (kind === 'append') text += char
          else if (kind === 'insert') text = text.slice(0, i) + char + text.slice(i)
          else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + 1)
          else text = text.slice(0, i) + char + text.slice(i + 1)
        }
        const decoded = fromBase64Url(text)
        if (canonical(text)) expect(decoded).toEqual(new Uint8Array(Buffer.from(text, 'base64url')))
        else expect(decoded).toBeUndefined()
      }),
      { numRuns: 5000 },
    )
  })

  it('refuses spare bits, padding and other alphabets in short and long texts alike', () => {
    for (const size of [16, 32, 300, 3000]) {
      const text = toBase64Url(new Uint8Array(size).fill(0xfb))
      expect(fromBase64Url(text)).toEqual(new Uint8Array(size).fill(0xfb))
      expect(fromBase64Url(`${text}=`)).toBeUndefined()
      expect(fromBase64Url(text.replace(/-/g, '+').replace(/_/g, '/'))).toBeUndefined()
      if (size % 3 !== 0) expect(fromBase64Url(text.slice(0, -1) + String.fromCharCode(text.charCodeAt(text.length - 1) + 1))).toBeUndefined()
    }
  })
})
