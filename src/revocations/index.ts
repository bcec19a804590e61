/**
 * 'iron-fetch-session/revocations': sessions that stay in the cookie yet can be revoked.
 *
 *   import { revocable } from 'iron-fetch-session/revocations'
 *   ironSession({ password, userId, revocations: revocable({ store, lag: 5 }) })
 *
 * Its own entry point, so its code is bundled only by the apps that use it.
 */
export { revocable, DEFAULT_LAG, type RevocationsOptions, type RevocationsPlan } from './revocations.ts'
export { durableObjectStore, RevocationLog, type RevocationLogNamespace } from './durable-object.ts'
export { redisRevocationStore, type RedisRevocationStore } from './stream-log.ts'
