/**
 * Serves the fetch-router example (app.js) on Node's http module with
 * @remix-run/node-fetch-server. Run it after `npm ci` and `npm run build` at the
 * repository root:
 *
 *   SESSION_PASSWORD="$(openssl rand -base64 32)" PORT=3000 node examples/fetch-router/server.js
 *
 *   SESSION_PASSWORD  at least 32 random characters; required
 *   PORT              default 3000 (0 picks a free port); it listens on 127.0.0.1
 *
 * 'iron-fetch-session/fetch-router' resolves to the built dist/ through the root
 * package.json's `exports` (a package may import itself by name), as it does
 * from node_modules in an app of your own.
 *
 * The cookie is `Secure` (the library's default): browsers keep it from
 * http://localhost or http://127.0.0.1 (except Safari) and over https.
 */
import { createServer } from 'node:http'
import { createRequestListener } from '@remix-run/node-fetch-server'
import { createApp } from './app.js'

/** @returns {never} */
function fail(message) {
  console.error(`fetch-router example: ${message}`)
  process.exit(1)
}

const password = process.env.SESSION_PASSWORD
if (!password) fail('SESSION_PASSWORD is not set: give it at least 32 random characters, e.g. from `openssl rand -base64 32`.')

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}.`)

let router
try {
  router = createApp({ password })
} catch (error) {
  // The library checks its options at setup, with a message naming the option (a short password, …).
  fail(error instanceof Error ? error.message : String(error))
}

const server = createServer(createRequestListener((request) => router.fetch(request)))
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`))
server.listen(port, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  console.log(`fetch-router example listening on http://127.0.0.1:${port}/`)
})
