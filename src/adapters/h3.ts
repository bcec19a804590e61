/**
 * h3 v2 middleware (and Nitro through it): `app.use(ironSession<Data>(options))`,
 * then `event.context.session` in handlers. h3's H3EventContext has an index
 * signature of `unknown`, so the session is typed by augmenting it in the app:
 *
 *   declare module 'h3' { interface H3EventContext { session: Session<Data> } }
 *
 * The middleware reads the session before the handler and commits it after:
 * the handler's value is made into h3's Response (with whatever the handler put
 * on event.res) and Set-Cookie is appended to it, redirects included. A handler
 * that throws commits nothing.
 *
 * @module iron-fetch-session/h3
 */
import { toResponse, type H3Event, type Middleware } from 'h3'
import { closeSession, mountSession, sessionsResolver, type OptionsOrFactory, type Session } from '../core/index.ts'

export type { Session }
export type { SessionOptions } from '../core/index.ts'

/**
 * The session as h3 middleware: read into `event.context.session` before the handler, and committed on
 * h3's response after it (nothing when the handler throws).
 *
 * @param options Session options, or a function of the event for secrets that arrive with the request
 *   (`ironSession((event) => ({ password: event.runtime?.cloudflare?.env.SESSION_PASSWORD }))`).
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: OptionsOrFactory<Data, [event: H3Event]>,
): Middleware {
  const sessionsFor = sessionsResolver<Data, Flash, [event: H3Event]>(options)
  return async (event, next) => {
    const sessions = sessionsFor(event)
    // Mounted app-wide and again on a route: the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, event.req)
    const session = await mount.session
    event.context.session = session
    // A handler that throws rejects here, and its error goes on to h3's onError: nothing is committed.
    const value = await next()
    // Not a response to commit to: no route matched (h3's not-found symbol), the response was sent
    // another way (its handled symbol), or the handler returned an Error, which h3 answers as a throw.
    if (!mount.owner || typeof value === 'symbol' || value instanceof Error) return value
    // The handler's value as the Response h3 would send (a string, JSON, redirect(), with event.res's
    // status and headers); h3 passes a Response returned here on as it is.
    const committed = await sessions.commit(session, await toResponse(value, event))
    // Done with it: in development, a later write (a session kept past its request) throws instead of being lost.
    closeSession(session, 'the h3 session middleware')
    return committed
  }
}
