/**
 * The seam between the core and a server-side mode: the one interface that the
 * store (src/store/) and revocations (src/revocations/) implement. The core
 * reads and commits every session the same way; at fixed points it tells the
 * mode what happened, and the mode answers:
 *
 *   read    a seal opened and unexpired (cache hits too): accept it, refuse it, or give its data
 *   save    commit keeps the session under an id (identity.ts decides which, and which id ends)
 *   end     commit keeps nothing: the ids that end
 *   revoke, revokeAll, sessionsOf   the Sessions methods
 *
 * A mode's code comes in with its plan only (`sessionStore(storage)` from
 * 'iron-fetch-session/store', `revocable({...})` from 'iron-fetch-session/revocations'),
 * bound to the options at setup: the core imports neither, and a cookie-only app
 * bundles neither.
 */
import { brief, DEV } from './messages.ts'
import type { Passwords } from './passwords.ts'

/** Why a session cookie was refused: the seal's reasons, data a schema rejected, and a session that was revoked. */
export type UnsealErrorReason = 'invalid' | 'expired' | 'unknown-password' | 'invalid-data' | 'revoked'

/** The brand of a plan: a mode's code, bound at setup. */
export const PLAN = Symbol.for('iron-fetch-session.plan')

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

/** One live session of a user, as sessionsOf lists it (with a store). */
export interface StoredSessionInfo<Data = Record<string, unknown>> {
  id: string
  /** Milliseconds since the epoch: when it was created, last written, and when it ends (undefined: ttl 0). */
  createdAt: number
  updatedAt: number
  expiresAt: number | undefined
  /** Its data as stored: what your "devices" page shows (a device name the app stored at sign-in, say). */
  data: Partial<Data>
}

/**
 * What a mode is told of a seal: its identity. One object per seal, kept with it in the unseal
 * cache, so what a mode computes of it (`user`, `userKeys`) is computed once.
 */
export interface SealIdentity {
  seal: string
  /** The seal's id (`__ifs.id`, or `rid` in seals of 0.1); for a seal that names none, one from its MAC (ids.ts). */
  id: string
  /** When that id was made (`__ifs.ra`); undefined for seals that do not say. */
  born: number | undefined
  /** When the session was created. */
  createdAt: number
  /** The seal names data kept by the mode and holds none itself (a store's seal). */
  stored: boolean
  /** The user's key sealed with the id (`__ifs.u`): an HMAC of the user id, for the user's not-before. */
  userKey: string | undefined
  /** The seal's own data (empty for a stored seal). */
  data: Record<string, unknown>
  /** For the mode: whose the seal's data is (null: no one's) and that user's keys, once computed. */
  user?: string | null
  userKeys?: string[]
}

/** What a mode answers at read: undefined accepts the seal as it is; otherwise a refusal, or the session's data. */
export type ModeRead = undefined | { refused: UnsealErrorReason; message: string } | ModeData

export interface ModeData {
  /** The session's data and flash; undefined keeps the seal's own. */
  data: Record<string, unknown> | undefined
  flash: Record<string, unknown> | undefined
  /** Whose the session read is (the userId option); undefined: no one's. */
  user: string | undefined
  /** The mode's own state for this request, handed back at save and end. */
  state?: unknown
  /** The mode asks for a write at commit even when nothing changed (a seal to move in, a record to re-file). */
  due?: boolean
}

/** What commit hands a mode to keep: identity.ts has decided the id, the id that ends, and the user. */
export interface ModeWrite {
  /** The id sealed: the one read, or a new one. */
  id: string
  /** The id the client held, and whether it ends now. */
  readId: string | undefined
  ends: boolean
  readBorn: number | undefined
  readUser: string | undefined
  user: string | undefined
  /** The id read is replaced by a new one without ending: the mode checks it is still live first. */
  replaces: boolean
  born: number
  data: Record<string, unknown>
  dataJson: string
  flash: Record<string, unknown> | undefined
  created: number
  now: number
  /** The seal's ttl in seconds; 0 for none. */
  ttl: number
  state: unknown
}

/** What a mode answers at save: the user key to seal beside the id, or why the session was refused instead. */
export type ModeSaved = { userKey: string | undefined; state?: unknown } | { refused: UnsealErrorReason; message: string }

/** A server-side mode, bound: what read, commit and the Sessions methods call. */
export interface SessionMode {
  /** The seal carries the data (revocations), or only names it (a store). */
  readonly dataInSeal: boolean
  /** Whose data this is, from the userId option; undefined without it or for no one. */
  userOf(data: Record<string, unknown>): string | undefined
  /** At read, for each seal that opened and has not expired. Synchronous where it can be: a cache hit then takes no extra trip through the microtask queue. */
  read(seal: SealIdentity, now: number): ModeRead | Promise<ModeRead>
  save(write: ModeWrite): Promise<ModeSaved>
  /** Nothing is kept: what the mode holds for the id read goes, and the id itself ends when `ends` (identity.ts). */
  end(id: string | undefined, ends: boolean, user: string | undefined, state: unknown): Promise<void>
  revoke(id: string): Promise<boolean>
  revokeAll(user: string | number, options?: { except?: string | undefined }): Promise<string[]>
  sessionsOf(user: string | number): Promise<StoredSessionInfo[]>
}

/** What a plan is given at setup: the options a mode depends on (it checks its own). */
export interface ModeOptions {
  passwords: Passwords
  ttl: number
  maxLifetime: number | undefined
  storeTimeout: unknown
  userId: unknown
  maxStoredBytes: unknown
  legacySeals: unknown
}

/** Made by `sessionStore(storage)` or `revocable({...})`: the value of the `store` or `revocations` option. */
export interface Plan {
  readonly [PLAN]: (options: ModeOptions) => SessionMode
  /** The option it is made for. */
  readonly option: 'store' | 'revocations'
}

const isPlan = (value: unknown): value is Plan => value !== null && typeof value === 'object' && typeof (value as Partial<Plan>)[PLAN] === 'function'

/** The store or revocations option, bound; undefined with neither. Throws at setup, with the fix, for anything else. */
export function bindMode(options: Record<string, unknown>, config: Pick<ModeOptions, 'passwords' | 'ttl' | 'maxLifetime'>): SessionMode | undefined {
  const { store, revocations, storeTimeout, userId, maxStoredBytes, legacySeals } = options
  if (store !== undefined && revocations !== undefined) {
    throw new TypeError(DEV ? 'iron-fetch-session: store and revocations do not go together: with a store, destroy() and revoke() already end sessions on the server. Keep one of them.' : brief('store and revocations do not go together'))
  }
  if (store === undefined) {
    if (maxStoredBytes !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: maxStoredBytes needs a store; add store, or drop maxStoredBytes (a cookie is limited by chunk).' : brief('maxStoredBytes needs a store'))
    if (legacySeals !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: legacySeals needs a store: it says what a store does with cookie-only seals. Add store, or drop legacySeals.' : brief('legacySeals needs a store'))
  }
  if (store === undefined && revocations === undefined) {
    if (storeTimeout !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: storeTimeout needs a store; add store, or drop storeTimeout.' : brief('storeTimeout needs a store'))
    if (userId !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: userId needs a store: a cookie session has no server-side list of sessions. Add store, or drop userId.' : brief('userId needs a store'))
    return undefined
  }
  const plan = store ?? revocations
  if (!isPlan(plan) || plan.option !== (store === undefined ? 'revocations' : 'store')) {
    const bare = plan !== null && typeof plan === 'object' && typeof (plan as { getItem?: unknown }).getItem === 'function'
    throw new TypeError(
      store === undefined
        ? DEV ? "iron-fetch-session: revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations' (its code loads only in apps that import it)." : brief("revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'")
        : !DEV
        ? brief('store takes sessionStore(storage) from iron-fetch-session/store')
        : bare
        ? "iron-fetch-session: store takes sessionStore(storage) from 'iron-fetch-session/store', not the storage itself: write store: sessionStore(storage) (the store's code loads only in apps that import it)."
        : "iron-fetch-session: store takes sessionStore(storage) from 'iron-fetch-session/store', with storage an unstorage Storage: createStorage({ driver }).",
    )
  }
  return plan[PLAN]({ ...config, storeTimeout, userId, maxStoredBytes, legacySeals })
}

/** sessions.revoke / sessionsOf / revokeAll without a mode that can: what to add. */
export function needsMode(what: string, revocations = false): TypeError {
  // sessionsOf lists, which revocations cannot (they keep no list of sessions); revoke and revokeAll end, which they can.
  const or = what.startsWith('sessionsOf') ? (revocations ? ' (revocations keep no list of sessions)' : '') : ' or the revocations option'
  return new TypeError(DEV ? `iron-fetch-session: ${what} needs the store option${or}: a cookie session has nothing on the server to end or list.` : brief(`${what} needs the store option${or}`))
}
