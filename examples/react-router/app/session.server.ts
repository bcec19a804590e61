/**
 * The session: iron-fetch-session's middleware for React Router. app/root.tsx mounts
 * sessionMiddleware; loaders and actions read `context.get(sessionContext)`, typed by SessionData.
 * Nothing to save by hand: the middleware commits the session to the response on the way out.
 */
import { ironSession } from 'iron-fetch-session/react-router'

// Type aliases (an interface has no index signature, and the data is a Record<string, unknown>).
export type SessionData = {
  user?: { username: string; name: string }
}

export type Flash = {
  notice: string
}

const password = process.env.SESSION_PASSWORD
if (!password) {
  throw new Error('Set SESSION_PASSWORD to at least 32 random characters (openssl rand -base64 32) before starting the server.')
}

export const { sessionMiddleware, sessionContext } = ironSession<SessionData, Flash>({
  password,
  // Secure by default. COOKIE_SECURE=false for plain http on a name other than localhost/127.0.0.1
  // (a browser drops a Secure cookie from such a page); never in production, which is served over https.
  cookieOptions: { secure: process.env.COOKIE_SECURE !== 'false' },
})
