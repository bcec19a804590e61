// The targets, each a ratio of two figures from the same run. Both variants
// ran back to back in every round, so each round gives one ratio, little
// moved by the machine's speed drifting between rounds; the median of those
// decides "met", and their min–max shows how stable it is.

import { wrongResults } from './load.js'
import { outageWrongResults } from './store-load.js'
import { median } from './stats.js'

// With 1 in flight a seal or unseal is judged against the machine's node:crypto floor (the same
// AES and HMAC calls with keys ready, and the JSON) as well as against iron-session 9.
const CODEC = [
  { op: 'seal', inFlight: 1, min: 15, floor: 0.6 },
  { op: 'seal', inFlight: 64, min: 5 },
  { op: 'unseal', inFlight: 1, min: 15, floor: 0.6 },
  { op: 'unseal', inFlight: 64, min: 5 },
]

const HTTP = [
  { ours: 'oursRead', theirs: 'bare', min: 0.85, label: 'HTTP read (cache hit) vs bare Hono' },
  { ours: 'oursRevocationsRead', theirs: 'oursRead', min: 0.95, label: 'HTTP read (cache hit) with lagged revocations vs cookie-only' },
  { ours: 'oursFirstTouch', theirs: 'ironSession9Read', min: 8, label: 'HTTP first-touch read vs iron-session 9 read' },
  { ours: 'oursWrite', theirs: 'ironSession9Write', min: 8, label: 'HTTP write vs iron-session 9 write' },
  { ours: 'oursWrite', theirs: 'honoSessionWrite', min: 1, above: true, label: 'HTTP write vs @hono/session write' },
  { ours: 'oursWrite', theirs: 'honoSessionsWrite', min: 1, above: true, label: 'HTTP write vs hono-sessions write' },
]

export function targets({ codec, http, memory, load, store, stores }) {
  const list = []
  const cacheHits = []
  for (const cell of codec.cells) {
    const is9 = variant(cell, 'ironSession9')
    const rule = CODEC.find((r) => r.op === cell.op && r.inFlight === cell.inFlight)
    if (rule.floor) list.push(ratio(`codec ${cell.op}, ${cell.size}, ${cell.inFlight} in flight, vs the node:crypto floor`, variant(cell, 'ours'), variant(cell, 'nodeSync'), rule.floor))
    list.push(ratio(`codec ${cell.op}, ${cell.size}, ${cell.inFlight} in flight, vs iron-session 9`, variant(cell, 'ours'), is9, rule.min))
    if (cell.op === 'unseal') {
      cacheHits.push(ratio(`cache-hit read + commit, ${cell.size}, ${cell.inFlight} in flight, vs iron-session 9 unseal`, variant(cell, 'oursCacheHit'), is9, 50))
    }
  }
  list.push(...cacheHits)
  const byKey = Object.fromEntries(http.measures.map((m) => [m.key, m]))
  for (const rule of HTTP) {
    const [ours, theirs] = [byKey[rule.ours], byKey[rule.theirs]]
    if (!ours || !theirs) continue
    const row = ratio(rule.label, ours.rps, theirs.rps, rule.min, rule.above)
    // Beside req/s, which the client on the same cores caps: the server's own cost per request, theirs over ours.
    const cpu = ours.serverCpuUsPerRequest.rounds.map((o, i) => theirs.serverCpuUsPerRequest.rounds[i] / o)
    row.serverCpuRatio = Number(median(cpu).toFixed(2))
    row.measured += ` (server CPU per request, theirs ÷ ours: ${row.serverCpuRatio.toFixed(2)}×)`
    list.push(row)
  }
  // Synchronous crypto must not cost tail latency: the write run's p99 on node:crypto against the same app on WebCrypto.
  const [write, writeWeb] = [byKey.oursWrite, byKey.oursWriteWebCrypto]
  if (write && writeWeb) {
    const perRound = write.p99Ms.rounds.map((ours, i) => writeWeb.p99Ms.rounds[i] / ours)
    const value = median(perRound)
    list.push({
      label: `HTTP write p99, ${write.backend} vs ${writeWeb.backend} backend`,
      ratio: Number(value.toFixed(2)),
      perRound: perRound.map((r) => Number(r.toFixed(2))),
      measured: `${write.p99Ms.median} ms vs ${writeWeb.p99Ms.median} ms (theirs ÷ ours: ${value.toFixed(2)}×)`,
      range: `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}×`,
      required: 'no worse: ≥ 1×',
      met: value >= 1,
    })
  }
  for (const phase of ['valid', 'forged']) {
    const j = memory.judgement[phase]
    const label = phase === 'valid' ? `memory flat over ${memory.n.toLocaleString('en-US')} distinct valid sessions` : `memory flat over ${memory.n.toLocaleString('en-US')} forged seals`
    const mb = (b) => `${b < 0 ? '−' : ''}${(Math.abs(b) / 1024 ** 2).toFixed(1)} MB`
    list.push({
      label,
      measured: `heap ${mb(j.heapGrowth)}, RSS ${mb(j.rssGrowth)} from ${j.from.toLocaleString('en-US')} to ${j.to.toLocaleString('en-US')}; ≤ ${j.maxDerivedKeys} derived keys`,
      range: '',
      required: `heap < ${mb(memory.plan.limits.heapGrowthBytes)}, RSS < ${mb(memory.plan.limits.rssGrowthBytes)}, keys ≤ ${memory.plan.limits.derivedKeys}`,
      met: j.flat,
    })
  }
  if (load) {
    list.push({
      label: `load: ${load.requests.toLocaleString('en-US')} requests from ${load.plan.connections} clients against examples/hono`,
      measured: `${load.errors} errors, ${load.unexpected} unexpected statuses, ${load.mismatches} wrong reads, ${load.lostWrites} lost writes; ${load.requestsPerSecond.toLocaleString('en-US')} req/s`,
      range: '',
      required: 'all 0',
      met: wrongResults(load) === 0,
    })
  }
  if (store) {
    const { cookie, redis, outage, plan } = store
    for (const [name, r] of [['cookie-only', cookie], ['sharing one Redis', redis]]) {
      list.push({
        label: `store: ${r.requests.toLocaleString('en-US')} requests from ${plan.connections} clients across ${plan.processes} processes, ${name}`,
        measured: `${r.errors} errors, ${r.unexpected} unexpected statuses, ${r.mismatches} wrong reads, ${r.lostWrites} lost writes; ${r.requestsPerSecond.toLocaleString('en-US')} req/s`,
        range: '',
        required: 'all 0',
        met: wrongResults(r) === 0,
      })
    }
    list.push({
      label: 'store: Redis stopped and restarted during a load run',
      measured: `${outage.unavailable} answered 503, ${outage.errors + outage.unexpected} other failures, ${outage.mismatches} wrong reads, ${outage.lostWrites} lost writes; ${outage.readBackAfterOutage} of ${outage.writtenBeforeOutage} sessions from before read back`,
      range: '',
      required: 'only 503s; all read back',
      met: outageWrongResults(outage) === 0 && outage.readBackAfterOutage === outage.writtenBeforeOutage && outage.unavailable > 0,
    })
  }
  if (stores) list.push(...storesTargets(stores))
  return list
}

/** The store stage (bench/stores.js): each library over its bare framework, per round; Redis's own command counts. */
function storesTargets(stores) {
  const list = []
  const at = (variant, route) => stores.measures.find((m) => m.variant === variant && m.route === route)
  for (const route of ['read', 'write']) {
    const [ours, fastify, express] = [at('ours', route), at('fastifySession', route), at('expressSession', route)]
    const row = ratio(`store ${route} on Redis: ours ÷ bare Hono vs @fastify/session ÷ bare Fastify`, ours.ofBare, fastify.ofBare, 1)
    row.measured = `${ours.ofBare.median.toFixed(3)} vs ${fastify.ofBare.median.toFixed(3)} of bare (${row.ratio.toFixed(2)}×)`
    list.push(row)
    list.push(ratio(`store ${route} on Redis vs express-session + connect-redis (req/s)`, ours.rps, express.rps, 2))
    const commands = ours.redisCommandsPerRequest.median
    const most = route === 'read' ? 1 : 2
    list.push({
      label: `store ${route}: Redis commands a request (Redis's INFO commandstats)`,
      measured: `${commands} (${Object.entries(ours.commands).map(([name, n]) => `${name} ${n}`).join(', ')})`,
      range: `${ours.redisCommandsPerRequest.min}–${ours.redisCommandsPerRequest.max}`,
      required: route === 'read' ? '1' : '≤ 2 (the read, then the write)',
      met: commands <= most + 0.01,
    })
  }
  return list
}

function variant(cell, key) {
  return cell.variants.find((v) => v.key === key).opsPerSec
}

/** The median per-round ratio of ours to theirs, from { rounds } summaries; `above`: strictly ahead. */
function ratio(label, ours, theirs, min, above = false) {
  const perRound = ours.rounds.map((o, i) => o / theirs.rounds[i])
  const value = median(perRound)
  return {
    label,
    ratio: Number(value.toFixed(2)),
    perRound: perRound.map((r) => Number(r.toFixed(2))),
    measured: `${value.toFixed(2)}×`,
    range: `${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}×`,
    required: above ? `> ${min}×` : `≥ ${min}×`,
    met: above ? value > min : value >= min,
  }
}
