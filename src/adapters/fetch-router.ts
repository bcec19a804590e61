/**
 * @remix-run/fetch-router middleware: `createRouter({ middleware: [ironSession<Data>(options)] })`,
 * then `context.session` or `context.get(SessionKey)` in handlers, typed. The middleware's `sessions`
 * is the Sessions object behind it (revoke, revokeAll, sessionsOf).
 *
 * @module iron-fetch-session/fetch-router
 */
import { createContextKey, type Middleware } from '@remix-run/fetch-router'
import { closeSession, createSessions, mountSession, type Session, type SessionOptions, type Sessions } from '../core/index.ts'

export type { Session, SessionOptions, Sessions }

/** fetch-router's ContextKey<Session>, spelled out: the package does not export the ContextKey type. */
export interface SessionContextKey {
  defaultValue?: Session
}

/** The context key the session is stored under; `context.get(SessionKey)` reads it. */
export const SessionKey: SessionContextKey = createContextKey<Session>()

/** The context entry the middleware provides: `context.session`. */
export type SessionEntry<Data, Flash extends Record<string, unknown>> = {
  key: typeof SessionKey
  value: Session<Data, Flash>
  property: 'session'
}

const property = { property: 'session' } as const

/**
 * The fetch-router middleware: reads the request's session into `context.session` (and `context.get(SessionKey)`)
 * before the handler, and commits it to the handler's response after; a handler that throws saves nothing.
 *
 * @param options Session options, validated once, here.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: SessionOptions<Data>,
): Middleware<SessionEntry<Data, Flash>> & { readonly sessions: Sessions<Data, Flash> } {
  const sessions = createSessions<Data, Flash>(options)
  const middleware: Middleware<SessionEntry<Data, Flash>> = async (context, next) => {
    // Mounted on the router and again on a route: the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, context.request)
    const session = await mount.session
    context.set(SessionKey, session as unknown as Session, property)
    // A handler that throws skips the commit: its error reaches the router's caller, and nothing half-done is saved.
    const response = await next()
    if (!mount.owner) return response
    const committed = await sessions.commit(session, response)
    closeSession(session, 'the fetch-router session middleware')
    return committed
  }
  return Object.assign(middleware, { sessions })
}
