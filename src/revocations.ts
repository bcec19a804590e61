/**
 * 'iron-fetch-session/revocations': sign-out that really signs out, the data still in the cookie.
 *
 *   import { revocable } from 'iron-fetch-session/revocations'
 *   createSessions({ password, revocations: revocable({ store, lag: 5 }) })
 *
 * The package's entry (dist/revocations.js); the code is in src/revocations/.
 *
 * @module iron-fetch-session/revocations
 */
export * from './revocations/index.ts'
