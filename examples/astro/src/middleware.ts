/**
 * Middleware: the session first, so every page and endpoint has `locals.session` (read from the
 * cookie; Set-Cookie on the response when a page changed it), then a guard that sends visitors
 * who are not signed in from /account to the sign-in form.
 */
import { SESSION_PASSWORD } from 'astro:env/server'
import { defineMiddleware, sequence } from 'astro:middleware'
import { ironSession } from 'iron-fetch-session/astro'

// DEVELOPMENT ONLY (`astro dev`). It is public (it is in this file), so anyone could forge sessions sealed with it.
const DEVELOPMENT_PASSWORD = 'development-only-password-never-use-in-production'

function sessionPassword(): string {
  if (SESSION_PASSWORD) return SESSION_PASSWORD
  if (import.meta.env.PROD) throw new Error('astro example: SESSION_PASSWORD is not set. Set it to at least 32 random characters (openssl rand -base64 32).')
  console.warn('astro example: SESSION_PASSWORD is not set, so sessions are sealed with the built-in DEVELOPMENT password.')
  return DEVELOPMENT_PASSWORD
}

const session = ironSession<AppSessionData, AppFlash>({
  password: sessionPassword(),
  // An idle timeout of one day: each visit renews the cookie (at most every 2.4 hours).
  ttl: 60 * 60 * 24,
  rolling: true,
})

const signedIn = defineMiddleware((context, next) => {
  if (context.url.pathname.startsWith('/account') && !context.locals.session.get('user')) {
    // A redirect made here carries the session's Set-Cookie too (the flash): the session middleware commits it.
    context.locals.session.flash('notice', 'Sign in to see your account.')
    return context.redirect('/login', 303)
  }
  return next()
})

export const onRequest = sequence(session, signedIn)
