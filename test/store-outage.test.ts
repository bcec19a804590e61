// Redis goes down in the middle of a load run and comes back: two examples/hono processes share a
// redis-server this test starts; after 1,500 requests it is stopped (SHUTDOWN SAVE: the snapshot a
// persistent Redis keeps, then exit) and, once 300 requests have been refused, restarted on the
// same port from that snapshot. During the outage every request that needs the store is answered
// 503 from SessionStoreError — never an empty session, never another client's — and afterwards
// every session written before the outage reads back with every write it confirmed.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { runOutage, startPair } from '../bench/store-load.js'

let redis: RunningRedis
let pair: { origins: string[]; stop: () => Promise<unknown> } | undefined

beforeAll(async () => {
  redis = await startRedis()
  pair = await startPair({ SESSION_STORE: redis.url })
}, 60_000)

afterAll(async () => {
  await pair?.stop()
  await redis?.stop()
}, 30_000)

it('requests during the outage fail with the store error, none crosses sessions, and sessions from before it read back', async () => {
  const result = await runOutage({ redis, origins: pair!.origins, connections: 64, before: 1_500, during: 300, after: 1_500 })
  console.log(`outage run: ${JSON.stringify({ ...result, problems: undefined })}`)
  expect(result.problems).toEqual([])
  expect(result).toMatchObject({ errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0, unavailableBeforeOutage: 0 })
  expect(result.unavailable).toBeGreaterThanOrEqual(300)
  expect(result.writtenBeforeOutage).toBeGreaterThan(10)
  expect(result.readBackAfterOutage).toBe(result.survivors)
  expect(result.survivors).toBe(result.writtenBeforeOutage)
  expect(result.ok).toBeGreaterThan(2_000)
}, 150_000)
