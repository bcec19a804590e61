/**
 * Reading a session: find the seal (cookie or header), open it — from the
 * unseal cache when the same seal was seen before — check expiry and schema,
 * and hand the app a Session whose data it may change freely.
 *
 * The sealed payload is the app's data plus one reserved key, `__ifs`, holding
 * { created, sealed, flash? } (milliseconds since the epoch). It never appears
 * in `session.data`. A cookie written by iron-session has no such key: its
 * creation time is taken as its expiration minus ttl. With a server-side mode
 * (mode.ts), `__ifs` also carries the session's identity (identity.ts): `id`,
 * `ra` (when the id was made) and `u` (its user's key); with a store the
 * payload is only `__ifs` and the data comes from the store, so the unseal
 * cache holds the id, never the data.
 */
import { brief, DEV, devTools } from './messages.ts'
import { Lru } from './lru.ts'
import { readSealCookies } from './cookies.ts'
import { cloneJson, type JsonTape } from './json.ts'
import type { Config, StandardSchemaV1, UnsealErrorReason } from './options.ts'
import { SKEW_SECONDS, unseal, UnsealError } from './seal.ts'
import type { ModeIdentity, ModeRead, SealIdentity } from './mode.ts'
import { isToken, RESERVED_KEY } from './tokens.ts'

export { RESERVED_KEY }

/** The base of a session with no data. Frozen: bases are shared and never changed. */
export const EMPTY: Record<string, unknown> = Object.freeze({})

type FlashValues = Record<string, unknown>

/** A session's own lifetime (session.setLifetime): its seal's ttl in seconds, and whether its cookie outlives the browser. */
export interface SessionLifetime {
  ttl?: number
  persistentCookie?: boolean
}

/** One request's session: the app's data, flash, sign-out and, with a store or revocations, its id. */
export interface Session<Data = Record<string, unknown>, Flash extends FlashValues = Record<string, unknown>> {
  /** The app's data: mutate it freely, nested values included; commit writes only when it changed. */
  data: Partial<Data>
  /** The value under `key`, or undefined. */
  get<K extends keyof Data>(key: K): Partial<Data>[K]
  /** Sets the value under `key`; commit writes it. */
  set<K extends keyof Data>(key: K, value: Data[K]): void
  /** Removes `key` from the data. */
  unset(key: keyof Data): void
  /** Sets a value the next request can read once with getFlash(). */
  flash<K extends keyof Flash & string>(key: K, value: Flash[K]): void
  /** Reads a flash value set by an earlier request; reading it removes it from the session. */
  getFlash<K extends keyof Flash & string>(key: K): Flash[K] | undefined
  /** Signs out: commit expires the cookie and its chunks (and, with a store or revocations, ends the id on the server). Terminal: writing data afterwards is an error. */
  destroy(): void
  /** With a store or revocations: the session's id, for revoke(id) and revokeAll's except (a new session gets one on first use). Undefined for a cookie-only session. */
  readonly id: string | undefined
  /**
   * A new id and a new cookie at commit, the data kept: call it at sign-in and on privilege changes,
   * against session fixation. `true` also ends the old id. Cookie-only, it re-seals the cookie.
   */
  regenerateId(deleteOld?: boolean): void
  /**
   * This session's own lifetime, chosen at sign-in ("remember me"): `ttl` in seconds, at most the ttl option, and
   * `persistentCookie: false` for a cookie that ends when the browser closes. Sealed into the session, so it holds
   * through every later write, rolling renewal and password rotation, until destroy().
   */
  setLifetime(lifetime: SessionLifetime): void
  /** True when the request carried no readable session. */
  readonly isNew: boolean
  readonly destroyed: boolean
  /** When the session was first created, ms since the epoch (now, for a new one). */
  readonly createdAt: number
  /** When the seal read expires, ms since the epoch; undefined for a new session or ttl 0. */
  readonly expiresAt: number | undefined
  /** Why the request's session cookie was refused, if it was. */
  readonly unsealError: UnsealErrorReason | undefined
}

/** What commit needs to know about how the session was read. Internal. */
export interface ReadState {
  transport: 'cookie' | 'header' | undefined
  /** This session's cookies on the request, to expire when stale. */
  present: string[]
  /** The request carried a Cookie header: a browser, which never gets the seal in a header its scripts could read. */
  cookies: boolean
  /** The data as read (pristine JSON, shared with the cache: never changed): the baseline for change detection. */
  base: Record<string, unknown>
  /** session.data, a copy of base made when the app first touches it; untouched, nothing changed. */
  data: Record<string, unknown> | undefined
  /** The cache entry base came from, on a cache hit: commit compares against its tape. */
  hit: CacheEntry | undefined
  flashIn: FlashValues
  flashRead: Set<string>
  /** What the app flashed, made on its first flash(): most requests flash nothing. */
  flashOut: FlashValues | undefined
  createdAt: number
  sealedAt: number | undefined
  passwordId: string | undefined
  refused: UnsealErrorReason | undefined
  destroyed: boolean
  /** A commit has already brought the client up to date (with a destroy, if there was one). */
  settled: boolean
  /** Development only: the host of a plain-http request that a Secure cookie cannot reach. */
  insecureHost?: string | undefined
  /** regenerateId() was called: commit writes a new seal (with a mode, under a new id). */
  regenerate: boolean
  /** With a server-side mode: which id was read and which one commit seals (identity.ts, through mode.ts). */
  identity: ModeIdentity | undefined
  /** The mode asked for a write even when nothing changed. */
  due: boolean
  /** The session's own lifetime (setLifetime), as sealed or set: `t` seconds, `p` 0 for a browser-session cookie. */
  lifetime: { t?: number | undefined; p?: 0 | undefined } | undefined
}

export const STATE = Symbol('iron-fetch-session state')

/**
 * One opened seal, as kept in the unseal cache; each request copies `data` before the app sees it. With a
 * server-side mode, the entry is also what the mode is told of the seal (mode.ts SealIdentity), and keeps what
 * the mode makes of it.
 */
export interface CacheEntry extends SealIdentity {
  /** Pristine JSON: never handed out, never changed. */
  data: Record<string, unknown>
  /** data laid out flat for commit's comparison, made at the first commit of a cache hit that read the data. */
  tape?: JsonTape
  flashJson: string | undefined
  sealedAt: number
  passwordId: string
  /** The session's own lifetime, as sealed (setLifetime). */
  lifetime?: { t?: number | undefined; p?: 0 | undefined } | undefined
}

export type UnsealCache = Lru<string, CacheEntry>

// The cache is keyed by the seal's last characters, its MAC, rather than the whole seal: a Map
// hashes a fresh key string in full, ~2 ns a character here, 8 µs for a chunked 4 KB seal.
// A hit still compares the whole seal, so any other seal with the same tail (a forged one) misses.
const KEY_CHARS = 32
const keyOf = (seal: string) => seal.slice(-KEY_CHARS)

export function cachedEntry(cache: UnsealCache | undefined, seal: string): CacheEntry | undefined {
  const entry = cache?.get(keyOf(seal))
  return entry?.seal === seal ? entry : undefined
}

export function cacheEntry(cache: UnsealCache | undefined, entry: CacheEntry): void {
  cache?.set(keyOf(entry.seal), entry)
}

function forget(cache: UnsealCache | undefined, seal: string): void {
  cache?.delete(keyOf(seal))
}

class RefusedError extends Error {
  constructor(
    readonly reason: UnsealErrorReason,
    message: string,
  ) {
    super(`iron-fetch-session: ${message}`)
  }
}

export function readSession(config: Config, cache: UnsealCache | undefined, request: Request): Promise<Session & { [STATE]: ReadState }> {
  const reading = readRequest(config, cache, request)
  // Development only (and only until it has warned): production reads take no extra step, and a
  // production bundle leaves the check out (a bare `if (DEV)`: what its bundler folds away).
  if (DEV) {
    if (config.plainHttp && !config.plainHttp.warned) return reading.then((session) => ((session[STATE].insecureHost = devTools?.insecureHost(request)), session))
  }
  return reading
}

async function readRequest(config: Config, cache: UnsealCache | undefined, request: Request): Promise<Session & { [STATE]: ReadState }> {
  const now = Date.now()
  const { seal, transport, present, oversized } = findSeal(config, request)
  if (oversized) return refuse(config, undefined, [], new RefusedError('invalid', DEV ? 'the Cookie header is over 64 KiB and was not read' : 'Cookie header over 64 KiB'), request)
  if (seal === undefined) {
    // Chunks without their first part are debris of an older session: refuse, so commit clears them.
    return present.length > 0 ? refuse(config, undefined, present, new RefusedError('invalid', 'session cookie chunks without chunk 0'), request) : createSession(newState(config, now, transport, present, request))
  }
  // Set while the mode reads: what it throws (a store that fails: SessionStoreError) is an error for the app to
  // answer (503), never an empty session that a write would save over the data. Its refusals are values.
  let modeReading = false
  try {
    let entry = cachedEntry(cache, seal)
    const hit = entry
    if (!entry) {
      entry = await open(config, seal, now)
      cacheEntry(cache, entry)
    }
    checkExpiry(config, entry, now, cache, seal)
    const state = newState(config, now, transport, present, request)
    state.base = entry.data
    state.hit = hit
    if (entry.flashJson !== undefined) state.flashIn = JSON.parse(entry.flashJson) as FlashValues
    state.createdAt = entry.createdAt
    state.sealedAt = entry.sealedAt
    state.passwordId = entry.passwordId
    state.lifetime = entry.lifetime
    const mode = config.mode
    if (mode) {
      // Synchronous from a fresh lagged view: a cache hit then takes no extra trip through the microtask queue.
      modeReading = true
      let found: ModeRead | Promise<ModeRead> = mode.read(entry, state.identity as ModeIdentity, now)
      if (found instanceof Promise) found = await found
      modeReading = false
      if (found !== undefined) {
        if ('refused' in found) throw new RefusedError(found.refused, found.message)
        if (found.data !== undefined) {
          // A fresh JSON.parse per request: the data is never shared, so no copy is needed to hand it out.
          state.base = config.schema ? (JSON.parse(JSON.stringify(await validate(config.schema, found.data, 'read'))) as Record<string, unknown>) : found.data
          state.flashIn = found.flash ?? {}
        }
        state.due = found.due === true
      }
    }
    return createSession(state, entry.expiresAt)
  } catch (error) {
    if (modeReading) throw error
    const refused = error instanceof UnsealError || error instanceof RefusedError ? error : new RefusedError('invalid', String(error))
    return refuse(config, transport, transport === 'cookie' ? present : [], refused, request)
  }
}

function findSeal(config: Config, request: Request): { seal: string | undefined; transport: ReadState['transport']; present: string[]; oversized?: true } {
  // The header transport (header.ts), when the app imported it: a request that carries its header is answered there.
  const found = config.header?.find(request)
  if (found !== undefined) return { seal: found || undefined, transport: 'header', present: [] }
  const { seal, present, oversized } = readSealCookies(request.headers.get('cookie'), config.cookie)
  // Built field by field: spreading one object into another costs several times as much, on every request.
  return oversized ? { seal, transport: undefined, present, oversized } : { seal, transport: seal === undefined ? undefined : 'cookie', present }
}

/** Opens a seal into a cache entry, or throws UnsealError / RefusedError. */
async function open(config: Config, seal: string, now: number): Promise<CacheEntry> {
  const { data, passwordId, expiresAt } = await unseal(config.passwords, seal, now, config.compress?.inflate)
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new RefusedError('invalid-data', DEV ? 'the sealed payload is not an object' : 'payload not an object')
  }
  const payload = data as Record<string, unknown>
  if (isToken(payload)) throw new RefusedError('invalid', DEV ? 'the seal is a sealData token, not a session' : 'a sealData token')
  const meta = bookkeeping(payload[RESERVED_KEY], now)
  delete payload[RESERVED_KEY]
  // A store's seal names its session and holds nothing else; a seal with data or a flash is a cookie session's.
  const stored = meta?.id !== undefined && meta.flash === undefined && Object.keys(payload).length === 0
  if (stored && (!config.mode || config.mode.dataInSeal)) throw new RefusedError('invalid', DEV ? 'the seal names a stored session, and no store is configured' : 'a stored session, and no store')
  const sealedFromTtl = expiresAt === undefined ? undefined : expiresAt - config.ttl * 1000
  if (meta?.created === undefined && sealedFromTtl === undefined && config.maxLifetime !== undefined) {
    // A ttl-0 seal from iron-session or sealData says neither when it was made nor when it ends.
    throw new RefusedError('expired', DEV ? 'the seal has no expiry and no creation time, so maxLifetime cannot be enforced' : 'no expiry or creation time, with maxLifetime')
  }
  if (config.maxLifetime !== undefined && expiresAt !== undefined) {
    // A seal that would outlive what the options allow (sealed elsewhere, with a longer ttl) is refused: otherwise
    // a creation time taken from its expiry would lie in the future, and maxLifetime would never bite.
    const allowed = (config.ttl > 0 ? config.ttl : config.maxLifetime) + SKEW_SECONDS
    if (expiresAt - now > allowed * 1000) throw new RefusedError('expired', DEV ? `the seal expires at ${new Date(expiresAt).toISOString()}, later than ttl (or, with ttl 0, maxLifetime) allows` : 'expires later than ttl allows')
  }
  const createdAt = meta?.created ?? sealedFromTtl ?? now
  const sealedAt = meta?.sealed ?? sealedFromTtl ?? createdAt
  const flash = meta?.flash
  // Without a schema the payload is fresh from JSON.parse; a schema's output may hold anything, so it is made JSON.
  const pristine = config.schema ? (JSON.parse(JSON.stringify(await validate(config.schema, payload, 'read'))) as Record<string, unknown>) : payload
  const entry: CacheEntry = { seal, data: pristine, flashJson: flash && JSON.stringify(flash), createdAt, sealedAt, passwordId, expiresAt, lifetime: meta && (meta.t !== undefined || meta.p === 0) ? { t: meta.t, p: meta.p } : undefined }
  if (config.mode) {
    // The mode reads its identity from it (identity.ts).
    entry.meta = meta as Record<string, unknown> | undefined
    entry.stored = stored
  }
  return entry
}

interface Bookkeeping {
  created?: number
  sealed?: number
  flash?: Record<string, unknown>
  /** With a server-side mode: the session's identity, read by the mode (identity.ts). */
  id?: unknown
  /** The session's own lifetime (setLifetime): ttl seconds, and 0 for a browser-session cookie. */
  t?: number
  p?: 0
}

/**
 * The payload's `__ifs`, checked: times are finite and not in the future (past the clock skew), flash is an
 * object. The identity fields are the mode's to check (identity.ts).
 */
function bookkeeping(meta: unknown, now: number): Bookkeeping | undefined {
  if (meta === undefined) return undefined
  if (meta === null || typeof meta !== 'object') throw new RefusedError('invalid', DEV ? `the seal's ${RESERVED_KEY} is not an object` : 'bookkeeping not an object')
  const { created, sealed, flash, ra, t, p } = meta as { created?: unknown; sealed?: unknown; flash?: unknown; ra?: unknown; t?: unknown; p?: unknown }
  if ((t !== undefined && !(Number.isSafeInteger(t) && (t as number) > 0)) || (p !== undefined && p !== 0)) throw new RefusedError('invalid', DEV ? `the seal's ${RESERVED_KEY} holds a lifetime that is not one` : 'a malformed lifetime')
  const latest = now + SKEW_SECONDS * 1000
  for (const time of [created, sealed, ra]) {
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time) || time > latest)) {
      throw new RefusedError('invalid', DEV ? `the seal's ${RESERVED_KEY} holds a time that is not a past moment` : 'a time not in the past')
    }
  }
  if (flash !== undefined && (flash === null || typeof flash !== 'object' || Array.isArray(flash))) {
    throw new RefusedError('invalid', DEV ? `the seal's ${RESERVED_KEY}.flash is not an object` : 'flash not an object')
  }
  return meta as Bookkeeping
}

/** Expiry is checked on every read, cache hits included: the seal's own, then maxLifetime's. */
function checkExpiry(config: Config, entry: CacheEntry, now: number, cache: UnsealCache | undefined, seal: string): void {
  if (entry.expiresAt !== undefined && entry.expiresAt <= now - SKEW_SECONDS * 1000) {
    forget(cache, seal)
    throw new RefusedError('expired', DEV ? `the session expired at ${new Date(entry.expiresAt).toISOString()}` : 'expired')
  }
  if (config.maxLifetime !== undefined && entry.createdAt + config.maxLifetime * 1000 <= now) {
    forget(cache, seal)
    throw new RefusedError('expired', DEV ? `the session passed maxLifetime (created ${new Date(entry.createdAt).toISOString()})` : 'past maxLifetime')
  }
}

/** Runs a Standard Schema; `read` failures become RefusedError('invalid-data'), `commit` failures a plain Error. */
export async function validate(schema: StandardSchemaV1, value: unknown, when: 'read' | 'commit'): Promise<unknown> {
  const result = await schema['~standard'].validate(value)
  if (!result.issues) return result.value
  const issues = result.issues
    .map((issue) => {
      const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
  if (when === 'read') throw new RefusedError('invalid-data', DEV ? `the session data does not match the schema (${issues})` : `schema: ${issues}`)
  throw new TypeError(DEV ? `iron-fetch-session: the session data does not match the schema, so it was not saved: ${issues}.` : brief(`the session data does not match the schema, so it was not saved: ${issues}`))
}

function refuse(config: Config, transport: ReadState['transport'], present: string[], error: UnsealError | RefusedError, request: Request): Session & { [STATE]: ReadState } {
  config.onUnsealError?.(error.reason, error)
  // A refused header seal is answered in the header (empty, after the refusal), never with a cookie.
  return createSession({ ...newState(config, Date.now(), transport === 'header' ? 'header' : undefined, present, request), refused: error.reason })
}

function newState(config: Config, now: number, transport: ReadState['transport'], present: string[], request: Request): ReadState {
  return {
    transport,
    present,
    // Looked at only with header.firstContact, where it decides; otherwise not worth the header lookup.
    cookies: config.header?.firstContact === true && request.headers.has('cookie'),
    base: EMPTY,
    data: undefined,
    hit: undefined,
    flashIn: EMPTY,
    flashRead: new Set(),
    flashOut: undefined,
    createdAt: now,
    sealedAt: undefined,
    passwordId: undefined,
    refused: undefined,
    destroyed: false,
    settled: false,
    regenerate: false,
    identity: config.mode?.begin(),
    due: false,
    lifetime: undefined,
  }
}

function createSession(state: ReadState, expiresAt?: number): Session & { [STATE]: ReadState } {
  return new RequestSession(state, expiresAt)
}

/** A class rather than an object of closures: read() runs on every request, and this allocates least. */
class RequestSession implements Session {
  readonly [STATE]: ReadState
  readonly isNew: boolean
  readonly createdAt: number
  readonly expiresAt: number | undefined
  readonly unsealError: UnsealErrorReason | undefined

  constructor(state: ReadState, expiresAt: number | undefined) {
    this[STATE] = state
    this.isNew = state.passwordId === undefined
    this.createdAt = state.createdAt
    this.expiresAt = expiresAt
    this.unsealError = state.refused
  }

  // Copied on first use: a request that never looks at the data (a static page behind the
  // middleware, a flash-only read) costs no copy here and no comparison at commit.
  get data(): Record<string, unknown> {
    const state = this[STATE]
    return (state.data ??= cloneJson(state.base))
  }

  set data(value: Record<string, unknown>) {
    this[STATE].data = value
  }

  get destroyed(): boolean {
    return this[STATE].destroyed
  }

  get(key: string): unknown {
    return this.data[key]
  }

  set(key: string, value: unknown): void {
    this.data[key] = value
  }

  unset(key: string): void {
    delete this.data[key]
  }

  flash(key: string, value: unknown): void {
    // Without a prototype, so a "__proto__" key is a key; such objects are slow, so made only when used.
    ;(this[STATE].flashOut ??= Object.create(null) as FlashValues)[key] = value
  }

  getFlash(key: string): unknown {
    const state = this[STATE]
    if (!Object.hasOwn(state.flashIn, key)) return undefined
    state.flashRead.add(key)
    return state.flashIn[key]
  }

  destroy(): void {
    const state = this[STATE]
    state.destroyed = true
    state.lifetime = undefined
    // Clear in place, so code holding `session.data` sees the sign-out too.
    for (const key of Object.keys(this.data)) delete this.data[key]
    state.flashIn = {}
    // The id read is ended at commit; a flash kept after destroy() gets a new one.
    state.identity?.destroy()
  }

  get id(): string | undefined {
    return this[STATE].identity?.current()
  }

  setLifetime(lifetime: SessionLifetime): void {
    const { ttl, persistentCookie } = lifetime ?? {}
    if ((ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl > 0)) || (persistentCookie !== undefined && typeof persistentCookie !== 'boolean')) {
      throw new TypeError(DEV ? 'iron-fetch-session: setLifetime takes { ttl?: whole seconds, more than 0 and at most the ttl option; persistentCookie?: true or false }.' : brief('setLifetime takes { ttl?, persistentCookie? }'))
    }
    const state = this[STATE]
    state.lifetime = { t: ttl, p: persistentCookie === false ? 0 : undefined }
    // The cookie changes (its seal carries the choice): written at commit even with nothing else changed.
    state.due = true
  }

  regenerateId(deleteOld = false): void {
    const state = this[STATE]
    state.regenerate = true
    // With deleteOld, the id the client holds ends, even when an earlier regenerateId() of this request already replaced it.
    state.identity?.regenerate(deleteOld)
  }
}
