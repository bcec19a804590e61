/**
 * A user's sessions — "your devices", "sign out everywhere" — on key-value
 * stores without transactions. There is no list to read, change and write
 * back (two sign-ins at once would each drop the other's entry): each session
 * writes its own key, `ifs:user:<sha256(user)>:<id>`, before its record, and
 * a listing is a getKeys of the user's prefix plus a read of each record.
 *
 * What that guarantees, with a store whose single-key operations are atomic
 * (Redis, a file, memory): every session whose commit has finished is listed,
 * and revokeAll ends every session listed when it ran. A sign-in that finishes
 * while revokeAll runs may survive it, and is then listed afterwards.
 */
import type { Config } from './options.ts'
import { call, decodeRecord, endSession, guarded, isSessionId, keys, loadRecord, userHash, type StoreConfig } from './store.ts'
import { expired, requireStore } from './stored-session.ts'

/** One live session of a user, as sessionsOf lists it. */
export interface StoredSessionInfo<Data = Record<string, unknown>> {
  id: string
  /** Milliseconds since the epoch: when it was created, last written, and when it ends (undefined: ttl 0). */
  createdAt: number
  updatedAt: number
  expiresAt: number | undefined
  /** Its data as stored: what your "devices" page shows (a device name the app stored at sign-in, say). */
  data: Partial<Data>
}

/** The ids under a user's index prefix, whatever their record says. */
async function indexedIds(store: StoreConfig, user: string): Promise<string[]> {
  const prefix = keys.userPrefix(await userHash(user))
  const found = await guarded(store, 'list', "listing a user's sessions", () => call(store.store, 'getKeys', prefix))
  if (!Array.isArray(found)) throw new TypeError("iron-fetch-session: the store's getKeys did not return an array of keys.")
  // Only keys under the prefix asked for count: a store that ignores the prefix must not make one user's revokeAll end everyone's sessions.
  const ids: string[] = []
  for (const key of found) {
    if (typeof key !== 'string' || !key.startsWith(prefix)) continue
    const id = key.slice(prefix.length)
    if (isSessionId(id)) ids.push(id)
  }
  return ids
}

/** The user's live sessions, oldest first: revoked, expired and reassigned ones are left out. */
export async function sessionsOf(config: Config, user: string | number): Promise<StoredSessionInfo[]> {
  const store = userIndex(config, 'sessionsOf(user)')
  const name = String(user)
  const now = Date.now()
  const ids = await indexedIds(store, name)
  const found = await Promise.all(ids.map(async (id) => ({ id, ...(await loadRecord(store, id)) })))
  const live: StoredSessionInfo[] = []
  for (const { id, value, revoked } of found) {
    const record = value === undefined || revoked ? undefined : decodeRecord(value)
    if (typeof record !== 'object' || record.user !== name || expired(config, record, now)) continue
    live.push({ id, createdAt: record.created, updatedAt: record.sealed, expiresAt: record.expires, data: record.data })
  }
  return live.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
}

/**
 * Ends every session in the user's index — "sign out everywhere" — except
 * `except` (the current session's id, for "everywhere else"). Ids are ended
 * whatever their record says, so a sign-in caught between its index key and its
 * record is ended too. Returns the ids ended.
 */
export async function revokeAll(config: Config, user: string | number, options: { except?: string | undefined } = {}): Promise<string[]> {
  const store = userIndex(config, 'revokeAll(user)')
  const name = String(user)
  const ids = (await indexedIds(store, name)).filter((id) => id !== options.except)
  await Promise.all(ids.map((id) => endSession(store, config, id, name)))
  return ids
}

function userIndex(config: Config, what: string): StoreConfig {
  const store = requireStore(config, what)
  if (!store.userId) throw new TypeError(`iron-fetch-session: ${what} needs the userId option, which says whose each session is: userId: (data) => data.user?.id.`)
  return store
}
