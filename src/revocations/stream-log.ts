/**
 * The revocation log on Redis itself: one stream, `ifs:rv:stream` (after the driver's `base`), used when
 * `revocable({ store })` is given unstorage's Redis driver (single or cluster): the driver hands over its ioredis
 * client, and apps that followed docs/revocations.md change nothing.
 *
 *   XADD ifs:rv:stream MINID ~ <now − lifetime> * t id v <id>                      a revoked id
 *   XADD ifs:rv:stream MINID ~ <now − lifetime> * t user v <userKey> at <ms> x <id|->  a user's not-before
 *
 * A refresh reads the entries after the last one it saw (`XRANGE (last +`), so it costs in proportion to the
 * new revocations, whatever else the database holds; the first one reads the live entries. Each append trims
 * entries older than the longest a seal can live, so the stream never outgrows what can still matter. A
 * stream has no TTL, so a `volatile-*` eviction policy never takes it. On a cluster the stream is one key,
 * on one shard (ioredis routes it); the markers for strict reads stay where they were (`ifs:rv:id:<id>`,
 * `ifs:rv:user:<key>`, through the store).
 */
import { isSessionId } from '../core/ids.ts'
import { USER_KEY } from '../store/user-key.ts'
import { redisOf, type RedisAccess } from '../store/redis.ts'

/** The ioredis calls used (a Redis or a Cluster client). */
export interface StreamClient {
  xadd(key: string, ...args: string[]): Promise<unknown>
  xrange(key: string, start: string, end: string, count: 'COUNT', n: number): Promise<unknown>
  config?(operation: 'GET', parameter: string): Promise<unknown>
}

/** Told once per process: a Redis that may evict what revocations need. */
let evictionTold = false

/** What a refresh adds to the view. */
export interface LogSink {
  addId(id: string, at: number): void
  addUser(userKey: string, at: number, except: string | undefined): void
}

/** What push adds: every entry appended before `at` has been absorbed, so the view is as fresh as that. */
export interface PushSink extends LogSink {
  fresh(at: number): void
}

/** The connection push blocks on: a duplicate of the app's client. */
interface PushClient {
  xread(...args: Array<string | number>): Promise<unknown>
  on(event: 'error', listener: (error: unknown) => void): unknown
  once?(event: 'connect', listener: () => void): unknown
  disconnect(): void
  connect?(): Promise<unknown>
  status?: string
  stream?: { unref?(): void }
}

const STREAM = 'ifs:rv:stream'
/** Entries read a round trip: a burst of revocations is read in pages. */
const PAGE = 1000

/**
 * The stream log, or undefined when the store is not unstorage's Redis driver (then revocations list keys, as
 * before). Taken only once `access` is verified (src/store/redis.ts): a storage that rewrites its keys
 * (unstorage's prefixStorage) would otherwise put the stream outside its prefix, shared with other apps.
 */
export function streamLogOf(store: unknown): StreamLog | undefined {
  const access = redisOf(store, [STREAM])
  return access && new StreamLog(access, () => access.client() as unknown as StreamClient, access.key(STREAM))
}

export class StreamLog {
  /** The id of the last entry absorbed: the next refresh reads after it. */
  #last: string | undefined
  #listening = false

  /** Push is on: the view is kept fresh by the blocking read, and needs no refresh while it answers. */
  get listening(): boolean {
    return this.#listening
  }

  constructor(
    /** How the store reached Redis, and whether that was verified (src/store/redis.ts). */
    readonly access: RedisAccess,
    readonly client: () => StreamClient,
    readonly key: string,
  ) {}

  /** Appends an entry, trimming those older than `oldest` (ms): nothing a seal could still need. */
  append(fields: string[], oldest: number): Promise<unknown> {
    return this.client().xadd(this.key, 'MINID', '~', String(Math.max(0, Math.floor(oldest))), '*', ...fields)
  }

  logId(id: string, oldest: number): Promise<unknown> {
    return this.append(['t', 'id', 'v', id], oldest)
  }

  logUser(userKey: string, at: number, except: string | undefined, oldest: number): Promise<unknown> {
    return this.append(['t', 'user', 'v', userKey, 'at', String(at), 'x', except ?? '-'], oldest)
  }

  /**
   * Push: a blocking read (`XREAD BLOCK`) on a connection of its own, a duplicate of the app's client, so a
   * revocation reaches this instance's view as it is written, and the view counts as fresh as long as the
   * connection answers (every `blockMs` at the latest). It stops when the app's client ends, or at its first
   * failure: refreshes then read the log as before (the lag bounds how stale the view gets), and the next one
   * starts it again. Its socket does not keep a process alive.
   */
  listen(sink: PushSink, blockMs: number): void {
    if (this.#listening) return
    const main = this.client() as StreamClient & { duplicate?(): PushClient; status?: string }
    if (typeof main.duplicate !== 'function') return
    let sub: PushClient
    try {
      sub = main.duplicate()
    } catch {
      return
    }
    this.#listening = true
    // An 'error' event without a listener would throw; a failure ends the loop below instead.
    sub.on('error', () => {})
    const unref = () => sub.stream?.unref?.()
    unref()
    sub.once?.('connect', unref)
    const loop = async () => {
      try {
        // A client made with lazyConnect (the Redis setup of docs/stores.md) duplicates unconnected, and without an offline queue it would refuse the read.
        if (sub.status === 'wait' && typeof sub.connect === 'function') await sub.connect()
        unref()
        while (main.status !== 'end' && main.status !== 'close') {
          const issued = Date.now()
          const reply = await sub.xread('BLOCK', blockMs, 'STREAMS', this.key, this.#last ?? '0-0')
          // No entries: nothing was appended until the reply, so the view is complete as of now; entries: as of the read.
          if (!Array.isArray(reply)) {
            sink.fresh(Date.now())
            continue
          }
          for (const [, entries] of reply as Array<[string, Array<[string, string[]]>]>) this.#absorbAll(sink, entries ?? [])
          sink.fresh(issued)
        }
      } catch {
        // Refreshes go on reading the log; the next successful one listens again.
      } finally {
        this.#listening = false
        sub.disconnect()
      }
    }
    void loop()
  }

  /** Reads what was appended since the last refresh (the live entries, the first time) into the view. */
  async refresh(sink: LogSink): Promise<void> {
    if (this.#last === undefined && !evictionTold) await checkEvictionOf(this.client())
    let start = this.#last === undefined ? '-' : `(${this.#last}`
    for (;;) {
      const page = await this.client().xrange(this.key, start, '+', 'COUNT', PAGE)
      if (!Array.isArray(page)) throw new TypeError(`XRANGE answered ${page === null ? 'null' : typeof page}, not a list of entries`)
      const last = this.#absorbAll(sink, page as Array<[string, string[]]>)
      if (page.length < PAGE || last === undefined) return
      start = `(${last}`
    }
  }

  /** Absorbs entries read after the last one seen (by XRANGE or XREAD), and moves the last one seen on; returns the last read. */
  #absorbAll(sink: LogSink, entries: Array<[string, string[]]>): string | undefined {
    for (const entry of entries) absorb(sink, entry)
    const last = entries[entries.length - 1]?.[0]
    if (last !== undefined && (this.#last === undefined || after(last, this.#last))) this.#last = last
    return last
  }
}

/**
 * Once, with the first load: a Redis whose maxmemory-policy evicts keys may take a revocation marker (`volatile-*`,
 * which evicts keys with a TTL: strict reads would then accept a signed-out cookie) or the stream itself (`allkeys-*`).
 * Where CONFIG is not allowed (some managed Redis), nothing is said.
 */
async function checkEvictionOf(client: StreamClient): Promise<void> {
  let policy: unknown
  try {
    const reply = await client.config?.('GET', 'maxmemory-policy')
    policy = Array.isArray(reply) ? reply[1] : undefined
  } catch {
    return
  }
  if (evictionTold || typeof policy !== 'string' || policy === 'noeviction') return
  evictionTold = true
  console.warn(
    `iron-fetch-session: the Redis that keeps revocations may evict keys under memory pressure (maxmemory-policy ${policy}): ` +
      (policy.startsWith('allkeys')
        ? 'it may evict the revocation log and markers, and a signed-out cookie would read again. '
        : 'it may evict revocation markers (they have a TTL), and with strict reads (lag: 0) a signed-out cookie would read again. ') +
      'Give revocations a Redis (or a database) with maxmemory-policy noeviction, and persistence (appendonly yes), so that neither memory pressure nor a restart loses one.',
  )
}

/** Stream ids are `<ms>-<seq>`: whether `a` comes after `b`. */
function after(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number)
  const [bm = 0, bs = 0] = b.split('-').map(Number)
  return am > bm || (am === bm && as > bs)
}

function absorb(sink: LogSink, entry: [string, string[]]): void {
  const [streamId, fields] = entry
  if (typeof streamId !== 'string' || !Array.isArray(fields)) return
  const at = Number(streamId.split('-', 1)[0])
  if (!Number.isSafeInteger(at)) return
  const value = (name: string) => {
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]
    return undefined
  }
  const kind = value('t')
  const subject = value('v')
  if (kind === 'id' && isSessionId(subject)) sink.addId(subject, at)
  else if (kind === 'user' && typeof subject === 'string' && USER_KEY.test(subject)) {
    const notBefore = Number(value('at'))
    const except = value('x')
    if (Number.isSafeInteger(notBefore)) sink.addUser(subject, notBefore, isSessionId(except) ? except : undefined)
  }
}

/** The ioredis calls the store below uses, beside the stream's. */
interface IoRedis extends StreamClient {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ...args: Array<string | number>): Promise<unknown>
  unlink(key: string): Promise<unknown>
  scan(cursor: string, ...args: Array<string | number>): Promise<[string, string[]]>
}

/** What redisRevocationStore() makes: the revocations' store calls, and the driver streamLogOf() looks for. */
export interface RedisRevocationStore {
  /** The value under `name` (null: none). */
  getItem(name: string): Promise<string | null>
  /** Writes `value` under `name`, expiring after `ttl` seconds when given. */
  setItem(name: string, value: string, options?: { ttl?: number }): Promise<unknown>
  /** Removes `name`. */
  removeItem(name: string): Promise<unknown>
  /** The names under `prefix` (a SCAN). */
  getKeys(prefix: string): Promise<string[]>
  /** As unstorage's Storage answers it: what streamLogOf() looks for. */
  getMount(): {
    base: string
    driver: {
      name: string
      options: { base: string }
      /** The app's ioredis client. */
      getInstance: () => object
    }
  }
}

/**
 * The revocations' store over an ioredis client the app already has (a `Redis` or a `Cluster`): the same keys as
 * through unstorage's Redis driver (under `base`, joined with ':'), and the log as one stream, with push.
 *
 *   revocable({ store: redisRevocationStore(redis), lag: 5 })
 */
export function redisRevocationStore(redis: object, options: { base?: string } = {}): RedisRevocationStore {
  // Typed loosely on purpose: ioredis's overloads (Redis and Cluster alike) do not match a structural type.
  const client = redis as IoRedis
  const base = (options.base ?? '').replace(/:$/, '')
  const key = (name: string) => (base ? `${base}:${name}` : name)
  const driver = {
    name: 'redis',
    options: { base },
    /** The ioredis client, as unstorage's Redis driver hands it over. */
    getInstance: () => client,
  }
  return {
    /** The value under the key, or null. */
    getItem: async (name: string) => (await client.get(key(name))) ?? null,
    /** Writes the value, with `ttl` seconds when given. */
    setItem: async (name: string, value: string, opts: { ttl?: number } = {}) => (opts.ttl ? client.set(key(name), value, 'EX', opts.ttl) : client.set(key(name), value)),
    /** Removes the key. */
    removeItem: (name: string) => client.unlink(key(name)),
    /** The keys under a prefix, by SCAN. */
    getKeys: async (prefix: string) => {
      const found: string[] = []
      let cursor = '0'
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${key(prefix).replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000)
        cursor = next
        for (const name of keys) found.push(base ? name.slice(base.length + 1) : name)
      } while (cursor !== '0')
      return found
    },
    /** As unstorage's Storage answers it: what streamLogOf() looks for. */
    getMount: () => ({ base: '', driver }),
  }
}
