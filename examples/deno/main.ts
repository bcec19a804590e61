/**
 * iron-fetch-session on Deno: `Deno.serve` with the fetch wrapper, serving the
 * routes all runtime examples share (../shared/routes.ts).
 *
 * Run it from this folder, after `npm ci` at the repository root:
 *
 *   SESSION_PASSWORD="$(openssl rand -base64 32)" PORT=8000 \
 *     deno run --allow-net=127.0.0.1 --allow-env=PORT,SESSION_PASSWORD main.ts
 *
 * deno.json maps 'iron-fetch-session/fetch' to this repository's TypeScript
 * sources (what the root deno.json exports), and `"nodeModulesDir": "manual"`
 * resolves their one dependency, `cookie`, from the repository's node_modules.
 * In an app of your own, map it to the published package instead.
 *
 * The cookie is `Secure` (the library's default): browsers keep it from
 * http://localhost or http://127.0.0.1 (except Safari) and over https.
 */
import { withSession } from 'iron-fetch-session/fetch'
import { type Data, routes } from '../shared/routes.ts'

function fail(message: string): never {
  console.error(`deno example: ${message}`)
  Deno.exit(1)
}

const password = Deno.env.get('SESSION_PASSWORD')
if (!password) fail('SESSION_PASSWORD is not set: give it at least 32 random characters, e.g. from `openssl rand -base64 32`.')

const port = Number(Deno.env.get('PORT') ?? 8000)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(Deno.env.get('PORT'))}.`)

let handler: (request: Request, info: Deno.ServeHandlerInfo) => Promise<Response>
try {
  // Options are checked here, once: a short password fails now, with a message naming it.
  handler = withSession<Data>({ password }, routes('deno'))
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

Deno.serve(
  {
    port,
    hostname: '127.0.0.1',
    onListen: ({ port }) => console.log(`deno example listening on http://127.0.0.1:${port}/`),
  },
  handler,
)
