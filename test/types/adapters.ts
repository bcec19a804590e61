// Compiled by `tsc --noEmit` within `npm test`: it fails if an adapter loses the app's data type.
import { createRouter } from '@remix-run/fetch-router'
import { Hono } from 'hono'
import { createSessions } from '../../src/index.js'
import { sessionStore } from '../../src/store/index.js'
import { withSession } from '../../src/adapters/fetch.js'
import { ironSession as routerSession, SessionKey } from '../../src/adapters/fetch-router.js'
import { ironSession } from '../../src/adapters/hono.js'
import { ironSession as astroSession, type Session as AstroSession } from '../../src/adapters/astro.js'
import type { APIContext, MiddlewareHandler } from 'astro'
import { defineMiddleware, sequence as astroSequence } from 'astro/middleware'
import { createIronSessionStorage } from '../../src/adapters/remix-session.js'
import { ironSession as svelteSession, type SessionLocals } from '../../src/adapters/sveltekit.js'
import type { Handle } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import type { Session as RemixSession } from '@remix-run/session'
import { createIronSessionStorage as createRouterStorage, ironSession as reactRouterSession, type Session as CoreSession } from '../../src/adapters/react-router.js'
import { RouterContextProvider, type MiddlewareFunction, type RouterContext, type Session as RouterSession } from 'react-router'
import { createStorage } from 'unstorage'

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

// Stores: an unstorage Storage is a store as it is; userId is typed by the data; the store's ends are typed.
const stored = createSessions<Data>({ password, store: sessionStore(createStorage()), userId: (data) => data.user?.name })
void stored.sessionsOf('ada').then((list) => {
  const count: number | undefined = list[0]?.data.count
  const id: string | undefined = list[0]?.id
  return [count, id]
})
void stored.read(new Request('https://x.test/')).then((session) => {
  const id: string | undefined = session.id
  session.regenerateId(true)
  return id
})
// @ts-expect-error userId reads the data's own keys
createSessions<Data>({ password, store: sessionStore(createStorage()), userId: (data) => data.nope })
// @ts-expect-error a store needs getItem, setItem and removeItem
createSessions<Data>({ password, store: { getItem: () => null } })

// Remix 3: the storage gives Remix's own Session.
const remix = createIronSessionStorage<Data>({ password, store: sessionStore(createStorage()) })
void remix.read(null).then((session) => {
  const remixSession: RemixSession = session
  return remixSession.id
})

// React Router: the middleware's context carries our Session<Data, Flash>; the storage gives React Router's own Session.
type Flash = { notice: string }
const { sessionMiddleware, sessionContext } = reactRouterSession<Data, Flash>({ password })
const routeMiddleware: MiddlewareFunction<Response>[] = [sessionMiddleware]
const contextKey: RouterContext<CoreSession<Data, Flash>> = sessionContext
const provider = new RouterContextProvider()
const fromContext = provider.get(sessionContext)
const contextCount: number | undefined = fromContext.data.count
const notice: string | undefined = fromContext.getFlash('notice')
// @ts-expect-error count is a number, not a string
const wrongContextCount: string | undefined = fromContext.data.count
// @ts-expect-error the flash is typed by key
fromContext.flash('notice', 1)
reactRouterSession<Data>((args) => ({ password: args.request.headers.get('x-password') ?? password }))
const routerStorage = createRouterStorage<Data, Flash>({ password })
void routerStorage.getSession(null).then(async (session) => {
  const routerSession: RouterSession<Data, Flash> = session
  const count: number | undefined = session.get('count')
  // @ts-expect-error set is typed by key
  session.set('count', 'one')
  session.flash('notice', 'saved')
  const line: string = await routerStorage.commitSession(routerSession)
  const lines: Array<[string, string]> = await routerStorage.commitHeaders(session)
  return [count, line, lines, routeMiddleware, contextKey, contextCount, notice, wrongContextCount]
})
// SvelteKit: the handle is a Handle (alone or in sequence()); App.Locals typed as SessionLocals<Data> types locals.session.
{
  const handle = svelteSession<Data>({ password })
  const fromPlatform = svelteSession<Data>((event) => ({ password: (event.platform as { env: { SESSION_PASSWORD: string } }).env.SESSION_PASSWORD }))
  const exported: Handle = sequence(handle, fromPlatform)
  const load = ({ locals }: { locals: SessionLocals<Data> }) => {
    const count: number | undefined = locals.session.data.count
    // @ts-expect-error set is typed by key
    locals.session.set('count', 'one')
    return { count }
  }
  void exported
  void load
}
// Astro: the middleware is a MiddlewareHandler (onRequest, sequence()); the factory gets the APIContext;
// locals.session is typed through the app's App.Locals, so here through a cast of what the middleware puts there.
const astroMiddleware: MiddlewareHandler = astroSession<Data>({ password })
export const onRequest: MiddlewareHandler = astroSequence(
  astroMiddleware,
  astroSession<Data>((context: APIContext) => ({ password, cookieName: 'other', cookieOptions: { secure: context.url.protocol === 'https:' } })),
  defineMiddleware((context, next) => {
    const { session } = context.locals as { session: AstroSession<Data> }
    const count: number | undefined = session.data.count
    // @ts-expect-error count is a number, not a string
    const wrong: string | undefined = session.data.count
    // @ts-expect-error set is typed by key
    session.set('count', 'one')
    return count === undefined && wrong === undefined ? context.redirect('/') : next()
  }),
)
