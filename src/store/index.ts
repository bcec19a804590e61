/**
 * 'iron-fetch-session/store': the session's data in a server-side store, the
 * cookie holding only a random id.
 *
 *   import { sessionStore } from 'iron-fetch-session/store'
 *   ironSession({ password, store: sessionStore(createStorage({ driver })) })
 *
 * Its own entry point, so its code is bundled only by the apps that use it.
 */
import type { Passwords } from '../core/passwords.ts'
import { STORE_BIND, type BoundStore, type StoreBindOptions, type StorePlan } from '../core/store-option.ts'
import { checkStoreShape, storeConfig, type SessionStore } from './store.ts'
import { endStored, newStoredState, readStored, revoke, saveStored } from './stored-session.ts'
import { revokeAll, sessionsOf } from './user-sessions.ts'

const operations = { newState: newStoredState, read: readStored, save: saveStored, end: endStored, revoke, sessionsOf, revokeAll }

/**
 * The `store` option: keep each session's data in `storage` (an unstorage Storage, or anything with
 * getItem, setItem(key, value, { ttl }) and removeItem). storeTimeout, maxStoredBytes, legacySeals and
 * userId stay session options beside it.
 */
export function sessionStore(storage: SessionStore): StorePlan {
  checkStoreShape(storage, 'the storage given to sessionStore()')
  return { [STORE_BIND]: (options: StoreBindOptions, passwords: Passwords): BoundStore => ({ ...storeConfig(storage, options, passwords), ...operations }) }
}

export { SessionStoreError } from '../core/store-option.ts'
export type { StorePlan } from '../core/store-option.ts'
export type { SessionStore } from './store.ts'
export type { StoredSessionInfo } from './user-sessions.ts'
