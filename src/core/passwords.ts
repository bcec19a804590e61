/**
 * Passwords as the options give them — one string, or a map of ids for
 * rotation — checked once, each with its derived-key cache.
 */
import { brief, DEV } from './messages.ts'
import type { CryptoBackend } from './crypto/backend.ts'
import { cryptoBackend } from './crypto/choice.ts'
import { SecretKeys } from './keys.ts'
import { Lru } from './lru.ts'

/** A password of at least 32 characters, or a map of them by id: the highest id seals, every id unseals. */
export type Password = string | { readonly [id: string]: string }

export const MIN_PASSWORD_LENGTH = 32
/** Password ids as iron-session writes them: 0, 1, 2, … with no sign, leading zero or fraction, and safe integers. */
const PASSWORD_ID = /^(0|[1-9]\d{0,15})$/

export interface Passwords {
  /** The id new seals are made with: the highest. */
  sealId: string
  byId: ReadonlyMap<string, SecretKeys>
}

/** Validates a password or password map; the message names `option` and the fix. */
export function normalizePasswords(password: unknown, option = 'password'): Passwords {
  if (typeof password === 'string') {
    const keys = checkedSecret(password, option)
    // iron-session seals a plain string as id 1; @hapi/iron writes an empty id.
    return { sealId: '1', byId: new Map([['1', keys], ['', keys]]) }
  }
  if (password === null || typeof password !== 'object' || Array.isArray(password)) {
    throw new TypeError(
      DEV ? `iron-fetch-session: ${option} is missing. Pass a random string of at least ${MIN_PASSWORD_LENGTH} characters, or a map such as { 2: newPassword, 1: oldPassword }.` : brief(`${option} is missing`),
    )
  }
  const byId = new Map<string, SecretKeys>()
  let sealId = -1
  for (const [id, secret] of Object.entries(password)) {
    // '01' and '1' would both be id 1 (and two ids past 2^53 one id): refused rather than merged silently.
    if (!PASSWORD_ID.test(id) || !Number.isSafeInteger(Number(id))) {
      throw new TypeError(
        DEV ? `iron-fetch-session: ${option} ids must be whole numbers written plainly (0, 1, 2, … with no leading zero, at most ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(id)}. Use { 2: newPassword, 1: oldPassword }.` : brief(`${option}: bad id`),
      )
    }
    byId.set(id, checkedSecret(secret, `${option}[${id}]`))
    sealId = Math.max(sealId, Number(id))
  }
  if (sealId < 0) {
    throw new TypeError(DEV ? `iron-fetch-session: ${option} is an empty map. Give at least one entry, such as { 1: password }.` : brief(`${option} is empty`))
  }
  return { sealId: String(sealId), byId }
}

/**
 * For APIs that take the password on every call (sealData, unsealData, iron-session's getIronSession):
 * each distinct one is validated once, per backend (crypto/choice.ts). Keyed by the caller's own
 * string, whose hash V8 keeps: no new string per call.
 */
const passwordsSeen = new Map<CryptoBackend, Lru<string, Passwords>>()
export function cachedPasswords(password: Password): Passwords {
  const backend = cryptoBackend()
  let seen = passwordsSeen.get(backend)
  if (!seen) passwordsSeen.set(backend, (seen = new Lru(64)))
  const key = typeof password === 'string' ? password : JSON.stringify(password)
  let passwords = seen.get(key)
  if (!passwords) seen.set(key, (passwords = normalizePasswords(password)))
  return passwords
}

function checkedSecret(secret: unknown, option: string): SecretKeys {
  if (typeof secret !== 'string' || secret.length < MIN_PASSWORD_LENGTH) {
    const got = typeof secret === 'string' ? `${secret.length} characters` : typeof secret
    throw new TypeError(
      DEV ? `iron-fetch-session: ${option} must be a string of at least ${MIN_PASSWORD_LENGTH} characters (got ${got}). Generate one with \`openssl rand -base64 32\`.` : brief(`${option} is too short`),
    )
  }
  return SecretKeys.for(secret, cryptoBackend())
}
