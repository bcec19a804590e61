/**
 * The seam between the core and a server-side mode: the one interface that the
 * store (src/store/) and revocations (src/revocations/) implement. The core
 * reads and commits every session the same way; at fixed points it tells the
 * mode what happened, and the mode answers:
 *
 *   begin   a request's identity (session.id, destroy(), regenerateId() touch it)
 *   read    a seal opened and unexpired (cache hits too): accept it, refuse it, or give its data
 *   keep    commit keeps the session: under which id, and which id ends (identity.ts decides)
 *   clear   commit keeps nothing: the id read ends, when it held something
 *   revoke, revokeAll, sessionsOf   the Sessions methods
 *
 * What a mode throws (a store that fails: SessionStoreError, src/store/store.ts) reaches the app as an error;
 * what it refuses comes back as a value.
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
 * What a mode is told of a seal. One object per seal, kept with it in the unseal cache, so what a mode
 * computes of it (its identity, its user and user keys) is computed once.
 */
export interface SealIdentity {
  seal: string
  /** When the session was created, and when the seal expires (undefined: never). */
  createdAt: number
  expiresAt: number | undefined
  /** The seal's own data (empty for a store's seal), and its `__ifs` bookkeeping as sealed. */
  data: Record<string, unknown>
  meta?: Record<string, unknown> | undefined
  /** Set by the mode (identity.ts): the seal's id, when it was made, its user's key, whether it names stored data. */
  id?: string
  born?: number | undefined
  userKey?: string | undefined
  stored?: boolean
  /** Whose the seal's data is (null: no one's), and that user's keys, once computed. */
  user?: string | null
  userKeys?: string[]
}

/** One request's identity, as the session's methods touch it (identity.ts). */
export interface ModeIdentity {
  /** session.id: the id commit will seal, made on first use. */
  current(): string
  destroy(): void
  regenerate(deleteOld: boolean): void
}

/** What a mode answers at read: undefined accepts the seal as it is; otherwise a refusal, or the session's data. */
export type ModeRead = undefined | { refused: UnsealErrorReason; message: string } | { data: Record<string, unknown> | undefined; flash: Record<string, unknown> | undefined; due?: boolean }

/** What commit tells a mode when it keeps a session. */
export interface ModeCommit {
  data: Record<string, unknown>
  dataJson: string
  flash: Record<string, unknown> | undefined
  /** The session read held data; the data committed is empty (a flash is kept). */
  held: boolean
  emptied: boolean
  /** The creation time commit would seal; the mode may start it anew. */
  created: number
  now: number
  /** The seal's ttl for a creation time. */
  ttlFor(created: number): number
  /** The seal the client holds, as read and since changed: whether it may stay is the mode's to say (identity.ts). */
  clientSeal?: HeldSeal
}

/** The seal the client holds (commit's read state): when a store may leave it as it is. */
export interface HeldSeal {
  passwordId: string | undefined
  sealedAt: number | undefined
  destroyed: boolean
  regenerate: boolean
  due: boolean
  refused: UnsealErrorReason | undefined
  /** The session's own lifetime (setLifetime): its ttl, in seconds. */
  lifetime: { t?: number | undefined } | undefined
}

/** What a mode answers: the creation time and ttl to seal, the fields it adds to `__ifs`, what the cache keeps of the seal; or a refusal. */
export type ModeKept =
  | { created: number; ttl: number; fields: Record<string, unknown>; seal: Pick<SealIdentity, 'id' | 'born' | 'userKey' | 'stored' | 'user'>; stays?: boolean }
  | { refused: UnsealErrorReason; message: string }

/** A server-side mode, bound: what read, commit and the Sessions methods call. */
export interface SessionMode {
  /** The seal carries the data (revocations), or only names it (a store). */
  readonly dataInSeal: boolean
  /** A request's identity, made with its session. */
  begin(): ModeIdentity
  /** At read, for each seal that opened and has not expired. Synchronous where it can be: a cache hit then takes no extra trip through the microtask queue. */
  read(seal: SealIdentity, identity: ModeIdentity, now: number): ModeRead | Promise<ModeRead>
  /** At commit, before any header: keep the session (a store writes the record; revocations end what ends). */
  keep(identity: ModeIdentity, commit: ModeCommit): Promise<ModeKept>
  /** At commit, nothing is kept: the id read ends, when it held something. */
  clear(identity: ModeIdentity, held: boolean): Promise<void>
  revoke(id: string): Promise<boolean>
  revokeAll(user: string | number, options?: { except?: string | undefined }): Promise<string[]>
  sessionsOf(user: string | number): Promise<StoredSessionInfo[]>
}

/** What a plan is given at setup: the options a mode depends on (it checks its own). */
export interface ModeOptions {
  passwords: Passwords
  ttl: number
  /** Seconds between re-seals with rolling; undefined without. */
  touchAfter: number | undefined
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
export function bindMode(options: Record<string, unknown>, config: Pick<ModeOptions, 'passwords' | 'ttl' | 'maxLifetime' | 'touchAfter'>): SessionMode | undefined {
  const { store, revocations, storeTimeout, userId, maxStoredBytes, legacySeals } = options
  if (store !== undefined && revocations !== undefined) {
    throw new TypeError(DEV ? 'iron-fetch-session: store and revocations do not go together: with a store, destroy() and revoke() already end sessions on the server. Keep one of them.' : brief('store and revocations do not go together'))
  }
  // The options a mode reads, given without it: each fails, naming what it needs (storeTimeout and userId serve revocations too).
  const needs = [['maxStoredBytes', store], ['legacySeals', store], ['storeTimeout', store ?? revocations], ['userId', store ?? revocations]] as const
  for (const [name, plan] of needs) {
    if (options[name] === undefined || plan !== undefined) continue
    throw new TypeError(
      DEV
        ? {
            maxStoredBytes: 'iron-fetch-session: maxStoredBytes needs a store; add store, or drop maxStoredBytes (a cookie is limited by chunk).',
            legacySeals: 'iron-fetch-session: legacySeals needs a store: it says what a store does with cookie-only seals. Add store, or drop legacySeals.',
            storeTimeout: 'iron-fetch-session: storeTimeout needs a store; add store, or drop storeTimeout.',
            userId: 'iron-fetch-session: userId needs a store: a cookie session has no server-side list of sessions. Add store, or drop userId.',
          }[name]
        : brief(`${name} needs a store`),
    )
  }
  if (store === undefined && revocations === undefined) return undefined
  const plan = store ?? revocations
  if (!isPlan(plan) || plan.option !== (store === undefined ? 'revocations' : 'store')) {
    throw new TypeError(
      !DEV
        ? brief(store === undefined ? "revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'" : 'store takes sessionStore(storage) from iron-fetch-session/store')
        : store === undefined
        ? "iron-fetch-session: revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations' (its code loads only in apps that import it)."
        : plan !== null && typeof plan === 'object' && typeof (plan as { getItem?: unknown }).getItem === 'function'
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
