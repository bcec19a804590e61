// Where an HTTP measurement's server spends its time, for a missed target:
//
//   npm run build && node bench/profile.js oursRead [seconds]    # any key of MEASURES in http.js
//
// Runs that variant's server with --cpu-prof under the bench's load, then
// prints the top self-time functions and the share of each package. The
// .cpuprofile goes to a temporary directory and is deleted: none is left in
// the repository.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { stop } from './children.js'
import { MEASURES, load, probe, startServer } from './http.js'

const [key = 'oursRead', seconds = '8'] = process.argv.slice(2)
const measure = MEASURES.find((m) => m.key === key)
if (!measure) throw new Error(`unknown measurement ${key}; one of ${MEASURES.map((m) => m.key).join(', ')}`)

const dir = await mkdtemp(path.join(os.tmpdir(), 'iron-fetch-session-profile-'))
try {
  const server = await startServer(measure.variant, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  const m = { ...measure, server, url: `${server.origin}${measure.route}`, cookie: server.cookie }
  let requests = 0
  try {
    await probe(m)
    requests += (await load(m, 64, 2)).requests // warm-up, so the profile is mostly optimised code
    const { rps, cpuUs, requests: measured } = await load(m, 64, Number(seconds))
    requests += measured
    console.log(`${measure.name}: ${Math.round(rps)} req/s, server CPU ${cpuUs.toFixed(0)} µs/request`)
  } finally {
    await stop(server.handle) // a normal exit, which writes the profile
  }
  const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'))
  if (!file) throw new Error('the server wrote no profile')
  report(JSON.parse(await readFile(path.join(dir, file), 'utf8')), requests)
} finally {
  await rm(dir, { recursive: true, force: true })
}

/**
 * Self time per function and per package: share of the busy (non-idle) time,
 * and µs per request. The profile samples wall time, so a syscall such as
 * writev also holds the time the thread waited for a core.
 */
function report({ nodes, samples, timeDeltas }, requests) {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const self = new Map()
  samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)))
  const functions = new Map()
  const packages = new Map()
  let busy = 0
  for (const [id, time] of self) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    if (functionName === '(idle)') continue
    busy += time
    const name = `${functionName || '(anonymous)'} ${where(url)}${url ? `:${lineNumber + 1}` : ''}`
    functions.set(name, (functions.get(name) ?? 0) + time)
    packages.set(owner(url, functionName), (packages.get(owner(url, functionName)) ?? 0) + time)
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  const pct = (time) => `${((time / busy) * 100).toFixed(1).padStart(5)}%  ${(time / requests).toFixed(2).padStart(6)} µs/req`
  console.log('\nself time by package (share of busy time):')
  for (const [name, time] of top(packages, 12)) console.log(`  ${pct(time)}  ${name}`)
  console.log('\ntop self-time functions:')
  for (const [name, time] of top(functions, 25)) console.log(`  ${pct(time)}  ${name}`)
}

/** A short location: the package path, the repository path, or node's own module. */
function where(url) {
  if (!url) return ''
  const modules = url.lastIndexOf('node_modules/')
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length)
  return url.replace(/^file:\/\/.*?\/(dist|bench)\//, '$1/')
}

function owner(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (modules) return modules[1]
  if (url.startsWith('node:')) return 'node internals'
  if (url.includes('/dist/')) return 'iron-fetch-session (dist)'
  if (url.includes('/bench/')) return 'bench app'
  return url
}
