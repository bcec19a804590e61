/**
 * iron-fetch-session with @remix-run/fetch-router. The same routes and JSON as
 * the Workers, Deno and Bun examples, so one cookie works across all of them
 * when they share a password:
 *
 *   GET  /                 { runtime: 'node', visits, user }
 *   POST /visit            visits + 1
 *   POST /login?user=NAME  signs in as NAME (a demo: a real app checks credentials first)
 *   POST /logout           destroys the session (the cookie is expired)
 *
 * The router is a fetch handler (`router.fetch(request)`), so it runs anywhere;
 * server.js serves it on Node with @remix-run/node-fetch-server. Plain ESM
 * JavaScript, so Node 20 runs it as is; app.d.ts gives it types.
 */
import { createRouter } from '@remix-run/fetch-router'
import { ironSession } from 'iron-fetch-session/fetch-router'

/** @typedef {{ visits?: number, user?: string }} Data What this app keeps in its session. */

/** The session as every example shows it. `no-store`: it is one user's data. */
function json(body, status = 200) {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } })
}

const state = (session) => ({ runtime: 'node', visits: session.get('visits') ?? 0, user: session.get('user') ?? null })

/**
 * @param {{ password: string }} options `password`: at least 32 random characters
 *   (`openssl rand -base64 32`); a short one throws here, with a message naming it.
 */
export function createApp({ password }) {
  /** @type {import('iron-fetch-session/fetch-router').SessionOptions<Data>} */
  const options = { password }
  const router = createRouter({
    middleware: [ironSession(options)], // handlers get `context.session`, typed by Data in editors
    defaultHandler: () => json({ error: 'not found' }, 404),
  })

  router.get('/', ({ session }) => json(state(session)))

  router.post('/visit', ({ session }) => {
    session.set('visits', (session.get('visits') ?? 0) + 1)
    return json(state(session))
  })

  router.post('/login', ({ session, url }) => {
    const user = url.searchParams.get('user')?.trim() ?? ''
    if (user.length < 1 || user.length > 64) return json({ error: 'POST /login?user=NAME, with a NAME of 1 to 64 characters' }, 400)
    session.set('user', user)
    return json(state(session))
  })

  router.post('/logout', ({ session }) => {
    session.destroy()
    return json(state(session))
  })

  return router
}
