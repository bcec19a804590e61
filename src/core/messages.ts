/**
 * Error messages, long and short. Each error is thrown as `DEV ? long : brief(subject)`: the long
 * one says what went wrong and what to change; a production bundle for the edge keeps only the
 * brief one (its bundler folds DEV, see dev-bundled.ts), so the Worker starts faster. Node, Deno
 * and Bun always get the long one. The error's class, `reason` and other fields are the same in both.
 */
export { DEV } from '#dev'
/** Development-only code (dev-tools.ts): undefined in a production bundle, which leaves it out. */
export { devTools } from '#dev-tools'

/** The production message: what failed, and where to see why. */
export function brief(subject: string): string {
  return `iron-fetch-session: ${subject} (short message of a production bundle: run it in development, such as wrangler dev, for the whole message)`
}
