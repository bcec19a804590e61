// Load across two server processes (examples/hono, each its own Node process) behind no proxy:
// each request of a client goes to the other process, so a session written by one is read by the
// other. Cookie-only, both processes share the password; Redis-backed, they also share one Redis
// (SESSION_STORE=redis://…). Same clients, same checks as bench/load.js: 0 errors, 0 lost writes,
// 0 crossed sessions. And the outage run: Redis stopped in the middle of a load run and restarted.
//
//   npm run build && node bench/store-load.js [--requests 20000] [--connections 64]
import { fileURLToPath } from 'node:url'
import { Client, runLoad, startExample, wrongResults } from './load.js'
import { startRedis } from './redis.js'

const PASSWORD = 'a-load-test-password-of-at-least-32-chars'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Two example processes with the same password and `env`; resolves with their origins and a stop(). */
export async function startPair(env = {}) {
  const started = await Promise.allSettled([startExample({ password: PASSWORD, env }), startExample({ password: PASSWORD, env })])
  const servers = started.filter((s) => s.status === 'fulfilled').map((s) => s.value)
  const stop = () => Promise.all(servers.map((server) => server.stop()))
  const failed = started.find((s) => s.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return { origins: servers.map((server) => server.origin), stop }
}

/**
 * The same load twice across two processes: cookie-only, then Redis-backed (a Redis of its own).
 * Resolves with { plan, cookie, redis } results, each with requestsPerSecond.
 */
export async function runSharedLoad({ requests, connections }) {
  const plan = { requests, connections, processes: 2 }
  const cookiePair = await startPair()
  let cookie
  try {
    cookie = await runLoad({ origins: cookiePair.origins, requests, connections })
  } finally {
    await cookiePair.stop()
  }
  const redis = await startRedis()
  try {
    const redisPair = await startPair({ SESSION_STORE: redis.url })
    try {
      const stored = await runLoad({ origins: redisPair.origins, requests, connections })
      const keys = Number((await redis.command('DBSIZE')).slice(1))
      return { plan, cookie, redis: { ...stored, redisKeys: keys } }
    } finally {
      await redisPair.stop()
    }
  } finally {
    await redis.stop()
  }
}

/**
 * Clients sign in, count visits and read them back across two processes sharing `redis`; after
 * `before` requests Redis is stopped (SHUTDOWN SAVE), and restarted once `during` requests have
 * been answered 503. Every wait is bounded by `deadlineMs`.
 *
 * A write answered 503 may or may not have been stored (its reply can be lost as Redis goes
 * down), so each client counts confirmed writes and uncertain ones: a read must show at least
 * the confirmed writes and at most those plus the uncertain ones, and its own user.
 */
export async function runOutage({ redis, origins, connections = 64, before = 1500, during = 300, after = 1500, deadlineMs = 90_000 }) {
  const result = { requests: 0, ok: 0, unavailable: 0, unavailableBeforeOutage: 0, errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0, clients: 0, writes: 0, uncertainWrites: 0, writtenBeforeOutage: 0, readBackAfterOutage: 0, elapsedMs: 0 }
  const problems = []
  const note = (kind, detail) => {
    result[kind]++
    if (problems.length < 10) problems.push(`${kind}: ${detail}`)
  }
  const deadline = Date.now() + deadlineMs
  let phase = 'before' // → 'outage' → 'restarting' → 'after'
  let requestsAtRestart = 0
  const active = new Set() // clients signed in right now
  let survivors = [] // clients with confirmed writes when Redis went down: read back after the restart
  let outage

  async function send(client, path, init = {}) {
    const target = origins[result.requests++ % origins.length]
    const headers = { ...init.headers, ...(init.method === 'POST' ? { origin: target } : {}), ...(client.cookies.size ? { cookie: client.header() } : {}) }
    const response = await fetch(target + path, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    const body = await response.text()
    if (response.status === 503) {
      if (!/Sessions are unavailable/.test(body)) note('unexpected', `503 without the store's message: ${body.slice(0, 80)}`)
      else result.unavailable++
      if (phase === 'before') result.unavailableBeforeOutage++
      await sleep(20) // a client backs off before trying again
    } else {
      result.ok++
      client.keep(response)
    }
    maybeChangePhase()
    return { status: response.status, body }
  }

  function maybeChangePhase() {
    if (phase === 'before' && result.requests >= before) {
      phase = 'outage'
      survivors = [...active].filter((client) => client.writes > 0)
      result.writtenBeforeOutage = survivors.length
      outage = redis.shutdownSave()
    } else if (phase === 'outage' && result.unavailable >= during) {
      phase = 'restarting'
      requestsAtRestart = result.requests
      outage = outage.then(() => redis.restart()).then(() => void (phase = 'after'))
    }
  }

  /** Reads the session back: its own user, and between the confirmed and the possible writes. */
  async function check(client, kind) {
    const { status, body } = await send(client, '/api/me')
    if (status === 503) return false
    const me = JSON.parse(body)
    if (status !== 200 || me.user?.username !== 'demo' || me.visits < client.writes || me.visits > client.writes + client.uncertain) {
      note(kind, `expected ${client.writes}..${client.writes + client.uncertain} visits, read ${body} (${status})`)
      return false
    }
    // What the uncertain writes did is known now.
    result.uncertainWrites += me.visits - client.writes
    client.writes = me.visits
    client.uncertain = 0
    return true
  }

  async function worker() {
    while (Date.now() < deadline && (phase !== 'after' || result.requests < requestsAtRestart + after)) {
      const client = Object.assign(new Client(), { uncertain: 0 })
      result.clients++
      try {
        const login = await send(client, '/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=demo&password=demo' })
        if (login.status === 503) continue // no session was made: a new client tries
        if (login.status !== 303 || !client.cookies.size) {
          note('unexpected', `sign-in answered ${login.status}`)
          continue
        }
        active.add(client)
        for (let i = 1; i < 40 && Date.now() < deadline && !(phase === 'after' && result.requests >= requestsAtRestart + after); i++) {
          if (i % 3 === 0) {
            await check(client, 'mismatches')
          } else {
            const page = await send(client, '/')
            if (page.status === 200) client.writes++
            else if (page.status === 503) client.uncertain++
            else note('unexpected', `GET / answered ${page.status}`)
          }
        }
      } catch (error) {
        note('errors', error instanceof Error ? error.message : String(error))
      } finally {
        active.delete(client)
      }
    }
  }

  const start = performance.now()
  await Promise.all(Array.from({ length: connections }, worker))
  await outage
  if (phase !== 'after') note('errors', `the run reached its deadline in phase ${phase}`)
  // Every session with writes from before the outage reads back, with every confirmed write.
  for (const client of survivors) {
    if (await check(client, 'lostWrites')) result.readBackAfterOutage++
  }
  result.elapsedMs = Math.round(performance.now() - start)
  result.writes = survivors.reduce((sum, client) => sum + client.writes, 0)
  return { ...result, survivors: survivors.length, problems }
}

/** Requests that went wrong in the outage run: besides the 503s the outage explains. */
export const outageWrongResults = (r) => r.errors + r.unexpected + r.mismatches + r.lostWrites + r.unavailableBeforeOutage

/** Starts a Redis and two processes sharing it, runs the outage, stops everything. */
export async function runOutageStage(options = {}) {
  const redis = await startRedis()
  try {
    const pair = await startPair({ SESSION_STORE: redis.url })
    try {
      return await runOutage({ redis, origins: pair.origins, ...options })
    } finally {
      await pair.stop()
    }
  } finally {
    await redis.stop()
  }
}

/** The stage of `npm run bench`: the shared-store load (20,000 requests; 4,000 with --quick), then the outage run. */
export async function runStoreStage({ quick }) {
  const shared = await runSharedLoad({ requests: quick ? 4_000 : 20_000, connections: 64 })
  const outage = await runOutageStage(quick ? {} : { before: 5_000, during: 1_000, after: 5_000 })
  return { ...shared, outage }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : fallback
  }
  const result = await runSharedLoad({ requests: arg('requests', 20_000), connections: arg('connections', 64) })
  console.log(JSON.stringify(result, null, 2))
  if (wrongResults(result.cookie) + wrongResults(result.redis) > 0) process.exitCode = 1
}
