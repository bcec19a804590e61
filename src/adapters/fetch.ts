/**
 * A fetch-handler wrapper for Cloudflare Workers, Deno.serve and Bun.serve:
 *
 *   export default { fetch: withSession((env) => ({ password: env.SESSION_PASSWORD }), handler) } // Workers
 *   Deno.serve(withSession(options, handler))
 *   Bun.serve({ fetch: withSession(options, handler) })
 *
 * The wrapped handler's `sessions(...rest)` is the Sessions object behind it (revoke, revokeAll, sessionsOf):
 * `handler.sessions(env).revokeAll(user)` on Workers, `handler.sessions().revoke(id)` elsewhere.
 *
 * @module iron-fetch-session/fetch
 */
import { closeSession, mountSession, sessionsResolver, type OptionsOrFactory, type Session, type Sessions } from '../core/index.ts'

export type { Session, Sessions }
export type { SessionOptions } from '../core/index.ts'

/** A fetch handler given the session after the request, then whatever else the host passes (`env, ctx`, `info`, `server`). */
export type SessionHandler<Data, Flash extends Record<string, unknown>, Rest extends unknown[]> = (
  request: Request,
  session: Session<Data, Flash>,
  ...rest: Rest
) => Response | Promise<Response>

/**
 * @param options Session options, or a function of the host's extra arguments
 *   (a Worker's `env, ctx`; Deno's `info`; Bun's `server`), made once per distinct result.
 * @param handler Your handler, given the session after the request.
 * @returns `(request, ...rest) => Promise<Response>`, with the session committed to the response, and its
 *   `sessions(...rest)`: the Sessions object for the same arguments.
 */
export function withSession<
  Data extends Record<string, unknown> = Record<string, unknown>,
  Flash extends Record<string, unknown> = Record<string, unknown>,
  Rest extends unknown[] = unknown[],
>(options: OptionsOrFactory<Data, Rest>, handler: SessionHandler<Data, Flash, Rest>): ((request: Request, ...rest: Rest) => Promise<Response>) & {
  /** The Sessions object behind the handler, for the same extra arguments (revoke, revokeAll, sessionsOf). */
  sessions(...rest: Rest): Sessions<Data, Flash>
} {
  const sessionsFor = sessionsResolver<Data, Flash, Rest>(options)
  const wrapped = async (request: Request, ...rest: Rest): Promise<Response> => {
    const sessions = sessionsFor(...rest)
    // Wrapped twice: the inner wrapper hands on this session and the outer one commits.
    const mount = mountSession(sessions, request)
    const session = await mount.session
    // A handler that throws skips the commit, so nothing half-done is saved; the host reports the error.
    const response = await handler(request, session, ...rest)
    if (!mount.owner) return response
    const committed = await sessions.commit(session, response)
    closeSession(session, 'withSession()')
    return committed
  }
  return Object.assign(wrapped, { sessions: sessionsFor })
}
