// The store stage: session libraries on one Redis, side by side, each as a ratio of its own bare framework.
//
//   Hono + iron-fetch-session's store (the Redis setup of docs/stores.md; and with ioredis enableAutoPipelining)
//   Express + express-session + connect-redis 9 (node-redis 5)
//   Fastify + @fastify/session + connect-redis 9 (node-redis 5)
//
// Every server is its own child process (stores-server.js) on one redis-server started here. Each round runs
// every measurement once (reversed every other round), `connections` clients on one session cookie for a fixed
// time; every response must be 200 'ok'. Per run: req/s, p99, the server's CPU µs a request, and Redis's own
// count of commands and CPU µs a request (INFO commandstats and INFO cpu, reset before each run).
import { Redis } from 'ioredis'

import { firstMessage, start, stop } from './children.js'
import { load } from './http.js'
import { startRedis } from './redis.js'
import { alternated, log, summary } from './stats.js'

const SERVER = new URL('./stores-server.js', import.meta.url)

/** Framework, library, and its bare framework; reads and writes of each. */
const SERVERS = [
  { variant: 'honoBare', framework: 'Hono', library: undefined },
  { variant: 'ours', framework: 'Hono', library: 'iron-fetch-session (store)', bare: 'honoBare' },
  { variant: 'oursPipelined', framework: 'Hono', library: 'iron-fetch-session (store), enableAutoPipelining', bare: 'honoBare' },
  { variant: 'expressBare', framework: 'Express', library: undefined },
  { variant: 'expressSession', framework: 'Express', library: 'express-session + connect-redis', bare: 'expressBare' },
  { variant: 'fastifyBare', framework: 'Fastify', library: undefined },
  { variant: 'fastifySession', framework: 'Fastify', library: '@fastify/session + connect-redis', bare: 'fastifyBare' },
]

export function storesPlan(quick) {
  return { connections: 10, rounds: quick ? 2 : 6, durationS: quick ? 2 : 3, warmupS: 1 }
}

export async function runStores({ quick }) {
  const plan = storesPlan(quick)
  const redis = await startRedis()
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  const servers = new Map()
  try {
    await admin.connect()
    for (const server of SERVERS) servers.set(server.variant, await startServer(server.variant, redis.url))
    const measures = []
    for (const route of ['read', 'write']) {
      for (const server of SERVERS) {
        const running = servers.get(server.variant)
        measures.push({ ...server, key: `${server.variant}:${route}`, route, server: running, url: `${running.origin}/${route}`, cookie: running.cookie, body: 'ok', rounds: [] })
      }
    }
    for (const m of measures) await load(m, plan.connections, plan.warmupS)
    for (let round = 0; round < plan.rounds; round++) {
      for (const m of alternated(measures, round)) m.rounds.push(await measured(admin, m, plan))
      log(`stores: round ${round + 1}/${plan.rounds} done`)
    }
    return {
      plan: { ...plan, redis: 'redis-server from the OS, one for all, started by the stage', client: 'autocannon, in the bench process, all connections on one session', unit: 'req/s; p99 in ms; µs of CPU a request' },
      measures: measures.map((m) => ({
        key: m.key,
        variant: m.variant,
        route: m.route,
        framework: m.framework,
        library: m.library,
        bare: m.bare,
        rps: summary(m.rounds.map((r) => r.rps)),
        p99Ms: summary(m.rounds.map((r) => r.p99), 2),
        serverCpuUsPerRequest: summary(m.rounds.map((r) => r.cpuUs), 1),
        redisCommandsPerRequest: summary(m.rounds.map((r) => r.commands), 2),
        redisCpuUsPerRequest: summary(m.rounds.map((r) => r.redisCpuUs), 1),
        commands: m.rounds.at(-1).byCommand,
        // Each round's req/s over its bare framework's in the same round: the ratio the targets compare.
        ofBare: m.bare ? summary(m.rounds.map((r, i) => r.rps / measures.find((b) => b.key === `${m.bare}:${m.route}`).rounds[i].rps), 3) : undefined,
      })),
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => stop(s.handle)))
    admin.disconnect()
    await redis.stop()
  }
}

/** One load run, with Redis's own counts around it. */
async function measured(admin, m, plan) {
  await admin.config('RESETSTAT')
  const cpuBefore = redisCpu(await admin.info('cpu'))
  const run = await load(m, plan.connections, plan.durationS)
  const [stats, cpu] = [await admin.info('commandstats'), redisCpu(await admin.info('cpu'))]
  const byCommand = {}
  for (const [, name, calls] of stats.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (name === 'info' || name.startsWith('config')) continue
    byCommand[name] = Number(calls)
  }
  // The load's own requests, counted by autocannon; the drain pause after it adds none.
  const requests = run.requests
  const total = Object.values(byCommand).reduce((a, b) => a + b, 0)
  return { ...run, commands: total / requests, redisCpuUs: ((cpu - cpuBefore) * 1e6) / requests, byCommand: Object.fromEntries(Object.entries(byCommand).map(([name, calls]) => [name, Number((calls / requests).toFixed(2))])) }
}

const redisCpu = (info) => Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1])

async function startServer(variant, redisUrl) {
  const handle = start(SERVER, { env: { BENCH_STORE_VARIANT: variant, REDIS_URL: redisUrl } })
  const { port } = await firstMessage(handle, 30_000, `stores server ${variant}`)
  const origin = `http://127.0.0.1:${port}`
  if (variant.endsWith('Bare')) return { handle, origin, cookie: undefined }
  const response = await fetch(`${origin}/write`, { signal: AbortSignal.timeout(5000) })
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
  if (response.status !== 200 || (await response.text()) !== 'ok' || !cookie) throw new Error(`${variant}: /write without a cookie did not start a session`)
  const read = await fetch(`${origin}/read`, { headers: { cookie }, signal: AbortSignal.timeout(5000) })
  if ((await read.text()) !== 'ok') throw new Error(`${variant}: /read with the session's cookie did not find it`)
  return { handle, origin, cookie }
}
