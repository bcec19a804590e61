/**
 * Session ids: what a store keys a session by, and what a revocable seal names.
 * Apart from store.ts, so code that needs an id does not bring the store with it.
 */
import { toHex } from './base64url.ts'

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
