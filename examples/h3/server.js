/**
 * Serves the h3 example (app.js) on Node with h3's own serve (srvx). Run it
 * after `npm ci` and `npm run build` at the repository root:
 *
 *   SESSION_PASSWORD="$(openssl rand -base64 32)" PORT=3000 node examples/h3/server.js
 *
 *   SESSION_PASSWORD  at least 32 random characters; required
 *   PORT              default 3000 (0 picks a free port); it listens on 127.0.0.1
 *
 * 'iron-fetch-session/h3' resolves to the built dist/ through the root
 * package.json's `exports` (a package may import itself by name), as it does
 * from node_modules in an app of your own.
 */
import { serve } from 'h3'
import { createApp } from './app.js'

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`h3 example: ${message}`)
  process.exit(1)
}

const password = process.env.SESSION_PASSWORD
if (!password) fail('SESSION_PASSWORD is not set: give it at least 32 random characters, e.g. from `openssl rand -base64 32`.')

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}.`)

let app
try {
  app = createApp({ password })
} catch (error) {
  // The library checks its options at setup, with a message naming the option (a short password, …).
  fail(error instanceof Error ? error.message : String(error))
}

const server = serve(app, { port, hostname: '127.0.0.1', silent: true })
try {
  await server.ready()
} catch (error) {
  fail(`cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`)
}
console.log(`h3 example listening on ${new URL(String(server.url)).origin}/ (sign in as demo / demo)`)

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void server.close().finally(() => process.exit(0)))
