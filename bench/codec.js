// Codec stage: ops/s of seal and unseal for every codec in codec-variants.js,
// at 1 and 64 operations in flight, for ~200 B and ~3 KB payloads, plus our
// cache-hit read in the unseal cells. Runs in the bench's own process.
//
// Each cell (operation × payload × in-flight) holds its variants; every
// variant is warmed up, then each round runs every cell's variants back to
// back, in order or reversed. A figure is the median over rounds, with min–max.
import { isDeepStrictEqual } from 'node:util'

import { backend, cacheHitRead, codecs } from './codec-variants.js'
import { SIZES } from './payloads.js'
import { alternated, log, summary } from './stats.js'

const POOL = 16 // payloads (and seals) cycled, so no library sees one input only
const IN_FLIGHT = [1, 64]

export function codecPlan(quick) {
  // More, shorter rounds rather than fewer long ones: this machine's speed drifts, and the median absorbs it.
  return quick ? { rounds: 5, roundMs: 90, warmupMs: 100 } : { rounds: 7, roundMs: 300, warmupMs: 300 }
}

export async function runCodec({ quick }) {
  const plan = codecPlan(quick)
  const libs = await codecs()
  const cells = []
  for (const size of SIZES) {
    const payloads = Array.from({ length: POOL }, (_, i) => size.make(i))
    const readCacheHit = await cacheHitRead(payloads, { touch: true })
    const readCacheHitUntouched = await cacheHitRead(payloads, { touch: false })
    const seals = {}
    for (const lib of libs) seals[lib.key] = await checkedSeals(lib, payloads)
    const variants = {
      seal: () => libs.map((lib) => ({ key: lib.key, name: lib.name, fn: (i) => lib.seal(payloads[i % POOL]) })),
      unseal: () => {
        const list = libs.map((lib) => ({ key: lib.key, name: lib.name, fn: (i) => lib.unseal(seals[lib.key][i % POOL]) }))
        // Next to iron-session 9's unseal, which its target compares it with.
        list.splice(
          list.findIndex((v) => v.key === 'ironSession9') + 1,
          0,
          { key: 'oursCacheHit', name: 'iron-fetch-session, cache-hit read + commit', fn: readCacheHit },
          { key: 'oursCacheHitUntouched', name: 'iron-fetch-session, cache-hit read + commit, data untouched', fn: readCacheHitUntouched },
        )
        return list
      },
    }
    for (const op of ['seal', 'unseal']) {
      for (const inFlight of IN_FLIGHT) cells.push({ op, size: size.key, payloadBytes: bytes(payloads), inFlight, variants: variants[op]() })
    }
  }
  for (const cell of cells) {
    for (const v of cell.variants) {
      await timed(v.fn, cell.op, cell.inFlight, plan.warmupMs)
      v.rounds = []
    }
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const cell of cells) {
      for (const v of alternated(cell.variants, round)) v.rounds.push(await timed(v.fn, cell.op, cell.inFlight, plan.roundMs))
    }
    log(`codec: round ${round + 1}/${plan.rounds} done`)
  }
  return {
    backend,
    plan: { ...plan, pool: POOL, inFlight: IN_FLIGHT, unit: 'ops/s' },
    cells: cells.map(({ variants, ...cell }) => ({ ...cell, variants: variants.map((v) => ({ key: v.key, name: v.name, opsPerSec: summary(v.rounds) })) })),
  }
}

/** A pool's JSON size: "min–max" bytes. */
function bytes(payloads) {
  const all = payloads.map((p) => Buffer.byteLength(JSON.stringify(p)))
  return { min: Math.min(...all), max: Math.max(...all) }
}

/** A codec's seals of the pool, checked to open to the same data. */
async function checkedSeals(lib, payloads) {
  const seals = []
  for (const data of payloads) seals.push(await lib.seal(data))
  for (let i = 0; i < payloads.length; i++) {
    if (!isDeepStrictEqual(await lib.unseal(seals[i]), payloads[i])) throw new Error(`${lib.name}: unseal did not return what seal sealed`)
  }
  return seals
}

/**
 * ops/s with `inFlight` workers each awaiting one operation after another
 * until the deadline; the time runs until the last one started has settled.
 */
async function timed(fn, op, inFlight, ms) {
  let next = 0
  let done = 0
  let bad = 0
  const start = performance.now()
  const deadline = start + ms
  async function worker() {
    while (performance.now() < deadline) {
      const result = await fn(next++)
      // A cheap check in the loop: an unseal that refused its input returns {} (or throws).
      if (op === 'seal' ? result == null : result?.user === undefined) bad++
      done++
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker))
  const elapsed = performance.now() - start
  if (bad > 0) throw new Error(`${bad} of ${done} ${op} operations returned a wrong result`)
  return (done / elapsed) * 1000
}
