// Revocations through every mount: Hono, the fetch wrapper, fetch-router and the Remix SessionStorage.
// Each signs in, a copy of the cookie is taken, the user signs out, and the copy must read as revoked
// on another instance sharing the store once its lag has passed (lag 0 here: at once).
import { createRouter } from '@remix-run/fetch-router'
import { Hono } from 'hono'
import { createStorage, type Storage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { ironSession as routerSession, SessionKey } from '../src/adapters/fetch-router.js'
import { ironSession } from '../src/adapters/hono.js'
import { createIronSessionStorage } from '../src/adapters/remix-session.js'
import type { SessionOptions } from '../src/index.js'
import { Jar, password } from './helpers.js'
import { revocable } from '../src/revocations.js'

type Data = { user?: string }
const options = (store: Storage): SessionOptions<Data> => ({ password, userId: (data) => data.user, revocations: revocable({ store, lag: 0 }) })

/** An app with /login, /me and /logout, on one mount; `make` gives a fresh instance on the same store. */
type Fetch = (request: Request) => Promise<Response> | Response
const mounts: Array<[name: string, make: (store: Storage) => Fetch]> = [
  [
    'Hono',
    (store) => {
      const app = new Hono()
        .use(ironSession<Data>(options(store)))
        .post('/login', (c) => (c.var.session.set('user', 'ada'), c.text('in')))
        .get('/me', (c) => c.text(`${c.var.session.data.user ?? '-'} ${c.var.session.unsealError ?? ''}`))
        .post('/logout', (c) => (c.var.session.destroy(), c.text('out')))
      return (request) => app.fetch(request)
    },
  ],
  [
    'fetch wrapper',
    (store) =>
      withSession<Data>(options(store), (request, session) => {
        const path = new URL(request.url).pathname
        if (path === '/login') session.set('user', 'ada')
        if (path === '/logout') session.destroy()
        return new Response(`${session.data.user ?? '-'} ${session.unsealError ?? ''}`)
      }),
  ],
  [
    'fetch-router',
    (store) => {
      const router = createRouter({ middleware: [routerSession<Data>(options(store))] })
      router.post('/login', (context) => (context.session.set('user', 'ada'), new Response('in')))
      router.get('/me', (context) => new Response(`${context.get(SessionKey).data.user ?? '-'} ${context.session.unsealError ?? ''}`))
      router.post('/logout', (context) => (context.session.destroy(), new Response('out')))
      return (request) => router.fetch(request)
    },
  ],
]

describe.each(mounts)('%s', (_name, make) => {
  it('a signed-out cookie, replayed, reads as revoked on another instance', async () => {
    const store = createStorage()
    const [here, there] = [make(store), make(store)]
    const jar = new Jar()
    jar.apply(await here(jar.request('/login', { method: 'POST' })))
    const stolen = new Jar(jar.header)
    expect(await (await there(stolen.request('/me'))).text()).toBe('ada ')
    const out = await here(jar.request('/logout', { method: 'POST' }))
    expect(out.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    const replay = await there(stolen.request('/me'))
    expect(await replay.text()).toBe('- revoked')
    expect(replay.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
  })
})

describe('Remix SessionStorage', () => {
  it('destroy and regenerateId(true) revoke; revokeAll ends the user everywhere; the data stays in the cookie', async () => {
    const store = createStorage()
    const [here, there] = [createIronSessionStorage<Data>(options(store)), createIronSessionStorage<Data>(options(store))]
    const signIn = await here.read(null)
    signIn.set('user', 'ada')
    const cookie = (await here.save(signIn)) as string
    expect((await there.read(cookie)).get('user')).toBe('ada')
    expect(await store.getKeys()).toEqual([])

    const rotating = await here.read(cookie)
    rotating.regenerateId(true)
    const rotated = (await here.save(rotating)) as string
    expect((await there.read(cookie)).get('user')).toBeUndefined()
    expect((await there.read(rotated)).get('user')).toBe('ada')

    // revokeAll ends ids made before its moment; one made in the same millisecond is spared (a sign-in that
    // finishes with it is not ended), so the clock moves on first, or a fast run would race it.
    await new Promise((resolve) => setTimeout(resolve, 2))
    await there.revokeAll('ada')
    expect((await here.read(rotated)).get('user')).toBeUndefined()

    const again = await here.read(null)
    again.set('user', 'ada')
    const fresh = (await here.save(again)) as string
    const leaving = await here.read(fresh)
    leaving.destroy()
    expect(await here.save(leaving)).toBe('')
    expect((await there.read(fresh)).get('user')).toBeUndefined()
  })
})
