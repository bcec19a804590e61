// examples/hono twice, in two Node processes, sharing a Redis Cluster (3 masters, 3 replicas) this
// test starts: 64 clients going back and forth between them, with the load run's checks.
import { expect, it } from 'vitest'
import { runCluster } from '../bench/cluster.js'

it('2 processes, 64 clients, one Redis and then a Redis Cluster: no error, no lost write, no session crossing', async () => {
  const { redis, cluster } = await runCluster({ requests: 2_000, connections: 64 })
  for (const result of [redis, cluster]) {
    expect(result.problems).toEqual([])
    expect(result).toMatchObject({ errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0 })
    expect(result.requests).toBeGreaterThanOrEqual(2_000)
  }
}, 180_000)
