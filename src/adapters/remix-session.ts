/**
 * A SessionStorage for @remix-run/session — Remix 3's session API — sealed
 * with our codec: `read(cookie) → Session`, `save(session) → cookie | null`.
 * Its Session is Remix's own class (flash, regenerateId, destroy), so a
 * Remix app keeps its session code; the cookie value it stores is an Fe26.2
 * seal, cookie-only or naming a stored session (the `store` option).
 *
 *   const storage = createIronSessionStorage({ password, store })
 *   const session = await storage.read(cookieValue)   // from Remix's cookie
 *   const value = await storage.save(session)         // for Remix's cookie; null: leave it as it is
 *
 * A thin mount: the core reads and commits the seal through its header
 * transport, here a private header between Remix's cookie and the core.
 *
 * @module iron-fetch-session/remix-session
 */
import { createSessionId, Session, type SessionStorage } from '@remix-run/session'
import { createSessions, headerTransport, MAX_COOKIE_BYTES, SessionTooLargeError, STATE, type ReadState, type Session as CoreSession, type SessionOptions, type Sessions } from '../core/index.ts'

export type { SessionOptions }

/** The seal travels in this header between Remix's cookie and the core; it is never sent anywhere. */
const CARRIER = 'x-iron-fetch-session'
const ORIGIN = 'http://remix-session.invalid/'
/**
 * The longest seal save() returns. Remix's cookie signs the value (with secrets) and, by default, encodes
 * it in base64, a third longer: 2,900 characters stay within the 4,096 bytes a browser keeps, with room
 * for the cookie's name and attributes. With a store the seal is 372 characters, whatever the data.
 */
export const MAX_REMIX_SEAL = 2900

type Values = Record<string, unknown>

/** Remix's Session, carrying the core session it was read as; `id` is the core's (the store's key) when there is a store. */
class SealedSession<V extends Values, F extends Values> extends Session<V, F> {
  readonly #core: CoreSession

  constructor(core: CoreSession) {
    // Remix shows the last request's flash on this one and drops it at save: take it all now.
    const flashIn = (core as CoreSession & { [STATE]: ReadState })[STATE].flashIn
    const flash = Object.fromEntries(Object.keys(flashIn).map((key) => [key, core.getFlash(key)]))
    super(core.id ?? createSessionId(), [core.data as V, flash as F])
    this.#core = core
  }

  /** For save(): the core session behind this one. */
  static coreOf(session: Session): CoreSession | undefined {
    return #core in session ? session.#core : undefined
  }

  override get id(): string {
    return this.#core.id ?? super.id
  }

  override regenerateId(deleteOldSession = false): void {
    super.regenerateId(deleteOldSession)
    this.#core.regenerateId(deleteOldSession)
  }
}

/** The storage, plus the store's ends when there is one (revoke, sessionsOf, revokeAll; they reject without a store). */
export type IronSessionStorage<Data extends Values = Values> = SessionStorage & Pick<Sessions<Data>, 'revoke' | 'sessionsOf' | 'revokeAll'>

/**
 * A `SessionStorage` for `@remix-run/session` whose cookie value is an Fe26.2 seal: `read(cookie)` gives Remix's
 * `Session`, `save(session)` the value for Remix's cookie (`null` when nothing changed, `''` to clear it).
 * The options are `createSessions`'s, but `cookieName`, `cookieOptions`, `chunk` and `header`, which are refused.
 */
export function createIronSessionStorage<Data extends Values = Values>(options: SessionOptions<Data>): IronSessionStorage<Data> {
  // Remix's cookie (createCookie) carries the seal: its name, attributes and size are its own.
  for (const option of ['header', 'cookieName', 'cookieOptions', 'chunk'] as const) {
    if (options !== null && typeof options === 'object' && options[option] !== undefined) {
      throw new TypeError(`iron-fetch-session: the Remix session storage takes no ${option} option: Remix's cookie carries the seal, with its own name and attributes (createCookie). Drop ${option}.`)
    }
  }
  // Typed by Data for the app; inside, the data is whatever Remix's session holds.
  const sessions = createSessions({ ...(options as unknown as SessionOptions), header: headerTransport(CARRIER) })

  const request = (seal: string | null) => {
    try {
      return new Request(ORIGIN, { headers: { [CARRIER]: seal ?? '' } })
    } catch {
      // Not even a header value (a line break, say): a refused seal, which save() then clears.
      return new Request(ORIGIN, { headers: { [CARRIER]: 'refused' } })
    }
  }

  // Without a store or revocations nothing on the server can end a cookie: regenerateId(true) then leaves the old one valid.
  const cookieOnly = options.store === undefined && options.revocations === undefined

  return {
    async read(cookie) {
      return new SealedSession(await sessions.read(request(cookie)))
    },

    async save(session) {
      if (cookieOnly && session.deleteId !== undefined && development()) {
        // As Remix's own cookie storage tells it: the old session cannot be deleted.
        console.warn(
          `iron-fetch-session: session ${session.deleteId.slice(0, 8)}… was regenerated with deleteOldSession, but a cookie-only session cannot be ended on the server: ` +
            'a copy of the old cookie still reads until it expires. Add the store or revocations option to end it. (Not shown when NODE_ENV is production.)',
        )
      }
      // A Session made by Remix's createSession() rather than read() is saved as a new one.
      const core = SealedSession.coreOf(session) ?? (await sessions.read(request(null)))
      if (session.destroyed) core.destroy()
      else {
        const [values, flash] = session.data
        core.data = values
        for (const [key, value] of Object.entries(flash)) core.flash(key, value as never)
      }
      const line = (await sessions.commitHeaders(core)).find(([name]) => name === CARRIER)
      if (!line) return null
      const seal = line[1]
      if (seal.length > MAX_REMIX_SEAL) {
        // The core counts this seal as written; marked for re-sealing, a save() of the same session fails again.
        core.regenerateId()
        throw new SessionTooLargeError(
          seal.length,
          MAX_REMIX_SEAL,
          `the sealed session is ${seal.length} characters; a Remix cookie, signed and base64-encoded, keeps ${MAX_REMIX_SEAL} within the ${MAX_COOKIE_BYTES} bytes browsers accept. Store less in the session, or add a store (the store option): the cookie then holds only an id.`,
        )
      }
      return seal
    },

    revoke: sessions.revoke,
    sessionsOf: sessions.sessionsOf as Sessions<Data>['sessionsOf'],
    revokeAll: sessions.revokeAll,
  }
}

/** Outside production (NODE_ENV, where the runtime has one). */
function development(): boolean {
  try {
    return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV !== 'production'
  } catch {
    return false // Deno without --allow-env
  }
}
