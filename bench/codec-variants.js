// What the codec bench compares: each library's seal and unseal of the same
// data with the same 42-character password and a 14-day ttl, plus two floors
// that do only the cryptography a Fe26.2 seal needs.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

import * as ours from '../dist/index.js'
import { cryptoBackend, useCryptoBackend } from '../dist/core/crypto/choice.js'
import * as ironSession9 from 'iron-session-9'
import * as ironWebcrypto from 'iron-webcrypto'
import Iron from '@hapi/iron'

export const PASSWORD = 'bench-password-0123456789-abcdefghijklmnop'
export const TTL = 14 * 24 * 3600

// iron-webcrypto and @hapi/iron take ttl in milliseconds; with it every seal carries an expiration, as ours do.
const ironWebcryptoOptions = { ...ironWebcrypto.defaults, ttl: TTL * 1000 }
const hapiOptions = { ...Iron.defaults, ttl: TTL * 1000 }

const subtle = globalThis.crypto.subtle
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The WebCrypto floor: per seal one AES-256-CBC encrypt and one HMAC-SHA256
 * sign, per unseal one verify and one decrypt, with keys imported once. The
 * JSON and UTF-8 steps are included (every seal needs them); key derivation,
 * base64url and the Fe26.2 framing are not.
 */
async function webcryptoFloor() {
  const aes = await subtle.importKey('raw', randomBytes(32), { name: 'AES-CBC' }, false, ['encrypt', 'decrypt'])
  const hmac = await subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  return {
    async seal(data) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(16))
      const encrypted = await subtle.encrypt({ name: 'AES-CBC', iv }, aes, encoder.encode(JSON.stringify(data)))
      return { iv, encrypted, mac: await subtle.sign('HMAC', hmac, encrypted) }
    },
    async unseal({ iv, encrypted, mac }) {
      if (!(await subtle.verify('HMAC', hmac, mac, encrypted))) throw new Error('bad MAC')
      return JSON.parse(decoder.decode(await subtle.decrypt({ name: 'AES-CBC', iv }, aes, encrypted)))
    },
  }
}

/** The same work as the WebCrypto floor on node:crypto, synchronously: this machine's physical limit. */
function nodeSyncFloor() {
  const aesKey = randomBytes(32)
  const macKey = randomBytes(32)
  const sign = (bytes) => createHmac('sha256', macKey).update(bytes).digest()
  return {
    async seal(data) {
      const iv = randomBytes(16)
      const cipher = createCipheriv('aes-256-cbc', aesKey, iv)
      const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
      return { iv, encrypted, mac: sign(encrypted) }
    },
    async unseal({ iv, encrypted, mac }) {
      if (!timingSafeEqual(sign(encrypted), mac)) throw new Error('bad MAC')
      const decipher = createDecipheriv('aes-256-cbc', aesKey, iv)
      return JSON.parse(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8'))
    },
  }
}

/** The backend ours runs on here: node:crypto in Node. */
export const backend = cryptoBackend().name

/** Runs `call` with the WebCrypto backend chosen: sealData and unsealData take their backend when they start. */
function onWebCrypto(call) {
  useCryptoBackend('webcrypto')
  try {
    return call()
  } finally {
    useCryptoBackend(backend)
  }
}

/** The codecs, in report order: { key, name, seal(data), unseal(sealed) }. */
export async function codecs() {
  // The floor first, next to ours, which its target compares with it; then iron-session 9, likewise.
  return [
    { key: 'nodeSync', name: 'node:crypto sync', ...nodeSyncFloor() },
    { key: 'ours', name: `iron-fetch-session (${backend})`, seal: (d) => ours.sealData(d, { password: PASSWORD, ttl: TTL }), unseal: (s) => ours.unsealData(s, { password: PASSWORD }) },
    {
      key: 'ironSession9',
      name: 'iron-session 9',
      seal: (d) => ironSession9.sealData(d, { password: PASSWORD, ttl: TTL }),
      unseal: (s) => ironSession9.unsealData(s, { password: PASSWORD }),
    },
    {
      key: 'ironWebcrypto2',
      name: 'iron-webcrypto 2',
      seal: (d) => ironWebcrypto.seal(d, PASSWORD, ironWebcryptoOptions),
      unseal: (s) => ironWebcrypto.unseal(s, PASSWORD, ironWebcryptoOptions),
    },
    { key: 'hapiIron7', name: '@hapi/iron 7', seal: (d) => Iron.seal(d, PASSWORD, hapiOptions), unseal: (s) => Iron.unseal(s, PASSWORD, hapiOptions) },
    {
      key: 'oursWebCrypto',
      name: 'iron-fetch-session (webcrypto)',
      seal: (d) => onWebCrypto(() => ours.sealData(d, { password: PASSWORD, ttl: TTL })),
      unseal: (s) => onWebCrypto(() => ours.unsealData(s, { password: PASSWORD })),
    },
    { key: 'webcryptoFloor', name: 'WebCrypto floor', ...(await webcryptoFloor()) },
  ]
}

/**
 * Our cache-hit read: sessions.read() of a request whose cookie was seen
 * before, then sessions.commit() of the unchanged session (no Set-Cookie), for
 * each payload of the pool. `chunk` so the 3 KB session fits in cookies.
 * `touch`: the handler reads session.data, as iron-session's unseal hands the
 * data over (a copy of the cached data, and a comparison at commit to see it
 * unchanged); untouched, neither happens (a route behind the middleware that
 * never looks at the session).
 */
export async function cacheHitRead(payloads, { touch }) {
  const sessions = ours.createSessions({ password: PASSWORD, ttl: TTL, chunk: true })
  const requests = []
  for (const data of payloads) {
    const session = await sessions.read(new Request('http://localhost/'))
    Object.assign(session.data, data)
    const response = await sessions.commit(session, new Response(null))
    const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    requests.push(new Request('http://localhost/', { headers: { cookie } }))
  }
  const unchanged = new Response(null)
  return async (i) => {
    const session = await sessions.read(requests[i % requests.length])
    // The loop's check wants { user }: the data, or, untouched, a stand-in when the seal was accepted.
    const result = touch ? session.data : session.isNew ? {} : { user: true }
    if ((await sessions.commit(session, unchanged)) !== unchanged) throw new Error('commit wrote an unchanged session')
    return result
  }
}
