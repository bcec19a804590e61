/**
 * The store's hot path on Redis itself, when the storage is unstorage's Redis driver: the driver hands over
 * its ioredis client (as it does to revocations, src/revocations/stream-log.ts), and the store talks to it
 * directly — the same keys, the same values, as the driver would write them, so nothing moves and the
 * generic path reads what this one wrote. What it changes is the number of commands:
 *
 *   read    one MGET of the record, its revocation marker and its user's not-before time (a Redis Cluster,
 *           whose keys sit on different shards, gets the GETs at once instead: one round trip, per shard)
 *   write   one SET of the record, with its expiry (EX)
 *   sign-in one EVAL of FILE_AND_WRITE: the session filed on its user's list, its record written and the id it
 *           replaces ended, atomically, so no read-back is needed (user-index.ts does it without a script);
 *           on a Cluster, whose keys sit on different shards, the generic path serves
 *
 * Any other store (memory, a directory, Workers KV, a Redis reached some other way) keeps the generic
 * path through getItem/setItem.
 */

import { newSessionId } from '../core/ids.ts'

/** The ioredis calls used (a `Redis` or a `Cluster`). */
interface RedisClient {
  mget(...keys: string[]): Promise<Array<string | null>>
  eval(script: string, keyCount: number, ...args: Array<string | number>): Promise<unknown>
  get(key: string): Promise<string | null>
  set(key: string, value: string, ...args: Array<string | number>): Promise<unknown>
  isCluster?: boolean
}

/** The driver's client and how it names a key of ours. */
export interface RedisAccess {
  client(): RedisClient
  /** The key as the driver writes it: the mount's own key, under the driver's base. */
  key(name: string): string
  /**
   * Whether the storage's own calls land on these keys: true, false, or undefined until checked. A storage
   * that rewrites keys before they reach its mounts (unstorage's prefixStorage) hides that from getMount,
   * so the hot path is taken only once a write through the storage was found where `key` says.
   */
  verified: boolean | undefined
  /** Checks it once (a SET, a GET and a DEL); a failure is not remembered: the next call checks again. */
  verify(): Promise<boolean>
}

/** The key families the store's hot path touches: all must go to one Redis driver, under one mount, or none does. */
const STORE_FAMILIES = ['ifs:session:', 'ifs:revoked:', 'ifs:nb:', 'ifs:users:']
const PROBE = 'ifs1:probe'

type Mount = { base?: string; driver?: { name?: unknown; options?: { base?: unknown }; getInstance?: () => unknown } }
type ProbeStorage = { setItem(key: string, value: string, options: { ttl?: number }): unknown; removeItem(key: string): unknown }

/**
 * The Redis behind `storage` for keys under `families`, or undefined when it is not unstorage's Redis driver
 * (then the generic path serves). Revocations use it for their stream (src/revocations/stream-log.ts).
 */
export function redisOf(storage: unknown, families: string[] = STORE_FAMILIES): RedisAccess | undefined {
  const getMount = (storage as { getMount?: (key: string) => Mount }).getMount
  if (typeof getMount !== 'function') return undefined
  const mounts = families.map((family) => getMount.call(storage, family))
  const [mount] = mounts
  const driver = mount?.driver
  if (!driver || driver.name !== 'redis' || typeof driver.getInstance !== 'function') return undefined
  if (mounts.some((other) => other?.driver !== driver || other.base !== mount.base)) return undefined
  const strip = (mount.base ?? '').length
  const base = typeof driver.options?.base === 'string' ? driver.options.base.replace(/:$/, '') : ''
  const getInstance = driver.getInstance.bind(driver)
  let checking: Promise<boolean> | undefined
  const access: RedisAccess = {
    client: () => getInstance() as RedisClient,
    key: base ? (name) => `${base}:${name.slice(strip)}` : (name) => name.slice(strip),
    verified: undefined,
    verify: () =>
      (checking ??= probe(storage as ProbeStorage, access, `${families[0]!.replace(/:?$/, ':')}probe-${newSessionId()}`).then(
        (found) => (access.verified = found),
        (error: unknown) => {
          checking = undefined
          throw error
        },
      )),
  }
  return access
}

async function probe(storage: ProbeStorage, access: RedisAccess, name: string): Promise<boolean> {
  await storage.setItem(name, PROBE, { ttl: 60 })
  try {
    return (await access.client().get(access.key(name))) === PROBE
  } finally {
    await storage.removeItem(name)
  }
}

/**
 * The access when it is known to be right; undefined when it is not (the generic path serves), and a promise
 * while the one check runs. A check that fails (Redis down) leaves this call to the generic path, whose own
 * failure names the call and key it failed on.
 */
export function checked(redis: RedisAccess | undefined): RedisAccess | undefined | Promise<RedisAccess | undefined> {
  if (redis === undefined || redis.verified === false) return undefined
  if (redis.verified) return redis
  return redis.verify().then(
    (found) => (found ? redis : undefined),
    () => undefined,
  )
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

/**
 * KEYS: the user's list, the record, and when an id ends: its revocation marker, its record, and a key of the
 * layout before. ARGV: the id, its entry's end (ms, 0: never), now (ms), the entries kept, the record and its
 * ttl (s, 0: none), the marker and its ttl. The list is user-index.ts's: `ifs1:` and JSON { id: end }, ended
 * entries dropped, the latest-ending kept; it lives as long as its longest entry.
 */
const FILE_AND_WRITE = `
local now = tonumber(ARGV[3])
local entries = {}
local raw = redis.call('GET', KEYS[1])
if raw and string.sub(raw, 1, 5) == 'ifs1:' then
  local ok, list = pcall(cjson.decode, string.sub(raw, 6))
  if ok and type(list) == 'table' then
    for id, ends in pairs(list) do
      if type(id) == 'string' and id ~= ARGV[1] and type(ends) == 'number' and (ends == 0 or ends > now) then entries[#entries + 1] = { id, ends } end
    end
  end
end
entries[#entries + 1] = { ARGV[1], tonumber(ARGV[2]) }
local function last(ends) if ends == 0 then return math.huge end return ends end
table.sort(entries, function(a, b) return last(a[2]) > last(b[2]) end)
local kept, longest = {}, 0
for i = 1, math.min(#entries, tonumber(ARGV[4])) do
  kept[entries[i][1]] = entries[i][2]
  longest = math.max(longest, last(entries[i][2]))
end
local value = 'ifs1:' .. cjson.encode(kept)
if longest == math.huge then redis.call('SET', KEYS[1], value) else redis.call('SET', KEYS[1], value, 'PX', math.max(1, longest - now)) end
if tonumber(ARGV[6]) > 0 then redis.call('SET', KEYS[2], ARGV[5], 'EX', ARGV[6]) else redis.call('SET', KEYS[2], ARGV[5]) end
if #KEYS >= 4 then
  if tonumber(ARGV[8]) > 0 then redis.call('SET', KEYS[3], ARGV[7], 'EX', ARGV[8]) else redis.call('SET', KEYS[3], ARGV[7]) end
  redis.call('DEL', KEYS[4])
  if #KEYS >= 5 then redis.call('DEL', KEYS[5]) end
end
return 1
`

/** Whether one script may touch several keys: a single Redis, not a Cluster. */
export const scripted = (redis: RedisAccess): boolean => !redis.client().isCluster

/** A sign-in's writes as one command (FILE_AND_WRITE): filed on the list, the record written, `ends` ended. */
export function fileAndWrite(
  redis: RedisAccess,
  write: { list: string; id: string; until: number; now: number; max: number; record: string; recordValue: string; recordTtl: number | undefined },
  ends?: { marker: string; markerValue: string; markerTtl: number | undefined; record: string; legacy?: string | undefined },
): Promise<unknown> {
  const names = [write.list, write.record, ...(ends ? [ends.marker, ends.record, ...(ends.legacy === undefined ? [] : [ends.legacy])] : [])]
  const args = [write.id, write.until, write.now, write.max, write.recordValue, write.recordTtl ?? 0, ends?.markerValue ?? '', ends?.markerTtl ?? 0]
  return redis.client().eval(FILE_AND_WRITE, names.length, ...names.map(redis.key), ...args)
}
