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

/** Returns undefined for anything that is not canonical unpadded base64url. */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  const tail = text.length % 4
  if (tail === 1 || !URL_SAFE.test(text)) return undefined
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
  if (NodeBuffer) {
    // Already checked to be canonical base64url above, so Buffer's lenient decoder sees only valid input.
    const decoded = NodeBuffer.from(text, 'base64url')
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) as Uint8Array<ArrayBuffer>
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}
