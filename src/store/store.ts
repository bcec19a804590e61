/**
 * A server-side store, when the app gives one: the seal then carries a random
 * session id, and the data lives in the store. This file is the store's
 * contract — unstorage's getItem / setItem(key, value, { ttl }) / removeItem
 * (getKeys for the user index), so an unstorage `Storage` with any driver plugs
 * in as is — the key layout, the record format, and the one rule for failures:
 * a store that throws or does not answer is a SessionStoreError, never an
 * empty session that a later write would turn into lost data.
 *
 *   ifs:session:<id>          the record: `ifs1:` then JSON { data, flash?, created, sealed, expires?, user?, indexed? }
 *   ifs:revoked:<id>          a revocation marker, read with every record
 *   ifs:user:<sha256(user)>:<id>  one key per session of a user (see user-sessions.ts)
 *
 * Records start with `ifs1:` so no store layer (unstorage's destr, a client
 * that auto-parses JSON) changes them on the way back: we parse them ourselves.
 */
import { toHex } from '../core/base64url.ts'
import { SKEW_SECONDS } from '../core/seal.ts'
import { shortId } from '../core/ids.ts'
import type { Passwords } from '../core/passwords.ts'
import type { ModeOptions } from '../core/mode.ts'
import { checked, readAll, redisOf, write, type RedisAccess } from './redis.ts'

/** What a store must offer: an unstorage `Storage` has all of it. Methods may return values or promises. */
export interface SessionStore {
  /** The value under `key`, or null when there is none. */
  getItem(key: string): unknown
  /** Writes `value` under `key`; `ttl` in seconds. */
  setItem(key: string, value: string, options: { ttl?: number }): unknown
  /** Removes `key`. */
  removeItem(key: string): unknown
  /** Keys under a prefix; needed by the user index (`userId` option). */
  getKeys?(base: string): unknown
}

/** The store options, checked. */
export interface StoreConfig {
  store: SessionStore
  /** Milliseconds a store operation may take. */
  timeout: number
  userId: ((data: Record<string, unknown>) => unknown) | undefined
  /** For the user's key in the store: an HMAC under the password (user-key.ts). */
  passwords: Passwords
  /** The largest record, in bytes of UTF-8. */
  maxBytes: number
  /** Cookie-only seals: moved into the store, or refused. */
  legacySeals: 'migrate' | 'refuse'
  /** unstorage's Redis driver, reached directly on the hot path: one command a read, one a write (redis.ts). */
  redis: RedisAccess | undefined
}

export const DEFAULT_STORE_TIMEOUT = 5000
/** A session record's default size limit: far above what a session should hold, far below what hurts to parse on every request. */
export const DEFAULT_MAX_STORED_BYTES = 256 * 1024
export const RECORD_PREFIX = 'ifs1:'
/** Some drivers refuse shorter ttls (Workers KV: 60 s). Records carry their own expiry, checked on read. */
const MIN_STORE_TTL = 60
/** How long a revocation outlives the seals it ends: covers a request in flight when revoke() ran. */
const REVOKED_MARGIN = 3600

export const keys = {
  record: (id: string) => `ifs:session:${id}`,
  revoked: (id: string) => `ifs:revoked:${id}`,
  /** A user's list of sessions and "not before" time, by the user's key (user-index.ts). */
  userList: (userKey: string) => `ifs:users:${userKey}`,
  notBefore: (userKey: string) => `ifs:nb:${userKey}`,
  /** The layout before: one key per session under a plain SHA-256 of the user id, removed as sessions move. */
  legacyUser: (userHash: string, id: string) => `ifs:user:${userHash}:${id}`,
}

/** A store that throws or does not answer: an error for the app to answer (503), never an empty session. */
export class SessionStoreError extends Error {
  override name = 'SessionStoreError'
  constructor(
    /** What was being done: reading a session, writing one, ending one, or listing a user's. */
    readonly operation: 'read' | 'write' | 'end' | 'list',
    message: string,
    options?: { cause: unknown },
  ) {
    super(`iron-fetch-session: ${message}`, options)
  }
}


/** How long the sessions' seals live: what a revocation must outlive. */
export interface Lifetime {
  ttl: number
  maxLifetime: number | undefined
}

/** The store options from the session options: all checked here, at setup, with the fix in the message. */
export function storeConfig(store: SessionStore, options: Pick<ModeOptions, 'storeTimeout' | 'userId' | 'maxStoredBytes' | 'legacySeals'>, passwords: Passwords): StoreConfig {
  const { storeTimeout, userId, maxStoredBytes, legacySeals } = options
  const timeout = storeTimeout ?? DEFAULT_STORE_TIMEOUT
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1 || timeout > 2 ** 31 - 1) {
    throw new TypeError(`iron-fetch-session: storeTimeout must be a whole number of milliseconds, at least 1 (default ${DEFAULT_STORE_TIMEOUT}); got ${String(storeTimeout)}.`)
  }
  if (userId !== undefined && typeof userId !== 'function') {
    throw new TypeError('iron-fetch-session: userId must be a function of the session data, such as (data) => data.user?.id.')
  }
  const maxBytes = maxStoredBytes ?? DEFAULT_MAX_STORED_BYTES
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < 1024) {
    throw new TypeError(`iron-fetch-session: maxStoredBytes must be a whole number of bytes, at least 1024 (default ${DEFAULT_MAX_STORED_BYTES}); got ${String(maxStoredBytes)}.`)
  }
  const legacy = legacySeals ?? 'migrate'
  if (legacy !== 'migrate' && legacy !== 'refuse') throw new TypeError(`iron-fetch-session: legacySeals must be 'migrate' (default) or 'refuse'; got ${String(legacySeals)}.`)
  return { store, timeout, userId: userId as StoreConfig['userId'], passwords, maxBytes, legacySeals: legacy, redis: redisOf(store) }
}

/** Throws unless `store` has the methods every store needs; `option` names it in the message. */
export function checkStoreShape(store: unknown, option: string): void {
  const methods = store !== null && typeof store === 'object' ? (['getItem', 'setItem', 'removeItem'] as const).filter((name) => typeof (store as Record<string, unknown>)[name] !== 'function') : ['getItem', 'setItem', 'removeItem']
  if (methods.length > 0) {
    throw new TypeError(`iron-fetch-session: ${option} must have getItem, setItem and removeItem (missing ${methods.join(', ')}). Pass an unstorage Storage: createStorage({ driver }).`)
  }
}

export { isSessionId, newSessionId, shortId } from '../core/ids.ts'

/**
 * Runs store calls with a deadline. Any throw, rejection or timeout becomes a
 * SessionStoreError naming what was being done; a call that timed out may
 * still land later, which the outage notes of docs/stores.md cover.
 */
export async function guarded<T>(config: Pick<StoreConfig, 'timeout'>, operation: SessionStoreError['operation'], what: string, run: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SessionStoreError(operation, `the session store did not answer within ${config.timeout} ms while ${what}. The session is unknown, not empty: answer 503 and let the client retry.`)), config.timeout)
  })
  try {
    return await Promise.race([Promise.resolve().then(run), deadline])
  } catch (error) {
    if (error instanceof SessionStoreError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new SessionStoreError(operation, `the session store failed while ${what}: ${reason}. The session is unknown, not empty: answer 503 and let the client retry.`, { cause: error instanceof StoreCallError ? error.cause : error })
  } finally {
    clearTimeout(timer)
  }
}

/**
 * One store call, as a promise. An Error *returned* is thrown: unstorage's fs driver
 * resolves with the error for a failure other than "not found" (EACCES, ENOTDIR), and
 * taking it for a value would read a failing disk as a missing session. A failure names
 * the call and its key (ids shortened), so a log says which one failed.
 */
export function call(store: SessionStore, method: 'getItem' | 'setItem' | 'removeItem' | 'getKeys', key: string, ...rest: unknown[]): Promise<unknown> {
  return attempt(method, key, () => (store[method] as (key: string, ...rest: unknown[]) => unknown).call(store, key, ...rest))
}

/** One call of any kind (a Redis command too), failing as `call` does: naming the call and its key. */
export async function attempt<T>(method: string, key: string, run: () => T): Promise<Awaited<T>> {
  let value: Awaited<T>
  try {
    value = await run()
  } catch (error) {
    throw new StoreCallError(method, key, error)
  }
  if (value instanceof Error) throw new StoreCallError(method, key, value)
  return value
}

/** A store call that threw, rejected or returned an Error: which call, on which key, and why. */
class StoreCallError extends Error {
  constructor(method: string, key: string, cause: unknown) {
    super(`${method}("${key.replace(/([0-9a-f]{8})[0-9a-f]{24,}/g, '$1…')}") failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/** A session's record as stored. Times are milliseconds since the epoch. */
export interface StoredRecord {
  data: Record<string, unknown>
  flash?: Record<string, unknown>
  created: number
  /** When its id was made (identity.ts); absent in records of 0.1, whose ids were born with them (created). */
  born?: number
  /** When this record (and the seal naming it) was written. */
  sealed: number
  /** When it ends, as the seal does; absent for ttl 0. Checked on read: some drivers ignore ttl. */
  expires?: number
  /** The user it belongs to, from the userId option. */
  user?: string
  /** When its entry on its user's list ends; absent when that entry has no end. */
  indexed?: number
  /** 2: filed on its user's list (user-index.ts); absent: filed the way before, or no user. */
  filed?: number
}

/** The stored string. The data's JSON is passed in as already made by commit, not stringified twice. */
export function encodeRecord(record: Omit<StoredRecord, 'data'>, dataJson: string): string {
  return `${RECORD_PREFIX}${JSON.stringify(record).slice(0, -1)}${Object.keys(record).length > 0 ? ',' : ''}"data":${dataJson}}`
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** The record, or a description of what is wrong with the stored value. */
export function decodeRecord(value: unknown): StoredRecord | string {
  if (typeof value !== 'string' || !value.startsWith(RECORD_PREFIX)) return `the stored value is not a session record (${typeof value})`
  let parsed: unknown
  try {
    parsed = JSON.parse(value.slice(RECORD_PREFIX.length))
  } catch {
    return 'the stored record is not JSON'
  }
  if (!isObject(parsed) || !isObject(parsed.data) || !isTime(parsed.created) || !isTime(parsed.sealed)) return 'the stored record lacks data or times'
  const { flash, expires, user, indexed, born } = parsed
  if ((flash !== undefined && !isObject(flash)) || (expires !== undefined && !isTime(expires)) || (born !== undefined && !isTime(born)) || (user !== undefined && typeof user !== 'string') || (indexed !== undefined && !isTime(indexed))) {
    return 'the stored record has a malformed field'
  }
  return parsed as unknown as StoredRecord
}

/** The store ttl, in whole seconds, for something that must outlive a seal of `ttl` seconds; undefined: no expiry. */
export function storeTtl(ttl: number): number | undefined {
  return ttl > 0 ? Math.max(MIN_STORE_TTL, ttl + SKEW_SECONDS) : undefined
}

/** The revocation marker's ttl: past every seal that could still name the id. */
export function revokedTtl(ttl: number, maxLifetime: number | undefined): number | undefined {
  const longest = ttl > 0 ? ttl : maxLifetime
  return longest === undefined ? undefined : longest + SKEW_SECONDS + REVOKED_MARGIN
}

export const ttlOption = (ttl: number | undefined): { ttl?: number } => (ttl === undefined ? {} : { ttl })

/**
 * The record, whether the id was revoked, and (given the user's key, which the seal carries) the user's
 * not-before value, read together: one round trip on one connection (on Redis, one command: redis.ts).
 */
export async function loadRecord(config: StoreConfig, id: string, userKey?: string): Promise<{ value: unknown; revoked: boolean; notBefore: unknown }> {
  const { store } = config
  const names = userKey === undefined ? [keys.record(id), keys.revoked(id)] : [keys.record(id), keys.revoked(id), keys.notBefore(userKey)]
  const [value, marker, notBefore] = await guarded(config, 'read', `reading session ${shortId(id)}`, async () => {
    const redis = await checked(config.redis)
    return redis ? attempt('redis MGET', names[0]!, () => readAll(redis, names)) : Promise.all(names.map((name) => call(store, 'getItem', name)))
  })
  return { value: value ?? undefined, revoked: marker !== null && marker !== undefined, notBefore }
}

/** Writes a session's record, with its store ttl in seconds (undefined: none): one command on Redis. */
export function saveRecord(config: StoreConfig, id: string, encoded: string, ttl: number | undefined): Promise<unknown> {
  const name = keys.record(id)
  return guarded(config, 'write', `writing session ${shortId(id)}`, async () => {
    const redis = await checked(config.redis)
    return redis ? attempt('redis SET', name, () => write(redis, name, encoded, ttl)) : call(config.store, 'setItem', name, encoded, ttlOption(ttl))
  })
}

/** SHA-256 of the user id, as hex: how the layout before named a user (keys.legacyUser), to remove those keys as sessions move. */
export async function userHash(user: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(user))))
}

/** The user a record belongs to, from the userId option: a non-empty string (numbers are written as strings), or undefined. */
export function userOf(config: Pick<StoreConfig, 'userId'>, data: Record<string, unknown>): string | undefined {
  if (!config.userId) return undefined
  const user = config.userId(data)
  if (user === undefined || user === null || user === '') return undefined
  if (typeof user === 'number' && Number.isFinite(user)) return String(user)
  if (typeof user !== 'string') throw new TypeError(`iron-fetch-session: userId returned a ${typeof user}; it must return a string, a number or undefined.`)
  return user
}

// ---------------------------------------------------------------- ending an id, and the user index

/**
 * Ends a session id: first the revocation marker, so the id is dead even if a
 * request already in flight writes its record again; then the data (and a key
 * of the layout before, if any). Its entry on its user's list ends with the
 * entry, and listings skip it meanwhile. Used by destroy(), regenerateId(true),
 * revoke and revokeAll.
 */
export async function endSession(config: StoreConfig, lifetime: Lifetime, id: string, user: string | undefined): Promise<void> {
  const { store } = config
  const hash = user === undefined ? undefined : await userHash(user)
  await guarded(config, 'end', `ending session ${shortId(id)}`, async () => {
    await call(store, 'setItem', keys.revoked(id), `${RECORD_PREFIX}revoked`, ttlOption(revokedTtl(lifetime.ttl, lifetime.maxLifetime)))
    await Promise.all([call(store, 'removeItem', keys.record(id)), hash === undefined ? undefined : call(store, 'removeItem', keys.legacyUser(hash, id))])
  })
}

/** True when the index key (ending at `indexed`, undefined: never) would end before a record ending at `expires`. */
export function indexEndsFirst(indexed: number | undefined, expires: number | undefined): boolean {
  if (indexed === undefined) return false
  return expires === undefined || indexed < expires + SKEW_SECONDS * 1000
}

