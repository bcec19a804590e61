/**
 * The sign-in demo the h3 and Elysia examples share: the one account, a check
 * of the form's fields, and the page. Plain ESM JavaScript, so Node runs it as
 * is (examples/h3) and Bun too (examples/elysia); sign-in.d.ts gives it types.
 * The session itself is each example's own: this file never touches it.
 */

/** The one account, shown on the page. A real app checks a password hash from its database. */
export const DEMO_USER = { username: 'demo', password: 'demo', name: 'Demo User' }

/** The user a form's fields sign in, or undefined. */
export function signIn(form) {
  const username = String(form.get('username') ?? '')
  const password = String(form.get('password') ?? '')
  return username === DEMO_USER.username && password === DEMO_USER.password ? { username, name: DEMO_USER.name } : undefined
}

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => escapes[c])

/**
 * A form post from another site is refused before it reaches the session. SameSite=Lax already keeps
 * the cookie off cross-site POSTs; this also covers older browsers. A request without Origin (curl) passes.
 */
export function crossSite(request) {
  const origin = request.headers.get('origin')
  return request.method === 'POST' && origin !== null && origin !== new URL(request.url).origin
}

/** The whole page, as a Response. Every interpolated string is escaped. */
export function page({ framework, user, visits = 0, notice, error, username = '' }, status = 200) {
  const body = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>iron-fetch-session · ${escape(framework)} example</title></head>
  <body>
    <h1>iron-fetch-session · ${escape(framework)}</h1>
    ${notice ? `<p role="status" id="notice">${escape(notice)}</p>` : ''}
    ${
      user
        ? `<p>Signed in as <strong id="user">${escape(user.name)}</strong> (<code>${escape(user.username)}</code>).</p>
    <p>You have viewed this page <strong id="visits">${visits}</strong> ${visits === 1 ? 'time' : 'times'} since signing in.</p>
    <form method="post" action="/logout"><button>Sign out</button></form>`
        : `<p>Sign in as <code>demo</code> with the password <code>demo</code>.</p>
    ${error ? `<p role="alert" id="error">${escape(error)}</p>` : ''}
    <form method="post" action="/login">
      <label>Username <input name="username" autocomplete="username" value="${escape(username)}" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button>Sign in</button>
    </form>`
    }
  </body>
</html>`
  // no-store: the page shows one user's session.
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
}
