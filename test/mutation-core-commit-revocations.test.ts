// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on commit with
// revocations: the session id an app reads is the one its cookie carries (before the first commit,
// after destroy(), across two commits of one request), a request in flight when revokeAll runs does
// not save its session from it, and a session emptied then written again in one request is not
// written under the id it revoked.
import { createStorage } from 'unstorage'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { Jar, password, visit } from './helpers.js'

type Data = { user?: string; count?: number }
type Flash = { notice: string }

afterEach(() => {
  vi.useRealTimers()
})

function setup(lag = 0) {
  const store = createStorage()
  const options = { password, userId: (data: Data) => data.user, revocations: revocable({ store, lag }) }
  return { sessions: createSessions<Data, Flash>(options), other: createSessions<Data, Flash>(options) }
}

/** The session a second instance reads from the jar's cookies. */
const readElsewhere = async (other: ReturnType<typeof setup>['other'], jar: Jar) => other.read(jar.request())

describe('the id an app reads is the one its cookie carries', () => {
  it('read before the first commit of a sign-in', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    const session = await sessions.read(jar.request())
    const id = session.id
    session.set('user', 'ada')
    jar.apply(await sessions.commit(session, new Response()))
    expect((await readElsewhere(other, jar)).id).toBe(id)
  })

  it('after destroy(): a new id, under which a flash reads', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('user', 'ada'))
    const signedIn = await sessions.read(jar.request())
    const oldId = signedIn.id
    signedIn.destroy()
    const newId = signedIn.id
    expect(newId).toMatch(/^[0-9a-f]{32}$/)
    expect(newId).not.toBe(oldId)
    signedIn.flash('notice', 'Signed out')
    jar.apply(await sessions.commit(signedIn, new Response()))
    const after = await readElsewhere(other, jar)
    expect([after.unsealError, after.id, after.getFlash('notice')]).toEqual([undefined, newId, 'Signed out'])
  })

  it('at a sign-in after regenerateId(), as docs/stores.md has it: the new id at once, and commit writes under it', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('count', 1))
    const signIn = await sessions.read(jar.request())
    const anonymousId = signIn.id
    signIn.regenerateId()
    const id = signIn.id
    expect(id).not.toBe(anonymousId)
    signIn.set('user', 'ada')
    jar.apply(await sessions.commit(signIn, new Response()))
    expect(signIn.id).toBe(id)
    expect((await readElsewhere(other, jar)).id).toBe(id)
  })

  it('across two commits of one request: a change after the sign-in keeps the id and the creation time', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    const session = await sessions.read(jar.request())
    session.set('user', 'ada')
    jar.apply(await sessions.commit(session, new Response()))
    const id = session.id
    vi.setSystemTime(t0 + 1_000)
    session.set('count', 1)
    jar.apply(await sessions.commit(session, new Response()))
    expect(session.id).toBe(id)
    const read = await readElsewhere(other, jar)
    expect([read.id, read.data, read.createdAt]).toEqual([id, { user: 'ada', count: 1 }, t0])
    // And it is that id a revoke ends.
    await other.revoke(id as string)
    expect((await readElsewhere(other, jar)).unsealError).toBe('revoked')
  })
})

describe('revokeAll while a request is in flight', () => {
  it('a session read before revokeAll and written after it is still ended', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    await visit(sessions, jar, (session) => session.set('user', 'ada'))
    vi.setSystemTime(t0 + 1_000)
    const inFlight = await sessions.read(jar.request())
    vi.setSystemTime(t0 + 2_000)
    await other.revokeAll('ada')
    vi.setSystemTime(t0 + 3_000)
    inFlight.set('count', 1)
    jar.apply(await sessions.commit(inFlight, new Response()))
    vi.setSystemTime(t0 + 4_000)
    expect((await readElsewhere(other, jar)).unsealError).toBe('revoked')
  })
})

describe('a session emptied, then written again in the same request', () => {
  it('is written under a new id, not the one the emptying revoked, with only its own cookie', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('count', 1))
    const session = await sessions.read(jar.request())
    const oldId = session.id
    session.unset('count')
    const cleared = await sessions.commit(session, new Response())
    expect(cleared.headers.getSetCookie()).toEqual([expect.stringMatching(/^session=; Max-Age=0/)])
    jar.apply(cleared)
    session.set('count', 2)
    const rewritten = await sessions.commit(session, new Response())
    expect(rewritten.headers.getSetCookie().map((line) => line.slice(0, line.indexOf('=')))).toEqual(['session'])
    jar.apply(rewritten)
    const read = await readElsewhere(other, jar)
    expect([read.unsealError, read.data]).toEqual([undefined, { count: 2 }])
    expect(read.id).not.toBe(oldId)
  })
})

describe('regenerateId(true) after regenerateId() in the same request', () => {
  it('ends the id the client held, as it does with a store', async () => {
    const { sessions, other } = setup()
    const jar = new Jar()
    await visit(sessions, jar, (session) => session.set('count', 1))
    const before = new Jar(jar.header)
    const session = await sessions.read(jar.request())
    session.regenerateId()
    session.regenerateId(true)
    jar.apply(await sessions.commit(session, new Response()))
    expect((await readElsewhere(other, before)).unsealError).toBe('revoked')
    expect((await readElsewhere(other, jar)).data).toEqual({ count: 1 })
  })
})

describe('a flash kept after destroy()', () => {
  it('is a new session: created when it was written, not when the one signed out was', async () => {
    const sessions = createSessions<Data, Flash>({ password })
    const jar = new Jar()
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    await visit(sessions, jar, (session) => session.set('count', 1))
    vi.setSystemTime(t0 + 60_000)
    const signOut = await sessions.read(jar.request())
    expect(signOut.createdAt).toBe(t0)
    signOut.destroy()
    signOut.flash('notice', 'Signed out')
    jar.apply(await sessions.commit(signOut, new Response()))
    vi.setSystemTime(t0 + 61_000)
    const next = await createSessions<Data, Flash>({ password }).read(jar.request())
    expect([next.getFlash('notice'), next.createdAt]).toEqual(['Signed out', t0 + 60_000])
  })
})
