/**
 * The h3 example: sign in with a form post (demo / demo), a page that reads
 * the session, a flash message after each redirect, and sign out. server.js
 * serves it; test/example-h3.test.ts drives it over HTTP.
 *
 * Plain ESM JavaScript so Node 20 runs it as is; context.d.ts types event.context.session.
 */
/// <reference path="./context.d.ts" />
import { H3, HTTPError, redirect } from 'h3'
import { ironSession } from 'iron-fetch-session/h3'
import { crossSite, page, signIn } from '../shared/sign-in.js'

/**
 * @param {{ password: string, secure?: boolean }} options
 *   `password`: at least 32 random characters (`openssl rand -base64 32`).
 *   `secure`: the cookie's Secure attribute, by default in production only, as the example runs over plain http.
 */
export function createApp({ password, secure = process.env.NODE_ENV === 'production' }) {
  const app = new H3()

  // Before the session, so a refused request never reads or writes it.
  app.use((event) => {
    if (crossSite(event.req)) throw new HTTPError({ status: 403, message: 'Cross-site form posts are refused.' })
  })

  // __Host-: the browser takes the cookie only from this host, Secure, with Path=/ and no Domain (SECURITY.md).
  app.use(ironSession({ password, cookieName: secure ? '__Host-session' : 'session', cookieOptions: { secure } }))

  app.get('/', (event) => {
    const session = event.context.session
    const user = session.get('user')
    // Read once: the flash is gone from the cookie this response writes.
    const notice = session.getFlash('notice')
    if (user) session.set('visits', (session.get('visits') ?? 0) + 1) // signed out: no cookie at all
    return page({ framework: 'h3', user, visits: session.get('visits') ?? 0, notice })
  })

  app.post('/login', async (event) => {
    const form = await event.req.formData()
    const user = signIn(form)
    // A failed sign-in answers the form directly and writes nothing.
    if (!user) return page({ framework: 'h3', error: 'Wrong username or password.', username: String(form.get('username') ?? '') }, 401)
    const session = event.context.session
    // A new session at sign-in, the old one ended: a cookie planted before sign-in is worth nothing.
    session.regenerateId(true)
    session.set('user', user)
    session.set('visits', 0)
    session.flash('notice', `Welcome, ${user.name}! You are signed in.`)
    return redirect('/', 303)
  })

  app.post('/logout', (event) => {
    const session = event.context.session
    // destroy() expires the cookie; the flash after it is a new session holding only the flash.
    session.destroy()
    session.flash('notice', 'You have been signed out.')
    return redirect('/', 303)
  })

  return app
}
