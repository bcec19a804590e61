// What a session's data becomes in a cookie: for realistic data, the JSON's bytes, the seal's characters, how many
// cookies it takes, and the same with compress: deflatePayloads() (the payload deflated, as base64url).
// Measured, not estimated: each seal is made by createSessions with the default options (chunk: true).
//
//   npm run build && node bench/overhead.js
import { deflateRawSync } from 'node:zlib'

import { createSessions } from '../dist/index.js'
import { deflatePayloads } from '../dist/compress.js'

const password = 'an-overhead-measuring-password-of-32-chars'
const sessions = createSessions({ password, chunk: true, cookieOptions: { secure: true } })
const compressed = createSessions({ password, chunk: true, cookieOptions: { secure: true }, compress: deflatePayloads() })

const item = (i) => ({ sku: `SKU-${100000 + i}`, name: ['Linen shirt', 'Wool scarf', 'Leather belt', 'Canvas tote', 'Cotton socks'][i % 5], size: ['S', 'M', 'L', 'XL'][i % 4], qty: 1 + (i % 3), price: 1999 + i * 100 })
// Prose-like text: words of a 120-word vocabulary in a pseudo-random order (a fixed seed), not a repeated phrase.
const vocabulary = ('a about after again against all also an and any are as at be because been before being between both but by can could ' +
  'did do does down during each few for from further had has have he her here him his how if in into is it its just more most my no nor not ' +
  'now of off on once only or other our out over own same she should so some such than that the their them then there these they this ' +
  'those through to too under until up very was we were what when where which while who why will with would you your order parcel ' +
  'delivery address receipt invoice return refund message draft note reminder meeting calendar').split(' ')
function text(n) {
  let seed = 42
  const words = []
  for (let length = 0; length < n; ) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const word = vocabulary[seed % vocabulary.length]
    words.push(word)
    length += word.length + 1
  }
  return words.join(' ').slice(0, n)
}

export const DATA = [
  ['a signed-in user', { userId: 'u_8f3a2c91', role: 'member' }],
  ['a profile and preferences', { userId: 'u_8f3a2c91', name: 'Ada Lovelace', email: 'ada@example.com', locale: 'en-GB', theme: 'dark', tz: 'Europe/London', flags: { beta: true, newsletter: false } }],
  ['a cart of 10 items', { userId: 'u_8f3a2c91', cart: Array.from({ length: 10 }, (_, i) => item(i)) }],
  ['3,000 characters of text', { userId: 'u_8f3a2c91', draft: text(3000) }],
  ['a cart of 40 items', { userId: 'u_8f3a2c91', cart: Array.from({ length: 40 }, (_, i) => item(i)) }],
]

/** The Set-Cookie lines for `data`, sealed as a new session. */
async function lines(data, by = sessions) {
  const session = await by.read(new Request('https://app.example/'))
  Object.assign(session.data, data)
  return (await by.commitHeaders(session)).filter(([name]) => name === 'set-cookie').map(([, value]) => value)
}

const sealOf = (set) => set.map((line) => line.split(';')[0].split('=').slice(1).join('=')).join('')

export async function overhead() {
  const rows = []
  for (const [name, data] of DATA) {
    const json = JSON.stringify({ ...data, __ifs: { created: Date.now(), sealed: Date.now() } })
    const set = await lines(data)
    const packed = await lines(data, compressed)
    const deflated = deflateRawSync(Buffer.from(json)).length
    rows.push({ name, jsonBytes: Buffer.byteLength(json), sealChars: sealOf(set).length, cookies: set.length, setCookieBytes: set.reduce((sum, line) => sum + line.length, 0), deflatedBytes: deflated, compressedSealChars: sealOf(packed).length, compressedCookies: packed.length })
  }
  return rows
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await overhead()
  console.log('| data | JSON, bytes | seal, characters | cookies (Set-Cookie bytes) | deflated JSON, bytes | seal with compress | cookies | saved |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const r of rows) console.log(`| ${r.name} | ${r.jsonBytes.toLocaleString('en-US')} | ${r.sealChars.toLocaleString('en-US')} | ${r.cookies} (${r.setCookieBytes.toLocaleString('en-US')}) | ${r.deflatedBytes.toLocaleString('en-US')} | ${r.compressedSealChars.toLocaleString('en-US')} | ${r.compressedCookies} | ${Math.round((1 - r.compressedSealChars / r.sealChars) * 100)} % |`)
}
