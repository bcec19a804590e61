/**
 * `extras.revocations` for the drop-in: the revocations mode (src/core/mode.ts) under
 * iron-session's shape, with the core's one rule for when an id ends (identity.ts). The
 * seal then carries `__ifs: { created, sealed, id, ra, u? }` beside the data, a read
 * refuses a revoked id (onUnsealError 'revoked'), and destroy() writes the revocation,
 * returning its promise. Revocations made here and by createSessions() with the same
 * store and password are one list: the keys are the same.
 */
import {
  bindMode,
  idFromSeal,
  isSessionId,
  newIdentity,
  readIdentity,
  settledIdentity,
  settleIdentity,
  USER_KEY,
  type Identity,
  type Passwords,
  type Plan,
  type SealIdentity,
  type SessionMode,
} from '../../core/index.ts'

/** One mode (and so one view) per revocations object, password set and ttl: options are read on every call. */
const made = new WeakMap<object, WeakMap<Passwords, Map<number, SessionMode>>>()

export function revocationsFor(given: Plan, userId: unknown, passwords: Passwords, ttl: number): SessionMode {
  let byPasswords = made.get(given)
  if (!byPasswords) made.set(given, (byPasswords = new WeakMap()))
  let byTtl = byPasswords.get(passwords)
  if (!byTtl) byPasswords.set(passwords, (byTtl = new Map()))
  let mode = byTtl.get(ttl)
  if (!mode) byTtl.set(ttl, (mode = bindMode({ revocations: given, userId }, { passwords, ttl, maxLifetime: undefined }) as SessionMode))
  return mode
}

/** What a revocable session read knows of its seal: its identity, whether it held data, and when it was created. */
export interface RevocableRead {
  identity: Identity
  held: boolean
  createdAt: number
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** Checks the seal against the revocations: why it is refused, or what the session read knows of it. */
export async function readRevocable(mode: SessionMode, seal: string, meta: unknown, data: Record<string, unknown>, expiresAt: number | undefined, ttl: number): Promise<RevocableRead | { refused: string }> {
  const { id, rid, ra, u, created } = (meta !== null && typeof meta === 'object' ? meta : {}) as { id?: unknown; rid?: unknown; ra?: unknown; u?: unknown; created?: unknown }
  // Seals of 0.1 named the id `rid`; a seal with none (iron-session's) takes one from its MAC, the same on every replay.
  const given = isSessionId(id) ? id : isSessionId(rid) ? rid : undefined
  const createdAt = finite(created) ? created : expiresAt !== undefined ? expiresAt - ttl * 1000 : Date.now()
  const sealIdentity: SealIdentity = {
    seal,
    id: given ?? idFromSeal(seal),
    born: given !== undefined && finite(ra) ? ra : undefined,
    createdAt,
    stored: false,
    userKey: typeof u === 'string' && USER_KEY.test(u) ? u : undefined,
    data,
  }
  const found = await mode.read(sealIdentity, Date.now())
  if (found !== undefined && 'refused' in found) return { refused: found.message }
  const identity = newIdentity()
  readIdentity(identity, sealIdentity.id, sealIdentity.born ?? createdAt, sealIdentity.user ?? undefined)
  return { identity, held: Object.keys(data).length > 0, createdAt }
}

/**
 * The payload save() seals: the data, and the bookkeeping that names the id. Which id is sealed and which
 * ends (a change of user ends the one read) is the core's rule; the revocation is written before the seal.
 */
export async function revocablePayload(mode: SessionMode, read: RevocableRead | undefined, data: Record<string, unknown>): Promise<{ payload: Record<string, unknown> | undefined; read: RevocableRead }> {
  const now = Date.now()
  const identity = read?.identity ?? newIdentity()
  const user = mode.userOf(data)
  const created = identity.readId === undefined || user !== identity.readUser || read === undefined ? now : read.createdAt
  const settled = settleIdentity(identity, user, Object.keys(data).length === 0, true, read?.held ?? false, now)
  const saved = await mode.save({
    id: settled.id as string,
    readId: identity.readId,
    ends: settled.ends,
    readBorn: identity.readBorn,
    readUser: identity.readUser,
    user,
    replaces: settled.replaces,
    born: settled.born,
    data,
    dataJson: JSON.stringify(data),
    flash: undefined,
    created,
    now,
    ttl: 0,
    state: undefined,
  })
  if ('refused' in saved) {
    // The id read was revoked while this request ran: nothing is sealed under a new id.
    settledIdentity(identity, { id: undefined, born: now, ends: false, replaces: false }, undefined)
    return { payload: undefined, read: { identity, held: false, createdAt: now } }
  }
  settledIdentity(identity, settled, user)
  const meta = saved.userKey === undefined ? { created, sealed: now, id: settled.id, ra: settled.born } : { created, sealed: now, id: settled.id, ra: settled.born, u: saved.userKey }
  return { payload: { ...data, __ifs: meta }, read: { identity, held: Object.keys(data).length > 0 || user !== undefined, createdAt: created } }
}

/** destroy(): the id the client holds ends (a promise, for the app to await); afterwards nothing is read. */
export function endRevocable(mode: SessionMode, read: RevocableRead | undefined): Promise<void> | undefined {
  const id = read?.identity.readId
  if (read) settledIdentity(read.identity, { id: undefined, born: 0, ends: false, replaces: false }, undefined)
  return id === undefined ? undefined : mode.end(id, true, undefined, undefined)
}
