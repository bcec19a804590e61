/**
 * Derived keys, cached. Each Fe26.2 key is PBKDF2 of the password with a salt
 * written in the seal. iron derives both keys on every call; we derive each
 * once while it stays in a bounded cache, and seal with one salt pair per
 * password for an hour, so a seal is one encrypt plus one sign and an unseal one
 * verify plus one decrypt. That cache is why the framing is ours, not iron-webcrypto's.
 */
import { toHex } from './base64url.ts'
import type { CryptoBackend, KeyKind } from './crypto/backend.ts'
import { randomBytes } from './crypto/random.ts'
import { Lru } from './lru.ts'

/** Sealing salts are reused this long; a new pair then costs one derivation. */
const SEAL_SALT_SECONDS = 3600
/** Derived keys kept per password: each password has its own share, so one tenant's forged seals never evict another's keys. */
const DERIVED_KEYS_PER_PASSWORD = 2048

/** The salts new seals are made with, and their keys (as the backend made them: bytes, or a promise). */
interface SealingKeys {
  encSalt: string
  macSalt: string
  enc: unknown
  mac: unknown
  until: number
}

/** SecretKeys by backend, then by password: every codec with the same password shares its keys. */
const secretKeys = new Map<CryptoBackend, Lru<string, SecretKeys>>()
/** Every SecretKeys made, for derivedKeyCount(); weakly, so an evicted one can go. */
const allSecretKeys = new Set<WeakRef<SecretKeys>>()

/** Derived keys of one password on one backend. */
export class SecretKeys {
  readonly #secret: unknown
  readonly #derived = new Lru<string, unknown>(DERIVED_KEYS_PER_PASSWORD)
  #current: SealingKeys | undefined

  private constructor(
    readonly backend: CryptoBackend,
    secret: string,
  ) {
    this.#secret = backend.importSecret(secret)
    allSecretKeys.add(new WeakRef(this))
  }

  get derivedCount(): number {
    return this.#derived.size
  }

  static for(secret: string, backend: CryptoBackend): SecretKeys {
    let byPassword = secretKeys.get(backend)
    if (!byPassword) secretKeys.set(backend, (byPassword = new Lru(64)))
    let keys = byPassword.get(secret)
    if (!keys) byPassword.set(secret, (keys = new SecretKeys(backend, secret)))
    return keys
  }

  /** The key for a salt, derived once while it stays in the bounded cache. */
  derive(kind: KeyKind, salt: string): unknown {
    // Most seals read were made here with the current salts: skip the cache lookup.
    const current = this.#current
    if (current && salt === (kind === 'enc' ? current.encSalt : current.macSalt)) return kind === 'enc' ? current.enc : current.mac
    const cacheKey = `${kind}*${salt}`
    const derived = this.#derived
    let key = derived.get(cacheKey)
    if (key === undefined) {
      key = this.backend.deriveKey(this.#secret, kind, salt)
      derived.set(cacheKey, key)
      // A derivation that fails is not kept: the next seal with this salt tries again.
      if (key instanceof Promise) key.catch(() => derived.delete(cacheKey))
    }
    return key
  }

  /** The current sealing salts and keys, renewed every SEAL_SALT_SECONDS. */
  sealing(now: number): SealingKeys {
    const current = this.#current
    if (current && current.until > now) return current
    const encSalt = toHex(randomBytes(this.backend, 32))
    const macSalt = toHex(randomBytes(this.backend, 32))
    const renewed = { encSalt, macSalt, enc: this.derive('enc', encSalt), mac: this.derive('mac', macSalt), until: now + SEAL_SALT_SECONDS * 1000 }
    // Should an asynchronous derivation fail, the next seal makes a new pair rather than reuse it for an hour.
    if (renewed.enc instanceof Promise || renewed.mac instanceof Promise) {
      Promise.all([renewed.enc, renewed.mac]).catch(() => {
        if (this.#current === renewed) this.#current = undefined
      })
    }
    return (this.#current = renewed)
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
