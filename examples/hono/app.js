/**
 * The Hono example: sign in, a visit counter, flash messages, and a cart big
 * enough to need more than one cookie. `npm start` serves it (server.js);
 * the tests build it with their own password.
 *
 * Plain ESM JavaScript so Node 20 runs it as is; app.d.ts gives it types.
 */
import { Hono } from 'hono'
import { csrf } from 'hono/csrf'
import { getCookie, setCookie } from 'hono/cookie'
import { html } from 'hono/html'
import { HTTPException } from 'hono/http-exception'
import { createSessions, SessionStoreError } from 'iron-fetch-session'
import { ironSession } from 'iron-fetch-session/hono'
import { sessionStore } from 'iron-fetch-session/store'

/** The one account, shown on the sign-in page. A real app checks a password hash from its database. */
export const DEMO_USER = { username: 'demo', password: 'demo', name: 'Demo User' }

/**
 * With `chunk: true` a session may take up to 4 cookies of 4096 bytes. 100 of
 * these items seal to about 11 KB (3 cookies), leaving room for the rest of the
 * session. Keep well under 16 KB in all: browsers send every chunk on every
 * request, and Node's HTTP server answers 431 when a request's headers pass
 * 16 KB. Past the 4 cookies, commit throws SessionTooLargeError.
 */
export const MAX_CART_ITEMS = 100

const PRODUCTS = [
  ['Espresso cup', 'charcoal'],
  ['Linen napkin', 'oatmeal'],
  ['Walnut spoon', 'natural oil'],
  ['Stoneware bowl', 'speckled white'],
  ['Beeswax candle', 'honey'],
]

function product(n) {
  const [name, finish] = PRODUCTS[n % PRODUCTS.length]
  return { sku: `SKU-${String(n).padStart(4, '0')}`, name: `${name} #${n}`, finish, price: 250 + ((n * 37) % 1000) }
}

/**
 * @param {{ password: string, secure?: boolean, store?: import('iron-fetch-session').SessionStore }} options
 *   `password`: at least 32 random characters (`openssl rand -base64 32`).
 *   `secure`: the cookies' Secure attribute; see below for the default.
 *   `store`: keep sessions server-side (an unstorage Storage: memory, a directory, Redis; server.js
 *   makes one from SESSION_STORE). The cookie then holds only a sealed id, and /api/devices and
 *   /logout-everywhere work. Without it the whole session is in the cookie.
 *   `revocations`: instead of a store, `revocable({ store, lag? })`: the data stays in the cookie and only
 *   sign-outs are kept in the store, so /logout and /logout-everywhere hold on every process.
 */
export function createApp({ password, secure = process.env.NODE_ENV === 'production', store, revocations }) {
  const app = new Hono()
  // __Host-: the browser accepts the cookie only from this host, Secure, with Path=/ and no Domain,
  // so no sibling subdomain can set or shadow it (SECURITY.md). It needs Secure, hence production only.
  const cookieName = secure ? '__Host-session' : 'session'

  // A store that fails or does not answer makes reading the session throw SessionStoreError: the
  // session is unknown, not empty, so answer 503 and write nothing rather than sign anyone out.
  // Other errors as Hono answers them by default: an HTTPException's own response (csrf()'s 403), else 500.
  app.onError((error, c) => {
    if (error instanceof SessionStoreError) return c.text('Sessions are unavailable; try again shortly.', 503)
    if (error instanceof HTTPException) return error.getResponse()
    console.error(error)
    return c.text('Internal Server Error', 500)
  })

  // Form posts must come from this origin (Origin / Sec-Fetch-Site). Before the session,
  // so a refused request never reads or writes it. SameSite=Lax already keeps the cookie
  // off cross-site POSTs; this also covers older browsers and same-site subdomains.
  app.use(csrf())

  const sessionOptions = {
    password,
    // Secure only in production. The library defaults to Secure, but this example runs over
    // plain http://localhost:3000, and browsers refuse a Secure cookie from an http page except
    // on localhost/127.0.0.1 in Chromium and Firefox: Safari drops it there too, and every browser
    // drops it when the app is opened over http by another name (a LAN IP, a container's
    // hostname). In production the app is served over https, so the cookie must be Secure.
    cookieOptions: { secure },
    // __Host-: the browser accepts the cookie only from this host, Secure, with Path=/ and no Domain,
    // so no sibling subdomain can set or shadow it (SECURITY.md). It needs Secure, hence production only.
    cookieName,
    // The cart below outgrows one 4 KB cookie: split the seal across session.0, session.1, …
    // (With a store the cookie holds only an id, and chunking never happens.)
    chunk: true,
    // With a store: the data lives there, and each session is filed under its user for the devices list.
    ...(store && { store: sessionStore(store), userId: (data) => data.user?.username }),
    // With revocations: the data stays in the cookie, and a sign-out is written to the store for every process to refuse.
    ...(revocations && { revocations, userId: (data) => data.user?.username }),
  }
  app.use(ironSession(sessionOptions))
  // The same options, for what is done outside one request's session: listing and ending a user's sessions.
  const deviceSessions = createSessions(sessionOptions)

  app.get('/', (c) => {
    const session = c.var.session
    const notice = session.getFlash('notice') // shown once: reading it removes it from the cookie
    const user = session.get('user')
    if (user) session.set('visits', (session.get('visits') ?? 0) + 1) // no cookie at all for visitors who are signed out
    const panel = { data: session.data, createdAt: session.createdAt, expiresAt: session.expiresAt, isNew: session.isNew, unsealError: session.unsealError, cookies: sessionCookies(c.req.header('cookie'), cookieName) }
    return c.html(page({ user, visits: session.get('visits') ?? 0, cart: session.get('cart') ?? [], notice, panel }))
  })

  // For the demo only: change one character of the session cookie in the browser, as an attacker
  // editing it would. The next page shows how the server answers: the MAC fails, the cookie is
  // refused with a reason, and the visitor starts over with an empty session.
  app.post('/tamper', (c) => {
    const name = [cookieName, `${cookieName}.0`].find((candidate) => getCookie(c, candidate))
    if (name) {
      const value = getCookie(c, name)
      const at = Math.floor(value.length / 2)
      setCookie(c, name, value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1), { path: '/', httpOnly: true, sameSite: 'Lax', secure })
    }
    return c.redirect('/', 303)
  })

  // The session as JSON, read only: nothing changes, so no Set-Cookie. For API clients, and the load test.
  app.get('/api/me', (c) => {
    const session = c.var.session
    return c.json({ user: session.get('user') ?? null, visits: session.get('visits') ?? 0, cartItems: (session.get('cart') ?? []).length })
  })

  app.post('/login', async (c) => {
    const form = await c.req.parseBody()
    const username = typeof form.username === 'string' ? form.username.trim() : ''
    const password = typeof form.password === 'string' ? form.password : ''
    if (username !== DEMO_USER.username || password !== DEMO_USER.password) {
      // Answer the form directly: nothing is written to the session for a failed sign-in.
      return c.html(page({ username, error: 'Wrong username or password.' }), 401)
    }
    const session = c.var.session
    // A new id (and cookie) at sign-in, the old one ended: an id planted before sign-in is worth nothing.
    session.regenerateId(true)
    session.set('user', { username: DEMO_USER.username, name: DEMO_USER.name })
    session.set('visits', 0)
    session.flash('notice', `Welcome, ${DEMO_USER.name}! You are signed in.`)
    return c.redirect('/', 303)
  })

  app.post('/logout', (c) => {
    const session = c.var.session
    // destroy() expires the cookie and all its chunks; the flash after it is kept as a new
    // session holding only the flash, which the next page reads and so clears.
    session.destroy()
    session.flash('notice', 'You have been signed out.')
    return c.redirect('/', 303)
  })

  // With a store: the signed-in user's sessions, and "sign out everywhere else".
  app.get('/api/devices', async (c) => {
    const user = c.var.session.get('user')
    if (!store || !user) return c.json({ error: store ? 'not signed in' : 'needs a store (SESSION_STORE)' }, store ? 401 : 404)
    const devices = await deviceSessions.sessionsOf(user.username)
    return c.json({ current: c.var.session.id, devices: devices.map(({ id, createdAt, updatedAt }) => ({ id, createdAt, updatedAt })) })
  })

  app.post('/logout-everywhere', async (c) => {
    const user = c.var.session.get('user')
    if (!(store || revocations) || !user) return c.redirect('/', 303)
    const ended = await deviceSessions.revokeAll(user.username, { except: c.var.session.id })
    // Revocations end the user's other sessions by time, not from a list: there is no count to show.
    c.var.session.flash('notice', store ? `Signed out on ${plural(ended.length, 'other device')}.` : 'Signed out everywhere else.')
    return c.redirect('/', 303)
  })

  // The cart lives in the session to show chunking. In a real shop keep it in your database under
  // an id the session holds: two tabs writing the cookie at once lose one of the writes (docs/session.md).
  // It is for signed-in users only, so a visitor who is signed out never gets a cookie.
  app.use('/cart/*', async (c, next) => {
    if (!c.var.session.get('user')) return c.redirect('/', 303)
    await next()
  })

  app.post('/cart/add', async (c) => {
    const session = c.var.session
    const cart = session.get('cart') ?? []
    const wanted = count((await c.req.parseBody()).count, 50)
    const added = Math.min(wanted, MAX_CART_ITEMS - cart.length)
    const next = cart.length === 0 ? 1 : Math.max(...cart.map((item) => Number(item.sku.slice(4)))) + 1
    for (let i = 0; i < added; i++) cart.push(product(next + i))
    session.set('cart', cart)
    const full = added < wanted ? `Your cart is full: it holds at most ${MAX_CART_ITEMS} items.` : ''
    session.flash('notice', added === 0 ? full : `Added ${plural(added, 'item')} to your cart. ${full}`.trim())
    return c.redirect('/', 303)
  })

  app.post('/cart/remove', async (c) => {
    const session = c.var.session
    const cart = session.get('cart') ?? []
    const removed = cart.splice(-count((await c.req.parseBody()).count, 50)).length
    if (cart.length === 0) session.unset('cart')
    else session.set('cart', cart)
    if (removed > 0) session.flash('notice', `Removed ${plural(removed, 'item')} from your cart.`)
    return c.redirect('/', 303)
  })

  app.post('/cart/clear', (c) => {
    const session = c.var.session
    if (session.get('cart')) {
      session.unset('cart')
      session.flash('notice', 'Your cart is empty.')
    }
    return c.redirect('/', 303)
  })

  return app
}

/** A form's count field: a whole number from 1 to max (1 when missing or not a number). */
function count(value, max) {
  const n = Number(typeof value === 'string' ? value : NaN)
  return Number.isInteger(n) ? Math.min(Math.max(n, 1), max) : 1
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`

/** This app's session cookies in the request, the whole one or its chunks `.0`, `.1`, …, with the bytes each takes. */
function sessionCookies(header = '', cookieName) {
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair === cookieName || pair.startsWith(`${cookieName}=`) || pair.startsWith(`${cookieName}.`))
    .map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), bytes: new TextEncoder().encode(pair).length }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Why the server refused the cookie, in plain words. */
const REFUSALS = {
  invalid: 'The cookie your browser sent was refused: it had been changed, or sealed with another password, so its signature (MAC) did not match. Nothing in it was decrypted or trusted; you start over as a new visitor, and the response clears it.',
  expired: 'The cookie your browser sent had expired: the expiry sealed inside it has passed, whatever the browser thought. You start over as a new visitor.',
  'unknown-password': 'The cookie your browser sent was sealed with a password this server no longer has. You start over as a new visitor.',
  'invalid-data': 'The cookie opened, but its data did not have the shape this app expects, so it was refused.',
}

const when = (ms) => (ms === undefined ? 'not yet (nothing sealed)' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))
const shown = (json) => (json.length > 1500 ? `${json.slice(0, 1500)}\n… (${json.length.toLocaleString('en')} characters in all)` : json)

/** The session as the server sees it on this request: its state, the cookies, its times and its data. */
function sessionPanel({ data, createdAt, expiresAt, isNew, unsealError, cookies }) {
  const state = unsealError
    ? REFUSALS[unsealError]
    : isNew
      ? 'No session cookie came with this request: you are a new visitor. Nothing is stored in your browser until the session has something to keep.'
      : 'This request carried a session cookie. The server checked its signature and expiry with its password, then decrypted it: no database was asked.'
  return html`
    <section id="session-panel">
      <h2>What the server sees</h2>
      <p id="session-state" class="${unsealError ? 'error' : 'muted'}">${state}${unsealError ? html` <code id="unseal-error">${unsealError}</code>` : ''}</p>
      <table id="session-cookie-sizes">
        <thead><tr><th>Cookie sent by your browser</th><th>Size</th></tr></thead>
        <tbody>${cookies.length
          ? cookies.map(({ name, bytes }) => html`<tr><td><code>${name}</code></td><td>${bytes.toLocaleString('en')} of 4,096 bytes</td></tr>`)
          : html`<tr><td colspan="2" class="muted">none</td></tr>`}</tbody>
      </table>
      <p>Created: <span id="created-at">${when(isNew ? undefined : createdAt)}</span> · Expires: <span id="expires-at">${when(expiresAt)}</span></p>
      <p class="muted">The data, decrypted, after this request's changes:</p>
      <pre id="session-data">${shown(JSON.stringify(data, null, 2))}</pre>
      <form method="post" action="/tamper"><button ${cookies.length ? '' : 'disabled'}>Tamper with the cookie</button></form>
      <p class="muted">The button changes one character of the cookie in your browser, as someone editing it would; the next page shows what the server makes of it.</p>
    </section>`
}

const money = (cents) => `$${(cents / 100).toFixed(2)}`

/** The whole page. `html` escapes every interpolated string, so user input cannot inject markup. */
function page({ user, visits = 0, cart = [], notice, panel, username = '', error }) {
  const total = cart.reduce((sum, item) => sum + item.price, 0)
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>iron-fetch-session · Hono example</title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
      h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
      .notice { background: #e8f5e9; border: 1px solid #a5d6a7; padding: .5rem .75rem; border-radius: 4px; }
      .error { background: #ffebee; border: 1px solid #ef9a9a; padding: .5rem .75rem; border-radius: 4px; }
      form.inline { display: inline-block; margin: 0 .5rem .5rem 0; }
      label { display: block; margin: .5rem 0; } input { font: inherit; padding: .2rem .4rem; }
      button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
      code, .muted { color: #555; } table { border-collapse: collapse; width: 100%; font-size: .9rem; }
      td, th { text-align: left; padding: .15rem .5rem .15rem 0; border-bottom: 1px solid #eee; }
      #session-panel { margin-top: 2.5rem; border-top: 2px solid #ddd; }
      pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; font-size: .8rem; max-height: 20rem; }
    </style>
  </head>
  <body>
    <h1>iron-fetch-session · Hono</h1>
    ${notice ? html`<p class="notice" role="status" id="notice">${notice}</p>` : ''}
    ${user
      ? html`
    <p>Signed in as <strong id="user">${user.name}</strong> (<code>${user.username}</code>).</p>
    <p>You have viewed this page <strong id="visits">${visits}</strong> ${visits === 1 ? 'time' : 'times'} since signing in.</p>
    <form method="post" action="/logout" class="inline"><button>Sign out</button></form>

    <h2>Cart</h2>
    <p>
      <strong id="cart-count">${plural(cart.length, 'item')}</strong>${cart.length ? html`, ${money(total)}` : ''}.
      <span class="muted">A big cart needs more than one 4 KB cookie: see the cookies below.</span>
    </p>
    <form method="post" action="/cart/add" class="inline"><input type="hidden" name="count" value="1" /><button>Add 1 item</button></form>
    <form method="post" action="/cart/add" class="inline"><input type="hidden" name="count" value="50" /><button>Add 50 items</button></form>
    <form method="post" action="/cart/remove" class="inline"><input type="hidden" name="count" value="50" /><button>Remove 50 items</button></form>
    <form method="post" action="/cart/clear" class="inline"><button>Clear cart</button></form>
    ${cart.length
      ? html`<table>
      <thead><tr><th>SKU</th><th>Item</th><th>Finish</th><th>Price</th></tr></thead>
      <tbody>${cart.slice(-5).reverse().map((item) => html`<tr><td>${item.sku}</td><td>${item.name}</td><td>${item.finish}</td><td>${money(item.price)}</td></tr>`)}</tbody>
    </table>
    ${cart.length > 5 ? html`<p class="muted">The 5 most recent of ${cart.length}.</p>` : ''}`
      : ''}`
      : html`
    <p>Sign in as <code>demo</code> with the password <code>demo</code>.</p>
    ${error ? html`<p class="error" role="alert" id="error">${error}</p>` : ''}
    <form method="post" action="/login">
      <label>Username <input name="username" autocomplete="username" value="${username}" required /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <button>Sign in</button>
    </form>`}
    ${panel ? sessionPanel(panel) : ''}
  </body>
</html>`
}
