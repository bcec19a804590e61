/**
 * One session identity, and the one rule for when it ends, whatever the mode.
 *
 * With a server-side mode (mode.ts), every seal carries an id, the time that id
 * was made (its birth, `ra`) and its user's key (`u`). This file decides, for a
 * request, which id commit seals and which id ends; the store and revocations
 * each supply only their primitives (`IdentityParts`: read a seal, keep a
 * session under an id, end an id), and `withIdentity` makes them the mode the
 * core calls. So the two never disagree on when a session ends:
 *
 *   - destroy() and regenerateId(true) end the id the client holds, when it
 *     held data or a user;
 *   - a change of user (a sign-in, a switch, a sign-out that only deletes the
 *     user) seals a new id, and so does a session emptied of its data; the old
 *     id ends when it protected something: a user or data (an id planted before
 *     a sign-in is then worth nothing). A flash-only session ends nothing, so an
 *     anonymous visitor cannot make markers by reading a flash;
 *   - any other new id (regenerateId()) replaces a live id: the mode checks, at
 *     commit, that the old one was not revoked in the meantime, which a lagged
 *     view may not know yet;
 *   - revokeAll(user) ends every id of the user born before it (but `except`).
 *
 * Only the modes import this file: a cookie-only app bundles none of it.
 */
import { newSessionId, idFromSeal, isSessionId, USER_KEY } from './ids.ts'
import { RESERVED_KEY } from './tokens.ts'
import { SKEW_SECONDS } from './seal.ts'
import type { HeldSeal, ModeCommit, ModeIdentity, ModeKept, ModeRead, SealIdentity, SessionMode, StoredSessionInfo, UnsealErrorReason } from './mode.ts'

/** What a mode is told at commit: the id sealed, the one the client held and whether it ends, and the data. */
export interface ModeWrite extends Pick<ModeCommit, 'data' | 'dataJson' | 'flash' | 'created' | 'now'> {
  /** The id sealed: the one read, or a new one. */
  id: string
  /** The id the client held, and whether it ends now. */
  readId: string | undefined
  ends: boolean
  readBorn: number | undefined
  readUser: string | undefined
  user: string | undefined
  /** The id read is replaced by a new one without ending: the mode checks it is still live first. */
  replaces: boolean
  born: number
  /** The seal's ttl in seconds (0 for none), and when it expires: what is kept for the id lives as long. */
  ttl: number
  expires: number | undefined
  /** The mode's own state for this request (what its read returned). */
  state: unknown
}

/** What a mode answers at save: the user key to seal beside the id, or why the session was refused instead. */
export type ModeSaved = { userKey: string | undefined; state?: unknown } | { refused: UnsealErrorReason; message: string }

/** What a mode's read answers: undefined accepts the seal as it is; otherwise a refusal, or the session's data. */
export type PartsRead = undefined | { refused: UnsealErrorReason; message: string } | { data: Record<string, unknown> | undefined; flash: Record<string, unknown> | undefined; user: string | undefined; state?: unknown; due?: boolean }

/** A mode's primitives: what only it knows how to do. */
export interface IdentityParts {
  dataInSeal: boolean
  /** The session options' lifetimes: how long a revocation must outlive the seals it ends. */
  lifetime: { ttl: number; maxLifetime: number | undefined }
  /**
   * A store's seal only names the session, so a write of the data alone may leave it as it is: while the same
   * password seals and (ttl > 0) for `renewAfter` ms after it was sealed. Undefined: every write re-seals.
   */
  keepsSeal?: { sealId: string; renewAfter: number | undefined }
  userOf(data: Record<string, unknown>): string | undefined
  /** Told of each request's session, before anything is read. */
  begin?(): void
  /** A seal whose identity is known (id, born, userKey, stored): accept, refuse, or give its data. */
  read(seal: KnownSeal, now: number): PartsRead | Promise<PartsRead>
  save(write: ModeWrite): Promise<ModeSaved>
  /** Nothing is kept: what the mode holds for the id read goes, and the id itself ends when `ends`. */
  end(id: string | undefined, ends: boolean, user: string | undefined, state: unknown): Promise<void>
  revoke(id: string): Promise<boolean>
  revokeAll(user: string | number, options?: { except?: string | undefined }): Promise<string[]>
  sessionsOf(user: string | number): Promise<StoredSessionInfo[]>
}

/** One request's identity: which id was read, which one commit seals. */
export class Identity implements ModeIdentity {
  /** The id commit seals: the one read, or a new one (made on first use, by regenerateId, after destroy). */
  id: string | undefined = undefined
  /** The id the client holds; undefined for a new session. */
  readId: string | undefined = undefined
  readBorn: number | undefined = undefined
  readUser: string | undefined = undefined
  /** When the seal the client holds expires (undefined: never). */
  readExpires: number | undefined = undefined
  /** End readId at commit: destroy(), regenerateId(true). */
  endRead = false
  /** The mode's own state for this request. */
  state: unknown = undefined

  /** session.id: the id commit will seal, made on first use. */
  current(): string {
    return (this.id ??= newSessionId())
  }

  destroy(): void {
    this.endRead = true
    // A flash kept after destroy() goes under a new id.
    this.id = undefined
  }

  regenerate(deleteOld: boolean): void {
    this.id = newSessionId()
    if (deleteOld) this.endRead = true
  }

  read(id: string, born: number, user: string | undefined, expires: number | undefined): void {
    this.id = this.readId = id
    this.readBorn = born
    this.readUser = user
    this.readExpires = expires
  }

  /** After commit: what the client now holds (undefined: nothing). */
  settled(id: string | undefined, born: number | undefined, user: string | undefined, expires?: number): void {
    this.id = this.readId = id
    this.readBorn = born
    this.readUser = id === undefined ? undefined : user
    this.readExpires = expires
    this.endRead = false
  }
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
export function settle(identity: Identity, user: string | undefined, emptied: boolean, keep: boolean, held: boolean, now: number): Settled {
  const { readId } = identity
  // destroy() and regenerateId(true) end an id that protected something: a flash-only session (a failed sign-in's
  // "Invalid password") has nothing to end, so an anonymous visitor cannot make markers.
  let ends = identity.endRead && (held || identity.readUser !== undefined)
  if (readId !== undefined && (user !== identity.readUser || emptied)) {
    // A new session from here on: a new id (unless this request already made one, which session.id may have named).
    if (identity.id === readId) identity.id = undefined
    // The old id ends when it protected something: a user or data (an id planted before a sign-in is worth nothing).
    if (identity.readUser !== undefined || held) ends = true
  }
  if (!keep) return { id: undefined, born: now, ends: readId !== undefined && ends, replaces: false }
  const id = (identity.id ??= newSessionId())
  const same = id === readId
  return { id, born: same ? (identity.readBorn as number) : now, ends: readId !== undefined && !same && ends, replaces: readId !== undefined && !same && !ends }
}

class Refused {
  constructor(readonly message: string) {}
}

/** The seal's identity from its `__ifs` (validated; a malformed field refuses the seal), computed once per seal. */
function identify(seal: SealIdentity): void {
  const meta = seal.meta as { id?: unknown; rid?: unknown; ra?: unknown; u?: unknown; flash?: unknown } | undefined
  const { id, rid, ra, u } = meta ?? {}
  if (id !== undefined && !isSessionId(id)) throw new Refused(`the seal's ${RESERVED_KEY}.id is not a session id`)
  if (rid !== undefined && !isSessionId(rid)) throw new Refused(`the seal's ${RESERVED_KEY}.rid is not a session id`)
  if (u !== undefined && (typeof u !== 'string' || !USER_KEY.test(u))) throw new Refused(`the seal's ${RESERVED_KEY}.u is not a user key`)
  // Seals of 0.1 with revocations named the id `rid`; a seal with none (from before the mode, or iron-session's)
  // takes one from its MAC, the same on every replay.
  const given = (id ?? rid) as string | undefined
  seal.id = given ?? idFromSeal(seal.seal)
  seal.born = given === undefined ? undefined : (ra as number | undefined)
  seal.userKey = u as string | undefined
}

type KnownSeal = Required<Pick<SealIdentity, 'id'>> & SealIdentity

/** What a mode's read answered, applied to the request's identity. */
function accepted(identity: Identity, seal: KnownSeal, found: PartsRead): ModeRead {
  if (found !== undefined && 'refused' in found) return found
  identity.read(seal.id, seal.born ?? seal.createdAt, found === undefined ? (seal.user ?? undefined) : found.user, seal.expiresAt)
  if (found === undefined) return undefined
  identity.state = found.state
  return found
}

/**
 * Whether the seal the client holds stays as it is at a commit that keeps its id: nothing about it changes (the
 * same password seals, nothing destroyed, regenerated or refused, no upgrade due) and no renewal is due, so a
 * write still moves the session's expiry as a re-seal would, to within `renewAfter`.
 */
function sealStays(keeps: IdentityParts['keepsSeal'], held: HeldSeal | undefined, now: number): boolean {
  if (keeps === undefined || held === undefined || held.passwordId !== keeps.sealId || held.sealedAt === undefined) return false
  if (held.destroyed || held.regenerate || held.due || held.refused !== undefined) return false
  // A session's own ttl (setLifetime) renews at a tenth of it, if that comes first.
  const own = held.lifetime?.t === undefined ? undefined : Math.floor(held.lifetime.t / 10) * 1000
  const renewAfter = keeps.renewAfter === undefined ? own : own === undefined ? keeps.renewAfter : Math.min(keeps.renewAfter, own)
  return renewAfter === undefined || now - held.sealedAt < renewAfter
}

/** The mode the core calls (mode.ts), from a mode's primitives and the one rule above. */
export function withIdentity(parts: IdentityParts): SessionMode {
  const { ttl, maxLifetime } = parts.lifetime
  const seconds = ttl > 0 ? ttl : maxLifetime
  const longest = seconds === undefined ? undefined : (seconds + SKEW_SECONDS) * 1000
  return {
    dataInSeal: parts.dataInSeal,
    begin: () => (parts.begin?.(), new Identity()),
    read(seal, given, now) {
      const identity = given as Identity
      // A seal that would outlive what the options allow (iron-session's ttl 0, a longer ttl, ours from before ttl was
      // lowered) would outlive its revocation too, whose marker lives as long as the options' seals can: refused.
      if (longest !== undefined && (seal.expiresAt === undefined || seal.expiresAt - now > longest)) {
        return { refused: 'expired', message: seal.expiresAt === undefined ? 'the seal never expires, so no revocation could outlive it' : `the seal expires at ${new Date(seal.expiresAt).toISOString()}, later than ttl allows, so a revocation could not outlive it` }
      }
      if (seal.id === undefined) {
        try {
          identify(seal)
        } catch (error) {
          if (error instanceof Refused) return { refused: 'invalid', message: error.message }
          throw error
        }
      }
      const known = seal as KnownSeal
      const found = parts.read(known, now)
      // Synchronous when the mode is (a fresh lagged view): a cache hit then allocates no closure and takes no extra trip through the microtask queue.
      return found instanceof Promise ? found.then((found) => accepted(identity, known, found)) : accepted(identity, known, found)
    },
    async keep(given, commit): Promise<ModeKept> {
      const identity = given as Identity
      const user = parts.userOf(commit.data)
      // A session whose user changes (a sign-in, a switch, a sign-out) starts anew, with a new id and creation time.
      const created = identity.readId !== undefined && user !== identity.readUser ? commit.now : commit.created
      const settled = settle(identity, user, commit.emptied, true, commit.held, commit.now)
      const stays = settled.id === identity.readId && created === commit.created && sealStays(parts.keepsSeal, commit.clientSeal, commit.now)
      const expires = stays ? identity.readExpires : undefined
      const ttl = stays ? (expires === undefined ? 0 : Math.max(1, Math.ceil((expires - commit.now) / 1000))) : commit.ttlFor(created)
      const saved = await parts.save({
        id: settled.id as string,
        readId: identity.readId,
        ends: settled.ends,
        readBorn: identity.readBorn,
        readUser: identity.readUser,
        user,
        replaces: settled.replaces,
        born: settled.born,
        data: commit.data,
        dataJson: commit.dataJson,
        flash: commit.flash,
        created,
        now: commit.now,
        ttl,
        expires: stays ? expires : ttl > 0 ? commit.now + ttl * 1000 : undefined,
        state: identity.state,
      })
      if ('refused' in saved) {
        // The id read was revoked while this request ran: what it would have sealed is not issued.
        identity.settled(undefined, undefined, undefined)
        identity.state = undefined
        return saved
      }
      identity.settled(settled.id, settled.born, user, stays ? expires : ttl > 0 ? commit.now + ttl * 1000 : undefined)
      identity.state = saved.state
      const fields: Record<string, unknown> = saved.userKey === undefined ? { id: settled.id, ra: settled.born } : { id: settled.id, ra: settled.born, u: saved.userKey }
      return { created, ttl, fields, seal: { id: settled.id as string, born: settled.born, userKey: saved.userKey, stored: !parts.dataInSeal, user: user ?? null }, stays }
    },
    async clear(given, held) {
      const identity = given as Identity
      const settled = settle(identity, undefined, true, false, held, Date.now())
      await parts.end(identity.readId, settled.ends, identity.readUser, identity.state)
      identity.settled(undefined, undefined, undefined)
      identity.state = undefined
    },
    revoke: (id) => parts.revoke(id),
    revokeAll: (user, options) => parts.revokeAll(user, options),
    sessionsOf: (user) => parts.sessionsOf(user),
  }
}
