/**
 * `extras.revocations` for the drop-in: the revocations mode (src/core/mode.ts) under
 * iron-session's shape, through the same seam the core uses, so the rule for when an id
 * ends is the core's (identity.ts). The seal then carries `__ifs: { created, sealed, id,
 * ra, u? }` beside the data, a read refuses a revoked id (onUnsealError 'revoked'), and
 * destroy() writes the revocation, returning its promise. Revocations made here and by
 * createSessions() with the same store and password are one list: the keys are the same.
 */
import { bindMode, type ModeIdentity, type Passwords, type Plan, type SealIdentity, type SessionMode } from '../../core/index.ts'

/** One mode (and so one view) per revocations object, password set and ttl: options are read on every call. */
const made = new WeakMap<object, WeakMap<Passwords, Map<number, SessionMode>>>()

export function revocationsFor(given: Plan, userId: unknown, passwords: Passwords, ttl: number): SessionMode {
  let byPasswords = made.get(given)
  if (!byPasswords) made.set(given, (byPasswords = new WeakMap()))
  let byTtl = byPasswords.get(passwords)
  if (!byTtl) byPasswords.set(passwords, (byTtl = new Map()))
  let mode = byTtl.get(ttl)
  if (!mode) byTtl.set(ttl, (mode = bindMode({ revocations: given, userId }, { passwords, ttl, maxLifetime: undefined, touchAfter: undefined }) as SessionMode))
  return mode
}

/** What a revocable session knows of its seal: its identity, whether it held data, and when it was created. */
export interface RevocableRead {
  identity: ModeIdentity
  held: boolean
  createdAt: number
}

/** Checks the seal against the revocations: why it is refused, or what the session read knows of it. */
export async function readRevocable(mode: SessionMode, seal: string, meta: unknown, data: Record<string, unknown>, expiresAt: number | undefined, ttl: number): Promise<RevocableRead | { refused: string }> {
  const bookkeeping = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>) : undefined
  const created = bookkeeping?.created
  const createdAt = typeof created === 'number' && Number.isFinite(created) ? created : expiresAt !== undefined ? expiresAt - ttl * 1000 : Date.now()
  const sealIdentity: SealIdentity = { seal, createdAt, expiresAt, data, meta: bookkeeping, stored: false }
  const identity = mode.begin()
  const found = await mode.read(sealIdentity, identity, Date.now())
  if (found !== undefined && 'refused' in found) return { refused: found.message }
  return { identity, held: Object.keys(data).length > 0, createdAt }
}

/**
 * The payload save() seals: the data, and the bookkeeping that names the id. Which id is sealed and which ends
 * (a change of user ends the one read) is the core's rule; a revocation is written before the seal. Undefined:
 * the id read was revoked while this request ran, and nothing is sealed.
 */
export async function revocablePayload(mode: SessionMode, read: RevocableRead | undefined, data: Record<string, unknown>, ttl: number): Promise<{ payload: Record<string, unknown> | undefined; read: RevocableRead }> {
  const now = Date.now()
  const identity = read?.identity ?? mode.begin()
  const kept = await mode.keep(identity, { data, dataJson: JSON.stringify(data), flash: undefined, held: read?.held ?? false, emptied: Object.keys(data).length === 0, created: read?.createdAt ?? now, now, ttlFor: () => ttl })
  if ('refused' in kept) return { payload: undefined, read: { identity, held: false, createdAt: now } }
  return { payload: { ...data, __ifs: { created: kept.created, sealed: now, ...kept.fields } }, read: { identity, held: Object.keys(data).length > 0, createdAt: kept.created } }
}

/** destroy(): the id the client holds ends (a promise, for the app to await). */
export function endRevocable(mode: SessionMode, read: RevocableRead | undefined): Promise<void> | undefined {
  if (!read) return undefined
  read.identity.destroy()
  return mode.clear(read.identity, read.held)
}
