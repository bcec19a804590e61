import { env } from '$env/dynamic/private'
import type { Handle } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import { ironSession } from 'iron-fetch-session/sveltekit'
import type { Flash, SessionData } from '$lib/session'

// Options as a function of the request's event: read when the first request comes, so the password comes
// from the server's environment at run time (SESSION_PASSWORD, 32+ random characters), never from the build.
const session = ironSession<SessionData, Flash>(() => ({
  password: env.SESSION_PASSWORD ?? '',
  // Secure unless COOKIE_SECURE=false: the built server is production, but this example may be
  // served over plain http (Safari drops a Secure cookie from http://localhost).
  cookieOptions: { secure: env.COOKIE_SECURE !== 'false' },
}))

// Runs after the session handle, so it can read event.locals.session.
const signedInOnly: Handle = async ({ event, resolve }) => {
  if (event.url.pathname.startsWith('/account') && !event.locals.session.data.user) {
    return new Response(null, { status: 303, headers: { location: '/login' } })
  }
  return resolve(event)
}

export const handle = sequence(session, signedInOnly)
