// Instructions per request of an HTTP measurement's server, counted by
// valgrind's cachegrind: a figure that does not move with the machine's load,
// to say where the time goes when a target is missed.
//
//   npm run build && node bench/instructions.js [measurement ...]   # keys of MEASURES in http.js
//
// Each server runs twice under cachegrind, answering FEW and then MANY
// requests of its route before a normal exit; the difference in user-space
// instructions, over MANY − FEW requests, is the steady-state cost of one
// request (start-up, warm-up and the JIT's first compilations cancel out).
// Needs `valgrind` (Debian's package); not part of `npm test` or `npm run bench`.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import autocannon from 'autocannon'

import { MEASURES } from './http.js'

const FEW = 1_000
const MANY = 11_000
const SERVER = fileURLToPath(new URL('./http-server.js', import.meta.url))
const DEFAULT = ['bare', 'cookieOnly', 'oursRead', 'oursRevocationsRead', 'oursFirstTouch', 'ironSession9Read', 'oursWrite', 'ironSession9Write']

const keys = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT
for (const key of keys) if (!MEASURES.some((m) => m.key === key)) throw new Error(`unknown measurement ${key}; one of ${MEASURES.map((m) => m.key).join(', ')}`)

const rows = []
for (const key of keys) {
  const measure = MEASURES.find((m) => m.key === key)
  const few = await instructions(measure, FEW)
  const many = await instructions(measure, MANY)
  const perRequest = Math.round((many - few) / (MANY - FEW))
  rows.push({ key, name: measure.name, perRequest })
  console.log(`${measure.name}: ${perRequest.toLocaleString('en-US')} instructions a request`)
}
console.log('\n| measurement | instructions a request |\n| --- | ---: |')
for (const row of rows) console.log(`| ${row.name} | ${row.perRequest.toLocaleString('en-US')} |`)

/** Total user-space instructions of one server process that answered `count` requests. */
async function instructions(measure, count) {
  const child = fork(SERVER, [], {
    // fork runs execPath with execArgv before the script: valgrind, then node.
    execPath: 'valgrind',
    // V8 writes the code it runs: cachegrind must watch for that outside mapped files.
    execArgv: ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath],
    env: { ...process.env, BENCH_VARIANT: measure.variant },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const killer = setTimeout(() => child.kill('SIGKILL'), 600_000)
  try {
    const { port } = await new Promise((resolve, reject) => {
      child.once('message', resolve)
      exited.then(() => reject(new Error(`${measure.key}: the server exited before it was ready\n${stderr}`)))
    })
    const origin = `http://127.0.0.1:${port}`
    let cookie
    if (measure.variant !== 'bare') {
      const response = await fetch(`${origin}/write`)
      await response.text()
      cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    }
    const result = await autocannon({ url: `${origin}${measure.route}`, connections: 8, amount: count - (cookie ? 1 : 0), headers: cookie ? { cookie } : {}, expectBody: measure.body, timeout: 60 })
    const bad = result.errors + result.timeouts + result.non2xx + result.mismatches
    if (bad > 0) throw new Error(`${measure.key}: ${bad} bad responses under cachegrind`)
    child.kill('SIGTERM') // the server exits normally, and cachegrind prints its count
    await exited
  } finally {
    clearTimeout(killer)
    child.kill('SIGKILL')
  }
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr)
  if (!match) throw new Error(`${measure.key}: no instruction count from cachegrind\n${stderr}`)
  return Number(match[1].replaceAll(',', ''))
}
