/**
 * 'iron-fetch-session/store': the session's data in a server-side store, the
 * cookie holding only a random id.
 *
 *   import { sessionStore } from 'iron-fetch-session/store'
 *   ironSession({ password, store: sessionStore(createStorage({ driver })) })
 *
 * Its own entry point, so its code is bundled only by the apps that use it.
 * A server-side mode (src/core/mode.ts): the core calls it at read and commit.
 *
 * @module iron-fetch-session/store
 */
import { PLAN, type ModeOptions, type Plan, type SessionMode } from '../core/mode.ts'
import { withIdentity } from '../core/identity.ts'
import { checkStoreShape, storeConfig, userOf, type Lifetime, type SessionStore } from './store.ts'
import { endStored, readStored, revoke, saveStored } from './stored-session.ts'
import { revokeAll, sessionsOf } from './user-sessions.ts'

/**
 * The `store` option: keep each session's data in `storage` (an unstorage Storage, or anything with
 * getItem, setItem(key, value, { ttl }) and removeItem). storeTimeout, maxStoredBytes, legacySeals and
 * userId stay session options beside it.
 */
export function sessionStore(storage: SessionStore): Plan {
  checkStoreShape(storage, 'the storage given to sessionStore()')
  return { [PLAN]: (options: ModeOptions) => bind(storage, options), option: 'store' }
}

function bind(storage: SessionStore, options: ModeOptions): SessionMode {
  const store = storeConfig(storage, options, options.passwords)
  const lifetime: Lifetime = { ttl: options.ttl, maxLifetime: options.maxLifetime }
  const { ttl, touchAfter } = options
  return withIdentity({
    dataInSeal: false,
    lifetime,
    // Renewal is due after touchAfter with rolling, and otherwise after a tenth of ttl (docs/stores.md).
    keepsSeal: { sealId: options.passwords.sealId, renewAfter: ttl > 0 ? (touchAfter ?? Math.floor(ttl / 10)) * 1000 : undefined },
    userOf: (data) => userOf(store, data),
    read: (seal, now) => readStored(store, lifetime, seal, now),
    save: (write) => saveStored(store, lifetime, write),
    end: (id, ends, user) => endStored(store, lifetime, id, ends, user),
    revoke: (id) => revoke(store, lifetime, id),
    sessionsOf: (user) => sessionsOf(store, lifetime, user),
    revokeAll: (user, options) => revokeAll(store, lifetime, user, options),
  })
}

/** Made by `sessionStore(storage)`; pass it as the `store` option. */
export type StorePlan = Plan
export { SessionStoreError } from './store.ts'
export type { SessionStore } from './store.ts'
export type { StoredSessionInfo } from '../core/mode.ts'
