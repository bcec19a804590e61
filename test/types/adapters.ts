// Compiled by `tsc --noEmit` within `npm test`: it fails if an adapter loses the app's data type.
import { createRouter } from '@remix-run/fetch-router'
import { Hono } from 'hono'
import { createSessions } from '../../src/index.js'
import { withSession } from '../../src/adapters/fetch.js'
import { ironSession as routerSession, SessionKey } from '../../src/adapters/fetch-router.js'
import { ironSession } from '../../src/adapters/hono.js'

type Data = { count: number; user: { name: string } }
const password = 'a-test-password-of-at-least-32-characters'

// Hono: no generics on new Hono(); the middleware's Env carries the type.
new Hono().use(ironSession<Data>({ password })).get('/', (c) => {
  const count: number | undefined = c.get('session').data.count
  const name: string | undefined = c.var.session.data.user?.name
  // @ts-expect-error count is a number, not a string
  const wrong: string | undefined = c.get('session').data.count
  // @ts-expect-error set is typed by key
  c.var.session.set('count', 'one')
  return c.text(String(count ?? name ?? wrong))
})

// Hono with options from the context (Workers secrets).
new Hono<{ Bindings: { SESSION_PASSWORD: string } }>()
  .use(ironSession<Data>((c) => ({ password: c.env.SESSION_PASSWORD })))
  .get('/', (c) => c.text(String(c.var.session.data.count satisfies number | undefined)))

// fetch-router: context.session and context.get(SessionKey), typed.
const router = createRouter({ middleware: [routerSession<Data>({ password })] })
router.get('/', (context) => {
  const count: number | undefined = context.session.data.count
  const viaKey: number | undefined = context.get(SessionKey).data.count
  // @ts-expect-error count is a number, not a string
  const wrong: string | undefined = context.session.data.count
  return new Response(String(count ?? viaKey ?? wrong))
})

// The fetch wrapper, as a Worker with env and as Deno/Bun with one extra argument.
type Env = { SESSION_PASSWORD: string }
export default {
  fetch: withSession<Data, Record<string, unknown>, [env: Env, ctx: unknown]>(
    (env) => ({ password: env.SESSION_PASSWORD }),
    (_request, session, env) => {
      const count: number | undefined = session.data.count
      // @ts-expect-error count is a number, not a string
      const wrong: string | undefined = session.data.count
      return new Response(`${count} ${wrong} ${env.SESSION_PASSWORD.length}`)
    },
  ),
}

// The core: get/set typed by key.
const sessions = createSessions<Data>({ password })
void sessions.read(new Request('https://x.test/')).then((session) => {
  session.set('count', 1)
  // @ts-expect-error set is typed by key
  session.set('count', '1')
  // @ts-expect-error unknown key
  session.get('nope')
})
