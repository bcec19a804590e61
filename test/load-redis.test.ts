// The short two-process load run (the full one is a stage of npm run bench): examples/hono twice, in
// two Node processes, each request of a client going to the other process. Cookie-only, then with
// one shared Redis (a redis-server this test starts): 64 clients, each with its own jar and count.
import { expect, it } from 'vitest'
import { runSharedLoad } from '../bench/store-load.js'

it('2 processes, 64 clients, cookie-only and sharing one Redis: no error, no lost write, no session crossing', async () => {
  const { cookie, redis } = await runSharedLoad({ requests: 2_000, connections: 64 })
  for (const result of [cookie, redis]) {
    expect(result.problems).toEqual([])
    expect(result).toMatchObject({ errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0 })
    expect(result.requests).toBeGreaterThanOrEqual(2_000)
    expect(result.clients).toBeGreaterThanOrEqual(64)
    expect(result.writes).toBeGreaterThan(500)
  }
  // Every signed-in client left a record in Redis (sign-in ends the id it replaced, which leaves a marker).
  expect(redis.redisKeys).toBeGreaterThanOrEqual(redis.clients)
}, 180_000)
