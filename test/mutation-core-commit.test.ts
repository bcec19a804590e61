// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on commit: cookie
// lifetimes with ttl 0, maxLifetime and flash-only sessions, what a schema's output seals, flashes
// read and set again, revocation of emptied data, and what nothing-to-write returns.
import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { createSessions, type SessionOptions } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { revocable } from '../src/revocations.js'
import { Jar, password } from './helpers.js'
import { headerTransport } from '../src/header.js'

type Data = { user?: string; count?: number; v?: number }
type Flash = { notice: string }

const maxAgeOf = (response: Response) => Number(/Max-Age=(\d+)/.exec(response.headers.getSetCookie()[0] ?? '')?.[1])

async function write(options: SessionOptions<Data>, edit: (session: Awaited<ReturnType<ReturnType<typeof createSessions<Data, Flash>>['read']>>) => void, jar = new Jar()) {
  const sessions = createSessions<Data, Flash>(options)
  const session = await sessions.read(jar.request('/'))
  edit(session)
  const response = await sessions.commit(session, new Response())
  jar.apply(response)
  return { response, jar, sessions }
}

describe('Max-Age of what commit writes', () => {
  it('ttl 600 with maxLifetime 3600: the ttl, a minute short', async () => {
    expect(maxAgeOf((await write({ password, ttl: 600, maxLifetime: 3600 }, (s) => s.set('count', 1))).response)).toBe(540)
  })

  it('ttl 0 with maxLifetime 3600: what maxLifetime leaves, a minute short', async () => {
    expect(maxAgeOf((await write({ password, ttl: 0, maxLifetime: 3600 }, (s) => s.set('count', 1))).response)).toBe(3540)
  })

  it('a session holding only a flash lives five minutes, even with ttl 0', async () => {
    for (const ttl of [0, 3600]) {
      const { response } = await write({ password, ttl }, (s) => s.flash('notice', 'Signed out'))
      expect(maxAgeOf(response)).toBe(240)
    }
  })
})

describe('what commit writes', () => {
  it("a schema's output is what is sealed, and what the next request reads, here and elsewhere", async () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => ({ value: { ...(value as Data), v: 1 } }),
      },
    }
    const options = { password, schema } as SessionOptions<Data>
    const { jar, sessions } = await write(options, (s) => s.set('count', 1))
    expect((await sessions.read(jar.request('/'))).data).toEqual({ count: 1, v: 1 })
    expect((await createSessions<Data>(options).read(jar.request('/'))).data).toEqual({ count: 1, v: 1 })
    expect((await createSessions<Data>({ password }).read(jar.request('/'))).data).toEqual({ count: 1, v: 1 })
  })

  it('a flash read and set again in one request is there on the next', async () => {
    const { jar, sessions } = await write({ password }, (s) => s.flash('notice', 'first'))
    const second = await sessions.read(jar.request('/'))
    expect(second.getFlash('notice')).toBe('first')
    second.flash('notice', 'again')
    jar.apply(await sessions.commit(second, new Response()))
    expect((await createSessions<Data, Flash>({ password }).read(jar.request('/'))).getFlash('notice')).toBe('again')
  })

  it('nothing to write: commitHeaders gives no lines, and commit adds no Cache-Control', async () => {
    const sessions = createSessions<Data>({ password })
    const { jar } = await write({ password }, (s) => s.set('count', 1))
    const unchanged = await sessions.read(jar.request('/'))
    expect(await sessions.commitHeaders(unchanged, new Response())).toEqual([])
    const fresh = await sessions.read(new Jar().request('/'))
    fresh.destroy()
    const response = await sessions.commit(fresh, new Response())
    expect([response.headers.getSetCookie(), response.headers.get('cache-control')]).toEqual([[], null])
  })

  it('with the header option on, a session read from a cookie is cleared in the cookie, not the header', async () => {
    const options = { password, header: headerTransport('x-session') }
    const { jar } = await write(options, (s) => s.set('count', 1))
    const { response } = await write(options, (s) => s.destroy(), jar)
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    expect(response.headers.has('x-session')).toBe(false)
  })

  it('destroyHeaders() with a store refuses, saying to destroy and commit', async () => {
    const sessions = createSessions<Data>({ password, store: sessionStore(createStorage()) })
    const session = await sessions.read(new Jar().request('/'))
    expect(() => sessions.destroyHeaders(session)).toThrow('destroyHeaders() cannot end a session on the server at once (with a store or revocations): call session.destroy() and commit')
  })
})

describe('what commit adds to the response', () => {
  it('only the Set-Cookie lines and Cache-Control: private, after the headers the app set', async () => {
    const sessions = createSessions<Data>({ password })
    const session = await sessions.read(new Jar().request('/'))
    session.set('count', 1)
    const response = await sessions.commit(session, new Response('ok', { headers: { 'x-app': '1' } }))
    expect([...response.headers.keys()].sort()).toEqual(['cache-control', 'content-type', 'set-cookie', 'x-app'])
    expect(response.headers.get('cache-control')).toBe('private')
  })

  it('with revocations and userId, the same user keeps the same session id from commit to commit', async () => {
    const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store: createStorage(), lag: 0 }) }
    const { jar, sessions } = await write(options, (s) => s.set('user', 'ada'))
    const ids: Array<string | undefined> = []
    for (let i = 0; i < 3; i++) {
      const session = await sessions.read(jar.request('/'))
      ids.push(session.id)
      session.set('count', i)
      jar.apply(await sessions.commit(session, new Response()))
    }
    expect(new Set(ids).size).toBe(1)
    expect((await createSessions<Data>(options).read(jar.request('/'))).id).toBe(ids[0])
  })
})

describe('with revocations, emptying the data ends the session as destroy() does', () => {
  it('a copy of the cookie from before reads as revoked on another instance', async () => {
    const store = createStorage()
    const options = { password, revocations: revocable({ store, lag: 0 }) }
    const { jar } = await write(options, (s) => s.set('user', 'ada'))
    const copy = new Jar(jar.header)
    const { response } = await write(options, (s) => s.unset('user'), jar)
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    const replay = await createSessions<Data>(options).read(copy.request('/'))
    expect([replay.data, replay.unsealError]).toEqual([{}, 'revoked'])
  })
})
