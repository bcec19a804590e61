/**
 * The Fe26.2 primitives over `node:crypto`, synchronously: in Node, Deno, Bun
 * and workerd with `nodejs_compat`. On cookie-sized data a WebCrypto call's
 * trip to the thread pool costs more than its AES or HMAC; here there is none.
 *
 * The module is handed in (choice.ts finds it with process.getBuiltinModule),
 * never imported, so bundlers and runtimes without it load this file unchanged.
 * Only what is used is typed here: no @types/node in the build.
 */
import type { CryptoBackend } from './backend.ts'

interface Transform {
  update(data: string, inputEncoding: 'utf8'): Uint8Array
  update(data: Uint8Array): Uint8Array
  final(): Uint8Array
  setAutoPadding(autoPadding: boolean): unknown
}

export interface NodeCrypto {
  createCipheriv(algorithm: 'aes-256-cbc', key: Uint8Array, iv: Uint8Array): Transform
  createDecipheriv(algorithm: 'aes-256-cbc', key: Uint8Array, iv: Uint8Array): Transform
  createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: string, inputEncoding: 'utf8'): { digest(): Uint8Array } }
  pbkdf2Sync(password: string, salt: string, iterations: number, keyLength: number, digest: 'sha1'): Uint8Array
  randomFillSync(bytes: Uint8Array): Uint8Array
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}

const decoder = new TextDecoder()
const BLOCK = 16

/** Two chunks as one array: what update() and final() return, without Buffer.concat (workerd may lack Buffer). */
function joined(head: Uint8Array, tail: Uint8Array): Uint8Array {
  if (tail.length === 0) return head
  const out = new Uint8Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}

/** The calls go through `crypto` each time, so a test can watch them. */
export function nodeCryptoBackend(crypto: NodeCrypto): CryptoBackend<string, Uint8Array> {
  const hmac = (key: Uint8Array, text: string) => crypto.createHmac('sha256', key).update(text, 'utf8').digest()
  return {
    name: 'node:crypto',

    // pbkdf2Sync takes the password as a string and encodes it as UTF-8, as WebCrypto's caller does.
    importSecret: (password) => password,

    deriveKey: (secret, _kind, salt) => crypto.pbkdf2Sync(secret, salt, 1, 32, 'sha1'),

    encrypt: (key, iv, text) => {
      const cipher = crypto.createCipheriv('aes-256-cbc', key, iv)
      return joined(cipher.update(text, 'utf8'), cipher.final())
    },

    // PKCS#7 padding is removed here rather than by final(): a quarter of a decrypt's cost saved (one
    // call into OpenSSL and one copy fewer). It runs only on ciphertext the MAC has already vouched
    // for, so how a bad padding is refused tells nobody anything.
    decrypt: (key, iv, data) => {
      if (data.length === 0 || data.length % BLOCK !== 0) throw new Error('the ciphertext is not whole AES blocks')
      const decipher = crypto.createDecipheriv('aes-256-cbc', key, iv)
      decipher.setAutoPadding(false)
      const padded = decipher.update(data)
      const pad = padded[padded.length - 1] ?? 0
      let bad = pad < 1 || pad > BLOCK || padded.length !== data.length ? 1 : 0
      for (let i = padded.length - Math.min(pad, BLOCK); i < padded.length; i++) bad |= padded[i]! ^ pad
      if (bad !== 0) throw new Error('bad padding')
      return decoder.decode(padded.subarray(0, padded.length - pad))
    },

    sign: hmac,

    verify: (key, mac, text) => {
      const expected = hmac(key, text)
      return expected.length === mac.length && crypto.timingSafeEqual(expected, mac)
    },

    fillRandom: (bytes) => void crypto.randomFillSync(bytes),
  }
}
