// Stores on a Redis Cluster: six redis-servers in cluster mode (three masters, three replicas) that
// this file starts, reached through unstorage's redis driver in cluster mode (ioredis Cluster).
// A user's sessions land on every shard, and are found and ended all the same; then a master is
// killed under load, and every answer is right or a SessionStoreError (503), never another client's.
import { createStorage, type Storage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCluster, type RunningCluster } from '../bench/redis.js'
import { createSessions, SessionStoreError, type Sessions } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password } from './helpers.js'

type Data = { user?: string; client?: number; n?: number }

let cluster: RunningCluster
let storage: Storage

/** The storage as docs/stores.md's Redis Cluster setup makes it: no offline queue, no re-sent commands, connected before use. */
async function clusterStorage(nodes: Array<{ port: number }>): Promise<Storage> {
  const made = createStorage({
    driver: redisDriver({
      cluster: nodes.map(({ port }) => ({ host: '127.0.0.1', port })),
      clusterOptions: { enableOfflineQueue: false, lazyConnect: true, redisOptions: { autoResendUnfulfilledCommands: false } },
    }),
  })
  await (made.getMount('').driver.getInstance!() as { connect(): Promise<void> }).connect()
  return made
}

beforeAll(async () => {
  cluster = await startCluster()
  storage = await clusterStorage(cluster.nodes)
}, 60_000)

afterAll(async () => {
  await storage?.dispose()
  await cluster?.stop()
})

async function signIn(sessions: Sessions<Data>, data: Data) {
  const jar = new Jar()
  const session = await sessions.read(jar.request())
  Object.assign(session.data, data)
  jar.apply(await sessions.commit(session, new Response()))
  return { jar, id: session.id! }
}

it('200 users × 5 sessions across the shards: each user lists exactly theirs, and revokeAll ends them all', async () => {
  const [a, b] = [createSessions<Data>({ password, store: sessionStore(storage), userId: (d) => d.user }), createSessions<Data>({ password, store: sessionStore(storage), userId: (d) => d.user })]
  const users = Array.from({ length: 200 }, (_, i) => `user-${i}`)
  const signedIn = new Map<string, Array<{ jar: Jar; id: string }>>()
  await Promise.all(users.map(async (user, u) => signedIn.set(user, await Promise.all(Array.from({ length: 5 }, (_, d) => signIn(d % 2 ? a : b, { user, n: u * 10 + d }))))))
  // Every master holds some of the records: the keys spread over the slots.
  const counts = await Promise.all((await cluster.masters()).map(async (port) => Number((await cluster.command(port, 'DBSIZE')).slice(1))))
  expect(counts).toHaveLength(3)
  for (const count of counts) expect(count).toBeGreaterThan(100)
  for (const user of users) expect((await b.sessionsOf(user)).map((s) => s.id).sort()).toEqual(signedIn.get(user)!.map((s) => s.id).sort())
  await new Promise((resolve) => setTimeout(resolve, 2))
  for (const user of users.slice(0, 50)) expect(await a.revokeAll(user)).toHaveLength(5)
  for (const [i, user] of users.entries()) {
    const reads = await Promise.all(signedIn.get(user)!.map(async ({ jar }) => (await b.read(jar.request())).unsealError))
    expect(reads).toEqual(Array(5).fill(i < 50 ? 'revoked' : undefined))
  }
}, 120_000)

it('a master killed under load (64 clients on two instances): every answer is right or a 503, none another client’s; sessions read back after the failover', async () => {
  const apps = [createSessions<Data>({ password, store: sessionStore(storage), storeTimeout: 3000 }), createSessions<Data>({ password, store: sessionStore(storage), storeTimeout: 3000 })]
  const result = { ok: 0, unavailable: 0, wrong: 0, lost: 0, acknowledged: 0, readBack: 0, failoverMs: 0 }
  const clients = await Promise.all(Array.from({ length: 64 }, async (_, client) => ({ client, confirmed: 0, uncertain: 0, ...(await signIn(apps[client % 2]!, { client, n: 0 })) })))
  let stop = false
  let killed: number | undefined
  const work = Promise.all(
    clients.map(async (c) => {
      for (let step = 0; !stop; step++) {
        const app = apps[step % 2]!
        try {
          const session = await app.read(c.jar.request())
          const n = session.data.n ?? -1
          // Another client's session, or a count outside what this client wrote: a wrong read.
          if (session.data.client !== c.client || n < c.confirmed || n > c.confirmed + c.uncertain) result.wrong++
          session.data.n = n + 1
          c.jar.apply(await app.commit(session, new Response()))
          c.confirmed = n + 1
          c.uncertain = 0
          result.ok++
        } catch (error) {
          if (!(error instanceof SessionStoreError)) throw error
          result.unavailable++
          c.uncertain++
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
      }
    }),
  )
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  killed = (await cluster.masters())[0]!
  await cluster.kill(killed)
  // The failover: the others mark the master failed, its replica is promoted, and the cluster is ok again.
  const killedAt = Date.now()
  await cluster.waitForFailover(killed)
  result.failoverMs = Date.now() - killedAt
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  stop = true
  await work
  // Read back through a new instance (no cache) on the client that followed the failover.
  const reader = createSessions<Data>({ password, store: sessionStore(storage) })
  for (const c of clients) {
    result.acknowledged++
    const session = await reader.read(c.jar.request())
    if (session.data.client !== c.client) result.wrong++
    else if ((session.data.n ?? -1) >= c.confirmed) result.readBack++
    else result.lost++
  }
  console.log(`cluster failover: ${JSON.stringify(result)}`)
  expect(result.wrong).toBe(0)
  expect(result.ok).toBeGreaterThan(500)
  expect(result.unavailable).toBeGreaterThan(0)
  // Asynchronous replication can lose writes the master acknowledged just before it died: measured, and few.
  expect(result.readBack + result.lost).toBe(64)
  expect(result.lost).toBeLessThanOrEqual(8)
}, 120_000)


it('lagged revocations on the cluster read one stream (src/revocations/stream-log.ts): sign-outs and a revokeAll on one instance hold on another within the lag', async () => {
  const { revocable } = await import('../src/revocations.js')
  const mounted = createStorage()
  mounted.mount('ifs:', redisDriver({ cluster: cluster.nodes.map(({ port }) => ({ host: '127.0.0.1', port })) }))
  try {
    for (const store of [storage, mounted]) {
      const make = () => createSessions<Data>({ password, userId: (d) => d.user, revocations: revocable({ store, lag: 1 }) })
      const [here, there] = [make(), make()]
      const jars = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await signIn(here, { user: `lag-${i}` })).jar))
      const stolen = jars.map((jar) => new Jar(jar.header))
      expect(await Promise.all(stolen.map(async (jar) => (await there.read(jar.request())).data.user))).toEqual(jars.map((_, i) => `lag-${i}`))
      for (const jar of jars.slice(0, 5)) {
        const session = await here.read(jar.request())
        session.destroy()
        jar.apply(await here.commit(session, new Response()))
      }
      await new Promise((resolve) => setTimeout(resolve, 2)) // revokeAll ends what was made before its millisecond
      for (let i = 5; i < 10; i++) await here.revokeAll(`lag-${i}`)
      // Bounded by the lag, not by a sleep: poll until every copy is refused, up to ten lags.
      const deadline = Date.now() + 10_000
      let reads: Array<string | undefined> = []
      while (Date.now() < deadline) {
        reads = await Promise.all(stolen.map(async (jar) => (await there.read(jar.request())).unsealError))
        if (reads.every((reason) => reason === 'revoked')) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(reads).toEqual(Array(10).fill('revoked'))
    }
  } finally {
    await mounted.dispose()
  }
}, 60_000)

it('revocations on the cluster, strict (lag 0): a sign-out on one instance is refused on the other at once, markers on every shard', async () => {
  const { revocable } = await import('../src/revocations.js')
  const make = () => createSessions<Data>({ password, userId: (d) => d.user, revocations: revocable({ store: storage, lag: 0 }) })
  const [here, there] = [make(), make()]
  const jars = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await signIn(here, { user: `r-${i}` })).jar))
  const stolen = jars.map((jar) => new Jar(jar.header))
  for (const jar of jars) {
    const session = await here.read(jar.request())
    session.destroy()
    jar.apply(await here.commit(session, new Response()))
  }
  const reads = await Promise.all(stolen.map(async (jar) => (await there.read(jar.request())).unsealError))
  expect(reads).toEqual(Array(30).fill('revoked'))
}, 60_000)
