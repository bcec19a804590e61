/**
 * examples/workers in real workerd: the module Worker bundled as wrangler would (esbuild), run by
 * Miniflare with the compatibility date and [vars] of its wrangler.toml, driven with dispatchFetch.
 * The Worker imports 'iron-fetch-session/fetch' (dist/): `npm test` builds first.
 */
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectTheSharedRoutes, NODE_IMPORT, readWranglerToml, root, START_TIMEOUT, startWorkerExample, workerClient, type RunningWorker } from './runtime-helpers.js'

const toml = readWranglerToml()

describe('examples/workers: wrangler.toml', () => {
  it('names the Worker, its entry and compatibility date, and a development password in [vars] only', () => {
    expect(toml['']).toMatchObject({ name: expect.any(String), main: 'src/index.ts', compatibility_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })
    expect(toml.vars?.SESSION_PASSWORD?.length).toBeGreaterThanOrEqual(32)
    // [vars] are not inherited: deployed with --env production, the Worker's only password is the secret.
    expect(toml['env.production']).toEqual({})
    expect(toml['env.production.vars']).toBeUndefined()
  })

  it('the root wrangler.toml points at the same Worker, with the same settings', () => {
    const rootToml = readWranglerToml(`${root}wrangler.toml`)
    expect(rootToml['']).toEqual({ ...toml[''], main: `examples/workers/${toml['']!.main}` })
    expect(existsSync(`${root}${rootToml['']!.main}`)).toBe(true)
    expect({ ...rootToml, '': undefined }).toEqual({ ...toml, '': undefined })
  })
})

describe('examples/workers: the Worker in workerd', () => {
  let worker: RunningWorker | undefined
  const unconfigured: RunningWorker[] = []

  beforeAll(async () => {
    worker = await startWorkerExample()
  }, START_TIMEOUT)

  afterAll(async () => {
    await Promise.allSettled([worker, ...unconfigured].map((running) => running?.stop()))
  }, 30_000)

  it('bundles to plain web code: no node: imports, so no nodejs_compat flag', () => {
    expect(worker!.script).not.toMatch(NODE_IMPORT)
    expect(worker!.script).toContain('Fe26.2')
  })

  it('serves the shared routes with the password from its binding', async () => {
    await expectTheSharedRoutes(workerClient(worker!.mf))
  })

  it('without SESSION_PASSWORD it fails closed: 500 and no cookie', async () => {
    const running = await startWorkerExample({}, { vars: false })
    unconfigured.push(running)
    for (const [path, method] of [['/', 'GET'], ['/visit', 'POST']] as const) {
      const reply = await workerClient(running.mf).send(path, { method })
      expect(reply.status).toBe(500)
      expect(reply.setCookies).toEqual([])
      expect(reply.body).toContain('iron-fetch-session: password is missing') // Miniflare shows the error, as `wrangler dev` does
    }
  }, START_TIMEOUT)
})
