// The short load run (the full one, 50,000 requests, is in npm run bench): the Hono example in its own
// process on 127.0.0.1, 64 clients in flight, each with its own cookie jar and count of writes.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runLoad, startExample } from '../bench/load.js'

let example: { origin: string; stop: () => Promise<void> }

beforeAll(async () => {
  example = await startExample({ password: 'a-load-test-password-of-at-least-32-chars' })
}, 30_000)

afterAll(async () => {
  await example?.stop()
})

it('3,000 requests from 64 concurrent clients: no error, no unexpected status, no lost write, no session crossing', async () => {
  const result = await runLoad({ origin: example.origin, requests: 3_000, connections: 64 })
  expect(result.problems).toEqual([])
  expect(result).toMatchObject({ errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0 })
  expect(result.requests).toBeGreaterThanOrEqual(3_000)
  expect(result.clients).toBeGreaterThanOrEqual(64)
  expect(result.writes).toBeGreaterThan(1_000)
}, 120_000)
