/** What the session holds, and the flash messages it carries to the next page (types: an interface is no Record<string, unknown>). */
export type SessionData = {
  user: { username: string; name: string }
  signedInAt: number
}

export type Flash = {
  notice: string
}

/** The one account, shown on the sign-in page. A real app checks a password hash from its database. */
export const DEMO_USER = { username: 'demo', password: 'demo', name: 'Demo User' }
