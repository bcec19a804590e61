/**
 * SvelteKit handle hook: in src/hooks.server.ts `export const handle = ironSession<Data>(options)`
 * (or one of the handles given to `sequence()`), then `event.locals.session` in loads, form
 * actions and endpoints, typed through `App.Locals` in src/app.d.ts:
 *
 *   import type { Session } from 'iron-fetch-session/sveltekit'
 *   declare global { namespace App { interface Locals { session: Session<Data> } } }
 *
 * The session is committed on the response that resolve(event) returns. SvelteKit turns a
 * redirect() thrown by a load or a form action into that response (303 for a form post, a JSON
 * answer for use:enhance and __data.json requests), so it gets the cookie too. A handler that throws
 * an unexpected error gets SvelteKit's 500 page, and nothing is committed (see below).
 *
 * @module iron-fetch-session/sveltekit
 */
import type { Handle, RequestEvent } from '@sveltejs/kit'
import { closeSession, mountSession, sessionsResolver, type OptionsOrFactory, type Session } from '../core/index.ts'

export type { Session }
export type { SessionOptions } from '../core/index.ts'

/** What the handle puts on `event.locals`: declare it in App.Locals. */
export interface SessionLocals<Data = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>> {
  session: Session<Data, Flash>
}

/**
 * @param options Session options, or a function of the request's event, made once per distinct result
 *   (for secrets that arrive with the request, as on Cloudflare: `(event) => ({ password: event.platform!.env.SESSION_PASSWORD })`).
 * @returns A Handle: export it as `handle`, or give it to `sequence()` with your other handles.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: OptionsOrFactory<Data, [event: RequestEvent]>,
): Handle {
  const sessionsFor = sessionsResolver<Data, Flash, [event: RequestEvent]>(options)
  return async ({ event, resolve }) => {
    const sessions = sessionsFor(event)
    // Mounted twice in one sequence(): both see the same Request, so the second hands on this
    // session and only this one commits. (A load's fetch() to the app's own endpoint is a new
    // Request, answered with its own session and its own Set-Cookie, which SvelteKit passes on.)
    const mount = mountSession(sessions, event.request)
    const session = await mount.session
    ;(event.locals as SessionLocals<Data, Flash>).session = session
    const response = await resolve(event)
    // SvelteKit catches what a load, an action or an endpoint throws and answers it itself: an
    // unexpected error as a 500 (handleError's case), never as a throw out of resolve(). As in every
    // adapter, a handler that failed commits nothing, so its error page never carries a half-done change.
    if (!mount.owner) return response
    // A copy when there is something to write: the response's headers may be immutable (an endpoint's Response.redirect()).
    const committed = response.status >= 500 ? response : await sessions.commit(session, response)
    // Done with it: in development, a later write (a streamed load's promise, a session kept) throws instead of being lost.
    closeSession(session, 'the SvelteKit handle')
    return committed
  }
}
