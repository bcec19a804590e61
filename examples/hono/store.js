/**
 * The store for SESSION_STORE, as unstorage makes it. unstorage is not a dependency of
 * iron-fetch-session: any object with getItem, setItem(key, value, { ttl }) and removeItem
 * is a store, and an unstorage Storage is one, whatever its driver.
 *
 *   (unset)          no store: the whole session is sealed in the cookie
 *   memory           a Map in this process: for development and tests (lost on restart, one process)
 *   fs:<directory>   one file per key under the directory: a single server with a disk
 *   redis://…        Redis, shared by every server process
 *   redis-cluster://host:port,host:port,…   a Redis Cluster (any of its nodes; ioredis finds the rest)
 */
import { createStorage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'
import redisDriver from 'unstorage/drivers/redis'

/** @returns {Promise<import('unstorage').Storage | undefined>} */
export async function createStore(spec) {
  if (!spec) return undefined
  if (spec === 'memory') return createStorage()
  if (spec.startsWith('fs:') && spec.length > 3) return createStorage({ driver: fsDriver({ base: spec.slice(3) }) })
  if (/^rediss?:\/\//.test(spec)) {
    const storage = createStorage({
      driver: redisDriver({
        url: spec,
        // During an outage a command fails at once (the app answers 503) instead of waiting in
        // ioredis's queue and landing after the app already answered: a late write could
        // overwrite a newer one. Connect before serving, since nothing is queued.
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        lazyConnect: true,
      }),
    })
    await storage.getMount('').driver.getInstance().connect()
    return storage
  }
  if (spec.startsWith('redis-cluster://') && spec.length > 16) {
    const cluster = spec
      .slice(16)
      .split(',')
      .map((node) => ({ host: node.slice(0, node.lastIndexOf(':')), port: Number(node.slice(node.lastIndexOf(':') + 1)) }))
    const storage = createStorage({
      driver: redisDriver({ cluster, clusterOptions: { enableOfflineQueue: false, lazyConnect: true, redisOptions: { autoResendUnfulfilledCommands: false } } }),
    })
    const client = storage.getMount('').driver.getInstance()
    client.on('error', (error) => console.warn(`session store: ${error.message}`))
    await client.connect()
    return storage
  }
  throw new TypeError(`SESSION_STORE must be memory, fs:<directory>, a redis:// URL or redis-cluster://host:port,…, got ${JSON.stringify(spec)}.`)
}
