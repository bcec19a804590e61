// Users stage: "sign out everywhere" and "your devices" with a store holding many sessions.
// A redis-server (started here) is filled with `sessions` session records of other users, then
// one user signs in on 5 devices through the library; timed: sessionsOf(user), revokeAll(user),
// a read of a session after it (refused), and, for scale, a getKeys of one prefix: the SCAN that
// the user index before this one ran for every sessionsOf and revokeAll.
import { createStorage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { createSessions } from '../dist/index.js'
import { sessionStore } from '../dist/store/index.js'
import { startRedis } from './redis.js'
import { log } from './stats.js'

const PASSWORD = 'bench-users-password-0123456789-abcdefghij'
const ms = (start) => Number((performance.now() - start).toFixed(1))

export async function runUsers({ quick }) {
  const total = quick ? 100_000 : 1_000_000
  const redis = await startRedis()
  const storage = createStorage({ driver: redisDriver({ url: redis.url }) })
  try {
    const now = Date.now()
    const record = (i) => `ifs1:${JSON.stringify({ created: now, sealed: now, expires: now + 3600_000, user: `user-${i}`, filed: 2, data: { user: `user-${i}`, cart: [1, 2, 3] } })}`
    for (let i = 0; i < total; i += 2_000) {
      const args = []
      for (let j = i; j < Math.min(total, i + 2_000); j++) args.push(`ifs:session:${j.toString(16).padStart(32, '0')}`, record(j))
      await redis.command('MSET', ...args)
    }
    const keys = Number((await redis.command('DBSIZE')).slice(1))
    log(`users: ${keys} sessions in Redis`)
    const sessions = createSessions({ password: PASSWORD, store: sessionStore(storage), userId: (data) => data.user })
    const seals = []
    for (let device = 0; device < 5; device++) {
      const session = await sessions.read(new Request('http://localhost/'))
      Object.assign(session.data, { user: 'ada', device })
      seals.push((await sessions.commit(session, new Response())).headers.getSetCookie()[0].split(';')[0])
    }
    let start = performance.now()
    const listed = await sessions.sessionsOf('ada')
    const sessionsOfMs = ms(start)
    await new Promise((resolve) => setTimeout(resolve, 2))
    start = performance.now()
    const ended = await sessions.revokeAll('ada')
    const revokeAllMs = ms(start)
    start = performance.now()
    const after = await sessions.read(new Request('http://localhost/', { headers: { cookie: seals[0] } }))
    const readMs = ms(start)
    start = performance.now()
    await storage.getKeys('ifs:user:0000:')
    const scanMs = ms(start)
    if (listed.length !== 5 || ended.length !== 5 || after.unsealError !== 'revoked') throw new Error(`users bench: listed ${listed.length}, ended ${ended.length}, read after: ${after.unsealError}`)
    return { sessionsInStore: keys, listed: listed.length, ended: ended.length, sessionsOfMs, revokeAllMs, readAfterMs: readMs, scanOfOnePrefixMs: scanMs }
  } finally {
    await storage.dispose()
    await redis.stop()
  }
}
