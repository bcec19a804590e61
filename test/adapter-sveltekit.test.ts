// The SvelteKit handle with real Requests and Responses: a minimal RequestEvent, and a resolve() that
// answers as SvelteKit's does (a thrown redirect() becomes a 303 with Location, a thrown error() its
// status, anything else 500). sequence() is SvelteKit's own, run inside its request store as its
// server runs it. test/example-sveltekit.test.ts runs the same handle in a built SvelteKit app.
import { error, isHttpError, isRedirect, redirect, type Handle, type RequestEvent } from '@sveltejs/kit'
import { sequence } from '@sveltejs/kit/hooks'
import { parseSetCookie } from 'cookie'
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ironSession, type Session, type SessionLocals } from '../src/adapters/sveltekit.js'
import { createSessions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, newPassword, password, setCookieSummary } from './helpers.js'

// `| undefined`: what a zod schema's optional fields give under exactOptionalPropertyTypes.
type Data = { count?: number | undefined; name?: string | undefined; big?: string | undefined }
type Flash = { notice: string }

/** A load, action or endpoint: given the event, with the session on locals. */
type Handler = (event: RequestEvent & { locals: SessionLocals<Data, Flash> }) => unknown

/** What SvelteKit's resolve() makes of a handler: it never throws (respond.js, page/index.js). */
function resolveWith(handler: Handler) {
  return async (event: RequestEvent): Promise<Response> => {
    try {
      const result = await handler(event as Parameters<Handler>[0])
      return result instanceof Response ? result : new Response(typeof result === 'string' ? result : JSON.stringify(result ?? null))
    } catch (thrown) {
      if (isRedirect(thrown)) return new Response(null, { status: thrown.status, headers: { location: thrown.location } })
      if (isHttpError(thrown)) return new Response(JSON.stringify(thrown.body), { status: thrown.status })
      // An unexpected error: handleError's case, answered with SvelteKit's 500 page.
      return new Response('Internal Error', { status: 500 })
    }
  }
}

/** A RequestEvent with what the handle uses (request, locals) and a little more; `platform` for option factories. */
function eventFor(request: Request, platform?: unknown): RequestEvent {
  return { request, url: new URL(request.url), locals: {}, platform, params: {}, route: { id: '/' }, isDataRequest: false, isSubRequest: false } as unknown as RequestEvent
}

// SvelteKit's request store, which its server sets around handle and sequence() reads. Its types are
// declared as an ambient module, not for this subpath: typed here by hand.
const internal: string = '@sveltejs/kit/internal/server'
const { with_request_store } = (await import(internal)) as { with_request_store: <T>(store: unknown, fn: () => T) => T }

/** Runs a handle as SvelteKit's server does: inside its request store (which sequence() needs). */
function run(handle: Handle, request: Request, handler: Handler, platform?: unknown): Promise<Response> {
  const event = eventFor(request, platform)
  const span = { setAttributes: () => span, end: () => {} }
  const state = { tracing: { record_span: ({ fn }: { fn: (span: unknown) => unknown }) => fn(span) } }
  return with_request_store({ event, state }, async () => handle({ event, resolve: resolveWith(handler) }))
}

/** A browser of one handle: keeps cookies, does not follow redirects. */
function browser(handle: Handle, jar = new Jar()) {
  return {
    jar,
    async send(handler: Handler, init: RequestInit & { path?: string } = {}) {
      const response = await run(handle, jar.request(init.path ?? '/', init), handler)
      jar.apply(response)
      return response
    },
  }
}

const count = ({ locals }: Parameters<Handler>[0]) => String(locals.session.data.count ?? 0)
const increment = ({ locals }: Parameters<Handler>[0]) => {
  locals.session.set('count', (locals.session.get('count') ?? 0) + 1)
  return 'ok'
}

afterEach(() => {
  vi.useRealTimers()
})

describe('SvelteKit: ironSession handle', () => {
  it('puts the session on event.locals, commits a change on the response, and a read-only request gets no Set-Cookie', async () => {
    const { jar, send } = browser(ironSession<Data, Flash>({ password }))
    expect(await (await send(count)).text()).toBe('0')
    const write = await send(increment, { method: 'POST' })
    expect(setCookieSummary(write)).toEqual([['session', 1209540]])
    expect(write.headers.get('cache-control')).toBe('private')
    await send(increment, { method: 'POST' })
    const read = await send(count)
    expect(await read.text()).toBe('2')
    expect(read.headers.getSetCookie()).toEqual([])
    expect(jar.cookies.has('session')).toBe(true)
  })

  it("a redirect() thrown by a form action or a load gets the cookie, next to the app's own cookies", async () => {
    const { jar, send } = browser(ironSession<Data, Flash>({ password }))
    const signIn = await send(
      ({ locals }) => {
        locals.session.set('name', 'ada')
        redirect(303, '/')
      },
      { method: 'POST' },
    )
    expect(signIn.status).toBe(303)
    expect(signIn.headers.get('location')).toBe('/')
    expect(setCookieSummary(signIn)).toEqual([['session', 1209540]])
    expect(await (await send(({ locals }) => locals.session.data.name)).text()).toBe('ada')

    // An endpoint's own immutable Response.redirect, with a cookie of its own: both reach the browser.
    const native = await send(({ locals }) => {
      locals.session.set('name', 'grace')
      return Response.redirect('https://app.example/', 302)
    })
    expect(native.status).toBe(302)
    expect(setCookieSummary(native)).toEqual([['session', 1209540]])
    const own = await send(({ locals }) => {
      locals.session.set('name', 'own')
      return new Response('ok', { headers: { 'set-cookie': 'theme=dark; Path=/' } })
    })
    expect(setCookieSummary(own)).toEqual([['theme', undefined], ['session', 1209540]])
    expect(jar.cookies.get('theme')).toBe('dark')
  })

  it('a handler that throws an unexpected error commits nothing (SvelteKit answers it with a 500)', async () => {
    const { jar, send } = browser(ironSession<Data, Flash>({ password }))
    await send(increment, { method: 'POST' })
    const before = jar.header
    const failed = await send(
      ({ locals }) => {
        locals.session.set('count', 99)
        throw new Error('the database is down')
      },
      { method: 'POST' },
    )
    expect(failed.status).toBe(500)
    expect(failed.headers.getSetCookie()).toEqual([])
    expect(jar.header).toBe(before)
    expect(await (await send(count)).text()).toBe('1')

    // A later handle in a sequence() that throws: the error leaves the handle, nothing committed.
    const handle = sequence(ironSession<Data, Flash>({ password }), () => {
      throw new Error('a later handle failed')
    })
    await expect(run(handle, jar.request('/', { method: 'POST' }), increment)).rejects.toThrow('a later handle failed')
  })

  it("an expected error() or fail() is a response the app chose: its session change is committed", async () => {
    const { send } = browser(ironSession<Data, Flash>({ password }))
    const refused = await send(
      ({ locals }) => {
        locals.session.set('count', 1) // e.g. counting failed sign-ins
        error(403, 'not yours')
      },
      { method: 'POST' },
    )
    expect(refused.status).toBe(403)
    expect(setCookieSummary(refused)).toEqual([['session', 1209540]])
    expect(await (await send(count)).text()).toBe('1')
  })

  it('flash: set before a redirect, shown once on the next page', async () => {
    const { send } = browser(ironSession<Data, Flash>({ password }))
    const action = await send(
      ({ locals }) => {
        locals.session.flash('notice', 'Saved.')
        redirect(303, '/')
      },
      { method: 'POST' },
    )
    expect(action.status).toBe(303)
    const notice = ({ locals }: Parameters<Handler>[0]) => locals.session.getFlash('notice') ?? 'none'
    const first = await send(notice)
    expect(await first.text()).toBe('Saved.')
    expect(setCookieSummary(first)).toHaveLength(1) // reading it removes it
    expect(await (await send(notice)).text()).toBe('none')
  })

  it('rolling: an unchanged session is re-sealed once touchAfter has passed', async () => {
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const { send } = browser(ironSession<Data, Flash>({ password, ttl: 1000, rolling: { touchAfter: 100 } }))
    await send(increment, { method: 'POST' })
    vi.setSystemTime(t0 + 50_000)
    expect(setCookieSummary(await send(count))).toEqual([])
    vi.setSystemTime(t0 + 100_000)
    expect(setCookieSummary(await send(count))).toEqual([['session', 940]])
    vi.setSystemTime(t0 + 1_050_000) // past the first seal's ttl, within the renewed one's
    expect(await (await send(count)).text()).toBe('1')
  })

  it('password rotation: a cookie sealed with the old password reads, and the next write seals with the new one', async () => {
    const jar = new Jar()
    await browser(ironSession<Data, Flash>({ password }), jar).send(increment, { method: 'POST' })
    const rotated = browser(ironSession<Data, Flash>({ password: { 2: newPassword, 1: password } }), jar)
    expect(await (await rotated.send(count)).text()).toBe('1')
    const write = await rotated.send(increment, { method: 'POST' })
    expect(parseSetCookie(write.headers.getSetCookie()[0]!).value).toMatch(/^Fe26\.2\*2\*/)
    // Once every cookie is re-sealed, the old password can go.
    expect(await (await browser(ironSession<Data, Flash>({ password: { 2: newPassword } }), jar).send(count)).text()).toBe('2')
    const old = await run(ironSession<Data, Flash>({ password }), jar.request(), ({ locals }) => locals.session.unsealError ?? 'accepted')
    expect(await old.text()).not.toBe('accepted')
  })

  it('chunk: big data goes out as session.0 and session.1, and reads back', async () => {
    const { jar, send } = browser(ironSession<Data, Flash>({ password, chunk: true }))
    const big = 'x'.repeat(5000)
    const write = await send(({ locals }) => void locals.session.set('big', big), { method: 'POST' })
    expect(setCookieSummary(write).map(([name]) => name)).toEqual(['session.0', 'session.1'])
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1'])
    expect(await (await send(({ locals }) => String(locals.session.data.big?.length))).text()).toBe('5000')
  })

  it('schema (zod): data that does not match is refused on read and never written', async () => {
    const schema = z.object({ count: z.number().int().optional(), name: z.string().optional(), big: z.string().optional() })
    const { jar, send } = browser(ironSession<Data, Flash>({ password, schema }))
    await send(increment, { method: 'POST' })
    expect(await (await send(count)).text()).toBe('1')
    // A write the schema refuses fails the request (SvelteKit answers a throwing handle with a 500) and writes nothing.
    const bad = ({ locals }: Parameters<Handler>[0]) => void locals.session.set('count', 1.5)
    await expect(run(ironSession<Data, Flash>({ password, schema }), jar.request('/', { method: 'POST' }), bad)).rejects.toThrow('does not match the schema')
    // A cookie sealed with the same password but data the schema refuses reads as a new session.
    const lax = browser(ironSession<Record<string, unknown>>({ password }), new Jar())
    await lax.send(({ locals }) => void (locals.session as unknown as Session).set('count', 'one'), { method: 'POST' })
    const refused = await run(ironSession<Data, Flash>({ password, schema }), lax.jar.request(), ({ locals }) => locals.session.unsealError ?? 'accepted')
    expect(await refused.text()).toBe('invalid-data')
  })

  it("sequence(): the next handle sees event.locals.session, and the session handle commits that handle's change", async () => {
    const seen: unknown[] = []
    const touch: Handle = async ({ event, resolve }) => {
      seen.push((event.locals as SessionLocals<Data, Flash>).session.data.count ?? 0)
      ;(event.locals as SessionLocals<Data, Flash>).session.set('name', 'from the second handle')
      const response = await resolve(event)
      response.headers.set('x-second', 'yes')
      return response
    }
    const { send } = browser(sequence(ironSession<Data, Flash>({ password }), touch))
    const write = await send(increment, { method: 'POST' })
    expect(write.headers.get('x-second')).toBe('yes')
    expect(setCookieSummary(write)).toEqual([['session', 1209540]])
    expect(await (await send(({ locals }) => `${locals.session.data.count} ${locals.session.data.name}`)).text()).toBe('1 from the second handle')
    expect(seen).toEqual([0, 1])
  })

  it('mounted twice in one sequence(): one session for both, one Set-Cookie with the change', async () => {
    const session = ironSession<Data, Flash>({ password })
    const between: unknown[] = []
    const peek: Handle = async ({ event, resolve }) => {
      between.push((event.locals as SessionLocals<Data, Flash>).session)
      return resolve(event)
    }
    const { send } = browser(sequence(session, peek, session))
    let inner: unknown
    const write = await send(
      (event) => {
        inner = event.locals.session
        return increment(event)
      },
      { method: 'POST' },
    )
    expect(between).toHaveLength(1)
    expect(inner).toBe(between[0])
    expect(write.headers.getSetCookie()).toHaveLength(1)
    expect(await (await send(count)).text()).toBe('1')
    // Another handle of other options for the same cookie is a mistake, refused with the fix in the message.
    const other = sequence(session, ironSession<Data, Flash>({ password, ttl: 60 }))
    await expect(run(other, new Request('https://app.example/'), count)).rejects.toThrow(/mounted twice|two mounts/)
  })

  it('options as a function of the event (a platform secret): the password comes with the request', async () => {
    const factory = vi.fn((event: RequestEvent) => ({ password: (event.platform as { env: { SECRET: string } }).env.SECRET }))
    const handle = ironSession<Data, Flash>(factory)
    const jar = new Jar()
    const platform = { env: { SECRET: password } }
    jar.apply(await run(handle, jar.request('/', { method: 'POST' }), increment, platform))
    expect(await (await run(handle, jar.request(), count, platform)).text()).toBe('1')
    expect(factory).toHaveBeenCalledTimes(2)
    // Another secret: the same cookie does not open.
    const other = await run(handle, jar.request(), ({ locals }) => locals.session.unsealError ?? 'accepted', { env: { SECRET: newPassword } })
    expect(await other.text()).not.toBe('accepted')
  })

  it('with revocations (lag 0): destroy() ends the session, and a kept copy of the old cookie reads as new, revoked', async () => {
    const handle = ironSession<Data, Flash>({ password, revocations: revocable({ store: createStorage(), lag: 0 }) })
    const { jar, send } = browser(handle)
    await send(increment, { method: 'POST' })
    const copy = new Jar(jar.header)
    expect(await (await run(handle, copy.request(), count)).text()).toBe('1')
    const signOut = await send(
      ({ locals }) => {
        locals.session.destroy()
        redirect(303, '/')
      },
      { method: 'POST' },
    )
    expect(setCookieSummary(signOut)).toEqual([['session', 0]])
    const replay = await run(handle, copy.request(), ({ locals }) => `${locals.session.isNew} ${locals.session.unsealError} ${locals.session.data.count ?? 0}`)
    expect(await replay.text()).toBe('true revoked 0')
  })

  it('with a store: the cookie holds only a sealed id, and the data reads back from the store', async () => {
    const storage = createStorage()
    const { jar, send } = browser(ironSession<Data, Flash>({ password, store: sessionStore(storage) }))
    await send(({ locals }) => void locals.session.set('name', 'x'.repeat(10_000)), { method: 'POST' })
    expect(jar.cookies.get('session')!.length).toBeLessThan(400)
    expect((await storage.getKeys()).length).toBeGreaterThan(0)
    expect(await (await send(({ locals }) => String(locals.session.data.name?.length))).text()).toBe('10000')
  })

  it('a cookie written through the handle reads with createSessions of the same password, and back', async () => {
    const handle = ironSession<Data, Flash>({ password })
    const sessions = createSessions<Data>({ password })
    const jar = new Jar()
    jar.apply(await run(handle, jar.request('/', { method: 'POST' }), ({ locals }) => void locals.session.set('name', 'from sveltekit')))
    const read = await sessions.read(jar.request())
    expect(read.data).toEqual({ name: 'from sveltekit' })
    read.set('count', 7)
    jar.apply(await sessions.commit(read, new Response('ok')))
    expect(await (await run(handle, jar.request(), ({ locals }) => `${locals.session.data.name} ${locals.session.data.count}`)).text()).toBe('from sveltekit 7')
  })
})
