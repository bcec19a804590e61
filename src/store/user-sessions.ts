/**
 * A user's sessions — "your devices", "sign out everywhere" — from the user's
 * list and not-before time (user-index.ts): no scan of everyone's keys.
 *
 * What that guarantees, with a store whose single-key operations are atomic
 * (Redis, a file, memory): revokeAll ends every session of the user created
 * before it, listed or not (its not-before time is checked with every read),
 * but `except`; sessionsOf lists every session whose sign-in finished, but for
 * a narrow race between two sign-ins of one user, which the later of them
 * repairs by reading its entry back.
 */
import type { StoredSessionInfo } from '../core/mode.ts'
import { decodeRecord, endSession, loadRecord, type Lifetime, type StoreConfig } from './store.ts'
import { expired, notBeforeOf } from './stored-session.ts'
import { endedBy, listed, writeNotBefore } from './user-index.ts'

export type { StoredSessionInfo }

/** The user's live sessions, oldest first: revoked, expired and reassigned ones are left out. */
export async function sessionsOf(config: StoreConfig, lifetime: Lifetime, user: string | number): Promise<StoredSessionInfo[]> {
  const store = userIndex(config, 'sessionsOf(user)')
  const name = String(user)
  const now = Date.now()
  const { ids, notBefore } = await listed(store, name, now)
  const found = await Promise.all(ids.map(async (id) => ({ id, ...(await loadRecord(store, id)) })))
  const live: StoredSessionInfo[] = []
  for (const { id, value, revoked } of found) {
    const record = value === undefined || revoked ? undefined : decodeRecord(value)
    if (typeof record !== 'object' || record.user !== name || expired(lifetime, record, now) || endedBy(notBefore, record.born ?? record.created, id)) continue
    live.push({ id, createdAt: record.created, updatedAt: record.sealed, expiresAt: record.expires, data: record.data })
  }
  return live.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}

/**
 * "Sign out everywhere": first the user's not-before time, which ends every session of the user
 * created before now (but `except`: the current session's id, for "everywhere else"), listed or
 * not; then the listed sessions' data, at once. A store that fails rejects: never a partial success.
 * Returns the ids it found listed and ended.
 */
export async function revokeAll(config: StoreConfig, lifetime: Lifetime, user: string | number, options: { except?: string | undefined } = {}): Promise<string[]> {
  const store = userIndex(config, 'revokeAll(user)')
  const name = String(user)
  const at = Date.now()
  // An earlier "sign out everywhere", to leave the sessions it ended out of what this one reports.
  const earlier = await notBeforeOf(store, name)
  await writeNotBefore(store, lifetime, name, { at, except: options.except })
  const candidates = (await listed(store, name, at)).ids.filter((id) => id !== options.except)
  const records = await Promise.all(candidates.map((id) => loadRecord(store, id)))
  // Every listed id is ended (its data goes); the ones reported are those that were live until now: a session
  // signed out or revoked before, expired, moved to another user or ended by an earlier revokeAll is not.
  // A sign-in that finished after `at` is neither: the not-before spares it, and so does this.
  const live: string[] = []
  const ended = candidates.filter((id, i) => {
    const { value, revoked } = records[i]!
    const record = value === undefined ? undefined : decodeRecord(value)
    if (typeof record === 'object' && (record.born ?? record.created) >= at) return false
    if (!revoked && typeof record === 'object' && record.user === name && !expired(lifetime, record, at) && !endedBy(earlier, record.born ?? record.created, id)) live.push(id)
    return true
  })
  await Promise.all(ended.map((id) => endSession(store, lifetime, id, name)))
  return live
}

function userIndex(store: StoreConfig, what: string): StoreConfig {
  if (!store.userId) throw new TypeError(`iron-fetch-session: ${what} needs the userId option, which says whose each session is: userId: (data) => data.user?.id.`)
  return store
}
