// Findings of the round-four review of revocations (issue 29; reproducers in ../shared/review-round-4/), each as
// what a user relies on, on real Requests and Responses: anonymous visitors make no markers, seals that would
// outlive their revocation are refused, a garbage listing is a failing store (503) rather than a sign-out, the
// drop-in's destroy() never ends a process, and revocations set up per request are told in development.
import * as ironSession9 from 'iron-session-9'
import { createStorage, type Storage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { storeDrivers } from './store-drivers.js'
import { getIronSession, type SessionOptions as IronSessionOptions } from '../src/adapters/iron-session.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { revocable, redisRevocationStore } from '../src/revocations.js'
import { SessionStoreError, sessionStore } from '../src/store/index.js'
import { Jar, password, visit } from './helpers.js'

type Data = { userId?: string; cart?: string[] }
type Flash = { notice: string }

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const markers = async (storage: Storage) => (await storage.getKeys('ifs:rv:')).length

describe('1. an anonymous visitor makes no revocation markers', () => {
  it('a failed sign-in flash, read on the next request, then a sign-out: nothing is written to the revocation store', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data, Flash>({ password, userId: (data) => data.userId, revocations: revocable({ store: storage, lag: 0 }) })
    for (let visitor = 0; visitor < 20; visitor++) {
      const jar = new Jar()
      await visit(sessions as never, jar, (s) => (s as unknown as { flash(k: string, v: string): void }).flash('notice', 'Invalid password'))
      const shown = await sessions.read(jar.request())
      expect(shown.getFlash('notice')).toBe('Invalid password')
      jar.apply(await sessions.commit(shown, new Response('ok')))
      await visit(sessions as never, new Jar(jar.header), (s) => s.destroy())
    }
    expect(await markers(storage)).toBe(0)
  })

  it('a session that held something is still ended: a signed-in sign-out writes its marker', async () => {
    const storage = createStorage()
    const sessions = createSessions<Data>({ password, userId: (data) => data.userId, revocations: revocable({ store: storage, lag: 0 }) })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('userId', 'ada'))
    const stolen = new Jar(jar.header)
    await visit(sessions, jar, (s) => s.destroy())
    expect(await markers(storage)).toBeGreaterThan(0)
    expect((await sessions.read(stolen.request())).unsealError).toBe('revoked')
  })
})

describe('2. a seal that would outlive its revocation is refused, with revocations and with a store', () => {
  const day = 24 * 3600
  const modes: Array<[string, () => Pick<SessionOptions<Data>, 'revocations' | 'store'>]> = [
    ['revocations', () => ({ revocations: revocable({ store: createStorage(), lag: 0 }) })],
    ['store (legacySeals: migrate)', () => ({ store: sessionStore(createStorage()) })],
  ]
  for (const [name, mode] of modes) {
    it(`${name}: iron-session's ttl-0 and 30-day cookies, and ours sealed before ttl was lowered, read as expired; one within ttl reads`, async () => {
      const reasons: string[] = []
      const sessions = createSessions<Data>({ password, ttl: day, userId: (data) => data.userId, onUnsealError: (reason) => void reasons.push(reason), ...mode() })
      const forever = await ironSession9.sealData({ userId: 'ada' }, { password, ttl: 0 })
      const month = await ironSession9.sealData({ userId: 'ada' }, { password, ttl: 30 * day })
      const before = new Jar()
      await visit(createSessions<Data>({ password, ttl: 30 * day, userId: (data) => data.userId, ...mode() }), before, (s) => s.set('userId', 'ada'))
      for (const cookie of [`session=${forever}`, `session=${month}`, before.header]) {
        const session = await sessions.read(new Jar(cookie).request())
        expect([session.isNew, session.data, session.unsealError]).toEqual([true, {}, 'expired'])
      }
      expect(reasons).toEqual(['expired', 'expired', 'expired'])
      const fresh = await ironSession9.sealData({ userId: 'ada' }, { password, ttl: day })
      expect((await sessions.read(new Jar(`session=${fresh}`).request())).data).toEqual({ userId: 'ada' })
    })
  }

  it('cookie-only, the same seals read as before: without a store of revocations, nothing has to outlive them', async () => {
    const sessions = createSessions<Data>({ password, ttl: day })
    const forever = await ironSession9.sealData({ userId: 'ada' }, { password, ttl: 0 })
    expect((await sessions.read(new Jar(`session=${forever}`).request())).data).toEqual({ userId: 'ada' })
  })
})

describe('5. a revocation listing that is not one is a failing store, never a sign-out', () => {
  for (const [name, answer] of [['null', () => null], ['an iterator', (keys: string[]) => keys.values()]] as const) {
    it(`getKeys answering ${name}: the first read rejects with SessionStoreError, and no Set-Cookie clears the user's cookie`, async () => {
      const storage = createStorage()
      let broken = false
      const store = {
        getItem: (key: string) => storage.getItem(key),
        setItem: (key: string, value: string) => storage.setItem(key, value),
        removeItem: (key: string) => storage.removeItem(key),
        getKeys: async (base: string) => (broken ? answer(await storage.getKeys(base)) : storage.getKeys(base)),
      }
      const jar = new Jar()
      await visit(createSessions<Data>({ password, revocations: revocable({ store, lag: 5 }) }), jar, (s) => s.set('userId', 'ada'))
      broken = true
      const instance = createSessions<Data>({ password, revocations: revocable({ store, lag: 5 }) })
      const read = instance.read(jar.request())
      await expect(read).rejects.toBeInstanceOf(SessionStoreError)
      await expect(read).rejects.toThrow('not an array of keys')
    })
  }
})

describe('6. the iron-session drop-in', () => {
  const drop = (revocations: unknown) => ({ cookieName: 'session', password, extras: revocations ? { revocations: revocations as never, userId: (data: Record<string, unknown>) => data.userId as string | undefined } : undefined }) as IronSessionOptions

  it('an un-awaited destroy() with a failing store is no unhandled rejection: it is logged with the fix; awaited, it rejects with SessionStoreError', async () => {
    const failing = { getItem: () => null, setItem: () => Promise.reject(new Error('down')), removeItem: () => undefined, getKeys: () => [] }
    const options = drop(revocable({ store: failing, lag: 0 }))
    const jar = new Jar()
    const response = new Response('ok')
    const signIn = await getIronSession<Data>(jar.request(), response, options)
    signIn.userId = 'ada'
    await signIn.save()
    jar.apply(response)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const session = await getIronSession<Data>(jar.request(), new Response('ok'), options)
      session.destroy() // as iron-session code calls it: not awaited
      await vi.waitFor(() => expect(logged).toHaveBeenCalled())
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(unhandled).toEqual([])
      expect(String(logged.mock.calls[0]?.[0])).toContain('await session.destroy()')
      const again = await getIronSession<Data>(jar.request(), new Response('ok'), options)
      await expect(again.destroy() as unknown as Promise<void>).rejects.toBeInstanceOf(SessionStoreError)
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('a route without extras.revocations re-saves the session under the same id: the sign-out ends that copy too', async () => {
    const store = createStorage()
    const core = createSessions<Data>({ password, userId: (data) => data.userId, revocations: revocable({ store, lag: 0 }) })
    const jar = new Jar()
    await visit(core, jar, (s) => s.set('userId', 'ada'))
    // A thief's copy passes through a route still on getIronSession without extras, which saves it.
    const response = new Response('ok')
    const old = await getIronSession<Data & { seen?: number }>(new Jar(jar.header).request(), response, drop(undefined))
    old.seen = 1
    await old.save()
    const resaved = new Jar().apply(response)
    expect((await core.read(resaved.request())).data).toEqual({ userId: 'ada', seen: 1 })
    await visit(core, jar, (s) => s.destroy())
    expect((await core.read(resaved.request())).unsealError).toBe('revoked')
  })
})

describe('7. revocations set up per request are told, in development', () => {
  it('an options function that calls revocable() on every call: one warning that says to make it once', async () => {
    // Fresh modules: the warning is told once per process, and the tests above have set up revocations again and again.
    vi.resetModules()
    const fresh = { ...(await import('../src/revocations.js')), ...(await import('../src/adapters/fetch.js')) }
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const store = createStorage()
    const handler = fresh.withSession<Data, Record<string, unknown>, []>(() => ({ password, revocations: fresh.revocable({ store, lag: 5 }) }), () => new Response('ok'))
    for (let i = 0; i < 6; i++) await handler(new Request('https://app.example/'))
    const told = warned.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('revocable('))
    expect(told).toHaveLength(1)
    expect(told[0]).toContain('Make revocable({ store, lag }) once, at module scope')
  })

  it('an app that sets up its sessions once is not told, however many requests it serves', async () => {
    vi.resetModules()
    const fresh = { ...(await import('../src/revocations.js')), ...(await import('../src/adapters/fetch.js')) }
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const plan = fresh.revocable({ store: createStorage(), lag: 5 })
    const handler = fresh.withSession<Data, Record<string, unknown>, []>(() => ({ password, revocations: plan }), () => new Response('ok'))
    const other = fresh.withSession<Data, Record<string, unknown>, []>({ password, cookieName: 'admin', revocations: fresh.revocable({ store: createStorage(), lag: 5 }) }, () => new Response('ok'))
    for (let i = 0; i < 20; i++) await Promise.all([handler(new Request('https://app.example/')), other(new Request('https://app.example/'))])
    expect(warned.mock.calls.filter(([message]) => String(message).includes('revocable('))).toEqual([])
  })
})

describe('4. the lag bounds how stale a waited-on view may be', () => {
  it('a read that finds the view older than the lag does not settle for a slow listing that began before the revocation', async () => {
    const backing = createStorage()
    // A listing that sees the keys as they are when it starts, and answers when the test lets it (a long SCAN).
    let holding = false
    const held: Array<() => void> = []
    const store = {
      getItem: (key: string) => backing.getItem(key),
      setItem: (key: string, value: string) => backing.setItem(key, value),
      removeItem: (key: string) => backing.removeItem(key),
      getKeys: async (base: string) => {
        const keys = await backing.getKeys(base)
        if (holding) await new Promise<void>((resolve) => held.push(resolve))
        return keys
      },
    }
    const make = () => createSessions<Data>({ password, revocations: revocable({ store, lag: 1 }) })
    const [a, b] = [make(), make()]
    const jar = new Jar()
    await visit(a, jar, (s) => s.set('userId', 'ada'))
    const stolen = new Jar(jar.header)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'], now: t0 })
    expect((await b.read(stolen.request())).data).toEqual({ userId: 'ada' }) // b's view loads
    // Past half the lag, b starts a background refresh whose listing is slow.
    holding = true
    vi.setSystemTime(t0 + 600)
    expect((await b.read(stolen.request())).data).toEqual({ userId: 'ada' })
    await vi.waitFor(() => expect(held.length).toBeGreaterThan(0))
    holding = false
    // The user signs out on a.
    vi.setSystemTime(t0 + 700)
    await visit(a, jar, (s) => s.destroy())
    // A lag after the sign-out, b's view is older than the lag: the read must not decide from the slow listing.
    vi.setSystemTime(t0 + 1_800)
    const reading = b.read(stolen.request())
    for (const release of held.splice(0)) release()
    expect((await reading).unsealError).toBe('revoked')
  })
})

describe('scale: on Redis, a lagged refresh costs the new revocations, not the keys the database holds', () => {
  // A redis-server started for this block on a free local port (test/store-drivers.ts), stopped after it.
  const { redis } = storeDrivers('ifs-review-')

  it('with 30,000 other keys, five refreshes and a new instance\'s first load take a few commands, not a scan', async () => {
    const storage = createStorage({ driver: redisDriver({ url: redis().url }) })
    try {
      const client = storage.getMount('').driver.getInstance!() as { pipeline(): { set(key: string, value: string): unknown; exec(): Promise<unknown> }; info(section: string): Promise<string> }
      for (let batch = 0; batch < 30; batch++) {
        const pipeline = client.pipeline()
        for (let i = 0; i < 1000; i++) pipeline.set(`app:cache:${batch}:${i}`, 'x')
        await pipeline.exec()
      }
      const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1])
      const make = () => createSessions<Data>({ password, userId: (data) => data.userId, revocations: revocable({ store: storage, lag: 1 }) })
      const writer = make()
      const jars = await Promise.all(Array.from({ length: 3 }, async (_, i) => {
        const jar = new Jar()
        await visit(writer, jar, (s) => s.set('userId', `scale-${i}`))
        return jar
      }))
      const reader = make()
      const before = await commands()
      expect((await reader.read(jars[0]!.request())).data).toEqual({ userId: 'scale-0' }) // the first load
      const t0 = Date.now()
      vi.useFakeTimers({ toFake: ['Date'], now: t0 })
      for (let refresh = 1; refresh <= 5; refresh++) {
        vi.setSystemTime(t0 + refresh * 1_100) // each read finds the view a lag old, and waits for a refresh
        await reader.read(jars[0]!.request())
      }
      vi.useRealTimers()
      // An XRANGE a refresh, a CONFIG GET at the first load, INFO itself: a handful. A scan of 30,000 keys (the key-listing
      // log) is thousands of commands a refresh (45,937 for these six loads, measured on the code before the stream).
      expect((await commands()) - before).toBeLessThanOrEqual(20)
      // And the log does its work: a sign-out on the writer is refused on the reader at its next refresh.
      const stolen = new Jar(jars[1]!.header)
      expect((await reader.read(stolen.request())).data).toEqual({ userId: 'scale-1' })
      await visit(writer, jars[1]!, (s) => s.destroy())
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10_000 })
      expect((await reader.read(stolen.request())).unsealError).toBe('revoked')
    } finally {
      vi.useRealTimers()
      await storage.dispose()
    }
  }, 60_000)

  it('push: with lag 30, a sign-out on one instance is refused on another within seconds, not a lag; with push false, the old view holds', async () => {
    // As docs/stores.md sets Redis up: no offline queue, connected on first use (the push connection is a duplicate of it).
    const storage = createStorage({ driver: redisDriver({ url: redis().url, enableOfflineQueue: false, lazyConnect: true }) })
    await (storage.getMount('').driver.getInstance!() as { connect(): Promise<void> }).connect()
    try {
      const make = (push: boolean) => createSessions<Data>({ password, userId: (data) => data.userId, revocations: revocable({ store: storage, lag: 30, push }) })
      const [writer, listening, polling] = [make(true), make(true), make(false)]
      const jar = new Jar()
      await visit(writer, jar, (s) => s.set('userId', 'push'))
      const stolen = new Jar(jar.header)
      for (const reader of [listening, polling]) expect((await reader.read(stolen.request())).data).toEqual({ userId: 'push' }) // views load
      await visit(writer, jar, (s) => s.destroy())
      const signedOut = Date.now()
      // Bounded by what push takes (milliseconds), far under the lag: poll until refused, up to 5 s.
      let reason: string | undefined
      while (Date.now() - signedOut < 5_000) {
        reason = (await listening.read(stolen.request())).unsealError
        if (reason === 'revoked') break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(reason).toBe('revoked')
      // Without push, the view is the one loaded before the sign-out until a lag has passed.
      expect((await polling.read(stolen.request())).data).toEqual({ userId: 'push' })
    } finally {
      await storage.dispose()
    }
  }, 30_000)

  it("an ioredis client the app already has: redisRevocationStore(client) keeps the same keys and the stream log, with push", async () => {
    const { Redis } = await import('ioredis')
    const [one, two] = [new Redis(redis().url), new Redis(redis().url)]
    try {
      const make = (client: typeof one, lag: number) => createSessions<Data>({ password, userId: (data) => data.userId, revocations: revocable({ store: redisRevocationStore(client, { base: 'app' }), lag }) })
      const [writer, reader, strict] = [make(one, 30), make(two, 30), make(two, 0)]
      const jar = new Jar()
      await visit(writer, jar, (s) => s.set('userId', 'direct'))
      const stolen = new Jar(jar.header)
      expect((await reader.read(stolen.request())).data).toEqual({ userId: 'direct' })
      await visit(writer, jar, (s) => s.destroy())
      expect((await strict.read(stolen.request())).unsealError).toBe('revoked') // the marker, read at once
      const signedOut = Date.now()
      let reason: string | undefined
      while (Date.now() - signedOut < 5_000) {
        reason = (await reader.read(stolen.request())).unsealError
        if (reason === 'revoked') break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(reason).toBe('revoked') // pushed, far within the lag of 30 s
      expect(await one.xlen('app:ifs:rv:stream')).toBeGreaterThan(0)
      expect((await one.keys('app:ifs:rv:id:*')).length).toBeGreaterThan(0)
    } finally {
      one.disconnect()
      two.disconnect()
    }
  }, 30_000)

  it('a Redis that may evict revocation markers is told once, with the settings to use; noeviction is not', async () => {
    for (const [policy, told] of [['volatile-lru', 1], ['noeviction', 0]] as const) {
      vi.resetModules() // told once per process: fresh modules for each policy
      const fresh = { ...(await import('../src/index.js')), ...(await import('../src/revocations.js')) }
      expect(await redis().command('CONFIG', 'SET', 'maxmemory-policy', policy)).toBe('+OK')
      const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const storage = createStorage({ driver: redisDriver({ url: redis().url }) })
      try {
        const sessions = fresh.createSessions<Data>({ password, revocations: fresh.revocable({ store: storage, lag: 1 }) })
        const jar = new Jar()
        await visit(sessions, jar, (s) => s.set('userId', 'ada'))
        expect((await sessions.read(jar.request())).data).toEqual({ userId: 'ada' }) // the first load of the view
        const messages = warned.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('maxmemory-policy'))
        expect(messages).toHaveLength(told)
        if (told) expect(messages[0]).toContain('maxmemory-policy noeviction, and persistence (appendonly yes)')
      } finally {
        warned.mockRestore()
        await storage.dispose()
      }
    }
    await redis().command('CONFIG', 'SET', 'maxmemory-policy', 'noeviction')
  }, 60_000)
})
