/**
 * A session kept in a store, through its life: read loads the record the seal
 * names (and whether it was revoked), commit writes it before any header is
 * built, and destroy, emptying or regenerateId(true) end the old id.
 *
 * The decisions — whether anything changed, flash, rolling, maxLifetime,
 * password rotation, schema, and which id ends (src/core/identity.ts) — are
 * the same as for a cookie session and stay in the core; this file only moves
 * data to and from the store, at the points the core calls it (mode.ts).
 */
import { SKEW_SECONDS } from '../core/seal.ts'
import { SessionTooLargeError } from '../core/cookies.ts'
import type { SealIdentity } from '../core/mode.ts'
import type { ModeSaved, ModeWrite, PartsRead } from '../core/identity.ts'
import { attempt, call, decodeRecord, encodeRecord, endSession, guarded, indexEndsFirst, isSessionId, keys, loadRecord, RECORD_PREFIX, revokedTtl, saveRecord, shortId, storeTtl, userHash, userOf, type Lifetime, type StoreConfig, type StoredRecord } from './store.ts'
import { endedBy, entryEnd, indexSession, MAX_LISTED, parseNotBefore, type NotBefore } from './user-index.ts'
import { fileAndWrite, scripted } from './redis.ts'
import { userKeys } from './user-key.ts'

/** What a store keeps of one request between read and commit (the mode's state, mode.ts). */
export interface StoredState {
  /** That record's user-index expiry. */
  indexed: number | undefined
  /** A cookie-only seal (from before the store was added) read under a store: commit moves its data in, under its id. */
  migrate: boolean
  /** A seal from before user keys were sealed in (or a record filed the old way): commit re-seals and re-files it. */
  upgrade: boolean
}

/**
 * What read() needs from a seal: the record's data and flash, or why the session is refused. Throws SessionStoreError.
 * A seal that holds its own data (cookie-only, iron-session's, revocations') is moved in under its id.
 */
export async function readStored(store: StoreConfig, lifetime: Lifetime, seal: SealIdentity & { id: string }, now: number): Promise<PartsRead> {
  const id = seal.id
  if (!seal.stored) {
    if (store.legacySeals === 'refuse') return { refused: 'invalid', message: "a cookie-only seal, and this store no longer accepts them (legacySeals: 'refuse')" }
    // Every replay of the seal is one session: once moved, a replay reads the record (or its revocation), never the cookie's copy.
    const { value, revoked } = await loadRecord(store, id)
    if (revoked) return { refused: 'revoked', message: `session ${shortId(id)} (moved from a cookie-only seal) was revoked` }
    if (value === undefined) return { data: undefined, flash: undefined, user: userOf(store, seal.data), state: { indexed: undefined, migrate: true, upgrade: false } satisfies StoredState, due: true }
    return fromRecord(store, lifetime, id, value, now, undefined, undefined)
  }
  const { value, revoked, notBefore } = await loadRecord(store, id, seal.userKey)
  if (revoked) return { refused: 'revoked', message: `session ${shortId(id)} was revoked` }
  if (value === undefined) return { refused: 'expired', message: `session ${shortId(id)} is not in the store: it expired, or the store lost it` }
  return fromRecord(store, lifetime, id, value, now, seal.userKey, notBefore)
}

/** A record read: its data and flash, or why it is refused. */
async function fromRecord(store: StoreConfig, lifetime: Lifetime, id: string, value: unknown, now: number, userKey: string | undefined, notBeforeValue: unknown): Promise<PartsRead> {
  // Not even parsed when over the limit: a 20 MB record would cost every request that reads it.
  if (typeof value === 'string' && value.length > store.maxBytes) {
    return { refused: 'invalid', message: `session ${shortId(id)} is over maxStoredBytes (${store.maxBytes}) in the store, and was not read` }
  }
  const record = decodeRecord(value)
  if (typeof record === 'string') return { refused: 'invalid', message: `session ${shortId(id)}: ${record}` }
  const refusal = expired(lifetime, record, now)
  if (refusal) return { refused: 'expired', message: `session ${shortId(id)} ${refusal}` }
  // "Sign out everywhere": the user's not-before time, read with the record when the seal names the user's key.
  // A seal from before keys were sealed in costs a second round trip once; its next commit seals the key.
  let notBefore = parseNotBefore(notBeforeValue)
  const upgrade = record.user !== undefined && (userKey === undefined || record.filed !== 2)
  if (upgrade && userKey === undefined) notBefore = await notBeforeOf(store, record.user as string)
  if (endedBy(notBefore, record.born ?? record.created, id)) return { refused: 'revoked', message: `every session of this user from before ${new Date(notBefore!.at).toISOString()} was ended` }
  return { data: record.data, flash: record.flash, user: record.user, state: { indexed: record.indexed, migrate: false, upgrade } satisfies StoredState, due: upgrade }
}

/** The user's latest not-before time, under every password's key (revokeAll's earlier one, too). */
export async function notBeforeOf(store: StoreConfig, user: string): Promise<NotBefore | undefined> {
  const all = await userKeys(store.passwords, user)
  const values = await guarded(store, 'read', "reading a user's not-before time", () => Promise.all(all.map((key) => call(store.store, 'getItem', keys.notBefore(key)))))
  return values.map(parseNotBefore).reduce((latest, nb) => (nb && (!latest || nb.at > latest.at) ? nb : latest), undefined)
}

/** Why a record has ended, from what is stored (drivers such as fs and memory ignore ttl), or undefined. */
export function expired(lifetime: Pick<Lifetime, 'maxLifetime'>, record: StoredRecord, now: number): string | undefined {
  if (record.expires !== undefined && record.expires <= now - SKEW_SECONDS * 1000) return `expired at ${new Date(record.expires).toISOString()}`
  if (lifetime.maxLifetime !== undefined && record.created + lifetime.maxLifetime * 1000 <= now) return `passed maxLifetime (created ${new Date(record.created).toISOString()})`
  return undefined
}

/**
 * Writes the record under the id identity.ts chose, its user-index entry first, then ends the id it
 * replaces when asked. Every store call happens here, before commit builds a header: a failure rejects
 * with SessionStoreError and the client keeps the cookie it had.
 */
export async function saveStored(store: StoreConfig, lifetime: Lifetime, write: ModeWrite): Promise<ModeSaved> {
  const { id, now, ttl, expires, user, readId } = write
  const read = write.state as StoredState | undefined
  checkRecordSize(store, write)
  if (readId !== undefined && write.replaces) {
    // A request that read the session before it was revoked must not carry it on under a new id.
    const why = await revokedMeanwhile(store, readId, write.readBorn, write.readUser)
    if (why !== undefined) return { refused: 'revoked', message: why }
  }
  const sameId = id === readId
  let indexed = sameId ? read?.indexed : undefined
  const file = user !== undefined && (!sameId || read?.migrate || read?.upgrade || indexEndsFirst(indexed, expires))
  // The id that ends (identity.ts), or a cookie-only seal that moved in under a new id: its replays die.
  const ending = readId !== undefined && !sameId && (write.ends || read?.migrate === true)
  // On a single Redis, filing, writing and ending are one script (redis.ts); elsewhere, one step each.
  // (Once the store's first read or write has checked the mapping: redis.ts.)
  const redis = file && store.redis?.verified === true && scripted(store.redis) ? store.redis : undefined
  if (file) indexed = redis ? entryEnd(ttl, now) || undefined : await indexSession(store, user, id, ttl, now)
  // The user's key goes into the seal, so that reads check the user's not-before time in the same round trip.
  const userKey = user === undefined ? undefined : (await userKeys(store.passwords, user))[0]
  const record = {
    created: write.created,
    born: write.born,
    sealed: now,
    ...(expires !== undefined && { expires }),
    ...(user !== undefined && { user }),
    ...(user !== undefined && indexed !== undefined && { indexed }),
    ...(user !== undefined && { filed: 2 }),
    ...(write.flash !== undefined && { flash: write.flash }),
  }
  const encoded = encodeRecord(record, write.dataJson)
  const endingUser = write.ends ? write.readUser : undefined
  if (redis) {
    const legacy = ending && endingUser !== undefined ? keys.legacyUser(await userHash(endingUser), readId!) : undefined
    const filed = { list: keys.userList(userKey!), id, until: indexed ?? 0, now, max: MAX_LISTED, record: keys.record(id), recordValue: encoded, recordTtl: storeTtl(ttl) }
    const ends = ending ? { marker: keys.revoked(readId!), markerValue: `${RECORD_PREFIX}revoked`, markerTtl: revokedTtl(lifetime.ttl, lifetime.maxLifetime), record: keys.record(readId!), legacy } : undefined
    await guarded(store, 'write', `writing session ${shortId(id)} and filing it under its user`, () => attempt('redis EVAL', filed.record, () => fileAndWrite(redis, filed, ends)))
  } else {
    await saveRecord(store, id, encoded, storeTtl(ttl))
    if (ending) await endSession(store, lifetime, readId!, endingUser)
  }
  if (read?.upgrade && user !== undefined) {
    // Filed the new way now: the key of the layout before goes.
    const hash = await userHash(user)
    await guarded(store, 'write', `removing session ${shortId(id)}'s key of the layout before`, () => call(store.store, 'removeItem', keys.legacyUser(hash, id)))
  }
  return { userKey, state: { indexed, migrate: false, upgrade: false } satisfies StoredState }
}

/** Whether the id read was revoked, or its user signed out everywhere, since this request read it. */
async function revokedMeanwhile(store: StoreConfig, id: string, born: number | undefined, user: string | undefined): Promise<string | undefined> {
  const all = user === undefined ? [] : await userKeys(store.passwords, user)
  const [marker, ...notBefores] = await guarded(store, 'read', `checking session ${shortId(id)} before it is replaced`, () =>
    Promise.all([call(store.store, 'getItem', keys.revoked(id)), ...all.map((key) => call(store.store, 'getItem', keys.notBefore(key)))]),
  )
  if (marker !== null && marker !== undefined) return `session ${shortId(id)} was revoked while this request ran`
  for (const value of notBefores) {
    const notBefore = parseNotBefore(value)
    if (born !== undefined && endedBy(notBefore, born, id)) return `every session of this user from before ${new Date(notBefore!.at).toISOString()} was ended while this request ran`
  }
  return undefined
}

/** Throws SessionTooLargeError, before anything is written, for a record over maxStoredBytes. */
function checkRecordSize(store: StoreConfig, write: ModeWrite): void {
  // The data's JSON is most of the record; its UTF-8 bytes are at most three a character, so most writes need no count.
  const json = write.dataJson
  const flashJson = write.flash ? JSON.stringify(write.flash) : ''
  if ((json.length + flashJson.length) * 3 < store.maxBytes - 1024) return
  const bytes = new TextEncoder().encode(json).length + new TextEncoder().encode(flashJson).length
  if (bytes > store.maxBytes - 256) {
    throw new SessionTooLargeError(bytes, store.maxBytes, `the session is ${bytes} bytes of JSON, over maxStoredBytes (${store.maxBytes}) for a stored session, so it was not saved. Store less in the session, or raise maxStoredBytes.`)
  }
}

/** Nothing left to keep (destroyed, or emptied): the record read goes, and its id ends when identity.ts says so. */
export async function endStored(store: StoreConfig, lifetime: Lifetime, id: string | undefined, ends: boolean, user: string | undefined): Promise<void> {
  if (id === undefined) return
  if (ends) await endSession(store, lifetime, id, user)
  else await guarded(store, 'end', `removing session ${shortId(id)}`, () => call(store.store, 'removeItem', keys.record(id)))
}

/** sessions.revoke(id): that session's cookie then reads as a new session with unsealError 'revoked'. True when it was stored. */
export async function revoke(store: StoreConfig, lifetime: Lifetime, id: string): Promise<boolean> {
  if (!isSessionId(id)) throw new TypeError('iron-fetch-session: revoke(id) takes a session id as session.id gives it: 32 hexadecimal characters.')
  const { value } = await loadRecord(store, id)
  const record = value === undefined ? undefined : decodeRecord(value)
  await endSession(store, lifetime, id, typeof record === 'object' ? record.user : undefined)
  return typeof record === 'object'
}
