/**
 * Reached only when signed in: proxy.ts redirects everyone else to /. The page checks
 * again, because proxy.ts is an optimistic check (Next's docs advise it) and a page
 * should not rely on it alone.
 */
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'

export default async function Protected() {
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions)
  if (!session.isLoggedIn) redirect('/')
  return (
    <main>
      <h1>Protected</h1>
      <p>
        Only signed-in users see this, <strong id="protected-user">{session.username}</strong>.
      </p>
      <a href="/">Home</a>
    </main>
  )
}
