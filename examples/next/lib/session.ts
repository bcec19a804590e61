/**
 * The session's shape and options, shared by the page, the server actions, the
 * route handlers and proxy.ts. These are iron-session's quickstart options: only
 * the import differs.
 */
import type { SessionOptions } from 'iron-fetch-session/iron-session'

export interface SessionData {
  username: string
  isLoggedIn: boolean
  /** How many times POST /api/pages-session was called (the Pages Router route). */
  apiVisits: number
}

/** The password must be at least 32 characters: `openssl rand -base64 32`. Set it in production. */
const DEV_PASSWORD = 'complex_password_at_least_32_characters_long_for_dev_only'

export const sessionOptions: SessionOptions = {
  password: process.env.SECRET_COOKIE_PASSWORD || DEV_PASSWORD,
  cookieName: 'iron-example',
  // ttl is left at its default, 14 days: the seal expires then, even if the browser still holds the cookie.
  cookieOptions: {
    // Secure in production, as in iron-session's quickstart. COOKIE_SECURE=false turns it off, for a
    // production build served over plain http (a LAN address, or the test on http://127.0.0.1): a
    // browser drops a Secure cookie set over http from any host it does not count as secure.
    secure: process.env.COOKIE_SECURE ? process.env.COOKIE_SECURE !== 'false' : process.env.NODE_ENV === 'production',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60 * 60 * 24 * 30, // 30 days
  },
}
