/**
 * The store's hot path on Redis itself, when the storage is unstorage's Redis driver: the driver hands over
 * its ioredis client (as it does to revocations, src/revocations/stream-log.ts), and the store talks to it
 * directly — the same keys, the same values, as the driver would write them, so nothing moves and the
 * generic path reads what this one wrote. What it changes is the number of commands:
 *
 *   read    one MGET of the record, its revocation marker and its user's not-before time (a Redis Cluster,
 *           whose keys sit on different shards, gets the GETs at once instead: one round trip, per shard)
 *   write   one SET of the record, with its expiry (EX)
 *
 * Any other store (memory, a directory, Workers KV, a Redis reached some other way) keeps the generic
 * path through getItem/setItem.
 */

/** The ioredis calls used (a `Redis` or a `Cluster`). */
interface RedisClient {
  mget(...keys: string[]): Promise<Array<string | null>>
  get(key: string): Promise<string | null>
  set(key: string, value: string, ...args: Array<string | number>): Promise<unknown>
  isCluster?: boolean
}

/** The driver's client and how it names a key of ours. */
export interface RedisAccess {
  client(): RedisClient
  /** The key as the driver writes it: the mount's own key, under the driver's base. */
  key(name: string): string
}

/** The key families the hot path touches: all must go to one Redis driver, under one mount, or none does. */
const FAMILIES = ['ifs:session:', 'ifs:revoked:', 'ifs:nb:']

type Mount = { base?: string; driver?: { name?: unknown; options?: { base?: unknown }; getInstance?: () => unknown } }

/** The Redis behind `storage`, or undefined when it is not unstorage's Redis driver (then the generic path serves). */
export function redisOf(storage: unknown): RedisAccess | undefined {
  const getMount = (storage as { getMount?: (key: string) => Mount }).getMount
  if (typeof getMount !== 'function') return undefined
  const mounts = FAMILIES.map((family) => getMount.call(storage, family))
  const [mount] = mounts
  const driver = mount?.driver
  if (!driver || driver.name !== 'redis' || typeof driver.getInstance !== 'function') return undefined
  if (mounts.some((other) => other?.driver !== driver || other.base !== mount.base)) return undefined
  const strip = (mount.base ?? '').length
  const base = typeof driver.options?.base === 'string' ? driver.options.base.replace(/:$/, '') : ''
  const getInstance = driver.getInstance.bind(driver)
  return { client: () => getInstance() as RedisClient, key: base ? (name) => `${base}:${name.slice(strip)}` : (name) => name.slice(strip) }
}

/** The values under `names` (null: none), in one command on one Redis; at once, one GET each, on a Cluster. */
export function readAll(redis: RedisAccess, names: string[]): Promise<Array<string | null>> {
  const client = redis.client()
  const keys = names.map(redis.key)
  return client.isCluster ? Promise.all(keys.map((key) => client.get(key))) : client.mget(...keys)
}

/** One SET, with the expiry in seconds when there is one. */
export function write(redis: RedisAccess, name: string, value: string, ttl: number | undefined): Promise<unknown> {
  const client = redis.client()
  return ttl ? client.set(redis.key(name), value, 'EX', ttl) : client.set(redis.key(name), value)
}
