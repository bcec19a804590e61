/**
 * iron-fetch-session on Cloudflare Workers: a module Worker whose session
 * options come from its env, so the password is a binding (a secret in
 * production; see wrangler.toml), serving the routes all runtime examples share
 * (../../shared/routes.ts).
 *
 * `npx wrangler dev` in this folder serves it on http://localhost:8787 (wrangler
 * is not a dependency of this repository). 'iron-fetch-session/fetch' resolves
 * to the built dist/ (`npm run build`) through the root package.json's
 * `exports`, as it does from node_modules in a project of your own. No
 * `nodejs_compat` flag is needed: the library uses WebCrypto only.
 */
import { withSession } from 'iron-fetch-session/fetch'
import { type Data, routes } from '../../shared/routes.ts'

export interface Env {
  /** At least 32 random characters: `wrangler secret put SESSION_PASSWORD`. */
  SESSION_PASSWORD: string
}

export default {
  // Options from env: made (and checked) once per distinct result, not on every request. A missing
  // or short password throws on the request, naming the option, and the Worker answers 500: it
  // never serves sessions it cannot seal properly.
  fetch: withSession<Data, {}, [env: Env, ctx: unknown]>(
    (env) => ({ password: env.SESSION_PASSWORD }),
    routes('workerd'),
  ),
}
