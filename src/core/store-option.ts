/**
 * The `store` option as the core sees it: a plan made by `sessionStore(storage)`
 * from 'iron-fetch-session/store', bound to the session options at setup. The
 * store's code (src/store/) comes in with that import only, so a cookie-only app
 * does not bundle it; the core knows it by type alone, and by the error a
 * failing store raises.
 */
import { brief, DEV } from './messages.ts'
import type { Config, UnsealErrorReason } from './options.ts'
import type { Passwords } from './passwords.ts'
import type { StoreConfig } from '../store/store.ts'
import type { StoredSessionInfo } from '../store/user-sessions.ts'

export const STORE_BIND = Symbol.for('iron-fetch-session.store')

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

/** Per request, with a store: which id was read and which one commit writes. */
export interface StoredState {
  /** The id commit writes to: the one read, or a new one (made on first use, by regenerateId, after destroy). */
  id: string | undefined
  /** The id whose record this request read; undefined for a new session. */
  readId: string | undefined
  /** That record's user and user-index expiry. */
  user: string | undefined
  indexed: number | undefined
  /** End readId at commit: destroy(), or regenerateId(true). */
  endRead: boolean
  /** A cookie-only seal (from before the store was added) read under a store: commit moves its data in. */
  migrate: boolean
  /** The id that seal moves to (taken from the seal): ended if the session ends or moves on before it is written. */
  moved?: string | undefined
  /** A seal from before user keys were sealed in (or a record filed the old way): commit re-seals and re-files it. */
  upgrade?: boolean
}

/** What commit hands the store to write. */
export interface StoredWrite {
  dataJson: string
  data: Record<string, unknown>
  flash: Record<string, unknown> | undefined
  created: number
  now: number
  /** The seal's ttl in seconds; 0 for none. */
  ttl: number
}

/** What a store-backed seal reads as: the record's data and flash, or why the session is refused; undefined leaves the seal's own data. */
export type StoredRead = { data: Record<string, unknown>; flash: Record<string, unknown> | undefined } | { reason: UnsealErrorReason; message: string } | undefined

/** The store's code, bound at setup: what read, commit and the sessions' methods call. */
export interface StoreOperations {
  newState(): StoredState
  read(config: Config, stored: StoredState, id: string | undefined, now: number, seal: string, userKey: string | undefined): Promise<StoredRead>
  save(config: Config, stored: StoredState, write: StoredWrite): Promise<{ id: string; userKey: string | undefined }>
  end(config: Config, stored: StoredState): Promise<void>
  revoke(config: Config, id: string): Promise<boolean>
  sessionsOf(config: Config, user: string | number): Promise<StoredSessionInfo[]>
  revokeAll(config: Config, user: string | number, options?: { except?: string | undefined }): Promise<string[]>
}

export type BoundStore = StoreConfig & StoreOperations

/** The options a store depends on, handed to the plan at setup. */
export interface StoreBindOptions {
  storeTimeout?: unknown
  userId?: unknown
  maxStoredBytes?: unknown
  legacySeals?: unknown
}

/** Made by `sessionStore(storage)`; pass it as the `store` option. */
export interface StorePlan {
  readonly [STORE_BIND]: (options: StoreBindOptions, passwords: Passwords) => BoundStore
}

/** The option, bound; undefined without it. Throws, with the fix, for a bare storage, anything else, or store options without a store. */
export function bindStore(options: StoreBindOptions & { store?: unknown; revocations?: unknown }, passwords: Passwords): BoundStore | undefined {
  const { store, storeTimeout, userId, maxStoredBytes, legacySeals } = options
  if (store === undefined) {
    if (maxStoredBytes !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: maxStoredBytes needs a store; add store, or drop maxStoredBytes (a cookie is limited by chunk).' : brief('maxStoredBytes needs a store'))
    if (legacySeals !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: legacySeals needs a store: it says what a store does with cookie-only seals. Add store, or drop legacySeals.' : brief('legacySeals needs a store'))
    // With revocations, storeTimeout and userId are theirs (revocations.ts checks them).
    if (options.revocations !== undefined) return undefined
    if (storeTimeout !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: storeTimeout needs a store; add store, or drop storeTimeout.' : brief('storeTimeout needs a store'))
    if (userId !== undefined) throw new TypeError(DEV ? 'iron-fetch-session: userId needs a store: a cookie session has no server-side list of sessions. Add store, or drop userId.' : brief('userId needs a store'))
    return undefined
  }
  if (store === null || typeof store !== 'object' || typeof (store as Partial<StorePlan>)[STORE_BIND] !== 'function') {
    const bare = store !== null && typeof store === 'object' && typeof (store as { getItem?: unknown }).getItem === 'function'
    throw new TypeError(
      !DEV
        ? brief('store takes sessionStore(storage) from iron-fetch-session/store')
        : bare
        ? "iron-fetch-session: store takes sessionStore(storage) from 'iron-fetch-session/store', not the storage itself: write store: sessionStore(storage) (the store's code loads only in apps that import it)."
        : "iron-fetch-session: store takes sessionStore(storage) from 'iron-fetch-session/store', with storage an unstorage Storage: createStorage({ driver }).",
    )
  }
  return (store as StorePlan)[STORE_BIND]({ storeTimeout, userId, maxStoredBytes, legacySeals }, passwords)
}

/** sessions.revoke / sessionsOf / revokeAll without a store or revocations: what to add. */
export function needsStore(config: Pick<Config, 'revocations'>, what: string): TypeError {
  // sessionsOf lists, which revocations cannot (they keep no list of sessions); revoke and revokeAll end, which they can.
  const or = what.startsWith('sessionsOf') ? (config.revocations ? ' (revocations keep no list of sessions)' : '') : ' or the revocations option'
  return new TypeError(DEV ? `iron-fetch-session: ${what} needs the store option${or}: a cookie session has nothing on the server to end or list.` : brief(`${what} needs the store option${or}`))
}
