/**
 * Hono middleware: `app.use(ironSession<Data>(options))`, then `c.get('session')`
 * or `c.var.session` in handlers, typed through the middleware's Env as Hono's
 * own middleware does; `c.var.sessions` is the Sessions object behind it
 * (revoke, revokeAll, sessionsOf).
 *
 * @module iron-fetch-session/hono
 */
import type { Context, MiddlewareHandler } from 'hono'
import { closeSession, mountSession, sessionsResolver, type OptionsOrFactory, type Session, type Sessions } from '../core/index.ts'

export type { Session, Sessions }
export type { SessionOptions } from '../core/index.ts'

/** The Env the middleware adds: `c.var.session`, and `c.var.sessions` for revoke, revokeAll and sessionsOf. */
export type SessionEnv<Data = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>> = {
  /** Hono's context variables: `c.var.session` (also `c.get('session')`), and `c.var.sessions`. */
  Variables: { session: Session<Data, Flash>; sessions: Sessions<Data, Flash> }
}

/**
 * The Hono middleware: reads the request's session into `c.var.session` before the handler, and commits it
 * after (Set-Cookie appended only when it changed; nothing when the handler throws).
 *
 * @param options Session options, or a function of the context for Workers secrets:
 *   `ironSession((c) => ({ password: c.env.SESSION_PASSWORD }))`.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  // Context<any>: the app's Bindings are not known here, and `c.env.SECRET` must still type-check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  options: OptionsOrFactory<Data, [c: Context<any>]>,
): MiddlewareHandler<SessionEnv<Data, Flash>> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const sessionsFor = sessionsResolver<Data, Flash, [c: Context<any>]>(options)
  return async (c, next) => {
    const sessions = sessionsFor(c)
    // Mounted app-wide and again on a route: the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, c.req.raw)
    const session = await mount.session
    c.set('session', session)
    c.set('sessions', sessions)
    // Hono resolves next() with onError's response when the handler threw. As in every adapter,
    // a handler that throws commits nothing: its error response never carries a half-done change.
    await next()
    if (!mount.owner) return
    if (!c.error) {
      // c.header() copies a finalised response, whose headers may be immutable (Response.redirect) or
      // shared (a Response the app reuses), and it copies on every call: so the first line goes through
      // it and the rest onto that private copy. Assigning c.res would merge the old Set-Cookie over ours.
      const lines = await sessions.commitHeaders(session, c.res)
      for (let i = 0; i < lines.length; i++) i ? c.res.headers.append(lines[i]![0], lines[i]![1]) : c.header(lines[0]![0], lines[0]![1], { append: true })
    }
    // Done with it: in development, a later write (an outer middleware after next()) throws instead of being lost.
    closeSession(session)
  }
}
