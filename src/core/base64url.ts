/**
 * Unpadded base64url, as iron writes it, on web APIs only (no Buffer in workerd).
 *
 * Decoding is strict: only the url alphabet, no padding, and the unused low bits
 * of the last character must be zero. Lenient decoders accept several spellings
 * of the same bytes, and a MAC digest spelled two ways would let a changed
 * cookie still verify.
 */

type Base64Native = {
  toBase64(options: { alphabet: 'base64url'; omitPadding: boolean }): string
}
type FromBase64Native = (text: string, options: { alphabet: 'base64url'; lastChunkHandling: 'strict' | 'loose' }) => Uint8Array<ArrayBuffer>

const nativeFrom = (Uint8Array as unknown as { fromBase64?: FromBase64Native }).fromBase64
const hasNativeTo = typeof (Uint8Array.prototype as unknown as Partial<Base64Native>).toBase64 === 'function'
/**
 * Node's (and Bun's) Buffer speaks base64url natively, and Node 20 has no
 * Uint8Array.toBase64; found on globalThis, not imported, so workerd and
 * browsers fall back to btoa/atob.
 */
type BufferLike = {
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64url'): string }
  from(text: string, encoding: 'base64url'): Uint8Array
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const URL_SAFE = /^[A-Za-z0-9_-]*$/

export function toBase64Url(bytes: Uint8Array): string {
  if (hasNativeTo) {
    return (bytes as unknown as Base64Native).toBase64({ alphabet: 'base64url', omitPadding: true })
  }
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Each character's 6 bits, -1 for a character outside the url alphabet. */
const SEXTETS = new Int8Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i
const sextet = (text: string, i: number) => SEXTETS[text.charCodeAt(i)] ?? -1
/** Up to this length (an IV is 22 characters, a MAC 43) a plain loop beats a call into native code. */
const SHORT = 64

/** Returns undefined for anything that is not canonical unpadded base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  const tail = text.length % 4
  if (tail === 1) return undefined
  if (text.length <= SHORT) return decodeShort(text, tail)
  if (!nativeFrom && NodeBuffer) {
    // Buffer's decoder is lenient (both alphabets, padding, stray characters skipped), so the
    // bytes count only when they encode back to the very same text: that is canonical.
    const decoded = NodeBuffer.from(text, 'base64url')
    if (NodeBuffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength).toString('base64url') !== text) return undefined
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) as Uint8Array<ArrayBuffer>
  }
  if (!URL_SAFE.test(text)) return undefined
  if (tail !== 0) {
    // 2 trailing chars carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
    const last = ALPHABET.indexOf(text.charAt(text.length - 1))
    if ((last & (tail === 2 ? 0b1111 : 0b11)) !== 0) return undefined
  }
  if (nativeFrom) {
    try {
      return nativeFrom(text, { alphabet: 'base64url', lastChunkHandling: 'loose' })
    } catch {
      return undefined
    }
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * For text a MAC has already vouched for (a seal's ciphertext): its sealer wrote it canonical,
 * and any other spelling would have failed the MAC, so it is decoded without a second check.
 */
export function fromAuthenticatedBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length <= SHORT) return decodeShort(text, text.length % 4) ?? new Uint8Array(0)
  if (nativeFrom) return nativeFrom(text, { alphabet: 'base64url', lastChunkHandling: 'loose' })
  if (NodeBuffer) {
    const decoded = NodeBuffer.from(text, 'base64url')
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) as Uint8Array<ArrayBuffer>
  }
  return fromBase64Url(text) ?? new Uint8Array(0)
}

/** Four characters to three bytes at a time; any character outside the alphabet, or a spare bit set, refuses the text. */
function decodeShort(text: string, tail: number): Uint8Array<ArrayBuffer> | undefined {
  const bytes = new Uint8Array((text.length * 3) >> 2)
  let invalid = 0
  let o = 0
  let i = 0
  for (const full = text.length - tail; i < full; i += 4) {
    const a = sextet(text, i)
    const b = sextet(text, i + 1)
    const c = sextet(text, i + 2)
    const d = sextet(text, i + 3)
    invalid |= a | b | c | d
    const n = (a << 18) | (b << 12) | (c << 6) | d
    bytes[o++] = n >> 16
    bytes[o++] = n >> 8
    bytes[o++] = n
  }
  if (tail !== 0) {
    const a = sextet(text, i)
    const b = sextet(text, i + 1)
    const c = tail === 3 ? sextet(text, i + 2) : 0
    invalid |= a | b | c
    const n = (a << 18) | (b << 12) | (c << 6)
    // 2 trailing chars carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits): spare bits must be 0.
    if ((n & (tail === 2 ? 0xffff : 0xff)) !== 0) return undefined
    bytes[o++] = n >> 16
    if (tail === 3) bytes[o] = n >> 8
  }
  return invalid < 0 ? undefined : bytes
}

export function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
