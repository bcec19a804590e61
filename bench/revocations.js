// Revocations stage: what the revocations option costs.
//
//   view      the in-process view's memory with 1,000,000 live revocations (a child process)
//   refresh   one refresh of a lagged view, after 100 new revocations, against the number of older
//             revocations in the store, on a directory (fs driver: the generic log lists minute buckets)
//   scale     Redis holding other keys and 0 … 1,000,000 live revocations in its log (one stream): a new
//             instance's start-up, and the Redis commands a lagged instance issues a minute of steady reads
//   propagation  ms from a sign-out on one instance to its refusal on another (push), over many sign-outs
//   reads     µs per cache-hit read + commit in process, 1 in flight, against Redis: store mode
//             (the data in Redis), strict revocations (lag 0) and lagged revocations, beside cookie-only
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStorage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'
import redisDriver from 'unstorage/drivers/redis'
import { createSessions } from '../dist/index.js'
import { runToEnd } from './children.js'
import { startRedis } from './redis.js'
import { log, summary } from './stats.js'
import { revocable } from '../dist/revocations.js'
import { sessionStore } from '../dist/store/index.js'

const PASSWORD = 'bench-revocations-password-0123456789-abcd'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const hexId = (i) => i.toString(16).padStart(32, '0')

export async function runRevocations({ quick }) {
  const view = JSON.parse(await runToEnd(new URL('./revocations-view-child.js', import.meta.url), { execArgv: ['--expose-gc'], args: [String(quick ? 200_000 : 1_000_000)] }, 120_000, 'revocation view probe'))
  log('revocations: view measured')
  const redis = await startRedis()
  const dir = await mkdtemp(join(tmpdir(), 'ifs-bench-revocations-'))
  try {
    const sizes = quick ? [0, 1_000] : [0, 1_000, 10_000]
    const refresh = []
    for (const older of sizes) {
      refresh.push({ store: 'fs', older, ms: await refreshMs(createStorage({ driver: fsDriver({ base: join(dir, String(older)) }) }), older, (keys) => Promise.all(keys.map((k) => k.storage.setItem(k.key, 'ifs1:revoked')))) })
      log(`revocations: fs refresh with ${older} older revocations measured`)
    }
    await redis.command('FLUSHALL')
    const scale = await scaleOnRedis(redis, quick)
    const propagation = await propagationOnRedis(redis, quick ? 50 : 200)
    await redis.command('FLUSHALL')
    const reads = await readCosts(redis, quick ? 2_000 : 10_000)
    return { view, refresh, scale, propagation, reads }
  } finally {
    await redis.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

/** Writes `older` revocations ten minutes back, loads a view, adds 100 now, and times the read that refreshes it (ms, median of 3). */
async function refreshMs(storage, older, write) {
  const oldBucket = Math.floor(Date.now() / 60_000) - 10
  const keys = Array.from({ length: older }, (_, i) => ({ storage, key: `ifs:rv:log:${oldBucket - (i % 5)}:id:${hexId(i + 1)}` }))
  for (let i = 0; i < keys.length; i += 5_000) await write(keys.slice(i, i + 5_000))
  const sessions = createSessions({ password: PASSWORD, revocations: revocable({ store: storage, lag: 0.2 }) })
  const seal = await sealOf(sessions)
  const request = () => new Request('http://localhost/', { headers: { cookie: `session=${seal}` } })
  await sessions.read(request()) // loads the view: everything once
  const times = []
  for (let round = 0; round < 3; round++) {
    const admin = createSessions({ password: PASSWORD, revocations: revocable({ store: storage, lag: 0.2 }) })
    for (let i = 0; i < 100; i++) await admin.revoke(hexId(10_000_000 + round * 1000 + i))
    await sleep(210) // past the lag: the next read waits for the refresh
    const start = performance.now()
    const session = await sessions.read(request())
    times.push(performance.now() - start)
    if (session.data.n !== 1) throw new Error('revocations bench: the session did not read back')
  }
  return summary(times, 2)
}

async function msetAll(redis, keys) {
  for (let i = 0; i < keys.length; i += 1_000) await redis.command('MSET', ...keys.slice(i, i + 1_000).flatMap((key) => [key, 'ifs1:revoked']))
}

async function sealOf(sessions) {
  const session = await sessions.read(new Request('http://localhost/'))
  session.data.n = 1
  const response = await sessions.commit(session, new Response())
  return response.headers.getSetCookie()[0].split(';')[0].slice('session='.length)
}

/** µs per read + commit of an unchanged session, 1 in flight, median of 5 rounds. */
async function readCosts(redis, n) {
  const storage = createStorage({ driver: redisDriver({ url: redis.url }) })
  const variants = [
    ['cookie-only', { password: PASSWORD }],
    ['lagged revocations (lag 5 s)', { password: PASSWORD, revocations: revocable({ store: storage, lag: 5 }) }],
    ['strict revocations (lag 0)', { password: PASSWORD, userId: (data) => data.user, revocations: revocable({ store: storage, lag: 0 }) }],
    ['store mode (the data in Redis)', { password: PASSWORD, userId: (data) => data.user, store: sessionStore(storage) }],
  ]
  const rows = []
  try {
    for (const [name, options] of variants) {
      const sessions = createSessions(options)
      const first = await sessions.read(new Request('http://localhost/'))
      Object.assign(first.data, { n: 1, user: 'ada' })
      const seal = (await sessions.commit(first, new Response())).headers.getSetCookie()[0].split(';')[0].slice('session='.length)
      const request = () => new Request('http://localhost/', { headers: { cookie: `session=${seal}` } })
      const rounds = []
      for (let round = 0; round < 6; round++) {
        const start = performance.now()
        for (let i = 0; i < n / 5; i++) {
          const session = await sessions.read(request())
          if (session.data.n !== 1) throw new Error(`revocations bench: ${name} read the wrong session`)
          await sessions.commit(session, new Response())
        }
        if (round > 0) rounds.push(((performance.now() - start) * 1000) / (n / 5))
      }
      rows.push({ name, microseconds: summary(rounds, 1) })
    }
  } finally {
    await storage.dispose()
  }
  return rows
}

/** Redis holding `others` unrelated keys, and each count of live revocations in the log: start-up and commands a minute. */
async function scaleOnRedis(redis, quick) {
  const others = quick ? 30_000 : 300_000
  const counts = quick ? [0, 10_000, 100_000] : [0, 100_000, 1_000_000]
  const windowMs = quick ? 3_000 : 6_000
  // A storage of its own for each instance measured (disposed after it), so that no earlier instance's push connection is counted.
  const open = () => createStorage({ driver: redisDriver({ url: redis.url }) })
  const storage = open()
  const client = storage.getMount('').driver.getInstance()
  const rows = []
  try {
    for (let i = 0; i < others; i += 10_000) {
      const pipeline = client.pipeline()
      for (let j = i; j < Math.min(others, i + 10_000); j++) pipeline.set(`app:cache:${j}`, 'x')
      await pipeline.exec()
    }
    let logged = 0
    for (const count of counts) {
      for (; logged < count; logged += 10_000) {
        const pipeline = client.pipeline()
        for (let j = logged; j < Math.min(count, logged + 10_000); j++) pipeline.xadd('ifs:rv:stream', '*', 't', 'id', 'v', hexId(20_000_000 + j))
        await pipeline.exec()
      }
      const own = open()
      const sessions = createSessions({ password: PASSWORD, revocations: revocable({ store: own, lag: 1 }) })
      const seal = await sealOf(sessions)
      const request = () => new Request('http://localhost/', { headers: { cookie: `session=${seal}` } })
      const start = performance.now()
      await sessions.read(request()) // the first load: every live revocation, once
      const startupMs = performance.now() - start
      const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))[1])
      const before = await commands()
      const began = performance.now()
      let reads = 0
      while (performance.now() - began < windowMs) {
        const session = await sessions.read(request())
        if (session.data.n !== 1) throw new Error('revocations bench: the session did not read back')
        reads++
        await sleep(5)
      }
      const seconds = (performance.now() - began) / 1000
      // The two INFO calls count themselves; what is left is the instance's own.
      const issued = (await commands()) - before - 2
      rows.push({ others, revocations: count, startupMs: Number(startupMs.toFixed(1)), reads, commandsPerMinute: Math.round((issued / seconds) * 60), commandsPerLag: Number((issued / seconds).toFixed(2)) })
      await own.dispose()
      await sleep(600) // its push read ends at its next answer (half a lag): out of the next window
      log(`revocations: Redis with ${count} live revocations: start-up ${startupMs.toFixed(0)} ms, ${issued} commands in ${seconds.toFixed(1)} s of reads`)
    }
  } finally {
    await storage.dispose()
    await redis.command('FLUSHALL')
  }
  return rows
}

/** ms from a sign-out on one instance to the first refused read on another (push on one Redis), over `n` sign-outs. */
async function propagationOnRedis(redis, n) {
  const [here, there] = [createStorage({ driver: redisDriver({ url: redis.url }) }), createStorage({ driver: redisDriver({ url: redis.url }) })]
  try {
    const writer = createSessions({ password: PASSWORD, revocations: revocable({ store: here, lag: 30 }) })
    const reader = createSessions({ password: PASSWORD, revocations: revocable({ store: there, lag: 30 }) })
    const times = []
    for (let i = 0; i < n; i++) {
      const first = await writer.read(new Request('http://localhost/'))
      first.data.n = 1
      const seal = (await writer.commit(first, new Response())).headers.getSetCookie()[0].split(';')[0]
      const request = () => new Request('http://localhost/', { headers: { cookie: seal } })
      if ((await reader.read(request())).data.n !== 1) throw new Error('revocations bench: the reader did not read the session')
      const session = await writer.read(request())
      session.destroy()
      await writer.commit(session, new Response())
      const signedOut = performance.now()
      while ((await reader.read(request())).unsealError !== 'revoked') {
        if (performance.now() - signedOut > 30_000) throw new Error('revocations bench: a sign-out did not reach the other instance within the lag')
        await new Promise((resolve) => setImmediate(resolve))
      }
      times.push(performance.now() - signedOut)
    }
    times.sort((a, b) => a - b)
    const at = (q) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2))
    return { signOuts: n, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Number(times[times.length - 1].toFixed(2)) }
  } finally {
    await Promise.all([here.dispose(), there.dispose()])
  }
}
