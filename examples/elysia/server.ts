/**
 * Serves the Elysia example (app.ts) on Bun. Run it after `npm ci` and
 * `npm run build` at the repository root:
 *
 *   SESSION_PASSWORD="$(openssl rand -base64 32)" PORT=3000 bun examples/elysia/server.ts
 *
 *   SESSION_PASSWORD  at least 32 random characters; required
 *   PORT              default 3000 (0 picks a free port); it listens on 127.0.0.1
 *
 * 'iron-fetch-session/elysia' resolves to the built dist/ through the root
 * package.json's `exports` (a package may import itself by name), as it does
 * from node_modules in an app of your own.
 */
import { createApp } from './app.ts'

function fail(message: string): never {
  console.error(`elysia example: ${message}`)
  process.exit(1)
}

const password = process.env.SESSION_PASSWORD
if (!password) fail('SESSION_PASSWORD is not set: give it at least 32 random characters, e.g. from `openssl rand -base64 32`.')

const port = Number(process.env.PORT || 3000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}.`)

let app: ReturnType<typeof createApp>
try {
  app = createApp({ password })
} catch (error) {
  // The library checks its options at setup, with a message naming the option (a short password, …).
  fail(error instanceof Error ? error.message : String(error))
}

app.listen({ port, hostname: '127.0.0.1' }, (server) => {
  console.log(`elysia example listening on http://127.0.0.1:${server.port}/ (sign in as demo / demo)`)
})
