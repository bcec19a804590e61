/**
 * The Fe26.2 seal, the format of @hapi/iron, iron-webcrypto and iron-session:
 *
 *   Fe26.2*<id>*<encSalt>*<iv>*<ciphertext>*<expiration>*<macSalt>*<mac>~2
 *
 * The payload is JSON, encrypted with AES-256-CBC under a key derived from the
 * password and encSalt; the MAC is HMAC-SHA256, under a key derived from the
 * password and macSalt, of everything before macSalt. Keys come from keys.ts
 * (cached), the cryptography from whichever backend the password was set up
 * with (crypto/choice.ts): the same bytes either way.
 */
import { brief, DEV } from './messages.ts'
import { fromAuthenticatedBase64Url, fromBase64Url, toBase64Url } from './base64url.ts'
import { randomBytes } from './crypto/random.ts'
import type { SecretKeys } from './keys.ts'
import type { Passwords } from './passwords.ts'
import { stringifyJson } from './plain-json.ts'

/** Why a seal was refused. */
export type UnsealReason = 'invalid' | 'expired' | 'unknown-password'

/** Why a seal was refused, as `onUnsealError` is told: `reason` is the code, the message says more. */
export class UnsealError extends Error {
  override name = 'UnsealError'
  constructor(
    readonly reason: UnsealReason,
    message: string,
  ) {
    super(`iron-fetch-session: ${message}`)
  }
}

export interface Unsealed {
  data: unknown
  /** The password id the seal was made with; not the sealing id means "re-seal me". */
  passwordId: string
  /** Milliseconds since the epoch, or undefined for a seal made with ttl 0. */
  expiresAt: number | undefined
}

/** The default `ttl`, in seconds: 14 days, as iron-session's. */
export const FOURTEEN_DAYS = 14 * 24 * 3600
/** iron's allowance for clocks that disagree between the sealing and the reading server. */
export const SKEW_SECONDS = 60
/** Longer seals are refused before any parsing or crypto: 10 cookies of 4096 bytes fit well within it. */
export const MAX_SEAL_LENGTH = 64 * 1024


const PREFIX = 'Fe26.2'
const SUFFIX = '~2' // iron-session's version marker, outside the MAC; iron-session 8 wants it
const EXPIRATION = /^[1-9]\d*$/
/** iron writes salts as lowercase hex (256 bits: 64 characters); anything else is refused before it reaches a key. */
const SALT = /^[0-9a-f]{1,128}$/
/** AES-256-CBC's 16-byte IV and HMAC-SHA256's 32-byte MAC, in unpadded base64url. */
const IV_CHARS = 22
const MAC_CHARS = 43

/** Seals JSON data; ttl in seconds, 0 for no expiration. */
export async function seal(passwords: Passwords, data: unknown, ttl: number, now = Date.now()): Promise<string> {
  return sealJson(passwords, stringifyJson(data), ttl, now)
}

/** Seals data already made JSON by stringifyJson (commit has it at hand, and stringifying twice costs). */
export async function sealJson(passwords: Passwords, json: string, ttl: number, now = Date.now()): Promise<string> {
  const keys = passwords.byId.get(passwords.sealId) as SecretKeys
  const backend = keys.backend
  const sealing = keys.sealing(now)
  const iv = randomBytes(backend, 16)
  // A synchronous backend's answers are used as they come: awaiting them would still cost a trip through the microtask queue.
  const encrypting = backend.encrypt(sealing.enc, iv, json)
  const encrypted = encrypting instanceof Promise ? await encrypting : encrypting
  const expiration = ttl > 0 ? String(now + ttl * 1000) : ''
  const base = `${PREFIX}*${passwords.sealId}*${sealing.encSalt}*${toBase64Url(iv)}*${toBase64Url(encrypted)}*${expiration}`
  const signing = backend.sign(sealing.mac, base)
  const mac = signing instanceof Promise ? await signing : signing
  return `${base}*${sealing.macSalt}*${toBase64Url(mac)}${SUFFIX}`
}

/**
 * Opens a seal, or throws an UnsealError with its reason. The MAC is checked
 * before expiry, decryption or parsing, so nothing unauthenticated is acted on.
 */
export async function unseal(passwords: Passwords, value: string, now = Date.now(), inflate?: (payload: string) => Promise<string>): Promise<Unsealed> {
  if (typeof value !== 'string') throw new UnsealError('invalid', DEV ? `a seal is a string, got ${typeof value}` : 'not a string')
  if (value.length > MAX_SEAL_LENGTH) throw new UnsealError('invalid', DEV ? `the seal is over ${MAX_SEAL_LENGTH} characters` : 'too long')
  const sealed = value.endsWith(SUFFIX) ? value.slice(0, -SUFFIX.length) : value
  const parts = sealed.split('*')
  if (parts.length !== 8) throw new UnsealError('invalid', DEV ? `a seal has 8 parts, this one has ${parts.length}` : 'not 8 parts')
  const [prefix, id, encSalt, ivText, encryptedText, expiration, macSalt, macText] = parts as [string, string, string, string, string, string, string, string]
  if (prefix !== PREFIX) throw new UnsealError('invalid', DEV ? `wrong seal prefix, expected ${PREFIX}` : 'wrong prefix')
  if (expiration !== '' && !EXPIRATION.test(expiration)) throw new UnsealError('invalid', 'malformed expiration')
  // Checked before any key is looked up or derived: a salt becomes part of a cached key.
  if (!SALT.test(encSalt) || !SALT.test(macSalt)) throw new UnsealError('invalid', DEV ? 'a salt is not iron\'s hex of at most 128 characters' : 'malformed salt')
  if (ivText.length !== IV_CHARS || macText.length !== MAC_CHARS) throw new UnsealError('invalid', DEV ? 'the IV or the MAC has the wrong length' : 'malformed IV or MAC')
  const keys = passwords.byId.get(id)
  if (!keys) throw new UnsealError('unknown-password', `no password with id ${JSON.stringify(id)}`)
  // Strictly: a MAC spelled two ways would let a changed seal verify. The ciphertext waits for the MAC, which covers its text.
  const mac = fromBase64Url(macText)
  const iv = fromBase64Url(ivText)
  if (!mac || !iv) throw new UnsealError('invalid', 'malformed base64url')

  const backend = keys.backend
  const macBase = sealed.slice(0, sealed.length - macSalt.length - macText.length - 2)
  const verified = backend.verify(keys.derive('mac', macSalt), mac, macBase)
  if (!(verified instanceof Promise ? await verified : verified)) {
    throw new UnsealError('invalid', DEV ? 'bad MAC: the seal was changed or made with another password' : 'bad MAC')
  }
  const expiresAt = expiration === '' ? undefined : Number(expiration)
  if (expiresAt !== undefined && expiresAt <= now - SKEW_SECONDS * 1000) {
    throw new UnsealError('expired', DEV ? `the seal expired at ${new Date(expiresAt).toISOString()}` : 'expired')
  }
  let data: unknown
  try {
    // JSON.parse makes "__proto__" an own data property, so a payload cannot reach a prototype.
    const decrypting = backend.decrypt(keys.derive('enc', encSalt), iv, fromAuthenticatedBase64Url(encryptedText))
    const plain = decrypting instanceof Promise ? await decrypting : decrypting
    // A payload deflated by the compress option ('iron-fetch-session/compress') starts with a character JSON never
    // does; without the option it fails to parse, and is refused.
    data = JSON.parse(inflate && plain.charCodeAt(0) === 1 ? await inflate(plain) : plain)
  } catch {
    throw new UnsealError('invalid', DEV ? 'the seal does not decrypt to JSON' : 'not JSON')
  }
  return { data, passwordId: id, expiresAt }
}

export function checkTtl(ttl: unknown, option: string): asserts ttl is number {
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 0) {
    throw new TypeError(DEV ? `iron-fetch-session: ${option} must be a whole number of seconds, 0 or more (0 means no expiry); got ${String(ttl)}.` : brief(`${option} must be a whole number of seconds, 0 or more`))
  }
}
