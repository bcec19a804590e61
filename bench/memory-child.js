// Memory probe, run as `node --expose-gc bench/memory-child.js N` in a fresh
// process (memory.js does): reads N distinct valid sessions, then N forged
// seals with distinct salts (valid structure, wrong MAC), all through one
// createSessions, and prints RSS and heap at checkpoints as JSON on stdout.
// Both caches it exercises are bounded (4096 unsealed seals, 2048 derived
// keys per password), so past the first checkpoint the figures should not grow with N.
import { randomBytes } from 'node:crypto'

import { createSessions } from '../dist/index.js'
import { derivedKeyCount } from '../dist/core/keys.js'

const N = Number(process.argv[2] ?? 100_000)
const CHECKPOINTS = 4 // measured after every N / 4 reads
const IN_FLIGHT = 64 // reads awaited concurrently, as a server would: faster than one at a time
const password = 'bench-memory-password-0123456789-abcdefgh'
const sessions = createSessions({ password })

const read = (seal) => sessions.read(new Request('http://localhost/', { headers: { cookie: `session=${seal}` } }))
const hex = () => randomBytes(32).toString('hex')

/** A valid session's seal, distinct for each i, as commit writes it (a sealData token is not a session). */
async function valid(i) {
  const session = await sessions.read(new Request('http://localhost/'))
  Object.assign(session.data, { user: `user-${i}`, n: i })
  const response = await sessions.commit(session, new Response())
  return response.headers.getSetCookie()[0].split(';')[0].slice('session='.length)
}
/** A seal with fresh random salts and the template's MAC: well-formed, so it costs a key derivation, then fails the MAC. */
const template = (await valid(-1)).split('*')
const forged = () => [template[0], template[1], hex(), template[3], template[4], template[5], hex(), template[7]].join('*')

function measure(at) {
  globalThis.gc()
  globalThis.gc()
  const { rss, heapUsed, external } = process.memoryUsage()
  return { at, rss, heapUsed, external, derivedKeys: derivedKeyCount() }
}

/** Reads `count` seals with IN_FLIGHT at a time; returns how many read as expected, and checkpoints. */
async function phase(count, makeSeal, expected) {
  let next = 0
  let ok = 0
  const checkpoints = []
  for (let c = 1; c <= CHECKPOINTS; c++) {
    const end = Math.round((count * c) / CHECKPOINTS)
    const worker = async () => {
      while (next < end) {
        const i = next++
        if (expected(await read(await makeSeal(i)), i)) ok++
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
    checkpoints.push(measure(end))
  }
  return { ok, checkpoints }
}

const isValid = (session, i) => session.data.n === i && session.unsealError === undefined
const isRefused = (session) => session.unsealError === 'invalid'

// Warm up both paths first, so the baseline already holds the compiled code.
const started = performance.now()
await phase(2000, (i) => valid(-1 - i), (s, i) => isValid(s, -1 - i))
await phase(200, forged, isRefused)
const baseline = measure(0)
const validPhase = await phase(N, valid, isValid)
const forgedPhase = await phase(N, forged, isRefused)

console.log(
  JSON.stringify({
    n: N,
    inFlight: IN_FLIGHT,
    validRead: validPhase.ok,
    forgedRefused: forgedPhase.ok,
    baseline,
    valid: validPhase.checkpoints,
    forged: forgedPhase.checkpoints,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  }),
)
