// The full benchmark: `npm run bench` (build, then this), or with `-- --quick`
// for a short run. Not part of `npm test`. Against ../dist, on this machine:
//
//   1. codec     ops/s of seal and unseal: ours (node:crypto and WebCrypto backends),
//                iron-session 9, iron-webcrypto 2, @hapi/iron 7, WebCrypto and
//                node:crypto floors, our cache-hit read
//   2. runtimes  the codec again in Node, Deno and Bun, each on the backend it chose
//   3. http      req/s and p99 of Hono apps in child processes, with autocannon
//   4. memory    RSS and heap over 100,000 valid and 100,000 forged sessions
//   5. load      50,000 requests from 64 clients against examples/hono: no error,
//                no lost write, no session crossing clients
//   6. headers   sessions.read() of 64 KB hostile Authorization headers, against a normal Bearer read
//   7. size      each entry point bundled and minified with esbuild, gzipped, beside the peers
//   8. revocations  the revocation view's memory at 1,000,000, a refresh against older revocations,
//                and a read's cost against Redis: store mode, strict and lagged revocations
//   9. users     sessionsOf and revokeAll with 1,000,000 sessions of other users in Redis
//  10. cluster   two examples/hono processes on one Redis, then on a Redis Cluster (3 masters, 3 replicas), req/s
//  11. store     the same clients against two examples/hono processes, cookie-only and
//                sharing one Redis (redis-server, started here), req/s side by side; then
//                Redis stopped and restarted in the middle of a run (the outage counts)
//
// Writes bench/RESULTS.md, bench/results.json and bench/http.svg. It reports
// targets and does not assert them: a missed target still exits 0. A wrong
// result (an unseal that returns other data, a bad HTTP response) exits 1.
// `node bench/run.js --render` measures nothing: it rewrites RESULTS.md and
// http.svg from bench/results.json, after a change to the report's format.
import { readFile, writeFile } from 'node:fs/promises'

import { killAll } from './children.js'
import { runCodec } from './codec.js'
import { runRuntimes } from './runtimes.js'
import { runHttp } from './http.js'
import { runLoadStage, wrongResults } from './load.js'
import { runMemory } from './memory.js'
import { runHeaders } from './headers.js'
import { runSize } from './size.js'
import { runRevocations } from './revocations.js'
import { runUsers } from './users.js'
import { runCluster } from './cluster.js'
import { outageWrongResults, runStoreStage } from './store-load.js'
import { runStores } from './stores.js'
import { markdown } from './report.js'
import { cpuSnapshot, foreignCores, log, machine } from './stats.js'
import { httpSvg } from './svg.js'
import { targets } from './targets.js'

const quick = process.argv.includes('--quick')
const out = (name) => new URL(`./${name}`, import.meta.url)

// `--only <stage>`: re-runs one stage into the last full run's results; the report says which stage, and when.
const onlyAt = process.argv.indexOf('--only')
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1]

if (process.argv.includes('--render')) {
  const results = JSON.parse(await readFile(out('results.json'), 'utf8'))
  await write(results)
  process.exit(0)
}

// A last resort: every stage bounds its own runs, so this only fires on a hang.
const budgetS = quick ? 300 : 1200
setTimeout(() => {
  log(`bench: still running after ${budgetS} s, giving up`)
  killAll()
  process.exit(1)
}, budgetS * 1000).unref()

const started = performance.now()
const seconds = (since) => Number(((performance.now() - since) / 1000).toFixed(1))
const results = only
  ? JSON.parse(await readFile(out('results.json'), 'utf8'))
  : { machine: machine(), run: { quick, seconds: 0, stageSeconds: {}, otherProcessesCores: {} } }
log(`bench${quick ? ' --quick' : ''}: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}`)

try {
  for (const [name, stage] of [
    ['codec', runCodec],
    ['runtimes', runRuntimes],
    ['http', runHttp],
    ['memory', runMemory],
    ['load', runLoadStage],
    ['headers', runHeaders],
    ['size', runSize],
    ['revocations', runRevocations],
    ['users', runUsers],
    ['cluster', runCluster],
    ['store', runStoreStage],
    ['stores', runStores],
  ].filter(([name]) => only === undefined || name === only)) {
    const t = performance.now()
    const cpu = cpuSnapshot()
    log(`${name}: starting`)
    results[name] = await stage({ quick })
    results.run.stageSeconds[name] = seconds(t)
    const others = (results.run.otherProcessesCores[name] = foreignCores(cpu, cpuSnapshot()))
    log(`${name}: done in ${results.run.stageSeconds[name]} s${others > 0.1 ? `; other processes used ${others} cores meanwhile, which skews the figures` : ''}`)
  }
} catch (error) {
  log(`bench: ${error.stack ?? error}`)
  killAll()
  process.exit(1)
}

if (only) (results.run.rerun ??= {})[only] = { date: new Date().toISOString(), seconds: seconds(started) }
else results.run.seconds = seconds(started)
await write(results)
// A lost write or a session read by the wrong client is a wrong result, not a slow one.
if (wrongResults(results.load) > 0) process.exitCode = 1
if (results.cluster && wrongResults(results.cluster.redis) + wrongResults(results.cluster.cluster) > 0) process.exitCode = 1
if (results.store && wrongResults(results.store.cookie) + wrongResults(results.store.redis) + outageWrongResults(results.store.outage) > 0) process.exitCode = 1

/** Targets from the measurements, then the three files; prints the summary. */
async function write(results) {
  results.targets = targets(results)
  const report = markdown(results)
  await writeFile(out('results.json'), `${JSON.stringify(results, null, 2)}\n`)
  await writeFile(out('RESULTS.md'), report)
  await writeFile(out('http.svg'), httpSvg(results.http, results.machine))
  const missed = results.targets.filter((t) => !t.met)
  console.log(report.slice(0, report.indexOf('\n## Codec')))
  console.log(`${missed.length ? `${missed.length} target(s) not met. ` : 'All targets met. '}Written: bench/RESULTS.md, bench/results.json, bench/http.svg`)
}
