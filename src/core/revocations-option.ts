/**
 * The `revocations` option as the core sees it: a plan made by `revocable()` from
 * 'iron-fetch-session/revocations', bound to the session options at setup. The
 * code of revocations (revocations.ts) comes in with that import only, so a
 * cookie-only app does not bundle it; the core knows it by type alone.
 */
import { brief, DEV } from './messages.ts'
import type { Passwords } from './passwords.ts'
import type { Revocations } from './revocations.ts'

export const BIND = Symbol.for('iron-fetch-session.revocations')

/** What the core hands a plan at setup: the options revocations depend on. */
export interface BindConfig {
  passwords: Passwords
  ttl: number
  maxLifetime: number | undefined
  storeTimeout: unknown
  userId: unknown
}

/** Made by `revocable({ store, lag })`; pass it as the `revocations` option. */
export interface RevocationsPlan {
  readonly [BIND]: (config: BindConfig) => Revocations
}

/** The option, bound; undefined without it. Throws, with the fix, for anything but a plan, or a plan beside a store. */
export function bindRevocations(options: { revocations?: unknown; store?: unknown; storeTimeout?: unknown; userId?: unknown }, config: Omit<BindConfig, 'storeTimeout' | 'userId'>): Revocations | undefined {
  const plan = options.revocations
  if (plan === undefined) return undefined
  if (options.store !== undefined) {
    throw new TypeError(DEV ? 'iron-fetch-session: store and revocations do not go together: with a store, destroy() and revoke() already end sessions on the server. Keep one of them.' : brief('store and revocations do not go together'))
  }
  if (plan === null || typeof plan !== 'object' || typeof (plan as Partial<RevocationsPlan>)[BIND] !== 'function') {
    throw new TypeError(DEV ? "iron-fetch-session: revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations' (its code loads only in apps that import it)." : brief('revocations takes revocable({ store, lag? }) from \'iron-fetch-session/revocations\''))
  }
  return (plan as RevocationsPlan)[BIND]({ ...config, storeTimeout: options.storeTimeout, userId: options.userId })
}
