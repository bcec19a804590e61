// The iron-session drop-in with extras.revocations: iron-session's API (getIronSession, save, destroy),
// a seal that names an id, and sign-out that holds against a replayed copy. Without the extra the
// drop-in is iron-session 9 exactly (test/adapter-iron-session.test.ts).
import * as ironSession9 from 'iron-session-9'
import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { getIronSession, type SessionOptions } from '../src/adapters/iron-session.js'
import { createSessions, SessionStoreError } from '../src/index.js'
import { Jar, password } from './helpers.js'
import { revocable } from '../src/revocations.js'

type Data = { user?: string }

/** One request: getIronSession over a real Request and Response, then the handler. */
async function request(jar: Jar, options: SessionOptions, handler: (session: Awaited<ReturnType<typeof getIronSession<Data>>>) => unknown = () => {}) {
  const response = new Response('ok')
  const session = await getIronSession<Data>(jar.request(), response, options)
  await handler(session)
  jar.apply(response)
  return { session, response }
}

describe('iron-session drop-in: extras.revocations', () => {
  const store = createStorage()
  const reasons: string[] = []
  const options: SessionOptions = { cookieName: 'session', password, onUnsealError: (reason) => void reasons.push(reason), extras: { revocations: revocable({ store, lag: 0 }), userId: (data) => data.user as string | undefined } }

  it('await session.destroy() revokes the id: a replayed copy reads as empty, told as revoked', async () => {
    const jar = new Jar()
    await request(jar, options, async (s) => {
      s.user = 'ada'
      await s.save()
    })
    const payload = await ironSession9.unsealData<{ user: string; __ifs: { id: string } }>(jar.cookies.get('session')!, { password })
    expect(payload).toEqual({ user: 'ada', __ifs: { created: expect.any(Number), sealed: expect.any(Number), id: expect.stringMatching(/^[0-9a-f]{32}$/), ra: expect.any(Number), u: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    const stolen = new Jar(jar.header)
    expect({ ...(await request(new Jar(stolen.header), options)).session }).toEqual({ user: 'ada' })
    const { response } = await request(jar, options, (s) => s.destroy())
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    expect({ ...(await request(stolen, options)).session }).toEqual({})
    expect(reasons).toEqual(['revoked'])
  })

  it('createSessions on the same store and password shares the list: its revokeAll(user) ends drop-in sessions', async () => {
    const jar = new Jar()
    await request(jar, options, async (s) => {
      s.user = 'bea'
      await s.save()
    })
    const sessions = createSessions<Data>({ password, userId: (data) => data.user, revocations: revocable({ store, lag: 0 }) })
    // A not-before ends sessions created strictly before it: let the clock move past the sign-in's millisecond.
    await new Promise((resolve) => setTimeout(resolve, 2))
    await sessions.revokeAll('bea')
    expect({ ...(await request(jar, options)).session }).toEqual({})
  })

  it('a store that fails rejects getIronSession and destroy() with SessionStoreError, never an empty session', async () => {
    const broken = { getItem: () => Promise.reject(new Error('down')), setItem: () => Promise.reject(new Error('down')), removeItem: () => undefined, getKeys: () => [] }
    const failing: SessionOptions = { cookieName: 'session', password, extras: { revocations: revocable({ store: broken, lag: 0 }) } }
    const jar = new Jar()
    await request(jar, failing, async (s) => {
      s.user = 'cy'
      await s.save()
    })
    await expect(getIronSession<Data>(jar.request(), new Response(), failing)).rejects.toBeInstanceOf(SessionStoreError)
    const fresh = await getIronSession<Data>(new Jar().request(), new Response(), { ...failing, extras: { revocations: revocable({ store: broken, lag: 0, onOutage: 'open' }) } })
    await expect(Promise.resolve(fresh.destroy())).resolves.toBeUndefined() // nothing read, nothing to revoke
  })

  it('without the extra, nothing of it shows: no __ifs in the seal, destroy() returns nothing', async () => {
    const jar = new Jar()
    await request(jar, { cookieName: 'session', password }, async (s) => {
      s.user = 'dee'
      await s.save()
      expect(s.destroy()).toBeUndefined()
    })
    const plain = new Jar()
    await request(plain, { cookieName: 'session', password }, async (s) => {
      s.user = 'dee'
      await s.save()
    })
    expect(await ironSession9.unsealData(plain.cookies.get('session')!, { password })).toEqual({ user: 'dee' })
  })
})
