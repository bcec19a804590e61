/**
 * The Fe26.2 primitives over WebCrypto (`crypto.subtle`): in every runtime,
 * browsers and workerd without `nodejs_compat` included. Each call is a
 * promise, settled by a dispatch to a thread pool and back.
 */
import type { CryptoBackend } from './backend.ts'

const subtle = globalThis.crypto.subtle
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Keys are promises: derivation is asynchronous here, and each operation awaits its key. */
export const webCryptoBackend: CryptoBackend<Promise<CryptoKey>, Promise<CryptoKey>> = {
  name: 'webcrypto',

  importSecret: (password) => subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey']),

  deriveKey: async (secret, kind, salt) =>
    subtle.deriveKey(
      { name: 'PBKDF2', salt: encoder.encode(salt), iterations: 1, hash: 'SHA-1' },
      await secret,
      kind === 'enc' ? { name: 'AES-CBC', length: 256 } : { name: 'HMAC', hash: 'SHA-256', length: 256 },
      false,
      kind === 'enc' ? ['encrypt', 'decrypt'] : ['sign', 'verify'],
    ),

  encrypt: async (key, iv, text) => new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv }, await key, encoder.encode(text))),

  decrypt: async (key, iv, data) => decoder.decode(await subtle.decrypt({ name: 'AES-CBC', iv }, await key, data)),

  sign: async (key, text) => new Uint8Array(await subtle.sign('HMAC', await key, encoder.encode(text))),

  // subtle.verify compares in constant time.
  verify: async (key, mac, text) => subtle.verify('HMAC', await key, mac, encoder.encode(text)),

  fillRandom: (bytes) => void globalThis.crypto.getRandomValues(bytes),
}
