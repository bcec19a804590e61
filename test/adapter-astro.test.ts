/**
 * The Astro middleware with real Requests and Responses: a minimal APIContext (request, url, locals,
 * redirect, isPrerendered) and a next() that runs a "page" and returns its Response, as Astro's
 * middleware chain does. Astro itself is exercised end to end by test/example-astro.test.ts.
 */
import type { APIContext, MiddlewareNext } from 'astro'
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ironSession, type Session } from '../src/adapters/astro.js'
import { createSessions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, newPassword, password, setCookieSummary, url } from './helpers.js'

type Data = { user?: string; count?: number; notes?: string }
type Flash = { notice: string }
type Locals = { session: Session<Data, Flash> }
type Page = (context: APIContext & { locals: Locals }) => Response | Promise<Response>
type Middleware = (context: APIContext, next: MiddlewareNext) => Promise<Response> | Response | Promise<void> | void

/** The parts of Astro's APIContext a middleware and a page use here. */
function contextFor(request: Request, extra: Partial<APIContext> = {}): APIContext {
  return {
    request,
    url: new URL(request.url),
    locals: {},
    isPrerendered: false,
    redirect: (path: string, status = 302) => new Response(null, { status, headers: { location: path } }),
    ...extra,
  } as unknown as APIContext
}

/** One request through the middleware to the page, as Astro's chain runs it (next() renders the page). */
async function run(middleware: Middleware, request: Request, page: Page, extra: Partial<APIContext> = {}): Promise<{ response: Response; context: APIContext }> {
  const context = contextFor(request, extra)
  const response = await middleware(context, async () => page(context as APIContext & { locals: Locals }))
  if (!(response instanceof Response)) throw new Error('the middleware returned no Response')
  return { response, context }
}

/** A browser for one visitor: sends its cookies, keeps what the responses set. */
function visitor(middleware: Middleware) {
  const jar = new Jar()
  return {
    jar,
    async send(page: Page, path = '/', init: RequestInit = {}) {
      const { response, context } = await run(middleware, jar.request(path, init), page)
      jar.apply(response)
      return { response, session: (context.locals as Locals).session }
    },
  }
}

const text = (body: string) => () => new Response(body)
const user: Page = ({ locals }) => new Response(locals.session.get('user') ?? '')

afterEach(() => {
  vi.useRealTimers()
})

describe('Astro: ironSession middleware', () => {
  it('puts the session on context.locals, commits changes on the way out, and a read writes nothing', async () => {
    const { jar, send } = visitor(ironSession<Data, Flash>({ password }))
    const first = await send(user)
    expect(await first.response.text()).toBe('')
    expect(first.session.isNew).toBe(true)
    expect(first.response.headers.getSetCookie()).toEqual([])

    const signIn = await send(({ locals }) => {
      locals.session.set('user', 'ada')
      return new Response('ok', { headers: { 'set-cookie': 'theme=dark; Path=/' } })
    })
    expect(setCookieSummary(signIn.response)).toEqual([
      ['theme', undefined],
      ['session', 1209540],
    ])
    expect(signIn.response.headers.get('cache-control')).toBe('private')
    expect(jar.cookies.get('session')).toMatch(/^Fe26\.2\*1\*/)

    const read = await send(user)
    expect(await read.response.text()).toBe('ada')
    expect(read.response.headers.getSetCookie()).toEqual([])
  })

  it("flash: set on one request, read once on the next, gone on the one after", async () => {
    const { send } = visitor(ironSession<Data, Flash>({ password }))
    const notice: Page = ({ locals }) => new Response(locals.session.getFlash('notice') ?? '-')
    await send(({ locals }) => {
      locals.session.flash('notice', 'Saved.')
      return new Response(null, { status: 303, headers: { location: '/' } })
    })
    const shown = await send(notice)
    expect(await shown.response.text()).toBe('Saved.')
    expect(setCookieSummary(shown.response)).toEqual([['session', 0]]) // the flash was all it held
    expect(await (await send(notice)).response.text()).toBe('-')
  })

  it('redirects get the cookie: context.redirect(), and an immutable Response.redirect() (copied, not mutated)', async () => {
    const { jar, send } = visitor(ironSession<Data, Flash>({ password }))
    const viaContext = await send((context) => {
      context.locals.session.set('user', 'ada')
      return context.redirect('/account', 303)
    })
    expect(viaContext.response.status).toBe(303)
    expect(viaContext.response.headers.get('location')).toBe('/account')
    expect(setCookieSummary(viaContext.response)).toEqual([['session', 1209540]])

    const immutable = Response.redirect(new URL('/account', url), 302)
    expect(() => immutable.headers.set('x', '1')).toThrow(TypeError)
    const native = await send(({ locals }) => {
      locals.session.set('user', 'grace')
      return immutable
    })
    expect(native.response).not.toBe(immutable)
    expect(native.response.status).toBe(302)
    expect(native.response.headers.get('location')).toBe(new URL('/account', url).href)
    expect(setCookieSummary(native.response)).toEqual([['session', 1209540]])
    expect(immutable.headers.getSetCookie()).toEqual([])
    expect(await (await send(user)).response.text()).toBe('grace')
    expect(jar.cookies.size).toBe(1)
  })

  it("a Response the app reuses for every request never carries one visitor's cookie to another", async () => {
    const shared = new Response('shared')
    const middleware = ironSession<Data, Flash>({ password })
    const ada = visitor(middleware)
    const written = await ada.send(({ locals }) => (locals.session.set('user', 'ada'), shared))
    expect(written.response).not.toBe(shared)
    expect(setCookieSummary(written.response)).toEqual([['session', 1209540]])
    expect(shared.headers.getSetCookie()).toEqual([])
  })

  it('a page that throws commits nothing: next() rejects, and the error goes on to Astro', async () => {
    const { jar, send } = visitor(ironSession<Data, Flash>({ password }))
    await send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    const before = jar.header
    await expect(
      send(({ locals }) => {
        locals.session.set('user', 'mallory')
        throw new Error('render failed')
      }),
    ).rejects.toThrow('render failed')
    expect(jar.header).toBe(before)
    expect(await (await send(user)).response.text()).toBe('ada')
  })

  it('rolling: an unchanged session is re-sealed once touchAfter has passed, not before', async () => {
    const t0 = Date.UTC(2030, 0, 1)
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const { jar, send } = visitor(ironSession<Data, Flash>({ password, ttl: 3600, rolling: { touchAfter: 600 } }))
    await send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    const first = jar.header
    vi.setSystemTime(t0 + 599_000)
    expect((await send(user)).response.headers.getSetCookie()).toEqual([])
    vi.setSystemTime(t0 + 601_000)
    const renewed = await send(user)
    expect(setCookieSummary(renewed.response)).toEqual([['session', 3540]])
    expect(jar.header).not.toBe(first)
    expect(renewed.session.expiresAt).toBe(t0 + 3600_000)
    // The renewed seal runs from the renewal: past the first seal's expiry it still reads.
    vi.setSystemTime(t0 + 3600_000 + 120_000)
    const later = await send(user)
    expect(await later.response.text()).toBe('ada')
    expect(later.session.unsealError).toBeUndefined()
  })

  it('password rotation: { 2: new, 1: old } reads cookies sealed with the old one and re-seals with the new', async () => {
    const old = visitor(ironSession<Data, Flash>({ password }))
    await old.send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    const rotated = ironSession<Data, Flash>({ password: { 2: newPassword, 1: password } })
    const { response, context } = await run(rotated, old.jar.request(), (context) => {
      context.locals.session.set('count', 1)
      return new Response(context.locals.session.get('user') ?? '')
    })
    expect(await response.text()).toBe('ada')
    expect((context.locals as Locals).session.unsealError).toBeUndefined()
    const cookie = new Jar().apply(response).cookies.get('session')!
    expect(cookie).toMatch(/^Fe26\.2\*2\*/)
    // The new seal no longer opens with the old password alone.
    const { context: stale } = await run(ironSession<Data, Flash>({ password }), new Jar(`session=${cookie}`).request(), text(''))
    expect((stale.locals as Locals).session.unsealError).toBeDefined()
    expect((stale.locals as Locals).session.isNew).toBe(true)
  })

  it('chunk: big data goes out as session.0, session.1, … and reads back whole', async () => {
    const { jar, send } = visitor(ironSession<Data, Flash>({ password, chunk: true }))
    const notes = 'x'.repeat(3500)
    const big = await send(({ locals }) => (locals.session.set('notes', notes), new Response('ok')))
    expect(setCookieSummary(big.response).map(([name]) => name)).toEqual(['session.0', 'session.1'])
    expect([...jar.cookies.keys()]).toEqual(['session.0', 'session.1'])
    const read = await send(({ locals }) => new Response(String(locals.session.get('notes')?.length)))
    expect(await read.response.text()).toBe('3500')
    // Shrunk: one plain cookie again, the chunks expired.
    const small = await send(({ locals }) => (locals.session.set('notes', 'short'), new Response('ok')))
    expect(setCookieSummary(small.response)).toEqual([
      ['session', 1209540],
      ['session.0', 0],
      ['session.1', 0],
    ])
    expect([...jar.cookies.keys()]).toEqual(['session'])
  })

  it('schema (zod): data read is validated, data that does not match is refused at commit', async () => {
    // exactOptional: Data's keys may be absent, never undefined (the repo's exactOptionalPropertyTypes).
    const schema = z.object({ user: z.string().min(1).exactOptional(), count: z.number().int().exactOptional(), notes: z.string().exactOptional() })
    const middleware = ironSession<Data, Flash>({ password, schema })
    const { jar, send } = visitor(middleware)
    await send(({ locals }) => (locals.session.set('count', 2), new Response('ok')))
    expect(await (await send(({ locals }) => new Response(String(locals.session.get('count'))))).response.text()).toBe('2')
    const before = jar.header
    await expect(send(({ locals }) => (locals.session.set('count', 1.5), new Response('ok')))).rejects.toThrow(/schema/)
    expect(jar.header).toBe(before)
    // A cookie whose data the schema refuses (sealed without it) reads as a new session, with unsealError 'invalid-data'.
    const loose = visitor(ironSession<Record<string, unknown>>({ password }))
    await loose.send(({ locals }) => ((locals.session as unknown as Session).set('count', 'two'), new Response('ok')))
    const { context } = await run(middleware, loose.jar.request(), text(''))
    expect((context.locals as Locals).session.unsealError).toBe('invalid-data')
    expect((context.locals as Locals).session.data).toEqual({})
  })

  it('revocations (lag 0): after destroy(), the old cookie reads as a new session with unsealError "revoked"', async () => {
    const middleware = ironSession<Data, Flash>({ password, revocations: revocable({ store: createStorage(), lag: 0 }) })
    const { jar, send } = visitor(middleware)
    const signIn = await send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    expect(signIn.session.id).toEqual(expect.any(String))
    const copy = jar.header
    const signOut = await send(({ locals }) => (locals.session.destroy(), new Response('bye')))
    expect(setCookieSummary(signOut.response)).toEqual([['session', 0]])
    const { response, context } = await run(middleware, new Jar(copy).request(), user)
    expect(await response.text()).toBe('')
    expect((context.locals as Locals).session.isNew).toBe(true)
    expect((context.locals as Locals).session.unsealError).toBe('revoked')
  })

  it('a store: the cookie holds only a sealed id, the data lives in the store', async () => {
    const storage = createStorage()
    const { jar, send } = visitor(ironSession<Data, Flash>({ password, store: sessionStore(storage) }))
    const notes = 'y'.repeat(10_000) // over a cookie's size: fine, it is in the store
    await send(({ locals }) => (locals.session.set('notes', notes), locals.session.set('user', 'ada'), new Response('ok')))
    expect(jar.cookies.get('session')!.length).toBeLessThan(400)
    expect((await storage.getKeys()).length).toBeGreaterThan(0)
    expect(await (await send(user)).response.text()).toBe('ada')
    await send(({ locals }) => (locals.session.destroy(), new Response('bye')))
    expect(jar.cookies.size).toBe(0)
  })

  it('a cookie written through the middleware reads with createSessions (same password), and back', async () => {
    const { jar, send } = visitor(ironSession<Data, Flash>({ password }))
    await send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    const core = createSessions<Data>({ password })
    const read = await core.read(jar.request())
    expect(read.data).toEqual({ user: 'ada' })
    read.set('count', 7)
    jar.apply(await core.commit(read, new Response('ok')))
    const back = await send(({ locals }) => new Response(`${locals.session.get('user')} ${locals.session.get('count')}`))
    expect(await back.response.text()).toBe('ada 7')
  })

  it('options from the context (secrets read per request), made into sessions once per distinct result', async () => {
    const factory = vi.fn((context: APIContext) => ({ password: (context.locals as { secret?: string }).secret ?? password }))
    const middleware = ironSession<Data, Flash>(factory)
    const jar = new Jar()
    const seen = new Set<unknown>()
    for (let i = 0; i < 3; i++) {
      const { response } = await run(
        middleware,
        jar.request(),
        ({ locals }) => (seen.add(locals.session), locals.session.set('count', i), new Response('ok')),
        { locals: { secret: password } as never },
      )
      jar.apply(response)
    }
    expect(factory).toHaveBeenCalledTimes(3)
    expect(seen.size).toBe(3)
    expect((await createSessions<Data>({ password }).read(jar.request())).data).toEqual({ count: 2 })
  })

  it("composes with sequence(): mounted twice on one request, one session and one Set-Cookie", async () => {
    const { sequence } = await import('astro/middleware')
    const session = ironSession<Data, Flash>({ password })
    const count: Middleware = async (context, next) => {
      const { session } = context.locals as Locals
      session.set('count', (session.get('count') ?? 0) + 1)
      return next()
    }
    const chain = sequence(session, count, session) as Middleware
    const { jar, send } = visitor(chain)
    const first = await send(({ locals }) => new Response(String(locals.session.get('count'))))
    expect(await first.response.text()).toBe('1')
    expect(setCookieSummary(first.response)).toEqual([['session', 1209540]])
    await send(text('ok'))
    expect((await createSessions<Data>({ password }).read(jar.request())).data).toEqual({ count: 2 })
  })

  it('Astro.rewrite(): the middleware runs again on a copy of the request with the same locals; one session, committed once', async () => {
    const middleware = ironSession<Data, Flash>({ password })
    const { jar, send } = visitor(middleware)
    await send(({ locals }) => (locals.session.set('count', 1), new Response('ok')))
    const seen: unknown[] = []
    // Page A changes the session, then rewrites to page B, which Astro renders through the middleware again.
    const { response } = await send(async (context) => {
      seen.push(context.locals.session)
      context.locals.session.set('user', 'ada')
      const copy = new Request(new URL('/b', context.request.url), { headers: context.request.headers })
      const { response: b } = await run(middleware, copy, ({ locals }) => {
        seen.push(locals.session)
        locals.session.set('count', (locals.session.get('count') ?? 0) + 1)
        return new Response(`b: ${locals.session.get('user')}`)
      }, { locals: context.locals })
      expect(b.headers.getSetCookie()).toEqual([]) // the inner run commits nothing
      return b
    })
    expect(seen[0]).toBe(seen[1])
    expect(await response.text()).toBe('b: ada')
    expect(setCookieSummary(response)).toEqual([['session', 1209540]])
    expect((await createSessions<Data>({ password }).read(jar.request())).data).toEqual({ count: 2, user: 'ada' })
  })

  it('one locals object for every request (a custom server): another visitor never gets a session handed on', async () => {
    const middleware = ironSession<Data, Flash>({ password })
    const shared = {}
    const ada = visitor(middleware)
    await ada.send(({ locals }) => (locals.session.set('user', 'ada'), new Response('ok')))
    let other: Session<Data, Flash> | undefined
    const { response } = await run(middleware, ada.jar.request(), async ({ locals }) => {
      const mine = locals.session
      // While ada's request waits for its page, another visitor's request arrives with the same locals.
      const { context } = await run(middleware, new Request(url), text(''), { locals: shared as never })
      other = (context.locals as Locals).session
      return new Response(mine.get('user') ?? '')
    }, { locals: shared as never })
    expect(await response.text()).toBe('ada')
    expect(other!.isNew).toBe(true)
    expect(other!.get('user')).toBeUndefined()
  })

  it('a prerendered page gets a new session, without a look at the request headers, and nothing is committed', async () => {
    const request = new Request(url, { headers: { cookie: 'session=whatever' } })
    // As Astro's prerender requests do, a look at the headers is noticed (Astro logs a warning).
    const headers = vi.fn(() => new Headers())
    Object.defineProperty(request, 'headers', { get: headers })
    const { response, context } = await run(
      ironSession<Data, Flash>({ password }),
      request,
      ({ locals }) => (locals.session.set('user', 'build'), new Response('static')),
      { isPrerendered: true },
    )
    expect(headers).not.toHaveBeenCalled()
    expect((context.locals as Locals).session.isNew).toBe(true)
    expect(response.headers.getSetCookie()).toEqual([])
  })

  it('bad options fail when the middleware is made', () => {
    expect(() => ironSession({ password: 'short' })).toThrow(/password/)
  })
})
