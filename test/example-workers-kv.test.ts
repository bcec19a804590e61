/**
 * examples/workers-kv in real workerd: the Worker bundled as wrangler would, run by Miniflare with
 * its wrangler.toml's [vars] and KV namespace, the sessions in Workers KV through unstorage's
 * cloudflare-kv-binding driver. The Worker imports 'iron-fetch-session' (dist/): `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browse, exampleDirs, expectTheSharedRoutes, NODE_IMPORT, readWranglerToml, START_TIMEOUT, startWorkerExample, workerClient, type RunningWorker } from './runtime-helpers.js'

interface KV {
  list(options: { prefix: string }): Promise<{ keys: Array<{ name: string }> }>
  get(key: string): Promise<string | null>
}

const toml = readWranglerToml(`${exampleDirs.workersKv}wrangler.toml`)

describe('examples/workers-kv: wrangler.toml', () => {
  it('binds a KV namespace, in production its own, and a development password in [vars] only', () => {
    expect(toml['']).toMatchObject({ name: expect.any(String), main: 'src/index.ts', compatibility_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })
    expect(toml.kv_namespaces).toMatchObject({ binding: 'SESSIONS', id: expect.any(String) })
    expect(toml['env.production.kv_namespaces']).toMatchObject({ binding: 'SESSIONS' })
    expect(toml['env.production.kv_namespaces']!.id).not.toBe(toml.kv_namespaces!.id)
    expect(toml.vars?.SESSION_PASSWORD?.length).toBeGreaterThanOrEqual(32)
    expect(toml['env.production.vars']).toBeUndefined()
  })
})

describe('examples/workers-kv: the Worker in workerd with Workers KV', () => {
  let worker: RunningWorker | undefined

  beforeAll(async () => {
    worker = await startWorkerExample({}, { dir: exampleDirs.workersKv })
  }, START_TIMEOUT)

  afterAll(async () => {
    await worker?.stop()
  }, 30_000)

  it('bundles to plain web code, unstorage and its KV driver included: no node: imports', () => {
    expect(worker!.script).not.toMatch(NODE_IMPORT)
    expect(worker!.script).toContain('cloudflare-kv-binding')
  })

  it('serves the shared routes, with the data in KV and only a sealed id in the cookie', async () => {
    await expectTheSharedRoutes(workerClient(worker!.mf))
    const { jar, send } = browse(workerClient(worker!.mf))
    await send('/visit', 'POST')
    // Miniflare's KVNamespace (its types come from @cloudflare/workers-types, not installed here).
    const kv = (await worker!.mf.getKVNamespace('SESSIONS')) as unknown as KV
    const keys = (await kv.list({ prefix: 'ifs:session:' })).keys.map((key) => key.name)
    const cookie = jar.cookies.get('session')!
    expect(cookie.length).toBeLessThan(400)
    const mine = keys.filter((key) => key.length === 'ifs:session:'.length + 32)
    const values = await Promise.all(mine.map((key) => kv.get(key)))
    expect(values.filter((value) => value?.startsWith('ifs1:') && value.includes('"data":{"visits":1}'))).toHaveLength(1)
  })

  it('lists a user’s devices, and signing out everywhere else ends the other device’s session', async () => {
    const client = workerClient(worker!.mf)
    const laptop = browse(client)
    const phone = browse(client)
    for (const device of [laptop, phone]) {
      expect((await device.send('/login?user=grace', 'POST')).body).toMatchObject({ user: 'grace' })
    }
    const devices = (await laptop.send('/devices')).body as { current: string; devices: Array<{ id: string }> }
    expect(devices.devices.map((device) => device.id)).toContain(devices.current)
    expect(devices.devices).toHaveLength(2)
    expect((await laptop.send('/logout-everywhere', 'POST')).body).toEqual({ ended: 1 })
    const phoneNow = await phone.send('/')
    expect(phoneNow.body).toMatchObject({ user: null, visits: 0 })
    expect(phoneNow.setCookies).toEqual([expect.stringMatching(/^session=; Max-Age=0/)])
    expect((await laptop.send('/')).body).toMatchObject({ user: 'grace' })
    expect(((await laptop.send('/devices')).body as { devices: unknown[] }).devices).toHaveLength(1)
  })
})
