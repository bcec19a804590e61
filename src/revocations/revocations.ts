/**
 * Revocable cookie sessions, a server-side mode (src/core/mode.ts): the data
 * stays in the seal, which also carries the session's identity (an id, its
 * birth and its user's key: src/core/identity.ts); a store holds only what was
 * revoked. A sign-out (destroy, revoke) writes a marker for the id; "sign out
 * everywhere" (revokeAll) writes a per-user "not before" time, which ends every
 * session of that user created earlier, but the one it spares.
 *
 *   ifs:rv:id:<id>                                   the marker, for strict reads
 *   ifs:rv:user:<userKey>                            the user's `{ at, except? }`, for strict reads
 *   ifs:rv:log:<bucket>:id:<id>                      the same marker, listed by lagged views
 *   ifs:rv:log:<bucket>:user:<userKey>:<at>:<except> the same not-before, listed by lagged views
 *
 * A bucket is a minute of revocations. Lagged reads (the default) check an
 * in-process view and make no store call; the view is refreshed before it is
 * `lag` seconds old by listing only the few buckets written since the last
 * refresh, whose keys say everything (no value is read). Strict reads (`lag: 0`)
 * read the marker and the not-before in one round trip. Every key lives as long
 * as a seal naming the id can still be read, and the view forgets it then.
 *
 * userKey is an HMAC of the user id under a key derived from the password, so
 * a key listing confirms no guessed email; a not-before is written under every
 * password's key (a rotation in progress loses nothing), and a seal is checked
 * under the key it carries, or, for a seal from before keys were sealed in,
 * under every password's key.
 */
import type { Passwords } from '../core/passwords.ts'
import { SKEW_SECONDS } from '../core/seal.ts'
import { isSessionId, shortId } from '../core/ids.ts'
import { needsMode, PLAN, type ModeOptions, type Plan, type SealIdentity, type StoredSessionInfo } from '../core/mode.ts'
import { withIdentity, type IdentityParts, type ModeSaved, type ModeWrite, type PartsRead } from '../core/identity.ts'
import { call, checkStoreShape, DEFAULT_STORE_TIMEOUT, guarded, RECORD_PREFIX, revokedTtl, SessionStoreError, ttlOption, userOf, type SessionStore, type StoreConfig } from '../store/store.ts'
import { checkKeys } from '../core/strict.ts'
import { DEV } from '../core/messages.ts'
import { streamLogOf, type PushSink, type StreamLog } from './stream-log.ts'
import { USER_KEY, userKeys } from '../store/user-key.ts'
import { endedBy, parseNotBefore, type NotBefore } from '../store/user-index.ts'

/** Made by `revocable({ store, lag })`; pass it as the `revocations` option. */
export type RevocationsPlan = Plan

/** The options of `revocable()`. */
export interface RevocationsOptions {
  /** Where revocations are kept: an unstorage Storage, or anything with getItem, setItem(key, value, { ttl }), removeItem and getKeys. */
  store: SessionStore
  /**
   * Seconds a revocation may take to hold on every instance (default 5): reads check an in-process view
   * refreshed within that time, with no store call. 0: strict, the store is read on every request.
   */
  lag?: number
  /**
   * A store that fails: 'closed' (default) answers SessionStoreError (503), strict reads at once and lagged ones once
   * their view is older than the lag; 'open' reads the session as not revoked (lagged: from the view as it is).
   */
  onOutage?: 'closed' | 'open'
  /** Told when a lagged view could not be refreshed; reads go on from the last view while it is within the lag. */
  onRefreshError?: ((error: unknown) => void) | undefined
  /**
   * On unstorage's Redis driver (the log is a Redis stream): hear revocations as they are written, on a connection
   * of its own (a duplicate of the driver's client), so a sign-out holds everywhere in milliseconds; `lag` then bounds
   * how stale the view may get when that connection hears nothing. Default true; false reads the log once a lag.
   */
  push?: boolean
}

const KNOWN = ['store', 'lag', 'onOutage', 'onRefreshError', 'push'] as const
export const DEFAULT_LAG = 5
const BUCKET_MS = 60_000
const SKEW_MS = SKEW_SECONDS * 1000
/** After a longer quiet spell, one listing of everything costs less than one per minute missed (a day: 1,440). */
const MAX_BUCKETS_LISTED = 10
const PREFIX = 'ifs:rv:'
const LOG = `${PREFIX}log:`

export const revocationKeys = {
  id: (id: string) => `${PREFIX}id:${id}`,
  user: (userKey: string) => `${PREFIX}user:${userKey}`,
  bucket: (bucket: number) => `${LOG}${bucket}:`,
  loggedId: (bucket: number, id: string) => `${LOG}${bucket}:id:${id}`,
  loggedUser: (bucket: number, userKey: string, at: number, except: string | undefined) => `${LOG}${bucket}:user:${userKey}:${at}:${except ?? '-'}`,
}

const bucketOf = (time: number) => Math.floor(time / BUCKET_MS)

/** What a revocation check knows of a seal: its id, when the id was made (older seals: createdAt stands in), whose it is. */
export type RevocableSeal = Pick<SealIdentity, 'born' | 'createdAt' | 'userKey' | 'user' | 'userKeys'> & { id: string }

/** A user's not-before, as listed: kept until no seal it could end is still readable. */
interface ListedNotBefore extends NotBefore {
  until: number
}

/** The view a lagged instance reads from: live markers and not-before times, and when it was made. */
export class RevocationView {
  readonly ids = new Map<string, number>()
  readonly users = new Map<string, ListedNotBefore>()
  /** Ids by the bucket they were listed in, with when the last of them can matter: expired ones go a bucket at a time. */
  readonly #byBucket = new Map<number, { until: number; ids: string[] }>()
  /** When the listing the view holds began; undefined until the first load. */
  loadedAt: number | undefined
  refreshing: Promise<void> | undefined
  /** When `refreshing` began: one that outlives the store timeout is given up on. */
  refreshingSince = 0
  /** After a failed refresh, requests go on from the view until then without waiting for another. */
  retryAt = 0

  addId(id: string, bucket: number, until: number): void {
    if ((this.ids.get(id) ?? -1) >= until) return
    this.ids.set(id, until)
    const list = this.#byBucket.get(bucket)
    if (!list) this.#byBucket.set(bucket, { until, ids: [id] })
    else {
      list.ids.push(id)
      if (list.until < until) list.until = until
    }
  }

  addUser(userKey: string, at: number, except: string | undefined, until: number): void {
    const known = this.users.get(userKey)
    if (!known || known.at < at) this.users.set(userKey, { at, except, until })
  }

  /**
   * Forgets what can no longer matter: a cost in proportion to what expired (and to the buckets, a minute of
   * revocations each), never to the live ids: a bucket whose last id still matters is not walked.
   */
  prune(now: number): void {
    for (const [bucket, list] of this.#byBucket) {
      if (list.until > now) continue
      for (const id of list.ids) {
        const until = this.ids.get(id)
        if (until !== undefined && until <= now) this.ids.delete(id)
      }
      this.#byBucket.delete(bucket)
    }
    for (const [key, notBefore] of this.users) if (notBefore.until <= now) this.users.delete(key)
  }
}

export class Revocations implements IdentityParts {
  readonly dataInSeal = true
  readonly lifetime: { ttl: number; maxLifetime: number | undefined }
  readonly #store: Pick<StoreConfig, 'store' | 'timeout' | 'userId'>
  readonly #passwords: Passwords
  readonly lag: number
  readonly open: boolean
  readonly #onRefreshError: ((error: unknown) => void) | undefined
  /** Seconds a seal naming an id can still be read after it is revoked: how long markers matter. */
  readonly markerSeconds: number
  readonly view: RevocationView | undefined

  constructor(options: RevocationsOptions, config: { passwords: Passwords; ttl: number; maxLifetime: number | undefined; timeout: number; userId: StoreConfig['userId'] }) {
    this.#store = { store: options.store, timeout: config.timeout, userId: config.userId }
    this.#passwords = config.passwords
    this.lag = options.lag ?? DEFAULT_LAG
    this.open = options.onOutage === 'open'
    this.#onRefreshError = options.onRefreshError
    this.lifetime = { ttl: config.ttl, maxLifetime: config.maxLifetime }
    this.markerSeconds = revokedTtl(config.ttl, config.maxLifetime) as number
    this.view = this.lag > 0 ? new RevocationView() : undefined
    this.#stream = streamLogOf(options.store)
    this.#push = options.push !== false
  }

  readonly #push: boolean

  /** On unstorage's Redis driver: the log is one Redis stream (stream-log.ts), read from where the last refresh ended. */
  readonly #stream: StreamLog | undefined

  /**
   * The stream, once verified to be where the storage's own calls land (src/store/redis.ts); undefined on any other
   * store, or one that rewrites its keys (prefixStorage): then every instance uses the listed log, never the stream.
   * A check that fails (Redis down) rejects, as the call it precedes would: no instance falls back to the other log.
   */
  async #verifiedStream(): Promise<StreamLog | undefined> {
    const stream = this.#stream
    if (stream === undefined) return undefined
    return (stream.access.verified ?? (await stream.access.verify())) ? stream : undefined
  }

  /** Adds a revocation made at `at` to the view, for as long as a seal naming its id can still be read. */
  #heardId(id: string, at: number): void {
    const bucket = bucketOf(at)
    this.view?.addId(id, bucket, (bucket + 1) * BUCKET_MS + this.markerSeconds * 1000)
  }

  #heardUser(userKey: string, at: number, except: string | undefined): void {
    this.view?.addUser(userKey, at, except, at + this.markerSeconds * 1000)
  }

  /**
   * What a refresh of either log and push add to the view. `fresh(at)`: everything logged before `at` is in it. Two
   * refreshes may overlap (a waited one does not wait on an older listing): the view is as new as the newest.
   */
  readonly #sink: PushSink = {
    addId: (id, at) => this.#heardId(id, at),
    addUser: (userKey, at, except) => this.#heardUser(userKey, at, except),
    fresh: (at) => {
      const view = this.view as RevocationView
      view.prune(at)
      if (view.loadedAt === undefined || view.loadedAt < at) view.loadedAt = at
    },
  }

  get userId(): StoreConfig['userId'] {
    return this.#store.userId
  }

  /** The user a session's data belongs to, from the userId option; undefined when none. */
  userOf(data: Record<string, unknown>): string | undefined {
    return userOf(this.#store, data)
  }

  /** At read (mode.ts): refuses a revoked seal; undefined accepts it as sealed. */
  read(seal: RevocableSeal & SealIdentity, now: number): PartsRead | Promise<PartsRead> {
    if (seal.stored) return { refused: 'invalid', message: 'the seal names a stored session, and no store is configured' }
    // Computed once per seal (the unseal cache keeps the object): who the data's user is.
    if (seal.user === undefined) seal.user = this.userOf(seal.data) ?? null
    const why = this.verdict(seal, now)
    if (why === undefined) return undefined
    return why instanceof Promise ? why.then(refusal) : refusal(why)
  }

  /** Each request's session: counted, for the development warning on revocations set up again and again. */
  begin(): void {
    churn.served++
  }

  /** At commit (mode.ts): writes the revocation of an id that ends, or checks, before a new id replaces it, that the one read is live. */
  async save(write: ModeWrite): Promise<ModeSaved> {
    if (write.readId !== undefined && write.ends) await this.mark(write.readId)
    else if (write.readId !== undefined && write.replaces) {
      // A lagged view may not know yet that the id read was revoked: the store says, before a new id outlives it.
      const why = await this.#strictVerdict({ id: write.readId, born: write.readBorn, createdAt: write.readBorn as number, userKey: undefined, user: write.readUser ?? null })
      if (why !== undefined) return { refused: 'revoked', message: why }
    }
    return { userKey: write.user === undefined ? undefined : (await userKeys(this.#passwords, write.user))[0] }
  }

  /** Nothing is kept at commit: the id read ends, when identity.ts says so. */
  async end(id: string | undefined, ends: boolean): Promise<void> {
    if (id !== undefined && ends) await this.mark(id)
  }

  /** Revocations keep no list of sessions. */
  sessionsOf(): Promise<StoredSessionInfo[]> {
    return Promise.reject(needsMode('sessionsOf(user)', true))
  }

  /**
   * Why this seal is refused, or undefined; synchronous when a lagged view is fresh and has no
   * not-before to check, so a cache hit costs no extra trip through the microtask queue.
   * A store that fails throws SessionStoreError (unless onOutage is 'open').
   */
  verdict(seal: RevocableSeal, now: number): string | undefined | Promise<string | undefined> {
    const view = this.view
    if (!view) return this.#strictVerdict(seal)
    const loadedAt = view.loadedAt
    if (loadedAt === undefined || now - loadedAt >= this.lag * 1000) {
      // Waited on, a refresh counts only if its listing began within the lag of this read: one begun earlier (a slow
      // listing) may predate a revocation this read must see.
      if (now >= view.retryAt) return this.#refresh(now, true, now - this.lag * 1000).then(() => this.#viewVerdict(view, seal))
      // The store failed within the last lag, and the view is older than the lag: it may miss a revocation. Closed (the
      // default): an error for the app to answer (503), without another store call until retryAt; open: the view as it is.
      if (!this.open) throw new SessionStoreError('list', `the revocation view is ${loadedAt === undefined ? 'not loaded' : `${now - loadedAt} ms old`}, past the lag (${this.lag} s), and the store could not be read. The session is unknown, not empty: answer 503 and let the client retry.`)
    }
    // Refreshed in the background halfway through the lag, so that under traffic no request waits;
    // after a failed refresh, not before retryAt (a lag later), or an outage would cost a store call a request.
    // With push listening, the blocking read keeps the view fresh: no refresh is needed while it answers.
    if (loadedAt !== undefined && now - loadedAt >= this.lag * 500 && !view.refreshing && now >= view.retryAt && !this.#stream?.listening) void this.#refresh(now, false)
    return this.#viewVerdict(view, seal)
  }

  #viewVerdict(view: RevocationView, seal: RevocableSeal): string | undefined | Promise<string | undefined> {
    // Never loaded (the load failed with onOutage 'open'; with 'closed' it threw), the view holds only what this
    // instance revoked itself, which it still refuses.
    if (view.ids.has(seal.id)) return `session ${shortId(seal.id)} was revoked`
    if (view.users.size === 0 || !this.userId) return undefined
    const keys = this.#userKeysOf(seal)
    const check = (userKeys: string[] | undefined) => {
      for (const key of userKeys ?? []) {
        const notBefore = view.users.get(key)
        if (notBefore && revokedBy(notBefore, seal)) return `every session of this user from before ${new Date(notBefore.at).toISOString()} was revoked`
      }
      return undefined
    }
    return keys instanceof Promise ? keys.then(check) : check(keys)
  }

  async #strictVerdict(seal: RevocableSeal): Promise<string | undefined> {
    const store = this.#store.store
    const userKeys = this.userId ? await this.#userKeysOf(seal) : undefined
    let found: unknown[]
    try {
      found = await guarded(this.#store, 'read', `checking session ${shortId(seal.id)} for revocation`, () =>
        Promise.all([call(store, 'getItem', revocationKeys.id(seal.id)), ...(userKeys ?? []).map((key) => call(store, 'getItem', revocationKeys.user(key)))]),
      )
    } catch (error) {
      if (this.open) return undefined
      throw error
    }
    const [marker, ...notBefores] = found
    if (marker !== null && marker !== undefined) return `session ${shortId(seal.id)} was revoked`
    for (const value of notBefores) {
      const notBefore = parseNotBefore(value)
      if (notBefore && revokedBy(notBefore, seal)) return `every session of this user from before ${new Date(notBefore.at).toISOString()} was revoked`
    }
    return undefined
  }

  /**
   * The keys a not-before of the seal's user is looked up under: the one sealed with the id, or for a seal from
   * before keys were sealed in, the user's key under every password; computed once per seal, when one may apply.
   */
  #userKeysOf(seal: RevocableSeal): string[] | undefined | Promise<string[] | undefined> {
    if (seal.userKeys) return seal.userKeys
    if (seal.userKey !== undefined && seal.user) return (seal.userKeys = [seal.userKey])
    if (!seal.user) return undefined
    return userKeys(this.#passwords, seal.user).then((keys) => (seal.userKeys = keys))
  }

  /**
   * Lists what was logged since the last refresh (everything, the first time). `waited`: a
   * request is waiting on it; on failure the view stays as it was, and requests go on from
   * it (or, before any view, fail closed) until lag seconds later.
   */
  #refresh(now: number, waited: boolean, notBefore = 0): Promise<void> {
    const view = this.view as RevocationView
    // On Workers a refresh started by a request already answered may never settle (its I/O belongs to
    // that request): past the store timeout, later requests start their own rather than wait on it.
    if (view.refreshing && now - view.refreshingSince <= this.#store.timeout && view.refreshingSince >= notBefore) return view.refreshing
    const started = now
    const since = view.loadedAt
    const run = async () => {
      const stream = await guarded(this.#store, 'list', 'refreshing the revocation view', () => this.#verifiedStream())
      if (stream) {
        // What was appended since the last refresh: a cost in proportion to the new revocations, whatever else the database holds.
        await guarded(this.#store, 'list', 'refreshing the revocation view', () => stream.refresh(this.#sink))
        this.#sink.fresh(started)
        // Then listen: what is written from now on reaches the view at once, and keeps it fresh while the connection answers.
        if (this.#push) stream.listen(this.#sink, Math.max(100, Math.floor(this.lag * 500)))
        return
      }
      const buckets = since === undefined ? [] : bucketRange(since - SKEW_MS, started + SKEW_MS)
      const prefixes = since === undefined || buckets.length > MAX_BUCKETS_LISTED ? [LOG] : buckets.map(revocationKeys.bucket)
      const listed = await guarded(this.#store, 'list', 'refreshing the revocation view', async () => {
        const listed = await Promise.all(prefixes.map((prefix) => call(this.#store.store, 'getKeys', prefix)))
        // A listing that is not one (null from a flaky layer, an iterator) is a failing store, answered 503: never a refusal that signs users out.
        for (const keys of listed) if (!Array.isArray(keys)) throw new TypeError(`getKeys answered ${keys === null ? 'null' : typeof keys}, not an array of keys`)
        return listed as unknown[][]
      })
      listed.forEach((keys, i) => this.#absorb(prefixes[i] as string, keys))
      this.#sink.fresh(started)
    }
    const refreshing = run()
      .catch((error: unknown) => {
        view.retryAt = Date.now() + this.lag * 1000
        this.#onRefreshError?.(error)
        // Waited on, the view is older than the lag (or was never loaded): it may miss a revocation, so fail closed,
        // unless the app opted out, or another refresh brought it within the lag meanwhile.
        if (waited && !this.open && (view.loadedAt === undefined || Date.now() - view.loadedAt >= this.lag * 1000)) throw error
      })
      .finally(() => {
        if (view.refreshing === refreshing) view.refreshing = undefined
      })
    view.refreshing = refreshing
    view.refreshingSince = now
    return refreshing
  }

  /** Adds the markers and not-befores named by listed keys; keys outside the prefix asked for are ignored. */
  #absorb(prefix: string, keys: unknown[]): void {
    for (const key of keys) {
      if (typeof key !== 'string' || !key.startsWith(prefix)) continue
      const [bucketText, kind, first, atText, except] = key.slice(LOG.length).split(':')
      const bucket = Number(bucketText)
      if (!Number.isSafeInteger(bucket)) continue
      if (kind === 'id' && isSessionId(first)) this.#heardId(first, bucket * BUCKET_MS)
      else if (kind === 'user' && first && USER_KEY.test(first)) {
        const at = Number(atText)
        if (Number.isSafeInteger(at)) this.#heardUser(first, at, isSessionId(except) ? except : undefined)
      }
    }
  }

  /** sessions.revoke(id): always true (the id is refused whether or not it was ever seen). */
  async revoke(id: string): Promise<boolean> {
    if (!isSessionId(id)) throw new TypeError('iron-fetch-session: revoke(id) takes a session id as session.id gives it: 32 hexadecimal characters.')
    await this.mark(id)
    return true
  }

  /** sessions.revokeAll(user, { except }): a not-before time for the user. Returns [] (no list to report). */
  async revokeAll(user: string | number, options: { except?: string | undefined } = {}): Promise<string[]> {
    if (!this.userId) throw new TypeError('iron-fetch-session: revokeAll(user) needs the userId option, which says whose each session is: userId: (data) => data.user?.id.')
    if ((typeof user !== 'string' || user === '') && !(typeof user === 'number' && Number.isFinite(user))) {
      throw new TypeError('iron-fetch-session: revokeAll(user) takes the user id as userId returns it: a non-empty string or a number.')
    }
    const except = options.except
    if (except !== undefined && !isSessionId(except)) throw new TypeError('iron-fetch-session: revokeAll(user, { except }) takes a session id as session.id gives it.')
    await this.#markUser(String(user), except)
    return []
  }

  /** Ends one session id everywhere: the marker, then its log entry. Throws SessionStoreError. */
  async mark(id: string): Promise<void> {
    const now = Date.now()
    const bucket = bucketOf(now)
    const store = this.#store.store
    const ttl = ttlOption(this.markerSeconds + BUCKET_MS / 1000)
    await guarded(this.#store, 'end', `revoking session ${shortId(id)}`, async () => {
      const stream = await this.#verifiedStream()
      await Promise.all([
        call(store, 'setItem', revocationKeys.id(id), `${RECORD_PREFIX}revoked`, ttl),
        stream ? stream.logId(id, now - this.markerSeconds * 1000) : call(store, 'setItem', revocationKeys.loggedId(bucket, id), `${RECORD_PREFIX}revoked`, ttl),
      ])
    })
    // This instance refuses it at once.
    this.#heardId(id, now)
  }

  /**
   * Ends every session of `user` whose id was made before now, but `except`: under every password's key, so an
   * instance not yet given the newest password, or still holding an older one, sees it too. Throws SessionStoreError.
   */
  async #markUser(user: string, except: string | undefined): Promise<void> {
    const at = Date.now()
    const bucket = bucketOf(at)
    const keys = await userKeys(this.#passwords, user)
    const store = this.#store.store
    const ttl = ttlOption(this.markerSeconds + BUCKET_MS / 1000)
    const value = `${RECORD_PREFIX}${JSON.stringify(except === undefined ? { at } : { at, except })}`
    await guarded(this.#store, 'end', "revoking a user's sessions", async () => {
      const stream = await this.#verifiedStream()
      await Promise.all(
        keys.flatMap((key) => [
          call(store, 'setItem', revocationKeys.user(key), value, ttl),
          stream ? stream.logUser(key, at, except, at - this.markerSeconds * 1000) : call(store, 'setItem', revocationKeys.loggedUser(bucket, key, at, except), `${RECORD_PREFIX}revoked`, ttl),
        ]),
      )
    })
    for (const key of keys) this.#heardUser(key, at, except)
  }
}

/** "Sign out everywhere" ends the seal's id if it was made before the user's not-before (the kept id aside). */
function revokedBy(notBefore: NotBefore, seal: RevocableSeal): boolean {
  return endedBy(notBefore, seal.born ?? seal.createdAt, seal.id)
}

const refusal = (why: string | undefined): PartsRead => (why === undefined ? undefined : { refused: 'revoked', message: why })

/** Buckets from one time to another, both included. */
function bucketRange(from: number, to: number): number[] {
  const buckets: number[] = []
  for (let b = bucketOf(from); b <= bucketOf(to); b++) buckets.push(b)
  return buckets
}


/**
 * The `revocations` option: `revocations: revocable({ store, lag })`. Its own options are checked
 * here; those it shares with the session (ttl, maxLifetime, storeTimeout, userId) when it is bound.
 */
export function revocable(options: RevocationsOptions): Plan {
  if (options === null || typeof options !== 'object') throw new TypeError('iron-fetch-session: revocable() takes { store, lag? }, with store an unstorage Storage.')
  checkKeys(options, KNOWN, 'revocations option')
  const { store, lag = DEFAULT_LAG, onOutage = 'closed', onRefreshError, push = true } = options
  checkStoreShape(store, 'revocations.store')
  if (typeof lag !== 'number' || !Number.isFinite(lag) || lag < 0 || lag > 3600) {
    throw new TypeError(`iron-fetch-session: revocations.lag must be a number of seconds from 0 (strict: the store is read on every request) to 3600; got ${String(lag)}.`)
  }
  if (lag > 0 && typeof (store as SessionStore).getKeys !== 'function') {
    throw new TypeError('iron-fetch-session: revocations with a lag need a store with getKeys, to list new revocations (an unstorage Storage has it); or set lag: 0.')
  }
  if (onOutage !== 'closed' && onOutage !== 'open') throw new TypeError(`iron-fetch-session: revocations.onOutage must be 'closed' (default: a failing store answers 503) or 'open'; got ${String(onOutage)}.`)
  if (onRefreshError !== undefined && typeof onRefreshError !== 'function') throw new TypeError('iron-fetch-session: revocations.onRefreshError must be a function (error) => void.')
  if (typeof push !== 'boolean') throw new TypeError(`iron-fetch-session: revocations.push must be true (default: hear revocations as they are written, on Redis) or false; got ${String(push)}.`)
  const checked = { store, lag, onOutage, onRefreshError, push }
  return { [PLAN]: (config: ModeOptions) => withIdentity(bind(checked, config)), option: 'revocations' }
}

function bind(options: RevocationsOptions, config: Pick<ModeOptions, 'passwords' | 'ttl' | 'maxLifetime' | 'storeTimeout' | 'userId'>): Revocations {
  if (config.ttl === 0 && config.maxLifetime === undefined) {
    throw new TypeError('iron-fetch-session: revocations need seals that end, so a revocation can end too: set a ttl above 0, or maxLifetime.')
  }
  const timeout = config.storeTimeout ?? DEFAULT_STORE_TIMEOUT
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1 || timeout > 2 ** 31 - 1) {
    throw new TypeError(`iron-fetch-session: storeTimeout must be a whole number of milliseconds, at least 1 (default ${DEFAULT_STORE_TIMEOUT}); got ${String(config.storeTimeout)}.`)
  }
  if (config.userId !== undefined && typeof config.userId !== 'function') {
    throw new TypeError('iron-fetch-session: userId must be a function of the session data, such as (data) => data.user?.id.')
  }
  noteBind()
  return new Revocations(options, { passwords: config.passwords, ttl: config.ttl, maxLifetime: config.maxLifetime, timeout, userId: config.userId as StoreConfig['userId'] })
}

/**
 * Development only: revocations bound again and again once requests are served — an options factory that calls
 * revocable() on every call, say — each make a new view, which lists every revocation when it loads. Told once.
 */
const churn = { served: 0, late: 0, warned: false }
/** Reads a view should serve, on average, before another replaces it. */
const MIN_SERVED = 100

function noteBind(): void {
  if (churn.served === 0) return
  churn.late++
  if (churn.warned || churn.late < 3 || churn.served >= churn.late * MIN_SERVED || !DEV) return
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  if (env?.NODE_ENV === 'production') return
  churn.warned = true
  console.warn(
    `iron-fetch-session: revocations were set up ${churn.late} times after requests were served (${churn.served} reads in all): each revocable() makes its own view of the revocations, which lists all of them when it loads. ` +
      'Make revocable({ store, lag }) once, at module scope, and pass that one value (an options function must return the same plan each time). (Shown once; not shown when NODE_ENV is production.)',
  )
}
