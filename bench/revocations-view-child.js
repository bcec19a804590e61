// The revocation view's memory, run as `node --expose-gc bench/revocations-view-child.js N` in a
// fresh process: heap and RSS before and after N live revocations (random 128-bit ids, as
// session.id makes them) are added to a view, as a refresh adds them. Prints JSON on stdout.
import { randomBytes } from 'node:crypto'
import { RevocationView } from '../dist/revocations/revocations.js'

const N = Number(process.argv[2] ?? 1_000_000)
const settle = () => (globalThis.gc(), globalThis.gc(), process.memoryUsage())
const view = new RevocationView()
const before = settle()
const bucket = Math.floor(Date.now() / 60_000)
const until = Date.now() + 14 * 24 * 3600 * 1000
const bytes = randomBytes(16 * N)
for (let i = 0; i < N; i++) view.addId(bytes.toString('hex', i * 16, i * 16 + 16), bucket - (i % 20_160), until)
const after = settle()
process.stdout.write(JSON.stringify({ revocations: view.ids.size, heapBytes: after.heapUsed - before.heapUsed, rssBytes: after.rss - before.rss }))
