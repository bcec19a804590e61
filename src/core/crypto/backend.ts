/**
 * What a Fe26.2 seal needs from a crypto library: PBKDF2 for its keys,
 * AES-256-CBC for its payload, HMAC-SHA256 for its MAC, random bytes for its
 * IVs and salts. Two libraries provide it (node.ts, webcrypto.ts), with the same
 * bytes; choice.ts picks one at run time.
 *
 * A backend answers synchronously where its library can (node:crypto) and with
 * promises where it cannot (WebCrypto); the codec awaits either. Keys are the
 * backend's own kind (bytes, a promise of a CryptoKey), handed back to it as
 * they came: deriving one never waits, so a synchronous backend never does.
 */

/** The two keys of a seal: 'enc' for AES-256-CBC, 'mac' for HMAC-SHA256. */
export type KeyKind = 'enc' | 'mac'

export type BackendName = 'node:crypto' | 'webcrypto'

export interface CryptoBackend<Secret = unknown, Key = unknown> {
  readonly name: BackendName
  /** The password, prepared once for all its derivations. */
  importSecret(password: string): Secret
  /** iron's key: PBKDF2 with SHA-1, 1 iteration, 256 bits, of the password and the salt's characters (UTF-8). */
  deriveKey(secret: Secret, kind: KeyKind, salt: string): Key
  /** AES-256-CBC with PKCS#7 padding, of the text's UTF-8 bytes. */
  encrypt(key: Key, iv: Uint8Array<ArrayBuffer>, text: string): Uint8Array | Promise<Uint8Array>
  /** The inverse, as text; throws or rejects when the padding is wrong. */
  decrypt(key: Key, iv: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): string | Promise<string>
  /** HMAC-SHA256 of the text's UTF-8 bytes. */
  sign(key: Key, text: string): Uint8Array | Promise<Uint8Array>
  /** Whether `mac` is the text's HMAC-SHA256, compared in constant time. */
  verify(key: Key, mac: Uint8Array<ArrayBuffer>, text: string): boolean | Promise<boolean>
  /** Fills `bytes` from the system's cryptographic random source. */
  fillRandom(bytes: Uint8Array<ArrayBuffer>): void
}
