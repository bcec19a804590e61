/**
 * One session identity, and the one rule for when it ends, whatever the mode.
 *
 * With a server-side mode (mode.ts), every seal carries an id, the time that id
 * was made (its birth) and its user's key. This file decides, for a request:
 * which id commit seals, and which id ends. The store and revocations apply
 * the decision, each its own way (a store removes the record and writes a
 * marker; revocations write a marker), so the two never disagree on when a
 * session ends:
 *
 *   - destroy() and regenerateId(true) end the id the client holds;
 *   - a change of user (a sign-in, a switch, a sign-out that only deletes the
 *     user) seals a new id, and so does a session emptied of its data; the old
 *     id ends when it protected something: a user or data (an id planted before
 *     a sign-in is then worth nothing). A flash-only session ends nothing, so an
 *     anonymous visitor cannot make markers by reading a flash;
 *   - any other new id (regenerateId()) replaces a live id: the mode checks, at
 *     commit, that the old one was not revoked in the meantime, which a lagged
 *     view may not know yet;
 *   - revokeAll(user) ends every id of the user born before it (but `except`).
 */
import { newSessionId } from './ids.ts'

export interface Identity {
  /** The id commit seals: the one read, or a new one (made on first use, by regenerateId, after destroy). */
  id: string | undefined
  /** The id the client holds; undefined for a new session. */
  readId: string | undefined
  readBorn: number | undefined
  readUser: string | undefined
  /** End readId at commit: destroy(), regenerateId(true). */
  endRead: boolean
}

export function newIdentity(): Identity {
  return { id: undefined, readId: undefined, readBorn: undefined, readUser: undefined, endRead: false }
}

export function readIdentity(identity: Identity, id: string, born: number, user: string | undefined): void {
  identity.id = identity.readId = id
  identity.readBorn = born
  identity.readUser = user
}

/** session.id: the id commit will seal, made on first use. */
export const currentId = (identity: Identity): string => (identity.id ??= newSessionId())

export function destroyIdentity(identity: Identity): void {
  identity.endRead = true
  // A flash kept after destroy() goes under a new id.
  identity.id = undefined
}

export function regenerateIdentity(identity: Identity, deleteOld: boolean): void {
  identity.id = newSessionId()
  if (deleteOld) identity.endRead = true
}

/** What commit does with the ids: the one it seals (undefined: nothing is kept), whether the one read ends, and whether a replacement must check it. */
export interface Settled {
  id: string | undefined
  born: number
  ends: boolean
  replaces: boolean
}

/**
 * The decision at commit. `user`: whose the data committed is; `emptied`: it holds no data; `keep`:
 * something is sealed (data or a flash); `held`: the session read held data.
 */
export function settleIdentity(identity: Identity, user: string | undefined, emptied: boolean, keep: boolean, held: boolean, now: number): Settled {
  const { readId } = identity
  let ends = identity.endRead
  if (readId !== undefined && (user !== identity.readUser || emptied)) {
    // A new session from here on: a new id (unless this request already made one, which session.id may have named).
    if (identity.id === readId) identity.id = undefined
    // The old id ends when it protected something: a signed-in user, or data (an id planted before a sign-in is worth nothing).
    if (identity.readUser !== undefined || held) ends = true
  }
  if (!keep) return { id: undefined, born: now, ends: readId !== undefined && ends, replaces: false }
  const id = (identity.id ??= newSessionId())
  const same = id === readId
  return { id, born: same ? (identity.readBorn as number) : now, ends: readId !== undefined && !same && ends, replaces: readId !== undefined && !same && !ends }
}

/** After commit: what the client now holds. */
export function settledIdentity(identity: Identity, settled: Settled, user: string | undefined): void {
  identity.id = identity.readId = settled.id
  identity.readBorn = settled.id === undefined ? undefined : settled.born
  identity.readUser = settled.id === undefined ? undefined : user
  identity.endRead = false
}
