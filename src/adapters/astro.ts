/**
 * Astro middleware (server output): `export const onRequest = ironSession<Data>(options)` in
 * src/middleware.ts, alone or inside `sequence()`, then `Astro.locals.session` in pages and
 * `context.locals.session` in endpoints and later middleware, typed through `App.Locals`
 * (src/env.d.ts; see docs). The session is read from the cookie (a store only when the options
 * have one) and committed on the Response that `next()` returns.
 */
import type { APIContext, MiddlewareNext } from 'astro'
import { mountSession, sessionsResolver, type OptionsOrFactory, type Session } from '../core/index.ts'

export type { Session }
export type { SessionOptions } from '../core/index.ts'

/** Astro's MiddlewareHandler, narrowed to what this one returns: usable as `onRequest` and in `sequence()`. */
export type SessionMiddleware = (context: APIContext, next: MiddlewareNext) => Promise<Response>

/**
 * @param options Session options, or a function of the request's context that makes them
 *   (`(context) => ({ password: getSecret('SESSION_PASSWORD') })`); a function's results are
 *   made into sessions once per distinct value, not per request.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: OptionsOrFactory<Data, [context: APIContext]>,
): SessionMiddleware {
  const sessionsFor = sessionsResolver<Data, Flash, [context: APIContext]>(options)
  return async (context, next) => {
    const sessions = sessionsFor(context)
    // App.Locals is the app's to declare (src/env.d.ts: `session: Session<Data, Flash>`); it may not have declared it yet.
    const locals = context.locals as { session?: Session<Data, Flash> }
    if (context.isPrerendered) {
      // Rendered at build time: there is no visitor, and Astro warns on any look at request.headers.
      // The page gets a new session (signed out) and nothing is committed: its headers are never sent.
      locals.session = await sessions.read(new Request(context.url))
      return next()
    }
    // Mounted twice on one request (two sequence()s): the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, context.request)
    const session = await mount.session
    locals.session = session
    // A page or endpoint that throws rejects next(): nothing is committed, and Astro answers with its error page.
    const response = await next()
    // commit() appends to a copy when there is anything to write: next()'s Response may have immutable
    // headers (Response.redirect) or be shared (one an endpoint keeps), and Astro sets its own cookies
    // (Astro.cookies) on whatever Response the middleware chain ends with.
    return mount.owner ? sessions.commit(session, response) : response
  }
}
