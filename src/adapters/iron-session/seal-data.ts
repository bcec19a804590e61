/**
 * iron-session 9's sealData and unsealData over our codec: the same seals
 * (Fe26.2, password id, `~2` marker), with cached keys.
 */
import { cachedPasswords, FOURTEEN_DAYS, isToken, NotJsonError, RESERVED_KEY as RESERVED, seal, unseal, UnsealError, type Passwords } from '../../core/index.ts'
import { usageError, type Password, type UnsealErrorReason } from './options.ts'

export interface Opened {
  data: Record<string, unknown>
  /** The payload's `__ifs`, as sealed (iron-fetch-session's bookkeeping), if any. */
  meta: unknown
  passwordId: string
  expiresAt: number | undefined
}

/** Seals a copy of `data`: save, destroy and updateConfig are not enumerable, so they stay out. */
export async function sealWith(passwords: Passwords, data: unknown, ttl = FOURTEEN_DAYS): Promise<string> {
  try {
    return await seal(passwords, data !== null && typeof data === 'object' ? { ...data } : data, ttl)
  } catch (error) {
    if (!(error instanceof NotJsonError)) throw error
    throw usageError(
      `The session data is not JSON serializable${describe(data)}. Store plain JSON values only: a Date must be stored as a timestamp (Date.now()) or an ISO string, and Map/Set/BigInt/functions are not supported.`,
    )
  }
}

/** Names the first value JSON would not keep, as iron-session 9 names it (down to 5 levels), or ''. */
function describe(value: unknown, path = 'session', depth = 0): string {
  const type = typeof value
  if (type === 'bigint' || type === 'function' || type === 'symbol') return ` (${path} is a ${type})`
  if (type === 'number' && !Number.isFinite(value)) return ` (${path} is ${String(value)})`
  if (type !== 'object' || value === null || depth > 5) return ''
  const name = (value as object).constructor?.name
  if (!Array.isArray(value) && name !== undefined && name !== 'Object') return ` (${path} is a ${name})`
  const entries = Array.isArray(value) ? value.map((item, i) => [`[${i}]`, item] as const) : Object.entries(value as Record<string, unknown>).map(([key, item]) => [`.${key}`, item] as const)
  for (const [step, item] of entries) {
    const found = describe(item, path + step, depth + 1)
    if (found) return found
  }
  return ''
}

/** The `~…` marker after a seal is outside its MAC, so it is dropped unread, as iron-session 9 does. */
const withoutMarker = (value: string) => {
  const marker = value.indexOf('~')
  return marker === -1 ? value : value.slice(0, marker)
}

function withoutReserved(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || !Object.hasOwn(data, RESERVED)) return data
  const { [RESERVED]: _, ...rest } = data as Record<string, unknown>
  return rest
}

/** Opens a session cookie's seal, or throws an UnsealError. */
export async function openWith(passwords: Passwords, value: string): Promise<Opened> {
  const opened = await unseal(passwords, withoutMarker(value))
  // A token made by our sealData (magic link, invitation) under the same password is not a session, here as in the core.
  if (opened.data !== null && typeof opened.data === 'object' && !Array.isArray(opened.data) && isToken(opened.data as Record<string, unknown>)) {
    throw new UnsealError('invalid', 'the seal is a sealData token, not a session')
  }
  const meta = opened.data !== null && typeof opened.data === 'object' ? (opened.data as Record<string, unknown>)[RESERVED] : undefined
  const data = withoutReserved(opened.data) ?? {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    // iron-session answers such a cookie with a 500 on every request; we read it as no session.
    throw new UnsealError('invalid', 'the seal holds JSON that is not an object, so it is not a session')
  }
  return { ...opened, data: data as Record<string, unknown>, meta }
}

export const reasonOf = (error: unknown): UnsealErrorReason => (error instanceof UnsealError ? error.reason : 'invalid')

/** iron-session's `sealData`: any JSON value, for magic links and the like. */
export async function sealData(data: unknown, { password, ttl = FOURTEEN_DAYS }: { password: Password; ttl?: number }): Promise<string> {
  return sealWith(cachedPasswords(password), data, ttl)
}

/** iron-session's `unsealData`: the data, or `{}` for a seal that is refused (told to onUnsealError). */
export async function unsealData<T>(
  value: string,
  { password, onUnsealError }: { password: Password; ttl?: number; onUnsealError?: (reason: UnsealErrorReason, error: unknown) => void },
): Promise<T> {
  try {
    const { data } = await unseal(cachedPasswords(password), withoutMarker(value))
    return (withoutReserved(data) ?? {}) as T
  } catch (error) {
    onUnsealError?.(reasonOf(error), error)
    return {} as T
  }
}
