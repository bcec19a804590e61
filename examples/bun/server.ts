/**
 * iron-fetch-session on Bun: `Bun.serve` with the fetch wrapper, serving the
 * routes all runtime examples share (../shared/routes.ts).
 *
 * Run it after `npm ci` and `npm run build` at the repository root:
 *
 *   SESSION_PASSWORD="$(openssl rand -base64 32)" PORT=3000 bun examples/bun/server.ts
 *
 * 'iron-fetch-session/fetch' resolves to the built dist/ through the root
 * package.json's `exports` (a package may import itself by name), as it does
 * from node_modules in an app of your own.
 *
 * The cookie is `Secure` (the library's default): browsers keep it from
 * http://localhost or http://127.0.0.1 (except Safari) and over https.
 */
import { withSession } from 'iron-fetch-session/fetch'
import { type Data, routes } from '../shared/routes.ts'

function fail(message: string): never {
  console.error(`bun example: ${message}`)
  process.exit(1)
}

const password = process.env.SESSION_PASSWORD
if (!password) fail('SESSION_PASSWORD is not set: give it at least 32 random characters, e.g. from `openssl rand -base64 32`.')

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}.`)

let handler: (request: Request) => Promise<Response>
try {
  // Options are checked here, once: a short password fails now, with a message naming it.
  handler = withSession<Data>({ password }, routes('bun'))
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

const server = Bun.serve({ port, hostname: '127.0.0.1', fetch: handler })
console.log(`bun example listening on http://127.0.0.1:${server.port}/`)
