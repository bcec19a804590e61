// What got in a newcomer's way, each fixed and held here: revokeAll reports only sessions it ended that were
// live; a nested option's typo gets a did-you-mean; the sessions object is reachable from a Hono handler;
// a write after the session was committed is told in development, not lost silently.
import { Hono } from 'hono'
import type { Storage } from 'unstorage'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessions, type SessionOptions } from '../src/index.ts'
import { sessionStore } from '../src/store/index.ts'
import { ironSession, type SessionEnv } from '../src/adapters/hono.ts'
import { Jar, password, visit } from './helpers.ts'
import { storeDrivers } from './store-drivers.ts'

type Data = { user?: string; n?: number }

const { drivers } = storeDrivers('iron-fetch-session-frictions-')

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(drivers)('revokeAll on the %s store', (_, make) => {
  let storage: Storage
  beforeAll(async () => {
    storage = await make()
  })
  const stored = (options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, store: sessionStore(storage), userId: (data) => data.user, ...options })

  it('returns only the sessions that were live: not one signed out, revoked or ended by an earlier revokeAll', async () => {
    const sessions = stored()
    const user = `u-${crypto.randomUUID()}`
    const jars = [new Jar(), new Jar(), new Jar(), new Jar()]
    const ids: string[] = []
    for (const jar of jars) ids.push((await visit(sessions, jar, (s) => (s.data.user = user))).session.id!)
    // One signs out, one is revoked by id; two are live.
    await visit(sessions, jars[0]!, (s) => s.destroy())
    await sessions.revoke(ids[1]!)
    expect((await sessions.revokeAll(user)).sort()).toEqual([ids[2], ids[3]].sort())
    // Nothing is live any more: a second "sign out everywhere" ends nothing and says so.
    expect(await sessions.revokeAll(user)).toEqual([])
    for (const jar of jars) expect((await sessions.read(jar.request())).isNew).toBe(true)
  })
})

describe('setup: a typo in a nested option', () => {
  it('names the nearest known key, as a typo at the top level does', () => {
    expect(() => createSessions({ password, rolling: { touchafter: 60 } as never })).toThrow('unknown rolling option "touchafter". Did you mean touchAfter?')
    expect(() => createSessions({ password, cookieOptions: { samesite: 'lax' } as never })).toThrow('Did you mean sameSite?')
  })
})

describe('the Sessions object from a handler', () => {
  it('Hono: c.var.sessions is the Sessions behind the middleware (revoke, revokeAll, sessionsOf)', async () => {
    const { revocable } = await import('../src/revocations.ts')
    const { createStorage } = await import('unstorage')
    const app = new Hono<SessionEnv<Data>>()
    app.use(ironSession<Data>({ password, userId: (data) => data.user, revocations: revocable({ store: createStorage(), lag: 0 }) }))
    app.post('/sign-in', (c) => (c.var.session.set('user', 'ada'), c.text('in')))
    app.post('/sign-out-everywhere', async (c) => c.json(await c.var.sessions.revokeAll(c.var.session.get('user') as string)))
    app.get('/me', (c) => c.text(`${c.var.session.get('user') ?? 'nobody'} ${c.var.session.unsealError ?? ''}`))
    const jar = new Jar()
    jar.apply(await app.request('https://app.example/sign-in', { method: 'POST' }))
    const phone = jar.header
    jar.apply(await app.request('https://app.example/sign-out-everywhere', { method: 'POST', headers: { cookie: phone } }))
    expect(await (await app.request('https://app.example/me', { headers: { cookie: phone } })).text()).toBe('nobody revoked')
  })

  it('fetch-router: the middleware\'s sessions; the fetch wrapper: handler.sessions()', async () => {
    const { ironSession: routerSession } = await import('../src/adapters/fetch-router.ts')
    const { withSession } = await import('../src/adapters/fetch.ts')
    const options = { password } satisfies SessionOptions<Data>
    const middleware = routerSession<Data>(options)
    expect(typeof middleware.sessions.read).toBe('function')
    const handler = withSession<Data>(options, (_, session) => (session.set('n', 1), new Response('ok')))
    const jar = new Jar().apply(await handler(new Request('https://app.example/')))
    expect((await handler.sessions().read(jar.request())).data).toEqual({ n: 1 })
  })
})

describe('a write after the session was committed (development)', () => {
  const errors: string[] = []
  function app() {
    const hono = new Hono<SessionEnv<Data>>()
    hono.onError((error, c) => (errors.push(error.message), c.text('error', 500)))
    // An outer middleware that writes after next(): the session middleware inside it has committed by then.
    hono.use(async (c, next) => {
      await next()
      if (c.req.path === '/late') c.var.session.set('n', 2)
      if (c.req.path === '/late-data') c.var.session.data.n = 3
    })
    hono.use(ironSession<Data>({ password }))
    hono.get('*', (c) => (c.var.session.set('n', 1), c.text('ok')))
    return hono
  }

  it('throws, naming the write and the fix, instead of losing it', async () => {
    errors.length = 0
    const hono = app()
    expect((await hono.request('https://app.example/late')).status).toBe(500)
    expect(errors.at(-1)).toMatch(/^iron-fetch-session: session\.set\(\) after the session middleware committed the session: the response already carries its cookie, so this change would be lost\. Make the change in the handler/)
    expect((await hono.request('https://app.example/late-data')).status).toBe(500)
    expect(errors.at(-1)).toMatch(/^iron-fetch-session: a write to session\.data after/)
    // A session kept past its request: the same.
    let kept: { set(key: string, value: unknown): void } | undefined
    const { withSession } = await import('../src/adapters/fetch.ts')
    const handler = withSession<Data>({ password }, (_, session) => ((kept = session), new Response('ok')))
    await handler(new Request('https://app.example/'))
    expect(() => kept!.set('n', 1)).toThrow('session.set() after withSession() committed the session')
    // Reads still work.
    expect((kept as unknown as { data: Data }).data).toEqual({})
  })

  it('in production the write is dropped as before (no throw)', async () => {
    const { rereadEnvironment } = await import('../src/core/dev-tools.ts')
    vi.stubEnv('NODE_ENV', 'production')
    rereadEnvironment()
    try {
      errors.length = 0
      const response = await app().request('https://app.example/late')
      expect(response.status).toBe(200)
      expect(errors).toEqual([])
    } finally {
      vi.unstubAllEnvs()
      rereadEnvironment()
    }
  })
})

describe("Remix's session storage: regenerateId(true) without a store", () => {
  it('warns in development, as Remix\'s own cookie storage does: the old cookie cannot be ended', async () => {
    const { createIronSessionStorage } = await import('../src/adapters/remix-session.ts')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const storage = createIronSessionStorage({ password })
    const session = await storage.read(null)
    session.set('user', 'mj')
    session.regenerateId(true)
    await storage.save(session)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/was regenerated with deleteOldSession, but a cookie-only session cannot be ended on the server/)
    // With a store the old session ends, and nothing is said.
    const { createStorage } = await import('unstorage')
    const stored = createIronSessionStorage({ password, store: sessionStore(createStorage()) })
    const again = await stored.read(null)
    again.set('user', 'mj')
    again.regenerateId(true)
    await stored.save(again)
    expect(warn).toHaveBeenCalledTimes(1)
  })
})

describe('the newer mounts close the session after their commit too (development)', () => {
  it('h3: a session kept past its request throws on a write, naming the middleware', async () => {
    const { H3 } = await import('h3')
    const { ironSession: h3Session } = await import('../src/adapters/h3.ts')
    let kept: { set(key: string, value: unknown): void } | undefined
    const app = new H3({ silent: true }).use(h3Session<Data>({ password })).get('/', (event) => ((kept = event.context.session as typeof kept), 'ok'))
    expect((await app.fetch(new Request('https://app.example/'))).status).toBe(200)
    expect(() => kept!.set('n', 1)).toThrow('session.set() after the h3 session middleware committed the session')
  })
})
