// The Hono apps of the HTTP bench, one per variant. Every app has the same
// routes; session middleware is mounted on /read and /write only, so /none
// is bare Hono in every app.
//
//   /none    no session: 'ok'
//   /cookie  a no-op async middleware that only reads the Cookie header: what
//            any session middleware costs before it does any session work
//   /read    reads the session and returns its counter
//   /write   counter + 1, saved (a new seal and Set-Cookie), returns the counter
import { Hono } from 'hono'
import { createStorage } from 'unstorage'
import { useSession } from '@hono/session'
import { CookieStore, sessionMiddleware } from 'hono-sessions'
import { getIronSession, webCookies } from 'iron-session-9'

import { ironSession } from '../dist/adapters/hono.js'
import { useCryptoBackend } from '../dist/core/crypto/choice.js'
import { revocable } from '../dist/revocations.js'

export const PASSWORD = 'bench-password-0123456789-abcdefghijklmnop'

/** variant → { middleware, read(c), write(c) }: how each library reads and writes the counter. */
const variants = {
  bare: undefined,
  ours: () => ours({ password: PASSWORD }),
  // Revocations in a store (memory), lagged: a cache-hit read checks the in-process view, with no store call.
  oursRevocations: () => ours({ password: PASSWORD, revocations: revocable({ store: createStorage(), lag: 5 }) }),
  // Cache off: every read opens the seal, as the first request with a new cookie does.
  oursNoCache: () => ours({ password: PASSWORD, cache: false }),
  // The same app on the WebCrypto backend, which runtimes without node:crypto use: a bench-only switch, made before the passwords are.
  oursWebCrypto: () => {
    useCryptoBackend('webcrypto')
    return ours({ password: PASSWORD })
  },
  ironSession9: () => ({
    middleware: ironSession9({ password: PASSWORD, cookieName: 'session' }),
    read: (c) => c.var.session.counter,
    write: async (c) => {
      const session = c.var.session
      session.counter = (session.counter ?? 0) + 1
      await session.save()
      return session.counter
    },
  }),
  honoSession: () => ({
    middleware: useSession({ secret: PASSWORD }),
    read: async (c) => (await c.var.session.get())?.counter,
    write: async (c) => {
      let counter
      await c.var.session.update((data) => ({ ...data, counter: (counter = (data?.counter ?? 0) + 1) }))
      return counter
    },
  }),
  // Its defaults, as its README shows them; note autoExtendExpiration (on by default) re-seals on every request.
  honoSessions: () => ({
    middleware: sessionMiddleware({ store: new CookieStore(), encryptionKey: PASSWORD, cookieOptions: { path: '/', httpOnly: true, sameSite: 'Lax' } }),
    read: (c) => c.var.session.get('counter'),
    write: (c) => {
      const session = c.var.session
      session.set('counter', (session.get('counter') ?? 0) + 1)
      return session.get('counter')
    },
  }),
}

export const VARIANTS = Object.keys(variants)

export function makeApp(variant) {
  if (!(variant in variants)) throw new Error(`unknown variant ${variant}; one of ${VARIANTS.join(', ')}`)
  const app = new Hono()
  app.get('/none', (c) => c.text('ok'))
  app.get('/cookie', cookieOnly, (c) => c.text(c.var.cookie ? '1' : '0'))
  const lib = variants[variant]?.()
  if (lib) {
    app.get('/read', lib.middleware, async (c) => c.text(String(await lib.read(c))))
    app.get('/write', lib.middleware, async (c) => c.text(String(await lib.write(c))))
  }
  return app
}

async function cookieOnly(c, next) {
  c.set('cookie', c.req.raw.headers.get('cookie'))
  await next()
}

function ours(options) {
  return {
    middleware: ironSession(options),
    read: (c) => c.var.session.data.counter,
    write: (c) => {
      const data = c.var.session.data
      data.counter = (data.counter ?? 0) + 1
      return data.counter
    },
  }
}

/** iron-session 9 in Hono through its webCookies jar: Set-Cookie lines gathered, then added to the response. */
function ironSession9(options) {
  return async (c, next) => {
    const headers = new Headers()
    c.set('session', await getIronSession(webCookies(c.req.raw, headers), options))
    await next()
    for (const line of headers.getSetCookie()) c.header('set-cookie', line, { append: true })
  }
}
