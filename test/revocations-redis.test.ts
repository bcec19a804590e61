// Revocations across two real processes (examples/hono, each its own Node process) sharing one Redis
// that this test starts, for revocations only: the data stays in the cookie. A load of 64 clients
// goes back and forth between them while sign-outs made on one process are replayed on the other.
// Then Redis stops answering: lagged processes go on from their view, strict ones answer 503.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { runRevocationLoad } from '../bench/revocation-load.js'
import { startPair } from '../bench/store-load.js'

let redis: RunningRedis

beforeAll(async () => {
  redis = await startRedis()
}, 30_000)

afterAll(async () => {
  await redis?.stop()
})

it('lag 1 s: 64 clients across two processes lose no write and read no one else; every sign-out holds on the other process within lag + 1 s', async () => {
  const result = await runRevocationLoad({ redis, lag: 1, requests: 2_000, connections: 64, probes: 6 })
  console.log(`revocation run: ${JSON.stringify({ ...result, load: { ...result.load, problems: undefined } })}`)
  expect(result.load.problems).toEqual([])
  expect(result.load).toMatchObject({ errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0 })
  expect(result.load.requests).toBeGreaterThanOrEqual(2_000)
  expect(result.probes.every((p) => p.signedInBefore)).toBe(true)
  expect(result.acceptedAfterBound).toBe(0)
  expect(result.maxHeldAfterMs).toBeLessThanOrEqual(2_000)
  // Sign-ins and visits wrote nothing to Redis: only the probes' sign-outs are there (a marker each, and one stream, the log).
  expect(result.redisKeys).toBe(result.probes.length + 1)
}, 120_000)

it('Redis frozen: strict processes answer 503 at once, lagged ones once their view is older than the lag (never silently open); afterwards both read the same sessions', async () => {
  const lagged = await startPair({ SESSION_REVOCATIONS: redis.url, SESSION_REVOCATIONS_LAG: '1' })
  const strict = await startPair({ SESSION_REVOCATIONS: redis.url, SESSION_REVOCATIONS_LAG: '0' })
  try {
    const origin = lagged.origins[0]!
    const login = await fetch(`${origin}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: 'username=demo&password=demo', redirect: 'manual' })
    const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ')
    const me = async (target: string) => {
      const response = await fetch(`${target}/api/me`, { headers: { cookie }, signal: AbortSignal.timeout(15_000) })
      return { status: response.status, user: response.status === 200 ? ((await response.json()) as { user: { username: string } | null }).user?.username : undefined }
    }
    const all = [...lagged.origins, ...strict.origins]
    for (const target of all) expect(await me(target)).toEqual({ status: 200, user: 'demo' })
    redis.freeze()
    try {
      const frozenAt = Date.now()
      expect(await Promise.all(strict.origins.map(me))).toEqual([{ status: 503, user: undefined }, { status: 503, user: undefined }])
      // Bounded by the lag (1 s) and the refresh's storeTimeout, not by a sleep: each lagged process answers 503 once its view
      // is older than the lag, and never accepts the cookie silently from a stale view.
      for (const target of lagged.origins) {
        let answer = await me(target)
        while (answer.status === 200 && Date.now() - frozenAt < 30_000) {
          expect(answer.user).toBe('demo')
          await new Promise((resolve) => setTimeout(resolve, 100))
          answer = await me(target)
        }
        expect(answer).toEqual({ status: 503, user: undefined })
      }
    } finally {
      redis.thaw()
    }
    // Thawed: strict at once; lagged within a lag (a failed refresh is tried again a lag later), polled, not slept.
    for (const target of all) {
      const thawedAt = Date.now()
      let answer = await me(target)
      while (answer.status === 503 && Date.now() - thawedAt < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        answer = await me(target)
      }
      expect(answer).toEqual({ status: 200, user: 'demo' })
    }
  } finally {
    await Promise.all([lagged.stop(), strict.stop()])
  }
}, 120_000)
