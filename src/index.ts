/**
 * 'iron-fetch-session': `createSessions`, the core every mount is made of; `sealData` and `unsealData`; the error
 * classes and the types. The mounts, the store, revocations and the header transport are entry points of their own.
 *
 * @module iron-fetch-session
 */
export { createSessions } from './core/index.ts'
export type { Sessions, SessionHeaders } from './core/index.ts'
export type { Session, SessionLifetime } from './core/session.ts'
export type { SessionOptions, StandardSchemaV1, UnsealErrorReason } from './core/options.ts'
export type { RevocationsOptions, RevocationsPlan } from './revocations/index.ts'
export { UnsealError, FOURTEEN_DAYS } from './core/seal.ts'
export type { UnsealReason } from './core/seal.ts'
export type { Password } from './core/passwords.ts'
export { sealData, unsealData } from './core/tokens.ts'
export type { SealDataOptions, UnsealDataOptions } from './core/tokens.ts'
export { SessionTooLargeError, MAX_COOKIE_BYTES } from './core/cookies.ts'
export { SessionStoreError } from './store/store.ts'
export { NotJsonError } from './core/plain-json.ts'
export type { StorePlan, SessionStore } from './store/index.ts'
export type { StoredSessionInfo } from './core/mode.ts'
export type { CookieOptions, SameSite } from './core/cookies.ts'
