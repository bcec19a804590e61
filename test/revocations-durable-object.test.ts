// Revocations on a Durable Object, in real workerd: one Miniflare runs two Workers ("two instances": each its own
// isolate and revocation view), both bound to one RevocationLog object (durableObjectStore). The object is strongly
// consistent, unlike Workers KV: a sign-out on one Worker is refused on the other once its lag has passed, and at
// once with lag 0.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Jar, password } from './helpers.js'
import { bundleWorker, NODE_IMPORT, readWranglerToml, START_TIMEOUT, withTimeout, workerSession } from './runtime-helpers.js'

const fixture = new URL('./fixtures/', import.meta.url).pathname
let dir: string
let script: string
const running: Miniflare[] = []

type Fetcher = { fetch(input: string, init?: RequestInit): Promise<Response> }

/** Two Workers of the same script, the second bound to the first's RevocationLog class. */
async function twoWorkers(lag: number): Promise<[Fetcher, Fetcher, Miniflare]> {
  const common = { modules: true, script, compatibilityDate: readWranglerToml()['']!.compatibility_date!, bindings: { SESSION_PASSWORD: password, LAG: String(lag) } }
  const mf = new Miniflare({
    durableObjectsPersist: dir,
    workers: [
      { ...common, name: 'here', durableObjects: { REVOCATIONS: { className: 'RevocationLog', useSQLite: true } } },
      { ...common, name: 'there', durableObjects: { REVOCATIONS: { className: 'RevocationLog', scriptName: 'here', useSQLite: true } } },
    ],
  })
  running.push(mf)
  await withTimeout(mf.ready, START_TIMEOUT - 10_000, 'workerd (Miniflare) start')
  return [(await mf.getWorker('here')) as unknown as Fetcher, (await mf.getWorker('there')) as unknown as Fetcher, mf]
}

const send = (worker: Fetcher, path: string, cookie: string, method = 'GET') => workerSession((url, init) => worker.fetch(url, init), path, cookie, method)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ifs-do-'))
  script = await bundleWorker('revocations-do-worker.js', fixture)
}, START_TIMEOUT)

afterAll(async () => {
  await Promise.allSettled(running.map((mf) => withTimeout(mf.dispose(), 10_000, 'Miniflare dispose')))
  await rm(dir, { recursive: true, force: true })
}, 30_000)

it('bundles to plain web code: no node: imports', () => {
  expect(script).not.toMatch(NODE_IMPORT)
})

it('lagged: a sign-out on one Worker is refused on the other once its lag has passed (polled, not slept)', async () => {
  const [here, there] = await twoWorkers(1)
  const jar = new Jar()
  jar.applyLines((await send(here, '/login?user=ada', '', 'POST')).setCookies)
  const stolen = jar.header
  expect((await send(there, '/me', stolen)).body).toEqual({ user: 'ada', unsealError: null })
  expect((await send(here, '/logout', stolen, 'POST')).setCookies[0]).toMatch(/^session=; Max-Age=0/)
  expect((await send(here, '/me', stolen)).body).toEqual({ user: null, unsealError: 'revoked' })
  const signedOut = Date.now()
  let body = (await send(there, '/me', stolen)).body
  while (body.unsealError !== 'revoked' && Date.now() - signedOut < 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    body = (await send(there, '/me', stolen)).body
  }
  expect(body).toEqual({ user: null, unsealError: 'revoked' })
  // Within the lag and a request's time: a strongly consistent log, unlike KV's up to 60 s.
  expect(Date.now() - signedOut).toBeLessThan(5_000)
}, 60_000)

it('strict (lag 0): refused on the other Worker on the next request', async () => {
  const [here, there] = await twoWorkers(0)
  const jar = new Jar()
  jar.applyLines((await send(here, '/login?user=bo', '', 'POST')).setCookies)
  const stolen = jar.header
  expect((await send(there, '/me', stolen)).body).toEqual({ user: 'bo', unsealError: null })
  await send(here, '/logout', stolen, 'POST')
  expect((await send(there, '/me', stolen)).body).toEqual({ user: null, unsealError: 'revoked' })
}, 60_000)
