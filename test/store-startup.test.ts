// An app started while Redis is down, set up as docs/stores.md's Redis section shows: it starts, each
// read fails fast with a SessionStoreError that names the store call and its key (not ioredis's bare
// "Connection is closed."), ioredis's reconnect attempts go to the app's error listener, and once
// Redis is up the same app reads and writes sessions.
import { createStorage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { createSessions, SessionStoreError } from '../src/index.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password } from './helpers.js'

/** What each test started, stopped after the file. */
const started: Array<{ redis: RunningRedis; dispose: () => Promise<void> }> = []

afterAll(async () => {
  for (const { redis, dispose } of started) {
    await dispose()
    await redis.stop()
  }
})

// With ioredis's enableAutoPipelining too (docs/stores.md, "Redis"): it batches what is sent, and changes none of this.
it.each([false, true])('started while Redis is down: 503-worthy errors naming the call, then sessions once Redis is back (enableAutoPipelining: %s)', async (enableAutoPipelining) => {
  const redis = await startRedis()
  await redis.shutdownSave()
  const warnings: string[] = []
  const storage = createStorage({ driver: redisDriver({ url: redis.url, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, enableAutoPipelining }) })
  started.push({ redis, dispose: () => storage.dispose() })
  const client = storage.getMount('').driver.getInstance!() as { on(event: 'error', listener: (error: Error) => void): void }
  client.on('error', (error) => void warnings.push(error.message))
  const sessions = createSessions<{ n?: number }>({ password, store: sessionStore(storage), storeTimeout: 2000 })

  const jar = new Jar()
  const first = await sessions.read(jar.request())
  first.set('n', 1)
  const error = await sessions.commit(first, new Response()).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(SessionStoreError)
  expect(String(error)).toMatch(/while writing session [0-9a-f]{8}…: (setItem|redis SET)\("ifs:session:[0-9a-f]{8}…"\) failed: /)
  expect(String(error)).toMatch(/answer 503/)
  // ioredis tells the app's error listener of its failed attempt (on a busy machine, after the call above failed).
  for (const deadline = Date.now() + 10_000; warnings.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20))
  expect(warnings.length).toBeGreaterThan(0)

  await redis.restart()
  let response: Response | undefined
  for (let attempt = 0; attempt < 50 && !response; attempt++) {
    const session = await sessions.read(jar.request())
    session.set('n', 1)
    response = await sessions.commit(session, new Response()).catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 100)))
  }
  jar.apply(response!)
  expect((await sessions.read(jar.request())).data).toEqual({ n: 1 })
}, 60_000)
