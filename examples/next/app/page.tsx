/** The home page, a server component: who is signed in, and the forms to sign in and out. */
import Link from 'next/link'
import { cookies } from 'next/headers'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { sessionOptions, type SessionData } from '@/lib/session'
import { signIn, signOut } from './actions'

export default async function Home({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const session = await getIronSession<SessionData>(await cookies(), sessionOptions)
  const { error } = await searchParams

  return (
    <main>
      <h1>iron-fetch-session on Next.js</h1>
      {session.isLoggedIn ? (
        <>
          <p>
            Signed in as <strong id="user">{session.username}</strong>
          </p>
          <form action={signOut}>
            <button type="submit">Sign out</button>
          </form>
        </>
      ) : (
        <form action={signIn}>
          {error === 'username' && <p role="alert">Enter a username of at most 64 characters.</p>}
          <label>
            Username <input name="username" autoComplete="username" required maxLength={64} />
          </label>{' '}
          <button type="submit">Sign in</button>
        </form>
      )}
      <p>
        <Link href="/protected">Protected page</Link> (proxy.ts sends you back here unless you are signed in) ·{' '}
        <a href="/api/session">/api/session</a> · <a href="/api/pages-session">/api/pages-session</a>
      </p>
    </main>
  )
}
