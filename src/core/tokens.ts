/**
 * sealData and unsealData: iron-session's call shapes, for magic links,
 * invitations and other tokens — kept apart from session cookies.
 *
 * Both are Fe26.2 seals, possibly under one password, so each says what it is
 * inside the encrypted payload, where no one without the password can change
 * it: a session carries `__ifs: { created, sealed, flash? }`, a token made here
 * `__ifs: { purpose: 'data' }`. read() refuses a token, and unsealData refuses a
 * session, so neither can stand in for the other. Seals from iron-session carry
 * no marker and open either way, as they do there: give tokens their own
 * password (SECURITY.md).
 */
import { brief, DEV } from './messages.ts'
import { cachedPasswords, type Password } from './passwords.ts'
import { checkTtl, FOURTEEN_DAYS, seal, unseal, UnsealError, type UnsealReason } from './seal.ts'

/** The payload key that holds a seal's own bookkeeping; never part of the app's data. */
export const RESERVED_KEY = '__ifs'
/** The marker of a token made by sealData. */
export const TOKEN_PURPOSE = 'data'

/** The options of `sealData`. */
export interface SealDataOptions {
  password: Password
  /** Seconds; default 14 days; 0 means no expiration. */
  ttl?: number
}

/** The options of `unsealData`. */
export interface UnsealDataOptions extends SealDataOptions {
  /** Told why a token was refused: `'invalid'`, `'expired'` or `'unknown-password'`. */
  onUnsealError?: (reason: UnsealReason, error: unknown) => void
}

/** True for a payload object whose bookkeeping says it is a sealData token. */
export function isToken(payload: Record<string, unknown>): boolean {
  const meta = payload[RESERVED_KEY]
  return meta !== null && typeof meta === 'object' && (meta as { purpose?: unknown }).purpose === TOKEN_PURPOSE
}

/** A plain object: what a marker can be added to (anything else is sealed as it is, and refused there if not JSON). */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Seals any JSON value as a token; an object gets the token marker, so it never reads as a session. */
export async function sealData(data: unknown, { password, ttl = FOURTEEN_DAYS }: SealDataOptions): Promise<string> {
  checkTtl(ttl, 'ttl')
  if (!isRecord(data)) return seal(cachedPasswords(password), data, ttl)
  if (Object.hasOwn(data, RESERVED_KEY)) {
    throw new TypeError(DEV ? `iron-fetch-session: sealData: the key ${RESERVED_KEY} is reserved for the seal's own bookkeeping; use another key.` : brief(`sealData: the key ${RESERVED_KEY} is reserved`))
  }
  return seal(cachedPasswords(password), { ...data, [RESERVED_KEY]: { purpose: TOKEN_PURPOSE } }, ttl)
}

/** The token's data, or `{}` for a seal that is refused (told to onUnsealError), a session cookie included. */
export async function unsealData<T = Record<string, unknown>>(value: string, { password, onUnsealError }: UnsealDataOptions): Promise<T> {
  const passwords = cachedPasswords(password)
  try {
    const { data } = await unseal(passwords, value)
    if (!isRecord(data) || !Object.hasOwn(data, RESERVED_KEY)) return (data ?? {}) as T
    if (!isToken(data)) throw new UnsealError('invalid', 'this seal is a session cookie, not a token made by sealData')
    // Fresh from JSON.parse, so ours to change; the marker was added last, so this is cheaper than a copy.
    delete data[RESERVED_KEY]
    return data as T
  } catch (error) {
    onUnsealError?.(error instanceof UnsealError ? error.reason : 'invalid', error)
    return {} as T
  }
}
