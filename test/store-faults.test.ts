// A store that fails is an error, never an empty session: real faults, no stubs. A disk that
// fails (the fs driver's directory replaced by a file: ENOTDIR, which that driver *returns* rather
// than throws), and a Redis that stops answering (SIGSTOP). The load run with Redis killed and
// restarted is test/store-outage.test.ts.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { createStorage, type Storage } from 'unstorage'
import fsDriver from 'unstorage/drivers/fs'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { withSession } from '../src/adapters/fetch.js'
import { ironSession, type SessionEnv } from '../src/adapters/hono.js'
import { createSessions, SessionStoreError } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password, url } from './helpers.js'

type Data = { count?: number; user?: string }
const ok = () => new Response('ok')

describe('a disk that fails (unstorage fs driver)', () => {
  let dir: string
  let storage: Storage

  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'iron-fetch-session-faults-')), 'sessions')
    storage = createStorage({ driver: fsDriver({ base: dir }) })
  })

  afterAll(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true })
  })

  /** Runs `during` with the sessions directory replaced by a file, then puts it back. */
  async function withBrokenDisk(during: () => Promise<void>) {
    await rename(dir, `${dir}.away`)
    await writeFile(dir, 'not a directory')
    try {
      await during()
    } finally {
      await rm(dir)
      await rename(`${dir}.away`, dir)
    }
  }

  it('read rejects with SessionStoreError, commit rejects before any Set-Cookie, and afterwards every session reads as it was', async () => {
    const sessions = createSessions<Data>({ password, store: sessionStore(storage), userId: (data) => data.user })
    const jar = new Jar()
    const signedIn = await sessions.read(jar.request())
    signedIn.set('count', 1)
    jar.apply(await sessions.commit(signedIn, ok()))
    const before = await sessions.read(jar.request()) // read while the disk works; the sign-out below commits while it fails

    await withBrokenDisk(async () => {
      const error = await sessions.read(jar.request()).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SessionStoreError)
      expect(error).toMatchObject({ operation: 'read', message: expect.stringMatching(/session store failed while reading session [0-9a-f]{8}….*ENOTDIR.*answer 503/) })

      const fresh = await sessions.read(new Request(url)) // no cookie: nothing to read
      fresh.set('count', 5)
      await expect(sessions.commit(fresh, ok())).rejects.toMatchObject({ name: 'SessionStoreError', operation: 'write' })

      before.destroy()
      await expect(sessions.commit(before, ok())).rejects.toMatchObject({ name: 'SessionStoreError', operation: 'end' })
      await expect(sessions.sessionsOf('anyone')).rejects.toBeInstanceOf(SessionStoreError)
    })

    // The failed sign-out changed nothing: the session is neither ended nor half-ended.
    const after = await sessions.read(jar.request())
    expect([after.unsealError, after.data]).toEqual([undefined, { count: 1 }])
  })

  it('through Hono the app answers 503 and sets no cookie; through withSession the handler never runs', async () => {
    const sessions = { password, store: sessionStore(storage) }
    const jar = new Jar()
    const app = new Hono<SessionEnv<Data>>()
      .use(ironSession<Data>(sessions))
      .get('/', (c) => {
        c.var.session.set('count', (c.var.session.get('count') ?? 0) + 1)
        return c.text(String(c.var.session.get('count')))
      })
      .onError((error, c) => (error instanceof SessionStoreError ? c.text('Try again shortly', 503) : c.text('Error', 500)))
    const first = await app.request(jar.request())
    jar.apply(first)
    expect(await first.text()).toBe('1')
    let handled = 0
    const handler = withSession<Data>(sessions, () => (handled++, ok()))

    await withBrokenDisk(async () => {
      const refused = await app.request(jar.request())
      expect([refused.status, await refused.text(), refused.headers.getSetCookie()]).toEqual([503, 'Try again shortly', []])
      const fresh = await app.request(new Request(url)) // a new session: the write fails
      expect([fresh.status, fresh.headers.getSetCookie()]).toEqual([503, []])
      await expect(handler(jar.request())).rejects.toBeInstanceOf(SessionStoreError)
      expect(handled).toBe(0)
    })

    const back = await app.request(jar.request())
    expect(await back.text()).toBe('2')
  })
})

describe('a Redis that stops answering (SIGSTOP), with storeTimeout', () => {
  let redis: RunningRedis
  let storage: Storage

  beforeAll(async () => {
    redis = await startRedis()
    storage = createStorage({ driver: redisDriver({ url: redis.url }) })
  }, 30_000)

  afterAll(async () => {
    redis?.thaw()
    await storage?.dispose()
    await redis?.stop()
  })

  it('read and commit reject with SessionStoreError naming the timeout; thawed, the sessions read as they were', async () => {
    const sessions = createSessions<Data>({ password, store: sessionStore(storage), storeTimeout: 300 })
    const jar = new Jar()
    const first = await sessions.read(jar.request())
    first.set('count', 1)
    jar.apply(await sessions.commit(first, ok()))

    redis.freeze()
    try {
      await expect(sessions.read(jar.request())).rejects.toMatchObject({ name: 'SessionStoreError', operation: 'read', message: expect.stringContaining('did not answer within 300 ms') })
      const fresh = await sessions.read(new Request(url))
      fresh.set('count', 9)
      const response = ok()
      await expect(sessions.commit(fresh, response)).rejects.toMatchObject({ name: 'SessionStoreError', operation: 'write' })
      expect(response.headers.getSetCookie()).toEqual([])
    } finally {
      redis.thaw()
    }
    expect((await sessions.read(jar.request())).data).toEqual({ count: 1 })
  })
})
