/**
 * 'iron-fetch-session/compress': a session's payload deflated in its seal when that makes it shorter.
 *
 *   import { deflatePayloads } from 'iron-fetch-session/compress'
 *   createSessions({ password, compress: deflatePayloads() })
 *
 * iron-session cannot read such seals, nor can an app without the option. Its own entry point, so its
 * code is bundled only by the apps that use it.
 *
 * @module iron-fetch-session/compress
 */
export { deflatePayloads } from './core/compress.ts'
export type { PayloadCodec } from './core/options.ts'
