/**
 * Elysia plugin: `app.use(ironSession<Data>(options))`, then `({ session }) => …`
 * in handlers and hooks, typed through Elysia's inference as Session<Data, Flash>.
 *
 * The session is derived before validation (so beforeHandle guards see it) and
 * committed in an afterHandle hook. Its Set-Cookie lines go into `set.cookie`,
 * Elysia's own cookie jar, so Elysia writes them onto whatever the handler
 * returned — a string, an object, `status(…)`, a `Response`, `redirect(…)` —
 * beside the app's own cookies, as it does for every cookie it sets; onto a
 * returned Response that has its own Set-Cookie they are appended directly
 * (Elysia drops jar cookies beside those). A handler that throws skips
 * afterHandle: nothing is committed.
 *
 * @module iron-fetch-session/elysia
 */
import { parseSetCookie } from 'cookie'
import { Elysia } from 'elysia'
import { closeSession, mountSession, sessionsResolver, type OptionsOrFactory, type Session, type Sessions } from '../core/index.ts'

export type { Session }
export type { SessionOptions } from '../core/index.ts'

interface Mounted {
  sessions: Sessions<never, never>
  session: Session<never, never>
  owner: boolean
}

// Each made plugin has its own seed: Elysia mounts one value once however often it is used, while two
// separately made plugins both mount, and mountSession makes them one session (or refuses other options).
let made = 0

/**
 * The plugin's type, spelled out as Elysia infers it (so JSR's "no slow types" holds): a scoped `session` derived
 * for the app that uses it, typed by the app's Data and Flash.
 */
export type SessionPlugin<Data extends Record<string, unknown>, Flash extends Record<string, unknown>> = Elysia<
  '',
  { decorator: {}; store: {}; derive: {}; resolve: {} },
  { typebox: {}; error: {} },
  { schema: {}; standaloneSchema: {}; macro: {}; macroFn: {}; parser: {}; response: {} },
  {},
  { derive: { readonly session: Session<Data, Flash> }; resolve: {}; schema: {}; standaloneSchema: {}; response: { 200: Response } },
  { derive: {}; resolve: {}; schema: {}; standaloneSchema: {}; response: {} }
>

/**
 * @param options Session options, or a function of the request for secrets that arrive with it.
 * @returns An Elysia plugin named 'iron-fetch-session' that derives `session` for the app that uses it.
 */
export function ironSession<Data extends Record<string, unknown> = Record<string, unknown>, Flash extends Record<string, unknown> = Record<string, unknown>>(
  options: OptionsOrFactory<Data, [request: Request]>,
): SessionPlugin<Data, Flash> {
  const sessionsFor = sessionsResolver<Data, Flash, [request: Request]>(options)
  // The request's mount, for the afterHandle hook; it goes with the request.
  const mounts = new WeakMap<Request, Mounted>()
  return new Elysia({ name: 'iron-fetch-session', seed: made++ })
    .derive({ as: 'scoped' }, async ({ request }) => {
      const sessions = sessionsFor(request)
      // Mounted again on the way (a sub-plugin): the inner mount hands on this session and the outer one commits.
      const mount = mountSession(sessions, request)
      const session = await mount.session
      mounts.set(request, { sessions: sessions as unknown as Sessions<never, never>, session: session as unknown as Session<never, never>, owner: mount.owner })
      return { session }
    })
    .onAfterHandle({ as: 'scoped' }, async ({ request, set, responseValue }) => {
      const mount = mounts.get(request)
      if (!mount?.owner) return undefined
      mounts.delete(request)
      // A Response with its own Set-Cookie: Elysia would drop the jar's cookies beside it, so the session's go onto a copy of it.
      if (responseValue instanceof Response && responseValue.headers.has('set-cookie')) {
        const committed = await mount.sessions.commit(mount.session, responseValue)
        closeSession(mount.session, 'the Elysia session plugin')
        return committed
      }
      // Otherwise commit looks at the returned Response (its Cache-Control, a 101) or at the headers set so far.
      const probe = responseValue instanceof Response ? responseValue : new Response(null, { headers: headerInit(set.headers) })
      for (const [name, value] of await mount.sessions.commitHeaders(mount.session, probe)) {
        if (name === 'set-cookie') {
          const { name: cookieName, ...cookie } = parseSetCookie(value)
          ;(set.cookie ??= {})[cookieName] = { ...cookie, value: cookie.value ?? '' }
        } else if (!(responseValue instanceof Response && responseValue.headers.has(name))) set.headers[name] = value
      }
      // Done with it: in development, a later write (a session kept past its request) throws instead of being lost.
      closeSession(mount.session, 'the Elysia session plugin')
      return undefined
    })
}

/** Elysia's set.headers as a HeadersInit: its values may be numbers, and Set-Cookie an array. */
function headerInit(headers: Record<string, unknown>): Array<[string, string]> {
  const init: Array<[string, string]> = []
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) init.push([name, String(one)])
  }
  return init
}
