/**
 * The stores the store and revocation tests run on, each through unstorage: memory, a directory (fs),
 * and Redis (a redis-server started here on a free 127.0.0.1 port). Call it at a test file's top
 * level: it registers the hooks that start Redis and, after the file, dispose of every storage made
 * and remove every directory. IFS_TEST_NO_REDIS=1, which only the mutation run's config sets
 * (vitest.mutation.config.ts, contributing/mutation.md), leaves Redis out; `npm test` always runs it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStorage, type Storage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, beforeAll } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'

export type StoreDriver = [name: string, make: () => Promise<Storage>]

export function storeDrivers(dirPrefix: string): {
  drivers: StoreDriver[]
  keep: (storage: Storage) => Storage
  reopen: (storage: Storage) => Storage
  redis: () => RunningRedis
  withRedis: boolean
} {
  const withRedis = process.env.IFS_TEST_NO_REDIS !== '1'
  let redis: RunningRedis | undefined
  const storages: Storage[] = []
  const dirs: string[] = []
  /** Disposed of after the file. */
  const keep = (storage: Storage) => (storages.push(storage), storage)
  const reopeners = new WeakMap<Storage, () => Storage>()
  /**
   * Another Storage over the same data, as a second instance of an app holds: memory, the same object
   * (there is no other way to share it); fs, the same directory; Redis, the same URL (its own connection).
   */
  const reopen = (storage: Storage) => reopeners.get(storage)?.() ?? storage

  beforeAll(async () => {
    if (withRedis) redis = await startRedis()
  }, 30_000)

  afterAll(async () => {
    await Promise.allSettled(storages.map((storage) => storage.dispose()))
    await redis?.stop()
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
  })

  const drivers: StoreDriver[] = [
    ['memory', async () => keep(createStorage())],
    ['fs', async () => {
      const dir = await mkdtemp(join(tmpdir(), dirPrefix))
      dirs.push(dir)
      const open = () => keep(createStorage({ driver: fsDriver({ base: dir }) }))
      const storage = open()
      reopeners.set(storage, open)
      return storage
    }],
    ['redis', async () => {
      const open = () => keep(createStorage({ driver: redisDriver({ url: redis!.url }) }))
      const storage = open()
      reopeners.set(storage, open)
      return storage
    }],
  ]
  return { drivers: withRedis ? drivers : drivers.filter(([name]) => name !== 'redis'), keep, reopen, redis: () => redis!, withRedis }
}
