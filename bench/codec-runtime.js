// The codec comparison in one runtime — Node, Deno or Bun — on web APIs only, so each runs this
// file unchanged (Deno with no permissions):
//
//   node bench/codec-runtime.js [--quick]
//   node_modules/.bin/deno run bench/codec-runtime.js [--quick]
//   node_modules/.bin/bun bench/codec-runtime.js [--quick]
//
// Ours on the backend the runtime chose and on WebCrypto, iron-webcrypto 2 (iron-session 9's
// codec), and the node:crypto floor where the runtime has node:crypto; 1 operation in flight,
// 200 B and 3 KB. Prints one JSON object: the runtime, its version, the backend chosen, ops/s.
// bench/runtimes.js runs it in each runtime for `npm run bench`.
import * as ironWebcrypto from 'iron-webcrypto'

import { backendNames, cryptoBackend, useCryptoBackend } from '../dist/core/crypto/choice.js'
import { sealData, unsealData } from '../dist/index.js'
import { SIZES } from './payloads.js'

const PASSWORD = 'bench-password-0123456789-abcdefghijklmnop'
const TTL = 14 * 24 * 3600
const POOL = 16
const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2)
const quick = args.includes('--quick')
const plan = quick ? { rounds: 5, roundMs: 90, warmupMs: 100 } : { rounds: 7, roundMs: 300, warmupMs: 300 }

function runtime() {
  if (globalThis.Deno) return { name: 'Deno', version: globalThis.Deno.version.deno }
  if (globalThis.Bun) return { name: 'Bun', version: globalThis.Bun.version }
  return { name: 'Node', version: globalThis.process.version.replace(/^v/, '') }
}

/** Runs `call` with `name` chosen: sealData and unsealData take their backend when they start. */
function onBackend(name, call) {
  const before = cryptoBackend().name
  useCryptoBackend(name)
  try {
    return call()
  } finally {
    useCryptoBackend(before)
  }
}

/** The node:crypto floor: one AES-256-CBC and one HMAC-SHA256 per operation, keys ready, plus JSON and UTF-8 (bench/codec-variants.js). */
function nodeCryptoFloor() {
  const crypto = globalThis.process?.getBuiltinModule?.('node:crypto')
  if (!crypto) return undefined
  const aesKey = crypto.randomBytes(32)
  const macKey = crypto.randomBytes(32)
  const sign = (bytes) => crypto.createHmac('sha256', macKey).update(bytes).digest()
  return {
    key: 'nodeCryptoFloor',
    name: 'node:crypto floor',
    async seal(data) {
      const iv = crypto.randomBytes(16)
      const cipher = crypto.createCipheriv('aes-256-cbc', aesKey, iv)
      const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
      return { iv, encrypted, mac: sign(encrypted) }
    },
    async unseal({ iv, encrypted, mac }) {
      if (!crypto.timingSafeEqual(sign(encrypted), mac)) throw new Error('bad MAC')
      const decipher = crypto.createDecipheriv('aes-256-cbc', aesKey, iv)
      return JSON.parse(Buffer.concat([decipher.update(encrypted), decipher.final()]).toString('utf8'))
    },
  }
}

function codecs() {
  const chosen = cryptoBackend().name
  const ours = (name) => ({
    key: name === chosen ? 'ours' : 'oursWebCrypto',
    name: `iron-fetch-session (${name})`,
    seal: (data) => onBackend(name, () => sealData(data, { password: PASSWORD, ttl: TTL })),
    unseal: (value) => onBackend(name, () => unsealData(value, { password: PASSWORD })),
  })
  const options = { ...ironWebcrypto.defaults, ttl: TTL * 1000 }
  return [
    ours(chosen),
    ...(chosen === 'webcrypto' ? [] : [ours('webcrypto')]),
    { key: 'ironWebcrypto2', name: 'iron-webcrypto 2', seal: (data) => ironWebcrypto.seal(data, PASSWORD, options), unseal: (value) => ironWebcrypto.unseal(value, PASSWORD, options) },
    ...[nodeCryptoFloor()].filter(Boolean),
  ]
}

/** ops/s, one operation awaited after another until the deadline; an unseal that refused (no `user`) is an error. */
async function timed(fn, op, ms) {
  let done = 0
  const start = performance.now()
  const deadline = start + ms
  while (performance.now() < deadline) {
    const result = await fn(done++)
    if (op === 'seal' ? result == null : result?.user === undefined) throw new Error(`a ${op} returned a wrong result`)
  }
  return (done / (performance.now() - start)) * 1000
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const libs = codecs()
const cells = []
for (const size of SIZES) {
  const payloads = Array.from({ length: POOL }, (_, i) => size.make(i))
  const sealed = {}
  for (const lib of libs) {
    sealed[lib.key] = []
    for (const data of payloads) sealed[lib.key].push(await lib.seal(data))
    const back = await lib.unseal(sealed[lib.key][0])
    if (JSON.stringify(back) !== JSON.stringify(payloads[0])) throw new Error(`${lib.name}: unseal did not return what seal sealed`)
  }
  for (const op of ['seal', 'unseal']) {
    const variants = libs.map((lib) => ({ key: lib.key, name: lib.name, fn: op === 'seal' ? (i) => lib.seal(payloads[i % POOL]) : (i) => lib.unseal(sealed[lib.key][i % POOL]), rounds: [] }))
    cells.push({ op, size: size.key, inFlight: 1, variants })
  }
}
for (const cell of cells) for (const v of cell.variants) await timed(v.fn, cell.op, plan.warmupMs)
for (let round = 0; round < plan.rounds; round++) {
  for (const cell of cells) {
    // In order on even rounds, reversed on odd ones, as the Node bench does.
    for (const v of round % 2 === 0 ? cell.variants : [...cell.variants].reverse()) v.rounds.push(await timed(v.fn, cell.op, plan.roundMs))
  }
}

console.log(
  JSON.stringify({
    runtime: runtime(),
    backend: cryptoBackend().name,
    backends: backendNames(),
    plan: { ...plan, pool: POOL, inFlight: 1, unit: 'ops/s' },
    cells: cells.map(({ variants, ...cell }) => ({
      ...cell,
      variants: variants.map((v) => ({ key: v.key, name: v.name, opsPerSec: { median: Math.round(median(v.rounds)), min: Math.round(Math.min(...v.rounds)), max: Math.round(Math.max(...v.rounds)), rounds: v.rounds.map(Math.round) } })),
    })),
  }),
)
