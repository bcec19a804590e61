/**
 * Astro middleware (server output): `export const onRequest = ironSession<Data>(options)` in
 * src/middleware.ts, alone or inside `sequence()`, then `Astro.locals.session` in pages and
 * `context.locals.session` in endpoints and later middleware, typed through `App.Locals`
 * (src/env.d.ts; see docs). The session is read from the cookie (a store only when the options
 * have one) and committed on the Response that `next()` returns.
 *
 * @module iron-fetch-session/astro
 */
import type { APIContext, MiddlewareNext } from 'astro'
import { mountSession, sessionsResolver, type OptionsOrFactory, type Session } from '../core/index.ts'

export type { Session }
export type { SessionOptions } from '../core/index.ts'

/** Astro's MiddlewareHandler, narrowed to what this one returns: usable as `onRequest` and in `sequence()`. */
export type SessionMiddleware = (context: APIContext, next: MiddlewareNext) => Promise<Response>

/**
 * The session as Astro middleware: read into `context.locals.session` before the page or endpoint, and
 * committed on the Response that `next()` returns.
 *
 * @param options Session options, or a function of the request's context that makes them
 *   (`(context) => ({ password: getSecret('SESSION_PASSWORD') })`); a function's results are
 *   made into sessions once per distinct value, not per request.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: OptionsOrFactory<Data, [context: APIContext]>,
): SessionMiddleware {
  const sessionsFor = sessionsResolver<Data, Flash, [context: APIContext]>(options)
  // Astro.rewrite() and context.rewrite() run the middleware again within the same visit, on a copy of
  // the request (which mountSession cannot tell from another request) but with the same locals: the
  // session this run put on those locals is handed on, and only this run commits it. Held only while
  // this run waits for next(), and only for a request with the same headers (a rewrite copies them all):
  // an app that passed one locals object to every request (app.render(request, { locals })) never gets
  // another visitor's session.
  const running = new WeakMap<object, { session: Session<Data, Flash>; request: Request }>()
  return async (context, next) => {
    // App.Locals is the app's to declare (src/env.d.ts: `session: Session<Data, Flash>`); it may not have declared it yet.
    const locals = context.locals as { session?: Session<Data, Flash> }
    const sessions = sessionsFor(context)
    if (context.isPrerendered) {
      // Rendered at build time: there is no visitor, and Astro warns on any look at request.headers.
      // The page gets a new session (signed out) and nothing is committed: its headers are never sent.
      locals.session = await sessions.read(new Request(context.url))
      return next()
    }
    const outer = running.get(locals)
    if (outer && sameHeaders(outer.request, context.request)) {
      locals.session = outer.session
      return next()
    }
    // Mounted twice on one request (two sequence()s): the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, context.request)
    const session = await mount.session
    locals.session = session
    if (!mount.owner) return next()
    running.set(locals, { session, request: context.request })
    let response: Response
    try {
      // A page or endpoint that throws rejects next(): nothing is committed, and Astro answers with its error page.
      response = await next()
    } finally {
      running.delete(locals)
    }
    // commit() appends to a copy when there is anything to write: next()'s Response may have immutable
    // headers (Response.redirect) or be shared (one an endpoint keeps), and Astro sets its own cookies
    // (Astro.cookies) on whatever Response the middleware chain ends with.
    return sessions.commit(session, response)
  }
}

/** Whether two requests carry the same headers, in the same order: a rewrite's copy does. */
function sameHeaders(a: Request, b: Request): boolean {
  const left = [...a.headers]
  const right = [...b.headers]
  return left.length === right.length && left.every(([name, value], i) => right[i]![0] === name && right[i]![1] === value)
}
