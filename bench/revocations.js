// Revocations stage: what the revocations option costs.
//
//   view      the in-process view's memory with 1,000,000 live revocations (a child process)
//   refresh   one refresh of a lagged view, after 100 new revocations, against the number of older
//             revocations in the store: on a directory (fs driver: a listing reads one directory a
//             minute) and on Redis (unstorage's driver lists by SCAN, which walks the whole database)
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
      await redis.command('FLUSHALL')
      const storage = createStorage({ driver: redisDriver({ url: redis.url }) })
      refresh.push({ store: 'redis', older: older * 10, ms: await refreshMs(storage, older * 10, (keys) => msetAll(redis, keys.map((k) => k.key))) })
      await storage.dispose()
      log(`revocations: refresh with ${older} older revocations measured`)
    }
    await redis.command('FLUSHALL')
    const reads = await readCosts(redis, quick ? 2_000 : 10_000)
    return { view, refresh, reads }
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
