/**
 * iron-fetch-session on Cloudflare Workers with the data in Workers KV: the
 * cookie holds a sealed random id, the session lives in the SESSIONS namespace
 * through unstorage's cloudflare-kv-binding driver. Besides the routes every
 * runtime example serves (../../shared/routes.ts), it lists the user's devices
 * and signs out everywhere else, which a cookie alone cannot do:
 *
 *   GET  /devices              the signed-in user's sessions: { current, devices: [{ id, createdAt }] }
 *   POST /logout-everywhere    ends every other session of the user
 *
 * Workers KV is eventually consistent: a write or a revocation can take up to
 * 60 seconds to be seen at other locations (docs/stores.md).
 */
import { createSessions, SessionStoreError, type Sessions } from 'iron-fetch-session'
import { sessionStore } from 'iron-fetch-session/store'
import { createStorage } from 'unstorage'
import cloudflareKVBindingDriver from 'unstorage/drivers/cloudflare-kv-binding'
import { type Data, routes } from '../../shared/routes.ts'

export interface Env {
  /** At least 32 random characters: `wrangler secret put SESSION_PASSWORD`. */
  SESSION_PASSWORD: string
  /** The KV namespace of wrangler.toml (KVNamespace, from @cloudflare/workers-types). */
  SESSIONS: object
}

// Made once per binding, not per request: the unseal cache lives in the Sessions, and options are
// checked when it is made (a missing password throws, and the Worker answers 500).
const made = new WeakMap<object, Sessions<Data>>()
function sessionsFor(env: Env): Sessions<Data> {
  let sessions = made.get(env.SESSIONS)
  if (!sessions) {
    const store = createStorage({ driver: cloudflareKVBindingDriver({ binding: env.SESSIONS as never }) })
    sessions = createSessions<Data>({ password: env.SESSION_PASSWORD, store: sessionStore(store), userId: (data) => data.user })
    made.set(env.SESSIONS, sessions)
  }
  return sessions
}

const shared = routes('workerd')

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } })
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const sessions = sessionsFor(env)
    try {
      const session = await sessions.read(request)
      const { pathname } = new URL(request.url)
      const user = session.get('user')
      let response: Response
      if (request.method === 'GET' && pathname === '/devices') {
        const devices = user ? await sessions.sessionsOf(user) : []
        response = json({ current: session.id, devices: devices.map(({ id, createdAt }) => ({ id, createdAt })) })
      } else if (request.method === 'POST' && pathname === '/logout-everywhere') {
        const ended = user ? await sessions.revokeAll(user, { except: session.id }) : []
        response = json({ ended: ended.length })
      } else {
        response = shared(request, session)
        // Signing in gets a new id, so an id planted before sign-in is worth nothing (session fixation).
        if (request.method === 'POST' && pathname === '/login' && response.ok) session.regenerateId(true)
      }
      return await sessions.commit(session, response)
    } catch (error) {
      // KV failed or did not answer: the session is unknown, not empty. Answer 503 and write nothing.
      if (error instanceof SessionStoreError) return json({ error: 'sessions are unavailable, try again shortly' }, 503)
      throw error
    }
  },
}
