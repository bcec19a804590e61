/**
 * Unknown option names fail at setup. A typo such as `cookieOption` would
 * otherwise be ignored, and the default it meant to change (Secure, say) would
 * silently stay.
 */
import { brief, DEV, devTools } from './messages.ts'

/** Throws for the first key of `given` that is not in `known`, naming the nearest known one. */
export function checkKeys(given: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue
    // The did-you-mean comes with the whole message only (dev-tools.ts): a production bundle has neither.
    const near = devTools?.nearest(key, known)
    throw new TypeError(
      DEV ? `iron-fetch-session: unknown ${where} ${JSON.stringify(key)}.${near ? ` Did you mean ${near}?` : ''} The known ones are ${known.join(', ')}.` : brief(`unknown ${where} ${JSON.stringify(key)}`),
    )
  }
}
