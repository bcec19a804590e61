/**
 * examples/hono with each store SESSION_STORE can name (examples/hono/store.js): memory, a
 * directory, and Redis (a redis-server this file starts). The same app as without a store, with a
 * cookie that holds only a sealed id, and two routes only a store makes possible: the user's
 * devices, and signing out everywhere else.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Storage } from 'unstorage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { createApp, DEMO_USER } from '../examples/hono/app.js'
import { createStore } from '../examples/hono/store.js'
import { appClient, Jar } from './helpers.js'

const password = 'an-example-test-password-of-32-characters'
const origin = 'http://localhost'
const login = { method: 'POST', body: new URLSearchParams({ username: DEMO_USER.username, password: DEMO_USER.password }), headers: { origin } }

let redis: RunningRedis
let dir: string
const stores: Storage[] = []

beforeAll(async () => {
  redis = await startRedis()
  dir = await mkdtemp(join(tmpdir(), 'iron-fetch-session-hono-fs-'))
}, 30_000)

afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.dispose()))
  await redis?.stop()
  await rm(dir, { recursive: true, force: true })
})

describe.each(['memory', 'fs', 'redis'])('examples/hono with SESSION_STORE=%s', (kind) => {
  let app: ReturnType<typeof createApp>
  let store: Storage

  beforeAll(async () => {
    store = (await createStore(kind === 'memory' ? 'memory' : kind === 'fs' ? `fs:${dir}` : redis.url))!
    stores.push(store)
    app = createApp({ password, store })
  })

  const browser = () => appClient(app)

  it('signs in with a new id, counts visits in the store, and the cookie holds only the id (and its user\'s key)', async () => {
    const { jar, send } = browser()
    expect((await send('/login', login)).status).toBe(303)
    // 393 characters for an id and its birth, 478 with the user's key that lets reads check "sign out everywhere".
    expect(jar.cookies.get('session')!.length).toBe(478)
    await send('/')
    await send('/')
    expect(await (await send('/api/me')).json()).toMatchObject({ user: { username: 'demo' }, visits: 2 })
    const { current } = (await (await send('/api/devices')).json()) as { current: string }
    const record = (await store.getItem(`ifs:session:${current}`)) as string
    expect(JSON.parse(record.slice('ifs1:'.length)).data).toMatchObject({ visits: 2, user: { username: 'demo' } })
  })

  it('lists the devices, and "sign out everywhere else" ends the others; sign-out ends this one', async () => {
    const laptop = browser()
    const phone = browser()
    await laptop.send('/login', login)
    await phone.send('/login', login)
    const { current, devices } = (await (await laptop.send('/api/devices')).json()) as { current: string; devices: Array<{ id: string }> }
    expect(devices.map((device) => device.id)).toContain(current)
    const phoneId = ((await (await phone.send('/api/devices')).json()) as { current: string }).current
    expect(devices.map((device) => device.id)).toContain(phoneId)

    expect((await laptop.send('/logout-everywhere', { method: 'POST', headers: { origin } })).status).toBe(303)
    expect(await (await phone.send('/api/me')).json()).toMatchObject({ user: null })
    expect(await (await laptop.send('/api/me')).json()).toMatchObject({ user: { username: 'demo' } })
    const after = (await (await laptop.send('/api/devices')).json()) as { devices: Array<{ id: string }> }
    expect(after.devices.map((device) => device.id)).not.toContain(phoneId)

    const copy = new Jar(laptop.jar.header)
    await laptop.send('/logout', { method: 'POST', headers: { origin } })
    expect(await store.getItem(`ifs:session:${current}`)).toBeNull()
    const stolen = await app.request('/api/me', { headers: { cookie: copy.header } })
    expect(await stolen.json()).toMatchObject({ user: null })
  })
})

it('SESSION_STORE names memory, a directory, Redis or a Redis Cluster, and nothing else', async () => {
  expect(await createStore(undefined)).toBeUndefined()
  await expect(createStore('mongodb://x')).rejects.toThrow('SESSION_STORE must be memory, fs:<directory>, a redis:// URL or redis-cluster://host:port,…')
  await expect(createStore('fs:')).rejects.toThrow('SESSION_STORE must be')
  await expect(createStore('redis-cluster://')).rejects.toThrow('SESSION_STORE must be')
})
