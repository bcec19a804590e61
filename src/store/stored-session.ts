/**
 * A session kept in a store, through its life: read loads the record the seal
 * names (and whether it was revoked), commit writes it before any header is
 * built, and destroy, emptying or regenerateId(true) end the old id.
 *
 * The decisions — whether anything changed, flash, rolling, maxLifetime,
 * password rotation, schema — are the same as for a cookie session and stay
 * in session.ts and commit.ts; this file only moves data to and from the store.
 */
import type { Config, UnsealErrorReason } from '../core/options.ts'
import { SKEW_SECONDS } from '../core/seal.ts'
import { SessionTooLargeError } from '../core/cookies.ts'
import { idFromSeal } from '../core/ids.ts'
import { call, decodeRecord, encodeRecord, endSession, guarded, indexEndsFirst, isSessionId, keys, loadRecord, newSessionId, shortId, storeTtl, ttlOption, userHash, userOf, type StoreConfig, type StoredRecord } from './store.ts'
import { endedBy, indexSession, parseNotBefore, unindexSession } from './user-index.ts'
import { userKeys } from './user-key.ts'
import type { StoredRead, StoredState, StoredWrite } from '../core/store-option.ts'

export type { StoredState, StoredWrite }

export function newStoredState(): StoredState {
  return { id: undefined, readId: undefined, user: undefined, indexed: undefined, endRead: false, migrate: false }
}

export interface Refusal {
  reason: UnsealErrorReason
  message: string
}

/**
 * What read() needs from a store-backed seal: the record's data and flash, or why the session is refused. Throws SessionStoreError.
 * Called by the core only with a store configured (session.ts refuses a seal naming a stored session without one).
 */
export async function readStored(config: Config, stored: StoredState, id: string | undefined, now: number, seal: string, userKey: string | undefined): Promise<StoredRead> {
  const store = config.store as StoreConfig
  if (id === undefined) {
    if (store.legacySeals === 'refuse') return { reason: 'invalid', message: "a cookie-only seal, and this store no longer accepts them (legacySeals: 'refuse')" }
    // A cookie-only seal moves into the store under an id taken from the seal itself, so every replay of
    // it is one session: once moved, a replay reads the record (or its revocation), never the cookie's copy.
    const moved = idFromSeal(seal)
    const { value, revoked } = await loadRecord(store, moved)
    if (revoked) return { reason: 'revoked', message: `session ${shortId(moved)} (moved from a cookie-only seal) was revoked` }
    if (value === undefined) {
      Object.assign(stored, { id: moved, migrate: true, moved })
      return undefined
    }
    return fromRecord(config, stored, moved, value, now, undefined, undefined)
  }
  const { value, revoked, notBefore } = await loadRecord(store, id, userKey)
  if (revoked) return { reason: 'revoked', message: `session ${shortId(id)} was revoked` }
  if (value === undefined) return { reason: 'expired', message: `session ${shortId(id)} is not in the store: it expired, or the store lost it` }
  return fromRecord(config, stored, id, value, now, userKey, notBefore)
}

/** A record read: its data and flash, or why it is refused. */
async function fromRecord(config: Config, stored: StoredState, id: string, value: unknown, now: number, userKey: string | undefined, notBeforeValue: unknown): Promise<{ data: Record<string, unknown>; flash: Record<string, unknown> | undefined } | Refusal> {
  // Not even parsed when over the limit: a 20 MB record would cost every request that reads it.
  if (typeof value === 'string' && value.length > (config.store as StoreConfig).maxBytes) {
    return { reason: 'invalid', message: `session ${shortId(id)} is over maxStoredBytes (${(config.store as StoreConfig).maxBytes}) in the store, and was not read` }
  }
  const record = decodeRecord(value)
  if (typeof record === 'string') return { reason: 'invalid', message: `session ${shortId(id)}: ${record}` }
  const refusal = expired(config, record, now)
  if (refusal) return { reason: 'expired', message: `session ${shortId(id)} ${refusal}` }
  // "Sign out everywhere": the user's not-before time, read with the record when the seal names the user's key.
  // A seal from before keys were sealed in costs a second round trip once; its next commit seals the key.
  let notBefore = parseNotBefore(notBeforeValue)
  if (record.user !== undefined && (userKey === undefined || record.filed !== 2)) {
    stored.upgrade = true
    if (userKey === undefined) notBefore = await notBeforeOf(config.store as StoreConfig, record.user)
  }
  if (endedBy(notBefore, record.created, id)) return { reason: 'revoked', message: `every session of this user from before ${new Date(notBefore!.at).toISOString()} was ended` }
  Object.assign(stored, { id, readId: id, user: record.user, indexed: record.indexed })
  return { data: record.data, flash: record.flash }
}

async function notBeforeOf(store: StoreConfig, user: string) {
  const all = await userKeys(store.passwords, user)
  const values = await guarded(store, 'read', "reading a user's not-before time", () => Promise.all(all.map((key) => call(store.store, 'getItem', keys.notBefore(key)))))
  return values.map(parseNotBefore).reduce((latest, nb) => (nb && (!latest || nb.at > latest.at) ? nb : latest), undefined)
}

/** Why a record has ended, from what is stored (drivers such as fs and memory ignore ttl), or undefined. */
export function expired(config: Config, record: StoredRecord, now: number): string | undefined {
  if (record.expires !== undefined && record.expires <= now - SKEW_SECONDS * 1000) return `expired at ${new Date(record.expires).toISOString()}`
  if (config.maxLifetime !== undefined && record.created + config.maxLifetime * 1000 <= now) return `passed maxLifetime (created ${new Date(record.created).toISOString()})`
  return undefined
}

/**
 * Writes the record under the session's id (a new one when needed), its user-index
 * key first, then ends the id it replaces when asked. Returns the id for the seal.
 * Every store call happens here, before commit builds a header: a failure rejects
 * with SessionStoreError and the client keeps the cookie it had.
 */
export async function saveStored(config: Config, stored: StoredState, write: StoredWrite): Promise<{ id: string; userKey: string | undefined }> {
  const store = config.store as StoreConfig
  const { now, ttl } = write
  checkRecordSize(store, write)
  const expires = ttl > 0 ? now + ttl * 1000 : undefined
  let id = (stored.id ??= newSessionId())
  const user = userOf(store, write.data)
  if (id === stored.readId && user !== stored.user) {
    // Another user on the same id (a sign-in without regenerateId): a new id, the old one ended, so an id
    // planted before the sign-in (session fixation) is worth nothing.
    id = stored.id = newSessionId()
    stored.endRead = true
  }
  const sameId = id === stored.readId
  let indexed = sameId && user === stored.user ? stored.indexed : undefined
  if (user !== undefined && (!sameId || user !== stored.user || stored.upgrade || indexEndsFirst(stored.indexed, expires))) {
    indexed = await indexSession(store, user, id, ttl, now)
  }
  // The user's key goes into the seal, so that reads check the user's not-before time in the same round trip.
  const userKey = user === undefined ? undefined : (await userKeys(store.passwords, user))[0]
  const record = {
    created: write.created,
    sealed: now,
    ...(expires !== undefined && { expires }),
    ...(user !== undefined && { user }),
    ...(user !== undefined && indexed !== undefined && { indexed }),
    ...(user !== undefined && { filed: 2 }),
    ...(write.flash !== undefined && { flash: write.flash }),
  }
  const encoded = encodeRecord(record, write.dataJson)
  await guarded(store, 'write', `writing session ${shortId(id)}`, () => call(store.store, 'setItem', keys.record(id), encoded, ttlOption(storeTtl(ttl))))
  if (stored.readId !== undefined && !sameId && stored.endRead) await endSession(store, config, stored.readId, stored.user)
  // A cookie-only seal moving in under a new id (regenerateId): its own id is ended, so its replays die.
  else if (stored.moved !== undefined && stored.moved !== id) await endSession(store, config, stored.moved, undefined)
  else if (sameId && stored.user !== undefined && stored.user !== user) await unindexSession(store, stored.user, id)
  if (stored.upgrade && user !== undefined) {
    // Filed the new way now: the key of the layout before goes.
    const hash = await userHash(user)
    await guarded(store, 'write', `removing session ${shortId(id)}'s key of the layout before`, () => call(store.store, 'removeItem', keys.legacyUser(hash, id)))
  }
  Object.assign(stored, { id, readId: id, user, indexed, endRead: false, migrate: false, moved: undefined, upgrade: false })
  return { id, userKey }
}

/** Throws SessionTooLargeError, before anything is written, for a record over maxStoredBytes. */
function checkRecordSize(store: StoreConfig, write: StoredWrite): void {
  // The data's JSON is most of the record; its UTF-8 bytes are at most three a character, so most writes need no count.
  const json = write.dataJson
  const flashJson = write.flash ? JSON.stringify(write.flash) : ''
  if ((json.length + flashJson.length) * 3 < store.maxBytes - 1024) return
  const bytes = new TextEncoder().encode(json).length + new TextEncoder().encode(flashJson).length
  if (bytes > store.maxBytes - 256) {
    throw new SessionTooLargeError(bytes, store.maxBytes, `the session is ${bytes} bytes of JSON, over maxStoredBytes (${store.maxBytes}) for a stored session, so it was not saved. Store less in the session, or raise maxStoredBytes.`)
  }
}

/** Nothing left to keep (destroyed, or emptied): the id read is ended, and the next write starts a new one. */
export async function endStored(config: Config, stored: StoredState): Promise<void> {
  const ended = stored.readId ?? stored.moved
  if (ended !== undefined) await endSession(config.store as StoreConfig, config, ended, stored.user)
  Object.assign(stored, { id: undefined, readId: undefined, user: undefined, indexed: undefined, endRead: false, migrate: false, moved: undefined })
}

/** sessions.revoke(id): that session's cookie then reads as a new session with unsealError 'revoked'. True when it was stored. */
export async function revoke(config: Config, id: string): Promise<boolean> {
  const store = config.store as StoreConfig
  if (!isSessionId(id)) throw new TypeError('iron-fetch-session: revoke(id) takes a session id as session.id gives it: 32 hexadecimal characters.')
  const { value } = await loadRecord(store, id)
  const record = value === undefined ? undefined : decodeRecord(value)
  await endSession(store, config, id, typeof record === 'object' ? record.user : undefined)
  return typeof record === 'object'
}
