/**
 * `npm start`: serves the Hono example with @hono/node-server.
 *
 *   SESSION_PASSWORD  at least 32 random characters (openssl rand -base64 32). Required when
 *                     NODE_ENV=production; otherwise a development password is used when unset.
 *   PORT              default 3000 (0 picks a free port)
 *   HOST              default localhost
 *   SESSION_STORE     where sessions live; unset: in the cookie. `memory`, `fs:<directory>`, or a
 *                     `redis://host:port` URL (store.js): the cookie then holds only a sealed id.
 *   SESSION_REVOCATIONS  instead of SESSION_STORE: the data stays in the cookie and only sign-outs
 *                     are kept there (same forms as SESSION_STORE); SESSION_REVOCATIONS_LAG, seconds
 *                     until a sign-out holds on every process (default 5; 0 reads the store each request).
 */
import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { revocable } from 'iron-fetch-session/revocations'
import { createStore } from './store.js'

const production = process.env.NODE_ENV === 'production'

// DEVELOPMENT ONLY. It is public (it is in this file), so anyone could forge sessions sealed with it.
const DEVELOPMENT_PASSWORD = 'development-only-password-never-use-in-production'

function fail(message) {
  console.error(`hono example: ${message}`)
  process.exit(1)
}

let password = process.env.SESSION_PASSWORD
if (!password) {
  if (production) fail('SESSION_PASSWORD is not set. In production it is required: set it to at least 32 random characters, e.g. from `openssl rand -base64 32`.')
  console.warn('hono example: SESSION_PASSWORD is not set, so sessions are sealed with the built-in DEVELOPMENT password. Set SESSION_PASSWORD before deploying.')
  password = DEVELOPMENT_PASSWORD
}

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}.`)
const hostname = process.env.HOST || 'localhost'

let app
let store
let revocations
let revocationStore
try {
  store = await createStore(process.env.SESSION_STORE)
  revocationStore = await createStore(process.env.SESSION_REVOCATIONS)
  const lag = process.env.SESSION_REVOCATIONS_LAG ? Number(process.env.SESSION_REVOCATIONS_LAG) : undefined
  revocations = revocationStore && revocable({ store: revocationStore, ...(lag !== undefined && { lag }) })
  app = createApp({ password, store, revocations })
} catch (error) {
  // The library checks its options at setup, with a message naming the option (a short password, …).
  fail(error instanceof Error ? error.message : String(error))
}

const server = serve({ fetch: app.fetch, port, hostname }, (info) => {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  console.log(`Hono example listening on http://${host}:${info.port}/ (sign in as demo / demo)`)
})
server.on('error', (error) => fail(`cannot listen on ${hostname}:${port}: ${error.message}`))

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => void Promise.all([store?.dispose(), revocationStore?.dispose()]).finally(() => process.exit(0))))
}
