/**
 * The Elysia example: sign in with a form post (demo / demo), a page that
 * reads the session, a flash message after each redirect, and sign out.
 * server.ts serves it on Bun; test/example-elysia.test.ts drives it over HTTP.
 */
import { Elysia } from 'elysia'
import { ironSession } from 'iron-fetch-session/elysia'
import { crossSite, page, signIn, type Data, type Flash } from '../shared/sign-in.js'

/**
 * @param options.password at least 32 random characters (`openssl rand -base64 32`).
 * @param options.secure the cookie's Secure attribute, by default in production only, as the example runs over plain http.
 */
export function createApp({ password, secure = process.env.NODE_ENV === 'production' }: { password: string; secure?: boolean }) {
  return (
    new Elysia()
      // Before the session, so a refused request never reads or writes it.
      .onRequest(({ request, status }) => {
        if (crossSite(request)) return status(403, 'Cross-site form posts are refused.')
      })
      // __Host-: the browser takes the cookie only from this host, Secure, with Path=/ and no Domain (SECURITY.md).
      .use(ironSession<Data, Flash>({ password, cookieName: secure ? '__Host-session' : 'session', cookieOptions: { secure } }))
      .get('/', ({ session }) => {
        const user = session.get('user')
        // Read once: the flash is gone from the cookie this response writes.
        const notice = session.getFlash('notice')
        if (user) session.set('visits', (session.get('visits') ?? 0) + 1) // signed out: no cookie at all
        return page({ framework: 'Elysia', user, visits: session.get('visits') ?? 0, notice })
      })
      .post('/login', async ({ request, session, redirect }) => {
        const form = await request.formData()
        const user = signIn(form)
        // A failed sign-in answers the form directly and writes nothing.
        if (!user) return page({ framework: 'Elysia', error: 'Wrong username or password.', username: String(form.get('username') ?? '') }, 401)
        // A new session at sign-in, the old one ended: a cookie planted before sign-in is worth nothing.
        session.regenerateId(true)
        session.set('user', user)
        session.set('visits', 0)
        session.flash('notice', `Welcome, ${user.name}! You are signed in.`)
        return redirect('/', 303)
      })
      .post('/logout', ({ session, redirect }) => {
        // destroy() expires the cookie; the flash after it is a new session holding only the flash.
        session.destroy()
        session.flash('notice', 'You have been signed out.')
        return redirect('/', 303)
      })
  )
}
