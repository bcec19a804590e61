// One table of session-lifecycle cases — sign-out, regenerateId, a change of user, revoke and
// revokeAll — run against both server-side modes (`store`, and `revocations` strict and lagged) on
// every driver of store-drivers.ts, asserting the same outcome for each: what a user of a session
// library expects. An old cookie that ought to be dead reads as a new session (isNew, unsealError
// 'revoked', no data) on the instance that ended it, on another instance that had already seen it,
// and on one started afterwards; a new cookie reads with the data it should carry.
//
// A lagged mode (lag 1 s) may take up to its lag to refuse on an instance that had loaded its view
// before: such reads are polled until refused, up to ten lags, never timed with a fixed sleep. An
// instance made afterwards loads its view on its first read, and must refuse at once.
//
// Today some rows fail in revocations mode; they are kept failing on purpose (see the commit message).
import { randomUUID } from 'node:crypto'
import type { Storage } from 'unstorage'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSessions, type Session, type SessionOptions, type Sessions } from '../src/index.ts'
import { revocable } from '../src/revocations.ts'
import { sessionStore } from '../src/store/index.ts'
import { Jar, newPassword, password, visit } from './helpers.ts'
import { storeDrivers } from './store-drivers.ts'

type Data = { userId?: string; cart?: string }
type S = Sessions<Data>
type Options = Partial<SessionOptions<Data>>

/** One server-side mode over one driver's storage. */
interface Mode {
  /** Seconds a revocation may take on an instance that had loaded its view before it; 0 for store and strict. */
  lag: number
  /** Another instance of the app: createSessions() over a storage on the same data (memory: the same Storage). */
  make(options?: Options): S
}

const { drivers, reopen } = storeDrivers('ifs-lifecycle-')

const modes: Array<[name: string, lag: number, plan: (storage: Storage, lag: number) => Options]> = [
  ['store', 0, (storage) => ({ store: sessionStore(storage) })],
  ['revocations strict', 0, (storage, lag) => ({ revocations: revocable({ store: storage, lag }) })],
  ['revocations lagged', 1, (storage, lag) => ({ revocations: revocable({ store: storage, lag }) })],
]

// ---- the steps of a case -------------------------------------------------------------------------

/** A user id no other case uses: cases share a store, and revokeAll must not reach across them. */
const newUser = () => `user-${randomUUID()}`

/** Signs `user` in on a new browser (with a cart); the jar is the browser, `cookie` a copy of what it holds now. */
async function signIn(sessions: S, user: string) {
  const jar = new Jar()
  const { session } = await visit(sessions, jar, (s) => {
    s.set('userId', user)
    s.set('cart', `cart of ${user}`)
  })
  return { jar, cookie: jar.header, id: session.id!, data: { userId: user, cart: `cart of ${user}` } }
}

/** A read of a Cookie header, without committing anything. */
const readCookie = (sessions: S, cookie: string) => sessions.read(new Jar(cookie).request())

/** What a read of a cookie says, in the terms the cases assert. */
const outcome = (session: Session<Data>) => ({ isNew: session.isNew, unsealError: session.unsealError, data: session.data })
const REFUSED = { isNew: true, unsealError: 'revoked', data: {} }
const reads = (data: Data) => ({ isNew: false, unsealError: undefined, data })

/** Waits for the clock to pass its current millisecond: a not-before ends only sessions made strictly before it. */
async function nextMillisecond(): Promise<void> {
  const start = Date.now()
  while (Date.now() <= start) await new Promise((resolve) => setTimeout(resolve, 1))
}

/** Reads `cookie` on an instance until it is refused, up to ten lags (at once when the mode has no lag); the last outcome. */
async function outcomeOnceRefused(mode: Mode, sessions: S, cookie: string) {
  const deadline = Date.now() + 10 * mode.lag * 1000
  for (;;) {
    const seen = outcome(await readCookie(sessions, cookie))
    if (seen.unsealError === 'revoked' || Date.now() >= deadline) return seen
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The old cookie reads as a new session: at once on `here` (the instance that ended it) and on an
 * instance made now; within the lag bound on `others`, instances that had seen it before.
 */
async function expectRefused(mode: Mode, cookie: string, here: S, others: S[] = [], fresh: S = mode.make()) {
  expect(outcome(await readCookie(here, cookie)), 'on the instance that ended it').toEqual(REFUSED)
  expect(outcome(await readCookie(fresh, cookie)), 'on an instance made afterwards').toEqual(REFUSED)
  for (const other of others) expect(await outcomeOnceRefused(mode, other, cookie), 'on another instance, within the lag').toEqual(REFUSED)
}

/** The cookie reads with this data on every instance given. */
async function expectReads(cookie: string, data: Data, ...instances: S[]) {
  for (const sessions of instances) expect(outcome(await readCookie(sessions, cookie))).toEqual(reads(data))
}

/**
 * Row 10: a revocation, and a request on instance B that calls regenerateId() on the revoked session
 * and commits just after it. `readBefore`: B's request read the session before the revocation (a
 * request in flight); otherwise B reads it just after, its view from before the revocation. After
 * the lag, whatever cookie the client now holds (the regenerated one, or the old one if B set none)
 * must be refused, on B and on an instance made afterwards.
 */
async function regenerateAcross(mode: Mode, revoke: (a: S, signedIn: { id: string; user: string }) => Promise<unknown>, readBefore: boolean) {
  const [a, b] = [mode.make(), mode.make()]
  const user = newUser()
  const { cookie, id } = await signIn(a, user)
  const early = await readCookie(b, cookie) // B has seen the cookie: a lagged B's view is loaded now
  expect(early.data.userId).toBe(user)
  await nextMillisecond()
  await revoke(a, { id, user })
  const session = readBefore ? early : await readCookie(b, cookie)
  session.regenerateId()
  const held = new Jar(cookie).apply(await b.commit(session, new Response('ok')))
  const kept = held.cookies.has('session') ? held.header : cookie
  // Past the lag: B has caught up with the revocation of the old cookie …
  expect(await outcomeOnceRefused(mode, b, cookie)).toEqual(REFUSED)
  // … and whatever the client holds now is refused too.
  expect(outcome(await readCookie(b, kept)), 'on B').toEqual(REFUSED)
  expect(outcome(await readCookie(mode.make(), kept)), 'on an instance made afterwards').toEqual(REFUSED)
}

// ---- the table ---------------------------------------------------------------------------------

const cases: Array<[name: string, run: (mode: Mode) => Promise<void>]> = [
  ['1. destroy() → the old cookie is refused', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { jar, cookie } = await signIn(app, newUser())
    await readCookie(other, cookie)
    const { response } = await visit(app, jar, (s) => s.destroy())
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    await expectRefused(mode, cookie, app, [other])
  }],

  ['2. regenerateId(true) → the old cookie is refused, the new one keeps the data', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { jar, cookie, data } = await signIn(app, newUser())
    await readCookie(other, cookie)
    await visit(app, jar, (s) => s.regenerateId(true))
    await expectRefused(mode, cookie, app, [other])
    await expectReads(jar.header, data, app, other, mode.make())
  }],

  ['3. regenerateId() → the new cookie keeps the data, and the old one still reads', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { jar, cookie, id, data } = await signIn(app, newUser())
    await readCookie(other, cookie)
    const { session } = await visit(app, jar, (s) => s.regenerateId())
    expect(jar.header).not.toBe(cookie)
    expect(session.id).not.toBe(id)
    await expectReads(jar.header, data, app, other, mode.make())
    await expectReads(cookie, data, app, other, mode.make())
  }],

  ['4. sign-out by deleting only the user (the cart kept) → the old signed-in cookie is refused; the new one has the cart and no user', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const user = newUser()
    const { jar, cookie } = await signIn(app, user)
    await readCookie(other, cookie)
    await visit(app, jar, (s) => void delete s.data.userId)
    await expectReads(jar.header, { cart: `cart of ${user}` }, app, other, mode.make())
    await expectRefused(mode, cookie, app, [other])
  }],

  ['5. switch user (a → b on the same session) → the old cookie is refused; the new one is b', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const [a, b] = [newUser(), newUser()]
    const { jar, cookie } = await signIn(app, a)
    await readCookie(other, cookie)
    await visit(app, jar, (s) => s.set('userId', b))
    await expectReads(jar.header, { userId: b, cart: `cart of ${a}` }, app, other, mode.make())
    await expectRefused(mode, cookie, app, [other])
  }],

  ['6. data emptied (every key deleted, no flash) → the old cookie is refused', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { jar, cookie } = await signIn(app, newUser())
    await readCookie(other, cookie)
    const { response } = await visit(app, jar, (s) => {
      delete s.data.userId
      delete s.data.cart
    })
    expect(response.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/)
    await expectRefused(mode, cookie, app, [other])
  }],

  ['7. revokeAll(user) → every cookie of the user (two devices) is refused; another user’s is not', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const user = newUser()
    const [laptop, phone, someoneElse] = [await signIn(app, user), await signIn(app, user), await signIn(app, newUser())]
    for (const device of [laptop, phone, someoneElse]) await readCookie(other, device.cookie)
    await nextMillisecond()
    await app.revokeAll(user)
    await expectRefused(mode, laptop.cookie, app, [other])
    await expectRefused(mode, phone.cookie, app, [other])
    await expectReads(someoneElse.cookie, someoneElse.data, app, other, mode.make())
  }],

  ['8. revokeAll(user, { except: current.id }) → the current cookie still reads; the other device’s is refused', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const user = newUser()
    const [current, phone] = [await signIn(app, user), await signIn(app, user)]
    for (const device of [current, phone]) await readCookie(other, device.cookie)
    await nextMillisecond()
    await app.revokeAll(user, { except: current.id })
    await expectRefused(mode, phone.cookie, app, [other])
    await expectReads(current.cookie, current.data, app, other, mode.make())
  }],

  ['9. revoke(id) → that cookie is refused', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { cookie, id } = await signIn(app, newUser())
    await readCookie(other, cookie)
    expect(await app.revoke(id)).toBe(true)
    await expectRefused(mode, cookie, app, [other])
  }],

  ['10a. regenerateId() inside the lag window of revoke(id): the regenerated cookie is refused too', (mode) =>
    regenerateAcross(mode, (a, { id }) => a.revoke(id), false)],

  ['10b. regenerateId() inside the lag window of revokeAll(user): the regenerated cookie is refused too', (mode) =>
    regenerateAcross(mode, (a, { user }) => a.revokeAll(user), false)],

  ['10c. regenerateId() on a request in flight across revoke(id) (read before, commit after): the regenerated cookie is refused too', (mode) =>
    regenerateAcross(mode, (a, { id }) => a.revoke(id), true)],

  ['10d. regenerateId() on a request in flight across revokeAll(user) (read before, commit after): the regenerated cookie is refused too', (mode) =>
    regenerateAcross(mode, (a, { user }) => a.revokeAll(user), true)],

  ['11. revokeAll during a password rollout (revoked on a rotated instance) → the old cookie is refused on the not-yet-rotated one too', async (mode) => {
    const rotatedOptions: Options = { password: { 2: newPassword, 1: password } }
    const [notYet, rotated] = [mode.make({ password }), mode.make(rotatedOptions)]
    const user = newUser()
    const { cookie, data } = await signIn(notYet, user)
    await expectReads(cookie, data, rotated) // the rotated instance reads it (and its view is loaded)
    await nextMillisecond()
    await rotated.revokeAll(user)
    await expectRefused(mode, cookie, rotated, [notYet], mode.make({ password }))
    expect(outcome(await readCookie(mode.make(rotatedOptions), cookie)), 'on a rotated instance made afterwards').toEqual(REFUSED)
  }],

  ['12. flash after destroy() → the old cookie is refused; the new one gives the notice and no data', async (mode) => {
    const [app, other] = [mode.make(), mode.make()]
    const { jar, cookie } = await signIn(app, newUser())
    await readCookie(other, cookie)
    await visit(app, jar, (s) => {
      s.destroy()
      s.flash('notice', 'signed out')
    })
    await expectRefused(mode, cookie, app, [other])
    const next = await readCookie(mode.make(), jar.header)
    expect([next.getFlash('notice'), next.data]).toEqual(['signed out', {}])
  }],
]

// ---- every case, in every mode, on every driver ----------------------------------------------------

const setups = drivers.flatMap(([driver, makeStorage]) => modes.map(([mode, lag, plan]) => [`${mode} on ${driver}`, makeStorage, lag, plan] as const))

describe.each(setups)('%s', (_name, makeStorage, lag, plan) => {
  let storage: Storage
  beforeAll(async () => {
    storage = await makeStorage()
  })
  const mode: Mode = {
    lag,
    make: (options = {}) =>
      createSessions<Data>({ password, cookieOptions: { secure: false }, userId: (data) => data.userId, ...plan(reopen(storage), lag), ...options }),
  }

  it.each(cases)('%s', async (_case, run) => run(mode))
})
