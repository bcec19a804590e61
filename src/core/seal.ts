/**
 * The Fe26.2 seal, the format of @hapi/iron, iron-webcrypto and iron-session,
 * over WebCrypto only so it runs in workerd, Deno, Bun, browsers and Node.
 *
 *   Fe26.2*<id>*<encSalt>*<iv>*<ciphertext>*<expiration>*<macSalt>*<mac>~2
 *
 * Each key is PBKDF2(SHA-1, 1 iteration) of the password with a salt written in
 * the seal. iron derives both keys on every call; we cache derived keys, and
 * seal with one salt pair per password for an hour, so a seal is one AES-CBC
 * encrypt plus one HMAC sign and an unseal one verify plus one decrypt. That
 * cache is the reason this framing is ours rather than iron-webcrypto's.
 */
import { fromBase64Url, toBase64Url, toHex } from './base64url.ts'
import { Lru } from './lru.ts'

export type Password = string | { readonly [id: string]: string }

/** Why a seal was refused. */
export type UnsealReason = 'invalid' | 'expired' | 'unknown-password'

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

export const FOURTEEN_DAYS = 14 * 24 * 3600
/** iron's allowance for clocks that disagree between the sealing and the reading server. */
export const SKEW_SECONDS = 60
export const MIN_PASSWORD_LENGTH = 32
/** Longer seals are refused before any parsing or crypto: 10 cookies of 4096 bytes fit well within it. */
export const MAX_SEAL_LENGTH = 64 * 1024
/** Sealing salts are reused this long; a new pair then costs one derivation. */
const SEAL_SALT_SECONDS = 3600
/** Derived keys kept across all passwords; salts in forged seals are chosen by their sender. */
/** Derived keys kept per password: each password has its own share, so one tenant's forged seals never evict another's keys. */
const DERIVED_KEYS_PER_PASSWORD = 2048

const PREFIX = 'Fe26.2'
const SUFFIX = '~2' // iron-session's version marker, outside the MAC; iron-session 8 wants it
const EXPIRATION = /^[1-9]\d*$/
/** iron writes salts as lowercase hex (256 bits: 64 characters); anything else is refused before it reaches a key. */
const SALT = /^[0-9a-f]{1,128}$/
/** AES-256-CBC's 16-byte IV and HMAC-SHA256's 32-byte MAC, in unpadded base64url. */
const IV_CHARS = 22
const MAC_CHARS = 43
/** Password ids as iron-session writes them: 0, 1, 2, … with no sign, leading zero or fraction, and safe integers. */
const PASSWORD_ID = /^(0|[1-9]\d{0,15})$/
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const subtle = globalThis.crypto.subtle

// ---------------------------------------------------------------- passwords

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
      `iron-fetch-session: ${option} is missing. Pass a random string of at least ${MIN_PASSWORD_LENGTH} characters, or a map such as { 2: newPassword, 1: oldPassword }.`,
    )
  }
  const byId = new Map<string, SecretKeys>()
  let sealId = -1
  for (const [id, secret] of Object.entries(password)) {
    // '01' and '1' would both be id 1 (and two ids past 2^53 one id): refused rather than merged silently.
    if (!PASSWORD_ID.test(id) || !Number.isSafeInteger(Number(id))) {
      throw new TypeError(
        `iron-fetch-session: ${option} ids must be whole numbers written plainly (0, 1, 2, … with no leading zero, at most ${Number.MAX_SAFE_INTEGER}), got ${JSON.stringify(id)}. Use { 2: newPassword, 1: oldPassword }.`,
      )
    }
    byId.set(id, checkedSecret(secret, `${option}[${id}]`))
    sealId = Math.max(sealId, Number(id))
  }
  if (sealId < 0) {
    throw new TypeError(`iron-fetch-session: ${option} is an empty map. Give at least one entry, such as { 1: password }.`)
  }
  return { sealId: String(sealId), byId }
}

function checkedSecret(secret: unknown, option: string): SecretKeys {
  if (typeof secret !== 'string' || secret.length < MIN_PASSWORD_LENGTH) {
    const got = typeof secret === 'string' ? `${secret.length} characters` : typeof secret
    throw new TypeError(
      `iron-fetch-session: ${option} must be a string of at least ${MIN_PASSWORD_LENGTH} characters (got ${got}). Generate one with \`openssl rand -base64 32\`.`,
    )
  }
  return SecretKeys.for(secret)
}

// ---------------------------------------------------------------- key cache

type KeyKind = 'enc' | 'mac'
interface SealingKeys {
  encSalt: string
  macSalt: string
  enc: CryptoKey
  mac: CryptoKey
  until: number
}

const secretKeys = new Lru<string, SecretKeys>(64)
/** Every SecretKeys made, for derivedKeyCount(); weakly, so an evicted one can go. */
const allSecretKeys = new Set<WeakRef<SecretKeys>>()

/** Derived keys of one password, shared by every codec that uses that password. */
export class SecretKeys {
  readonly #base: Promise<CryptoKey>
  readonly #derived = new Lru<string, Promise<CryptoKey>>(DERIVED_KEYS_PER_PASSWORD)
  #current: SealingKeys | undefined
  #renewing: Promise<SealingKeys> | undefined

  private constructor(secret: string) {
    this.#base = subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveKey'])
    allSecretKeys.add(new WeakRef(this))
  }

  get derivedCount(): number {
    return this.#derived.size
  }

  static for(secret: string): SecretKeys {
    let keys = secretKeys.get(secret)
    if (!keys) secretKeys.set(secret, (keys = new SecretKeys(secret)))
    return keys
  }

  /** The key for a salt, derived once while it stays in the bounded cache. */
  derive(kind: KeyKind, salt: string): CryptoKey | Promise<CryptoKey> {
    // Most seals read were made here with the current salts: skip the cache lookup.
    const current = this.#current
    if (current && salt === (kind === 'enc' ? current.encSalt : current.macSalt)) return kind === 'enc' ? current.enc : current.mac
    const cacheKey = `${kind}*${salt}`
    const derived = this.#derived
    let key = derived.get(cacheKey)
    if (!key) {
      key = this.#base.then((base) =>
        subtle.deriveKey(
          { name: 'PBKDF2', salt: encoder.encode(salt), iterations: 1, hash: 'SHA-1' },
          base,
          kind === 'enc' ? { name: 'AES-CBC', length: 256 } : { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          kind === 'enc' ? ['encrypt', 'decrypt'] : ['sign', 'verify'],
        ),
      )
      derived.set(cacheKey, key)
      key.catch(() => derived.delete(cacheKey))
    }
    return key
  }

  /** The current sealing salts and keys, renewed every SEAL_SALT_SECONDS. */
  sealing(now: number): SealingKeys | Promise<SealingKeys> {
    const current = this.#current
    if (current && current.until > now) return current
    this.#renewing ??= this.#renew(now).finally(() => (this.#renewing = undefined))
    return this.#renewing
  }

  async #renew(now: number): Promise<SealingKeys> {
    const encSalt = randomHex(32)
    const macSalt = randomHex(32)
    const [enc, mac] = await Promise.all([this.derive('enc', encSalt), this.derive('mac', macSalt)])
    return (this.#current = { encSalt, macSalt, enc, mac, until: now + SEAL_SALT_SECONDS * 1000 })
  }
}

/** For tests and the memory benchmark: how many derived keys are held. */
export function derivedKeyCount(): number {
  let count = 0
  for (const ref of allSecretKeys) {
    const keys = ref.deref()
    if (keys) count += keys.derivedCount
    else allSecretKeys.delete(ref)
  }
  return count
}

function randomHex(bytes: number): string {
  return toHex(randomBytes(bytes))
}

/**
 * Random bytes from a pool refilled by getRandomValues 4 KiB at a time: one
 * call per 256 IVs instead of one per seal. Bytes are handed out once, never reused.
 */
const randomPool = new Uint8Array(4096)
let randomOffset = randomPool.length
function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  if (randomOffset + length > randomPool.length) {
    crypto.getRandomValues(randomPool)
    randomOffset = 0
  }
  return randomPool.slice(randomOffset, (randomOffset += length))
}

// ---------------------------------------------------------------- seal / unseal

/** Seals JSON data; ttl in seconds, 0 for no expiration. */
export async function seal(passwords: Passwords, data: unknown, ttl: number, now = Date.now()): Promise<string> {
  const json = stringifyJson(data)
  const keys = await (passwords.byId.get(passwords.sealId) as SecretKeys).sealing(now)
  const iv = randomBytes(16)
  const encrypted = await subtle.encrypt({ name: 'AES-CBC', iv }, keys.enc, encoder.encode(json))
  const expiration = ttl > 0 ? String(now + ttl * 1000) : ''
  const base = `${PREFIX}*${passwords.sealId}*${keys.encSalt}*${toBase64Url(iv)}*${toBase64Url(new Uint8Array(encrypted))}*${expiration}`
  const mac = await subtle.sign('HMAC', keys.mac, encoder.encode(base))
  return `${base}*${keys.macSalt}*${toBase64Url(new Uint8Array(mac))}${SUFFIX}`
}

/**
 * Opens a seal, or throws an UnsealError with its reason. The MAC is checked
 * before expiry, decryption or parsing, so nothing unauthenticated is acted on.
 */
export async function unseal(passwords: Passwords, value: string, now = Date.now()): Promise<Unsealed> {
  if (typeof value !== 'string') throw new UnsealError('invalid', `a seal is a string, got ${typeof value}`)
  if (value.length > MAX_SEAL_LENGTH) throw new UnsealError('invalid', `the seal is over ${MAX_SEAL_LENGTH} characters`)
  const sealed = value.endsWith(SUFFIX) ? value.slice(0, -SUFFIX.length) : value
  const parts = sealed.split('*')
  if (parts.length !== 8) throw new UnsealError('invalid', `a seal has 8 parts, this one has ${parts.length}`)
  const [prefix, id, encSalt, ivText, encryptedText, expiration, macSalt, macText] = parts as [string, string, string, string, string, string, string, string]
  if (prefix !== PREFIX) throw new UnsealError('invalid', `wrong seal prefix, expected ${PREFIX}`)
  if (expiration !== '' && !EXPIRATION.test(expiration)) throw new UnsealError('invalid', 'malformed expiration')
  // Checked before any key is looked up or derived: a salt becomes part of a cached key.
  if (!SALT.test(encSalt) || !SALT.test(macSalt)) throw new UnsealError('invalid', 'a salt is not iron\'s hex of at most 128 characters')
  if (ivText.length !== IV_CHARS || macText.length !== MAC_CHARS) throw new UnsealError('invalid', 'the IV or the MAC has the wrong length')
  const keys = passwords.byId.get(id)
  if (!keys) throw new UnsealError('unknown-password', `no password with id ${JSON.stringify(id)}`)
  const mac = fromBase64Url(macText)
  const iv = fromBase64Url(ivText)
  const encrypted = fromBase64Url(encryptedText)
  if (!mac || !iv || !encrypted) throw new UnsealError('invalid', 'malformed base64url')

  const macKey = await keys.derive('mac', macSalt)
  const macBase = sealed.slice(0, sealed.length - macSalt.length - macText.length - 2)
  if (!(await subtle.verify('HMAC', macKey, mac, encoder.encode(macBase)))) {
    throw new UnsealError('invalid', 'bad MAC: the seal was changed or made with another password')
  }
  const expiresAt = expiration === '' ? undefined : Number(expiration)
  if (expiresAt !== undefined && expiresAt <= now - SKEW_SECONDS * 1000) {
    throw new UnsealError('expired', `the seal expired at ${new Date(expiresAt).toISOString()}`)
  }
  let data: unknown
  try {
    const plain = await subtle.decrypt({ name: 'AES-CBC', iv }, await keys.derive('enc', encSalt), encrypted)
    // JSON.parse makes "__proto__" an own data property, so a payload cannot reach a prototype.
    data = JSON.parse(decoder.decode(plain))
  } catch {
    throw new UnsealError('invalid', 'the seal does not decrypt to JSON')
  }
  return { data, passwordId: id, expiresAt }
}

// ---------------------------------------------------------------- plain JSON only

/** Data that JSON would not give back as it was; `problem` names the path, as in "session.when is a Date". */
export class NotJsonError extends TypeError {
  override name = 'NotJsonError'
  constructor(readonly problem: string) {
    super(
      `iron-fetch-session: session data must be plain JSON, but ${problem}. Store a Date as Date.now() or an ISO string, and Map, Set, BigInt or functions as plain values.`,
    )
  }
}

/**
 * JSON.stringify, refusing what would not come back as it went in: a Date would
 * return as a string, a Map as {}, NaN as null. The error names the path.
 */
export function stringifyJson(data: unknown, root = 'session'): string {
  // The common case, plain JSON, is checked without building paths; the path walk runs only to name a problem.
  const problem = isPlainJson(data, 0) ? undefined : findNonJson(data, root, new Set())
  if (problem) throw new NotJsonError(problem)
  return JSON.stringify(data)
}

/** True for plain JSON; false for anything findNonJson would name (and for nesting past 64 levels, to let it look). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object':
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth > 64) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  if (Object.getOwnPropertySymbols(value).length > 0) return false
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    if (item !== undefined && !isPlainJson(item, depth + 1)) return false
  }
  return true
}

function findNonJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`
    case 'undefined':
      return `${path} is undefined`
    case 'bigint':
      return `${path} is a BigInt`
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}`
  }
  if (value === null) return undefined
  const object = value as object
  if (ancestors.has(object)) return `${path} is a circular reference`
  const isArray = Array.isArray(object)
  const proto = Object.getPrototypeOf(object)
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `${path} is a ${(proto?.constructor?.name as string | undefined) ?? 'class instance'}`
  }
  if (Object.getOwnPropertySymbols(object).length > 0) return `${path} has a Symbol key`
  ancestors.add(object)
  try {
    if (isArray) {
      const array = object as unknown[]
      for (let i = 0; i < array.length; i++) {
        const found = findNonJson(array[i], `${path}[${i}]`, ancestors)
        if (found) return found
      }
    } else {
      for (const [key, item] of Object.entries(object)) {
        if (item === undefined) continue // dropped by JSON, as an absent key
        const found = findNonJson(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors)
        if (found) return found
      }
    }
  } finally {
    ancestors.delete(object)
  }
  return undefined
}

export function checkTtl(ttl: unknown, option: string): asserts ttl is number {
  if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 0) {
    throw new TypeError(`iron-fetch-session: ${option} must be a whole number of seconds, 0 or more (0 means no expiry); got ${String(ttl)}.`)
  }
}
