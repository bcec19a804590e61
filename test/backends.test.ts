// The two crypto backends in Node: node:crypto (chosen) and WebCrypto beside it. The same bytes from
// both, each other's seals opened, the same refusals, and each really the one at work when chosen.
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { fromBase64Url, toBase64Url } from '../src/core/base64url.js'
import type { BackendName, CryptoBackend } from '../src/core/crypto/backend.js'
import { backendNames, cryptoBackend, useCryptoBackend } from '../src/core/crypto/choice.js'
import { normalizePasswords, type Password } from '../src/core/passwords.js'
import { seal, unseal } from '../src/core/seal.js'
import { sealData, unsealData } from '../src/index.js'
import { unsealVerdict } from './helpers.js'

const password = 'a-test-password-of-at-least-32-characters'
const json = (value: unknown) => JSON.parse(JSON.stringify(value))
const nodeCrypto = process.getBuiltinModule('node:crypto')

/** The backend objects themselves, found by choosing each in turn. */
function backend(name: BackendName): CryptoBackend {
  const before = cryptoBackend().name
  useCryptoBackend(name)
  const chosen = cryptoBackend()
  useCryptoBackend(before)
  return chosen
}

/** Passwords normalised under a backend: their seals and unseals run on it. */
function passwordsOn(name: BackendName, pw: Password = password) {
  const before = cryptoBackend().name
  useCryptoBackend(name)
  try {
    return normalizePasswords(pw)
  } finally {
    useCryptoBackend(before)
  }
}


afterEach(() => {
  vi.restoreAllMocks()
})

afterAll(() => {
  useCryptoBackend('node:crypto')
})

describe('the choice', () => {
  it('Node has node:crypto, which is chosen, and WebCrypto beside it', () => {
    expect(backendNames()).toEqual(['node:crypto', 'webcrypto'])
    expect(cryptoBackend().name).toBe('node:crypto')
    expect(normalizePasswords(password).byId.get('1')!.backend.name).toBe('node:crypto')
  })

  it('passwords keep the backend they were set up with when the choice changes', async () => {
    const onNode = normalizePasswords(password)
    useCryptoBackend('webcrypto')
    try {
      expect(normalizePasswords(password).byId.get('1')!.backend.name).toBe('webcrypto')
      expect(onNode.byId.get('1')!.backend.name).toBe('node:crypto')
    } finally {
      useCryptoBackend('node:crypto')
    }
  })

  it.each(backendNames())('with %s chosen, seal and unseal run on it alone', async (name) => {
    const subtle = globalThis.crypto.subtle
    const web = ['deriveKey', 'encrypt', 'decrypt', 'sign', 'verify'].map((method) => vi.spyOn(subtle, method as 'sign'))
    const node = ['pbkdf2Sync', 'createCipheriv', 'createDecipheriv', 'createHmac'].map((method) => vi.spyOn(nodeCrypto, method as 'createHmac'))
    useCryptoBackend(name)
    try {
      // A password not used before, so its keys are derived here.
      const pw = `${name}-a-password-only-this-test-uses-0123456789`
      const value = await sealData({ ran: name }, { password: pw })
      expect(await unsealData(value, { password: pw })).toEqual({ ran: name })
    } finally {
      useCryptoBackend('node:crypto')
    }
    const [used, unused] = name === 'node:crypto' ? [node, web] : [web, node]
    for (const spy of used) expect(spy).toHaveBeenCalled()
    for (const spy of unused) expect(spy).not.toHaveBeenCalled()
  })

  it('an unknown backend is refused, naming it', () => {
    expect(() => useCryptoBackend('openssl' as BackendName)).toThrow('the openssl backend is not available in this runtime')
  })
})

describe('the same bytes', () => {
  const node = backend('node:crypto')
  const web = backend('webcrypto')
  // Any UTF-16: astral characters, and lone surrogates, which both encode as U+FFFD.
  const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: codeUnit, maxLength: 60 }))
  const secret = fc.oneof(fc.string({ unit: 'binary', minLength: 32, maxLength: 80 }), fc.string({ unit: codeUnit, minLength: 32, maxLength: 40 }))
  const salt = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('hex'))
  const iv = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => new Uint8Array(bytes))

  it('derive, encrypt, decrypt, sign and verify agree, each opening and verifying the other\'s', async () => {
    await fc.assert(
      fc.asyncProperty(secret, salt, salt, iv, text, async (pw, encSalt, macSalt, ivBytes, plain) => {
        const [nodeEnc, webEnc] = await Promise.all([node.deriveKey(node.importSecret(pw), 'enc', encSalt), web.deriveKey(web.importSecret(pw), 'enc', encSalt)])
        const [nodeMac, webMac] = await Promise.all([node.deriveKey(node.importSecret(pw), 'mac', macSalt), web.deriveKey(web.importSecret(pw), 'mac', macSalt)])
        const fromNode = await node.encrypt(nodeEnc, ivBytes, plain)
        const fromWeb = await web.encrypt(webEnc, ivBytes, plain)
        expect(toBase64Url(fromNode)).toBe(toBase64Url(fromWeb))
        const ciphertext = new Uint8Array(fromNode)
        expect(await web.decrypt(webEnc, ivBytes, ciphertext)).toBe(await node.decrypt(nodeEnc, ivBytes, ciphertext))
        const nodeSig = await node.sign(nodeMac, plain)
        const webSig = await web.sign(webMac, plain)
        expect(toBase64Url(nodeSig)).toBe(toBase64Url(webSig))
        const signature = new Uint8Array(nodeSig)
        expect(await node.verify(nodeMac, signature, plain)).toBe(true)
        expect(await web.verify(webMac, signature, plain)).toBe(true)
        const wrong = new Uint8Array(signature)
        wrong[31]! ^= 1
        expect(await node.verify(nodeMac, wrong, plain)).toBe(false)
        expect(await web.verify(webMac, wrong, plain)).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it('both refuse every malformed PKCS#7 padding, and accept every well-formed one', async () => {
    const iv = Uint8Array.from(nodeCrypto.randomBytes(16))
    const [nodeKey, webKey] = [await node.deriveKey(node.importSecret(password), 'enc', 'ab'), await web.deriveKey(web.importSecret(password), 'enc', 'ab')]
    // Raw blocks under the derived key (the same bytes on both backends), padding written by hand.
    const raw = new Uint8Array(nodeKey as Uint8Array)
    const encryptRaw = (plain: Uint8Array) => {
      const cipher = nodeCrypto.createCipheriv('aes-256-cbc', raw, iv)
      cipher.setAutoPadding(false)
      return Uint8Array.from(Buffer.concat([cipher.update(plain), cipher.final()]))
    }
    const outcome = async (b: CryptoBackend, k: unknown, data: Uint8Array<ArrayBuffer>) => {
      try {
        return await b.decrypt(k, iv, data)
      } catch {
        return 'refused'
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.integer({ min: 0, max: 20 }), fc.uint8Array({ minLength: 20, maxLength: 20 }), async (body, pad, noise) => {
        // A tail of `pad` bytes, each `pad` unless noise changes one: well-formed exactly when 1 ≤ pad ≤ 16 and unchanged.
        const tail = Array.from({ length: pad }, (_, i) => (noise[i]! < 40 ? noise[i]! : pad))
        const plain = new Uint8Array([...body, ...tail])
        const padded = new Uint8Array(Math.ceil(Math.max(plain.length, 1) / 16) * 16)
        padded.set(plain, padded.length - plain.length)
        const data = encryptRaw(padded)
        const last = padded[padded.length - 1]!
        const wellFormed = last >= 1 && last <= 16 && padded.subarray(padded.length - last).every((byte) => byte === last)
        const [fromNode, fromWeb] = [await outcome(node, nodeKey, data), await outcome(web, webKey, data)]
        expect(fromNode).toBe(fromWeb)
        expect(fromNode === 'refused').toBe(!wellFormed)
      }),
      { numRuns: 1000 },
    )
  })

  it('a MAC of another length is refused by both, not thrown', async () => {
    for (const b of [node, web]) {
      const key = await b.deriveKey(b.importSecret(password), 'mac', 'ab')
      expect(await b.verify(key, new Uint8Array(31), 'text')).toBe(false)
    }
  })
})

describe('seals cross between the backends', () => {
  const names = backendNames()
  const passwordMap = { 1: password, 2: 'the-newer-password-of-32-characters-or-more' }
  const payload = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 })

  it('made by either, opened by either, with a string password or a map, for any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.constantFrom(...names), fc.constantFrom<Password>(password, passwordMap), payload, async (from, to, pw, value) => {
        const sealed = await seal(passwordsOn(from, pw), value, 3600)
        expect((await unseal(passwordsOn(to, pw), sealed)).data).toEqual(json(value))
      }),
      { numRuns: 300 },
    )
  })

  it('any single-character change is refused by both, for the same reason', async () => {
    const value = await seal(passwordsOn('node:crypto'), { user: 'ada' }, 3600)
    const alphabet = 'abcdef0123456789*~-_ABCXYZ.'
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: value.length - 1 }), fc.constantFrom(...alphabet), async (at, char) => {
        const changed = value.slice(0, at) + (value[at] === char ? '!' : char) + value.slice(at + 1)
        const [onNode, onWeb] = [await unsealVerdict(passwordsOn('node:crypto'), changed), await unsealVerdict(passwordsOn('webcrypto'), changed)]
        expect(onNode).toBe(onWeb)
        expect(onNode).not.toBe('accepted')
      }),
      { numRuns: 500 },
    )
  })

  it('a valid MAC over a ciphertext that does not decrypt to JSON is "invalid" on both', async () => {
    const encSalt = 'a'.repeat(64)
    const macSalt = 'b'.repeat(64)
    const node = backend('node:crypto')
    const mac = await node.deriveKey(node.importSecret(password), 'mac', macSalt)
    const enc = await node.deriveKey(node.importSecret(password), 'enc', encSalt)
    const other = await node.deriveKey(node.importSecret('another-password-also-longer-than-32-chars'), 'enc', encSalt)
    const iv = new Uint8Array(16)
    const sealWith = async (ciphertext: Uint8Array) => {
      const base = `Fe26.2*1*${encSalt}*${toBase64Url(iv)}*${toBase64Url(ciphertext)}*`
      return `${base}*${macSalt}*${toBase64Url(await node.sign(mac, base))}`
    }
    const cases = {
      'not JSON': await node.encrypt(enc, iv, 'not json'),
      'encrypted under another key': await node.encrypt(other, iv, '{"user":"eve"}'),
      'not a whole number of blocks': (await node.encrypt(enc, iv, '{"user":"eve"}')).subarray(0, 15),
      'empty': new Uint8Array(0),
    }
    for (const [what, ciphertext] of Object.entries(cases)) {
      const value = await sealWith(ciphertext)
      expect(fromBase64Url(value.split('*')[4]!)).toEqual(new Uint8Array(ciphertext))
      expect([what, await unsealVerdict(passwordsOn('node:crypto'), value), await unsealVerdict(passwordsOn('webcrypto'), value)]).toEqual([what, 'invalid', 'invalid'])
    }
  })
})
