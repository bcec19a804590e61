// A Redis Cluster failover under the outage run's load: two examples/hono processes (each its own
// Node process) share a cluster this file starts, 64 clients go back and forth between them, and a
// master is killed (SIGKILL) in the middle until its replica is promoted.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCluster, type RunningCluster } from '../bench/redis.js'
import { runOutage, startPair } from '../bench/store-load.js'

let cluster: RunningCluster

beforeAll(async () => {
  cluster = await startCluster()
}, 60_000)

afterAll(async () => {
  await cluster?.stop()
})

it('two examples/hono processes under 64 clients while a master is killed: only the failover’s 503s, no wrong read, every session from before read back', async () => {
  const pair = await startPair({ SESSION_STORE: `redis-cluster://${cluster.nodes.map(({ port }) => `127.0.0.1:${port}`).join(',')}` })
  try {
    let killed: number | undefined
    // The outage run's two steps, for a cluster: a master dies, then its replica takes over.
    const outage = {
      shutdownSave: async () => {
        killed = (await cluster.masters())[0]!
        await cluster.kill(killed)
      },
      restart: async () => cluster.waitForFailover(killed!),
    }
    const result = await runOutage({ redis: outage as never, origins: pair.origins, connections: 64, before: 1_500, during: 1, after: 1_500 })
    console.log(`cluster failover, two processes: ${JSON.stringify({ ...result, problems: undefined })}`)
    expect(result).toMatchObject({ errors: 0, unexpected: 0, unavailableBeforeOutage: 0 })
    expect(result.unavailable).toBeGreaterThan(0)
    // Every client here is the demo user, so a read one write behind (a write the dead master acknowledged and never
    // replicated) counts as a mismatch: asynchronous replication can lose those. Measured, and few; crossing between
    // clients is ruled out by store-cluster.test.ts, where each client has its own identity.
    expect(result.mismatches + result.lostWrites).toBeLessThanOrEqual(5)
    expect(result.survivors).toBe(result.writtenBeforeOutage)
    expect(result.readBackAfterOutage).toBeGreaterThanOrEqual(result.survivors - 5)
  } finally {
    await pair.stop()
  }
}, 150_000)
