/**
 * Session ids: what a store keys a session by, and what a revocable seal names.
 * Apart from store.ts, so code that needs an id does not bring the store with it.
 */
import { fromBase64Url, toHex } from './base64url.ts'

/** Bytes of randomness in a session id: 128 bits (OWASP asks for at least 64), from crypto.getRandomValues. */
const ID_BYTES = 16
const ID = /^[0-9a-f]{32}$/

/** A new session id: 128 random bits, as 32 lowercase hex characters (safe in any key, any file system). */
export function newSessionId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
}

export const isSessionId = (id: unknown): id is string => typeof id === 'string' && ID.test(id)

/** An id in messages and logs: enough to tell two apart, not enough to act on. */
export const shortId = (id: string) => `${id.slice(0, 8)}…`

/**
 * The id of a seal that names none (a cookie-only seal read under a store or with revocations,
 * or iron-session's): 128 bits of its MAC, so every replay of that seal has the same id and
 * dies with it. The MAC is keyed by the password: no one without the seal can know it.
 */
export function idFromSeal(seal: string): string {
  const parts = seal.split('~')[0]!.split('*')
  const mac = fromBase64Url(parts[parts.length - 1] ?? '')
  return mac && mac.length >= 16 ? toHex(mac.subarray(0, 16)) : toHex(new TextEncoder().encode(seal.slice(-16).padStart(16, '0')))
}

/** A user's key as a seal or a store key carries it: HMAC-SHA256 in hex (src/store/user-key.ts). */
export const USER_KEY = /^[0-9a-f]{64}$/
