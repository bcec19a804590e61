// One password, one cookie name, every mount: a cookie written through any adapter reads through every other,
// in its own framework (Hono, fetch-router, the fetch wrapper, h3, Elysia's app.handle, SvelteKit's handle,
// Astro's middleware, React Router's storage, Remix's storage, the iron-session drop-in) and the core itself.
import { createRouter } from '@remix-run/fetch-router'
import type { APIContext } from 'astro'
import { Elysia } from 'elysia'
import { H3 } from 'h3'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createSessions, type Session } from '../src/index.ts'
import { ironSession as astroSession } from '../src/adapters/astro.ts'
import { ironSession as elysiaSession } from '../src/adapters/elysia.ts'
import { withSession } from '../src/adapters/fetch.ts'
import { ironSession as routerSession } from '../src/adapters/fetch-router.ts'
import { ironSession as h3Session } from '../src/adapters/h3.ts'
import { ironSession as honoSession, type SessionEnv } from '../src/adapters/hono.ts'
import { getIronSession } from '../src/adapters/iron-session.ts'
import { createIronSessionStorage as reactRouterStorage } from '../src/adapters/react-router.ts'
import { createIronSessionStorage as remixStorage } from '../src/adapters/remix-session.ts'
import { ironSession as svelteSession } from '../src/adapters/sveltekit.ts'
import type { Handle, RequestEvent } from '@sveltejs/kit'
import { Jar, password } from './helpers.ts'

type Data = { n?: number; by?: string }
const url = 'https://app.example/'
const options = { password, cookieName: 'session' }

/** A mount: writes { n, by } into a new session and gives the Cookie header a browser would send back; reads one. */
interface Mount {
  write(n: number): Promise<string>
  read(cookie: string): Promise<Data>
}

const cookieOf = (response: Response) => new Jar().apply(response).header
const request = (cookie?: string) => new Request(url, { headers: cookie ? { cookie } : {} })

function honoMount(): Mount {
  const app = new Hono<SessionEnv<Data>>().use(honoSession<Data>(options))
  app.get('/read', (c) => c.json(c.var.session.data))
  app.get('/write/:n', (c) => (Object.assign(c.var.session.data, { n: Number(c.req.param('n')), by: 'hono' }), c.text('ok')))
  return {
    write: async (n) => cookieOf(await app.request(`${url}write/${n}`)),
    read: async (cookie) => (await (await app.request(`${url}read`, { headers: { cookie } })).json()) as Data,
  }
}

function fetchRouterMount(): Mount {
  const router = createRouter({ middleware: [routerSession<Data>(options)] })
  router.get('/read', (context) => Response.json(context.session.data))
  router.get('/write/:n', (context) => (Object.assign(context.session.data, { n: Number(context.params.n), by: 'fetch-router' }), new Response('ok')))
  return {
    write: async (n) => cookieOf(await router.fetch(new Request(`${url}write/${n}`))),
    read: async (cookie) => (await (await router.fetch(new Request(`${url}read`, { headers: { cookie } }))).json()) as Data,
  }
}

function fetchMount(): Mount {
  let wanted: number | undefined
  const handler = withSession<Data>(options, (_, session) => {
    if (wanted !== undefined) Object.assign(session.data, { n: wanted, by: 'fetch' })
    return Response.json(session.data)
  })
  return {
    write: async (n) => ((wanted = n), cookieOf(await handler(request()))),
    read: async (cookie) => ((wanted = undefined), (await (await handler(request(cookie))).json()) as Data),
  }
}

function h3Mount(): Mount {
  const app = new H3({ silent: true })
    .use(h3Session<Data>(options))
    .get('/read', (event) => (event.context.session as Session<Data>).data)
    .get('/write/:n', (event) => (Object.assign((event.context.session as Session<Data>).data, { n: Number(event.context.params?.n), by: 'h3' }), 'ok'))
  return {
    write: async (n) => cookieOf(await app.fetch(new Request(`${url}write/${n}`))),
    read: async (cookie) => (await (await app.fetch(new Request(`${url}read`, { headers: { cookie } }))).json()) as Data,
  }
}

function elysiaMount(): Mount {
  const app = new Elysia()
    .use(elysiaSession<Data>(options))
    .get('/read', ({ session }) => session.data)
    .get('/write/:n', ({ session, params }) => (Object.assign(session.data, { n: Number(params.n), by: 'elysia' }), 'ok'))
  return {
    write: async (n) => cookieOf(await app.handle(new Request(`${url}write/${n}`))),
    read: async (cookie) => (await (await app.handle(new Request(`${url}read`, { headers: { cookie } }))).json()) as Data,
  }
}

function svelteMount(): Mount {
  const handle: Handle = svelteSession<Data>(options)
  // What the handle uses of SvelteKit's RequestEvent; resolve() stands for the route.
  const run = (req: Request, route: (session: Session<Data>) => void) => {
    const event = { request: req, url: new URL(req.url), locals: {}, params: {}, route: { id: '/' }, isDataRequest: false, isSubRequest: false } as unknown as RequestEvent
    return handle({ event, resolve: async (e) => (route((e.locals as { session: Session<Data> }).session), Response.json((e.locals as { session: Session<Data> }).session.data)) })
  }
  return {
    write: async (n) => cookieOf(await run(request(), (session) => Object.assign(session.data, { n, by: 'sveltekit' }))),
    read: async (cookie) => (await (await run(request(cookie), () => {})).json()) as Data,
  }
}

function astroMount(): Mount {
  const middleware = astroSession<Data>(options)
  const run = async (req: Request, page: (session: Session<Data>) => void) => {
    const context = { request: req, url: new URL(req.url), locals: {}, isPrerendered: false } as unknown as APIContext
    const session = () => (context.locals as { session: Session<Data> }).session
    return middleware(context, async () => (page(session()), Response.json(session().data)))
  }
  return {
    write: async (n) => cookieOf(await run(request(), (session) => Object.assign(session.data, { n, by: 'astro' }))),
    read: async (cookie) => (await (await run(request(cookie), () => {})).json()) as Data,
  }
}

function reactRouterMount(): Mount {
  const storage = reactRouterStorage<Data>(options)
  return {
    async write(n) {
      const session = await storage.getSession(null)
      session.set('n', n)
      session.set('by', 'react-router')
      return new Jar().applyLines([await storage.commitSession(session)]).header
    },
    read: async (cookie) => {
      const session = await storage.getSession(cookie)
      return { ...session.data }
    },
  }
}

/** Remix's storage is given the cookie's value (Remix's own cookie carries it); here it rides in `session=`. */
function remixMount(): Mount {
  const storage = remixStorage<Data>({ password })
  return {
    async write(n) {
      const session = await storage.read(null)
      session.set('n', n)
      session.set('by', 'remix')
      return `session=${await storage.save(session)}`
    },
    read: async (cookie) => {
      const session = await storage.read(new Jar(cookie).cookies.get('session') ?? null)
      return { ...(session.data[0] as Data) }
    },
  }
}

function ironSessionMount(): Mount {
  return {
    async write(n) {
      const response = new Response('ok')
      const session = await getIronSession<Data>(request(), response, options)
      Object.assign(session, { n, by: 'iron-session' })
      await session.save()
      return cookieOf(response)
    },
    read: async (cookie) => {
      const { n, by } = await getIronSession<Data>(request(cookie), new Response(), options)
      return { ...(n === undefined ? {} : { n }), ...(by === undefined ? {} : { by }) }
    },
  }
}

function coreMount(): Mount {
  const sessions = createSessions<Data>(options)
  return {
    async write(n) {
      const session = await sessions.read(request())
      Object.assign(session.data, { n, by: 'core' })
      return cookieOf(await sessions.commit(session, new Response('ok')))
    },
    read: async (cookie) => (await sessions.read(request(cookie))).data,
  }
}

const mounts: Array<[string, () => Mount]> = [
  ['hono', honoMount],
  ['fetch-router', fetchRouterMount],
  ['fetch', fetchMount],
  ['h3', h3Mount],
  ['elysia', elysiaMount],
  ['sveltekit', svelteMount],
  ['astro', astroMount],
  ['react-router', reactRouterMount],
  ['remix', remixMount],
  ['iron-session', ironSessionMount],
  ['core', coreMount],
]

describe.each(mounts)('a cookie written through %s', (writer, makeWriter) => {
  it('reads, with its data, through every other mount', async () => {
    const cookie = await makeWriter().write(7)
    expect(cookie).toMatch(/^session=Fe26\.2\*/)
    for (const [reader, makeReader] of mounts) {
      expect(await makeReader().read(cookie), `${writer} → ${reader}`).toEqual({ n: 7, by: writer })
    }
  })
})
