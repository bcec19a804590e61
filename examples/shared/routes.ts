/**
 * The routes every runtime example serves, so one cookie works across the fleet
 * (Workers, Deno, Bun; the fetch-router example has the same routes as a router)
 * when they share a password:
 *
 *   GET  /                 { runtime, visits, user }
 *   POST /visit            visits + 1
 *   POST /login?user=NAME  signs in as NAME (a demo: a real app checks credentials first)
 *   POST /logout           destroys the session (the cookie is expired)
 */
import type { Session } from 'iron-fetch-session/fetch'

export type Data = { visits?: number; user?: string }

/** JSON with `no-store`: it is one user's data. */
function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } })
}

/** The handler for `withSession(options, routes('deno'))`. */
export function routes(runtime: string): (request: Request, session: Session<Data>) => Response {
  return (request, session) => {
    const { pathname, searchParams } = new URL(request.url)
    switch (`${request.method} ${pathname}`) {
      case 'GET /':
        break
      case 'POST /visit':
        session.set('visits', (session.get('visits') ?? 0) + 1)
        break
      case 'POST /login': {
        const user = searchParams.get('user')?.trim() ?? ''
        if (user.length < 1 || user.length > 64) return json({ error: 'POST /login?user=NAME, with a NAME of 1 to 64 characters' }, 400)
        session.set('user', user)
        break
      }
      case 'POST /logout':
        session.destroy()
        break
      default:
        return json({ error: 'not found' }, 404)
    }
    return json({ runtime, visits: session.get('visits') ?? 0, user: session.get('user') ?? null })
  }
}
