/**
 * A user's sessions in a store, found without scanning everyone's:
 *
 *   ifs:users:<userKey>   the user's list: `ifs1:{ "<id>": <until, ms; 0: never>, … }`
 *   ifs:nb:<userKey>      the user's "not before": `ifs1:{ "at": ms, "except": id? }`
 *
 * userKey is an HMAC of the user id under the password (user-key.ts). Stores
 * have no transactions, so the list is read, changed and written back, then read
 * again: an entry another sign-in wrote over in the meantime is written again
 * (in one process, sign-ins of one user are filed together, in one write).
 * That makes the list exact but for a narrow race, which is why "sign out
 * everywhere" does not trust it: revokeAll writes the not-before time, which
 * every read of the user's sessions checks (the seal carries the user's key, so
 * it is one more GET in the same round trip), and ends every session created
 * before it, listed or not. The list serves sessionsOf ("your devices") and lets
 * revokeAll remove the data at once.
 *
 * Sessions indexed by the layout before (a key per session under a plain
 * SHA-256 of the user id) move to this one at their next request; until then
 * revokeAll ends them all the same (their records name their user).
 */
import { isSessionId, shortId } from '../core/ids.ts'
import { call, guarded, keys, RECORD_PREFIX, revokedTtl, storeTtl, ttlOption, type StoreConfig } from './store.ts'
import { userKeys } from './user-key.ts'

/** Entries a user's list keeps, the latest-ending first: far more devices than anyone signs in on. */
const MAX_LISTED = 256
const RETRIES = 8
/** The pause before reading an entry back, in ms: a few round trips of a store on the same network. */
const VERIFY_MS = 5

export interface NotBefore {
  at: number
  except: string | undefined
}

type List = Record<string, number>

/** The list, or {} when there is none; undefined for a value that is there but not a list (a file read while it was being written). */
function readList(value: unknown): List | undefined {
  if (value === null || value === undefined) return {}
  const list = parseList(value)
  return Object.keys(list).length === 0 && value !== `${RECORD_PREFIX}{}` ? undefined : list
}

function parseList(value: unknown): List {
  if (typeof value !== 'string' || !value.startsWith(RECORD_PREFIX)) return {}
  try {
    const parsed = JSON.parse(value.slice(RECORD_PREFIX.length)) as unknown
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {}
    const list: List = {}
    for (const [id, until] of Object.entries(parsed)) if (isSessionId(id) && typeof until === 'number' && Number.isFinite(until)) list[id] = until
    return list
  } catch {
    return {}
  }
}

export function parseNotBefore(value: unknown): NotBefore | undefined {
  if (typeof value !== 'string' || !value.startsWith(RECORD_PREFIX)) return undefined
  try {
    const { at, except } = JSON.parse(value.slice(RECORD_PREFIX.length)) as { at?: unknown; except?: unknown }
    return typeof at === 'number' && Number.isFinite(at) ? { at, except: isSessionId(except) ? except : undefined } : undefined
  } catch {
    return undefined
  }
}

/** Whether a not-before ends a session created at `created` with this id. */
export const endedBy = (notBefore: NotBefore | undefined, created: number, id: string): boolean => notBefore !== undefined && created < notBefore.at && id !== notBefore.except

const live = (list: List, now: number) => Object.fromEntries(Object.entries(list).filter(([, until]) => until === 0 || until > now))

/**
 * Adds the session to its user's list (under the sealing password's key), or moves its end. Sign-ins of
 * one user in this process are filed together, one read-change-write for all of them, so a shared account
 * does not queue them one by one; then the list is read back after a pause, and entries that another
 * process's write replaced are written again. Returns when the entry ends (undefined: never).
 */
export async function indexSession(config: StoreConfig, user: string, id: string, ttl: number, now: number): Promise<number | undefined> {
  const [key] = (await userKeys(config.passwords, user)) as [string]
  const until = entryEnd(ttl, now)
  const listKey = keys.userList(key)
  await new Promise<void>((resolve, reject) => {
    let filing = filings.get(listKey)
    const start = !filing
    if (!filing) filings.set(listKey, (filing = []))
    filing.push({ id, until, resolve, reject })
    if (start) void flush(config, listKey, filing)
  })
  return until === 0 ? undefined : until
}

/** When a session's entry on its user's list ends (ms; 0: never): twice its record's store ttl, so a record renewed in time stays listed. */
export function entryEnd(ttl: number, now: number): number {
  const seconds = storeTtl(ttl)
  return seconds === undefined ? 0 : now + 2 * seconds * 1000
}

/** Entries a user's list keeps, the latest-ending first. */
export { MAX_LISTED }

interface Entry {
  id: string
  until: number
  resolve: () => void
  reject: (error: unknown) => void
}

/** Entries waiting to be filed, by list key: while one batch is written, the next one gathers. */
const filings = new Map<string, Entry[]>()

async function flush(config: StoreConfig, listKey: string, filing: Entry[]): Promise<void> {
  while (filing.length > 0) {
    const batch = filing.splice(0)
    try {
      await guarded(config, 'write', `filing ${batch.length === 1 ? `session ${shortId(batch[0]!.id)}` : `${batch.length} sessions`} under their user`, () => fileBatch(config, listKey, batch))
      for (const entry of batch) entry.resolve()
    } catch (error) {
      for (const entry of batch) entry.reject(error)
    }
  }
  // Checked and removed with no await between: an entry added later starts a flush of its own.
  filings.delete(listKey)
}

async function fileBatch(config: StoreConfig, listKey: string, batch: Entry[]): Promise<void> {
  let missing = batch
  for (let attempt = 0; attempt < RETRIES && missing.length > 0; attempt++) {
    const started = Date.now()
    // A list read half-written (a file store's write is not atomic) is never taken for an empty one: written back, it would drop everyone.
    const read = readList(await call(config.store, 'getItem', listKey))
    if (read === undefined) {
      await new Promise((resolve) => setTimeout(resolve, VERIFY_MS))
      continue
    }
    const list = live(read, started)
    for (const entry of missing) list[entry.id] = entry.until
    const kept = Object.entries(list).sort(([, a], [, b]) => (b === 0 ? Infinity : b) - (a === 0 ? Infinity : a)).slice(0, MAX_LISTED)
    const longest = kept.some(([, end]) => end === 0) ? undefined : Math.ceil((Math.max(...kept.map(([, end]) => end)) - started) / 1000)
    await call(config.store, 'setItem', listKey, `${RECORD_PREFIX}${JSON.stringify(Object.fromEntries(kept))}`, ttlOption(longest))
    // Read back after a pause longer than another writer's read-change-write takes (twice this one's, on this store):
    // a sign-in of the same user elsewhere that read the list before this write and wrote after it has landed by then.
    const pause = Math.max(VERIFY_MS, 2 * (Date.now() - started))
    await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause * attempt))
    const check = parseList(await call(config.store, 'getItem', listKey))
    missing = missing.filter((entry) => check[entry.id] !== entry.until)
  }
}

/** Takes a session off a user's lists (it moved to another user). */
export async function unindexSession(config: StoreConfig, user: string, id: string): Promise<void> {
  const all = await userKeys(config.passwords, user)
  await guarded(config, 'write', `taking session ${shortId(id)} off its former user's list`, () =>
    Promise.all(
      all.map(async (key) => {
        const list = parseList(await call(config.store, 'getItem', keys.userList(key)))
        if (!(id in list)) return
        delete list[id]
        await call(config.store, 'setItem', keys.userList(key), `${RECORD_PREFIX}${JSON.stringify(list)}`, {})
      }),
    ),
  )
}

/** The ids on a user's lists (under every password's key), live by their entries, and the user's not-before. */
export async function listed(config: StoreConfig, user: string, now: number): Promise<{ ids: string[]; notBefore: NotBefore | undefined }> {
  const all = await userKeys(config.passwords, user)
  const found = await guarded(config, 'list', "reading a user's list of sessions", async () => {
    for (let attempt = 0; ; attempt++) {
      const values = await Promise.all(all.flatMap((key) => [call(config.store, 'getItem', keys.userList(key)), call(config.store, 'getItem', keys.notBefore(key))]))
      // A list read while a file store was writing it is read again, never taken for an empty one.
      if (attempt >= RETRIES || values.every((value, i) => i % 2 === 1 || readList(value) !== undefined)) return values
      await new Promise((resolve) => setTimeout(resolve, VERIFY_MS))
    }
  })
  const ids = new Set<string>()
  let notBefore: NotBefore | undefined
  for (let i = 0; i < found.length; i += 2) {
    for (const id of Object.keys(live(readList(found[i]) ?? {}, now))) ids.add(id)
    const nb = parseNotBefore(found[i + 1])
    if (nb && (!notBefore || nb.at > notBefore.at)) notBefore = nb
  }
  return { ids: [...ids], notBefore }
}

/** Writes the user's not-before time under every password's key: every session of the user created before it ends, but `except`. */
export async function writeNotBefore(config: StoreConfig, lifetime: { ttl: number; maxLifetime: number | undefined }, user: string, notBefore: NotBefore): Promise<void> {
  const all = await userKeys(config.passwords, user)
  const value = `${RECORD_PREFIX}${JSON.stringify(notBefore.except === undefined ? { at: notBefore.at } : notBefore)}`
  const ttl = ttlOption(revokedTtl(lifetime.ttl, lifetime.maxLifetime))
  await guarded(config, 'end', "ending a user's sessions", () => Promise.all(all.map((key) => call(config.store, 'setItem', keys.notBefore(key), value, ttl))))
}
