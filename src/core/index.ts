/**
 * createSessions(options): options checked once, then the pair every adapter
 * mounts — read(request) → Session and commit(session, response) → Response.
 */
import { commitHeaders, commitSession, destroyHeaders, type SessionHeaders } from './commit.ts'
import { Lru } from './lru.ts'
import { mountable } from './mounts.ts'
import { normalizeOptions, type SessionOptions } from './options.ts'
import { readSession, type CacheEntry, type Session } from './session.ts'
import { needsMode, PLAN, type StoredSessionInfo } from './mode.ts'

export type { SessionHeaders }

// For the adapters (src/adapters/), which import the core through this entry only (.dependency-cruiser.cjs): what they use.
export { mountSession } from './mounts.ts'
import { devTools } from './messages.ts'

/** After a mount's last commit: in development, a later write to the session throws, naming the fix, instead of being lost (dev-tools.ts). */
export function closeSession(session: object, where?: string): void {
  devTools?.closeSession(session, where)
}
export { STATE, type ReadState, type Session } from './session.ts'
export type { SessionOptions } from './options.ts'
export { cookieMaxAge, MAX_COOKIE_BYTES, SessionTooLargeError } from './cookies.ts'
export { cachedPasswords, type Passwords } from './passwords.ts'
export { FOURTEEN_DAYS, seal, unseal, UnsealError } from './seal.ts'
export { isToken, RESERVED_KEY } from './tokens.ts'
export { NotJsonError } from './plain-json.ts'
export { headerTransport } from './header.ts'
export { bindMode, type ModeIdentity, type Plan, type SealIdentity, type SessionMode } from './mode.ts'

type FlashValues = Record<string, unknown>

/** What `createSessions` returns: the pair every mount is made of, `read` and `commit`, and the server-side ends. */
export interface Sessions<Data = Record<string, unknown>, Flash extends FlashValues = Record<string, unknown>> {
  /** Reads the request's session. Resolves for any Cookie header; a refused one reads as empty, with session.unsealError. */
  read(request: Request): Promise<Session<Data, Flash>>
  /** Returns the response with Set-Cookie added when the session changed (a copy: its headers may be immutable). */
  commit(session: Session<Data, Flash>, response: Response): Promise<Response>
  /**
   * What commit would append, as [name, value] lines, for hosts that add headers their own way.
   * Pass the response to get commit's treatment of it (none for a 101, Cache-Control: private when absent).
   */
  commitHeaders(session: Session<Data, Flash>, response?: Response): Promise<SessionHeaders>
  /** Destroys the session and returns at once the lines that expire its cookies, for hosts whose destroy() cannot wait. Not with a store. */
  destroyHeaders(session: Session<Data, Flash>): SessionHeaders

  // With a store (docs/stores.md) or revocations (docs/revocations.md); without either these reject with a TypeError that says so.
  /**
   * Ends one session from anywhere: its cookie then reads as a new session with unsealError 'revoked'.
   * With a store, true when it was stored; with revocations, always true (the id is refused whether or not it was ever seen).
   */
  revoke(id: string): Promise<boolean>
  /** A user's live sessions, oldest first ("your devices"). Needs a store and the userId option (revocations keep no list). */
  sessionsOf(user: string | number): Promise<Array<StoredSessionInfo<Data>>>
  /**
   * Ends every session of a user ("sign out everywhere"), but `except` (the current id, for "everywhere else").
   * Returns the ids ended; with revocations, which end them by time rather than by list, an empty array.
   */
  revokeAll(user: string | number, options?: { except?: string | undefined }): Promise<string[]>
}

/**
 * Validates the options once (each mistake throws a TypeError naming the option and the fix) and returns the
 * sessions: `read(request)` before the handler, `commit(session, response)` after it.
 */
export function createSessions<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends FlashValues = Record<string, unknown>>(
  options: SessionOptions<Data>,
): Sessions<Data, Flash> {
  const config = normalizeOptions(options as unknown as SessionOptions<never>)
  const cache = config.cacheSize > 0 ? new Lru<string, CacheEntry>(config.cacheSize) : undefined
  const sessions: Sessions<Data, Flash> = {
    read: (request) => readSession(config, cache, request) as unknown as Promise<Session<Data, Flash>>,
    commit: (session, response) => commitSession(config, cache, session as unknown as Session, response),
    commitHeaders: (session, response) => commitHeaders(config, cache, session as unknown as Session, response),
    destroyHeaders: (session) => destroyHeaders(config, session as unknown as Session),
    revoke: async (id) => {
      if (!config.mode) throw needsMode('revoke(id)')
      return config.mode.revoke(id)
    },
    sessionsOf: async (user) => {
      if (!config.mode) throw needsMode('sessionsOf(user)')
      return config.mode.sessionsOf(user) as Promise<Array<StoredSessionInfo<Data>>>
    },
    revokeAll: async (user, options) => {
      if (!config.mode) throw needsMode('revokeAll(user)')
      return config.mode.revokeAll(user, options)
    },
  }
  // Kept beside the object, not on it: the key holds the password, and apps log objects.
  mountable(sessions, config.cookie.name, JSON.stringify(options, sortedByIdentity))
  return sessions
}

/** Options, or a function that makes them from the request's host values (Workers `env`, Hono's context). */
export type OptionsOrFactory<Data, Args extends unknown[]> = SessionOptions<Data> | ((...args: Args) => SessionOptions<Data>)

/**
 * For adapters: the Sessions for options given as a value or as a function of
 * the host (a Worker's env arrives with each request). A function's results are
 * normalised once per distinct value, not per request: they are keyed by their
 * content, with functions and schemas keyed by identity.
 */
export function sessionsResolver<Data extends Record<string, unknown>, Flash extends FlashValues, Args extends unknown[]>(
  options: OptionsOrFactory<Data, Args>,
): (...args: Args) => Sessions<Data, Flash> {
  if (typeof options !== 'function') {
    const sessions = createSessions<Data, Flash>(options)
    return () => sessions
  }
  const made = new Lru<string, Sessions<Data, Flash>>(16)
  return (...args) => {
    const value = options(...args)
    const key = JSON.stringify(value, byIdentity)
    let sessions = made.get(key)
    if (!sessions) made.set(key, (sessions = createSessions<Data, Flash>(value)))
    return sessions
  }
}

// Functions, schemas, stores and plans (sessionStore(), revocable(): their code sits under symbol keys) are
// keyed by identity: their JSON would not tell two apart.
const identities = new WeakMap<object, number>()
let nextIdentity = 0

function byIdentity(_: string, value: unknown): unknown {
  // Plans are found by their brand (an `in` check allocates nothing; this runs per request for options factories).
  if (typeof value === 'function' || (value !== null && typeof value === 'object' && ('~standard' in value || PLAN in value || typeof (value as { getItem?: unknown }).getItem === 'function'))) {
    let id = identities.get(value as object)
    if (id === undefined) identities.set(value as object, (id = nextIdentity++))
    return `#${id}`
  }
  return value
}

/** The mount key (mounts.ts): as byIdentity, with plain objects' keys in order, so { ttl, password } equals { password, ttl }. */
function sortedByIdentity(key: string, value: unknown): unknown {
  const kept = byIdentity(key, value)
  if (kept === null || typeof kept !== 'object' || Array.isArray(kept)) return kept
  return Object.fromEntries(Object.keys(kept).sort().map((name) => [name, (kept as Record<string, unknown>)[name]]))
}
