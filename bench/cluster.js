// Cluster stage: the load run's clients against two examples/hono processes sharing one Redis, then
// the same two processes sharing a Redis Cluster of three masters and three replicas (started
// here), in one run: requests per second side by side, and the load's checks (0 errors, 0 lost
// writes, 0 reads of another client's session) on both.
import { runLoad } from './load.js'
import { startCluster, startRedis } from './redis.js'
import { startPair } from './store-load.js'

export async function runCluster({ quick, requests = quick ? 4_000 : 20_000, connections = 64 } = {}) {
  const results = {}
  const redis = await startRedis()
  try {
    const pair = await startPair({ SESSION_STORE: redis.url })
    try {
      results.redis = await runLoad({ origins: pair.origins, requests, connections })
    } finally {
      await pair.stop()
    }
  } finally {
    await redis.stop()
  }
  const cluster = await startCluster()
  try {
    const pair = await startPair({ SESSION_STORE: `redis-cluster://${cluster.nodes.map(({ port }) => `127.0.0.1:${port}`).join(',')}` })
    try {
      results.cluster = await runLoad({ origins: pair.origins, requests, connections })
    } finally {
      await pair.stop()
    }
  } finally {
    await cluster.stop()
  }
  return { plan: { requests, connections, processes: 2 }, ...results }
}
