/**
 * `extras.revocations` for the drop-in: the core's revocations (revocations.ts) under
 * iron-session's shape. The seal then carries `__ifs: { created, sealed, rid }` beside the
 * data, a read refuses a revoked id (onUnsealError 'revoked'), and destroy() writes the
 * revocation, returning its promise. Revocations made here and by createSessions() with the
 * same store and password are one list: the keys are the same.
 */
import type { Passwords } from '../../core/passwords.ts'
import { isSessionId, newSessionId } from '../../core/ids.ts'
import type { RevocableSeal, Revocations } from '../../core/revocations.ts'
import { bindRevocations, type RevocationsPlan } from '../../core/revocations-option.ts'

/** One Revocations (and so one view) per revocations object, password set and ttl: options are read on every call. */
const made = new WeakMap<object, WeakMap<Passwords, Map<number, Revocations>>>()

export function revocationsFor(given: RevocationsPlan, userId: unknown, passwords: Passwords, ttl: number): Revocations {
  let byPasswords = made.get(given)
  if (!byPasswords) made.set(given, (byPasswords = new WeakMap()))
  let byTtl = byPasswords.get(passwords)
  if (!byTtl) byPasswords.set(passwords, (byTtl = new Map()))
  let revocations = byTtl.get(ttl)
  if (!revocations) byTtl.set(ttl, (revocations = bindRevocations({ revocations: given, userId }, { passwords, ttl, maxLifetime: undefined }) as Revocations))
  return revocations
}

/** What a revocable session read knows of its seal. */
export interface RevocableRead extends RevocableSeal {
  /** The id the next save() seals; after destroy(), undefined until then. */
  next: string | undefined
}

/** The seal's id, creation time and user, from its `__ifs` (or, for a seal without one, from its MAC and ttl). */
export function revocableOf(revocations: Revocations, seal: string, meta: unknown, data: Record<string, unknown>, expiresAt: number | undefined, ttl: number): RevocableRead {
  const { rid, created } = (meta !== null && typeof meta === 'object' ? meta : {}) as { rid?: unknown; created?: unknown }
  const id = isSessionId(rid) ? rid : revocations.legacyRid(seal)
  const createdAt = typeof created === 'number' && Number.isFinite(created) ? created : expiresAt !== undefined ? expiresAt - ttl * 1000 : Date.now()
  return { rid: id, createdAt, user: revocations.userId ? revocations.userOf(data) : null, next: id }
}

/** The payload save() seals: the data, and the bookkeeping that names the id. A change of user starts a new id. */
export function revocablePayload(revocations: Revocations, read: RevocableRead | undefined, data: Record<string, unknown>): { payload: Record<string, unknown>; read: RevocableRead } {
  const now = Date.now()
  const user = revocations.userId ? revocations.userOf(data) : null
  const same = read !== undefined && read.next !== undefined && (read.user ?? null) === user
  const next: RevocableRead = same ? { ...read, user } : { rid: newSessionId(), createdAt: now, user, next: undefined }
  next.next = next.rid
  return { payload: { ...data, __ifs: { created: next.createdAt, sealed: now, rid: next.rid } }, read: next }
}

