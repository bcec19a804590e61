/**
 * Unknown option names fail at setup. A typo such as `cookieOption` would
 * otherwise be ignored, and the default it meant to change (Secure, say) would
 * silently stay.
 */
import { brief, DEV } from './messages.ts'

/** Throws for the first key of `given` that is not in `known`, naming the nearest known one. */
export function checkKeys(given: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue
    const near = nearest(key, known)
    throw new TypeError(
      DEV ? `iron-fetch-session: unknown ${where} ${JSON.stringify(key)}.${near ? ` Did you mean ${near}?` : ''} The known ones are ${known.join(', ')}.` : brief(`unknown ${where} ${JSON.stringify(key)}`),
    )
  }
}

/** The known name closest to `key` (case-insensitive edit distance), if it is close enough to be a typo. */
function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [name, distance]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}
