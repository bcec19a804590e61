/**
 * One session per request and cookie, however many times the middleware is
 * mounted on its way (app-wide and again on a route, an outer and an inner
 * fetch wrapper). Without this, each mount would read the cookie, each would
 * commit, and the browser would keep whichever Set-Cookie came last: the one
 * written before the handler's change. The first mount reads and commits; a
 * later mount of the same options hands on the same session and commits
 * nothing; a later mount with other options for the same cookie is a mistake,
 * refused with the fix in the message.
 */
import { brief, DEV } from './messages.ts'
interface Readable<S = unknown> {
  read(request: Request): Promise<S>
}

interface MountInfo {
  cookieName: string
  /** The options as a string, equal for equal options (functions, schemas and stores by identity). */
  key: string
}

interface Mounted extends MountInfo {
  session: Promise<unknown>
}

const infos = new WeakMap<object, MountInfo>()
// Keyed by the Request object itself: every mount of one request sees the same one, and it goes with the request.
const mounted = new WeakMap<Request, Mounted[]>()

/** Called by createSessions: what a mount of these sessions compares with an earlier one. */
export function mountable(sessions: Readable, cookieName: string, key: string): void {
  infos.set(sessions, { cookieName, key })
}

/**
 * The request's session for these sessions (a promise), and whether this mount read it and so
 * commits it. Synchronous: the adapter's one await is the read's own.
 */
export function mountSession<S>(sessions: Readable<S>, request: Request): { session: Promise<S>; owner: boolean } {
  const info = infos.get(sessions)!
  const here = mounted.get(request)
  const earlier = here?.find((m) => m.cookieName === info.cookieName)
  if (earlier) {
    if (earlier.key !== info.key) {
      throw new TypeError(
        DEV
          ? `iron-fetch-session: the session middleware is mounted twice on this request for the cookie ${JSON.stringify(info.cookieName)}, with different options. ` +
              'Make the middleware once and mount that one value everywhere, or give the second mount its own cookieName.'
          : brief(`two mounts with different options for the cookie ${JSON.stringify(info.cookieName)}`),
      )
    }
    return { session: earlier.session as Promise<S>, owner: false }
  }
  const session = sessions.read(request)
  const entry = { cookieName: info.cookieName, key: info.key, session }
  if (here) here.push(entry)
  else mounted.set(request, [entry])
  return { session, owner: true }
}
