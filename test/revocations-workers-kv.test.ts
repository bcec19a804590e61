// Revocations in Workers KV, in real workerd: two Miniflare instances (two "locations") run the same
// Worker on one persisted KV namespace; the data stays in the cookie, KV holds only sign-outs. Real
// Workers KV is eventually consistent (up to 60 s between locations, docs/revocations.md), so a lag below that
// does not shorten the delay there; Miniflare's local KV is consistent, so lag is what shows here.
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

async function location(lag: number): Promise<Miniflare> {
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: readWranglerToml()['']!.compatibility_date!,
    bindings: { SESSION_PASSWORD: password, LAG: String(lag) },
    kvNamespaces: ['REVOKED'],
    kvPersist: dir,
  })
  running.push(mf)
  await withTimeout(mf.ready, START_TIMEOUT - 10_000, 'workerd (Miniflare) start')
  return mf
}

const send = (mf: Miniflare, path: string, cookie: string, method = 'GET') => workerSession((url, init) => mf.dispatchFetch(url, init as never) as unknown as Promise<Response>, path, cookie, method)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ifs-kv-'))
  script = await bundleWorker('revocations-kv-worker.js', fixture)
}, START_TIMEOUT)

afterAll(async () => {
  await Promise.allSettled(running.map((mf) => withTimeout(mf.dispose(), 10_000, 'Miniflare dispose')))
  await rm(dir, { recursive: true, force: true })
}, 30_000)

it('bundles to plain web code: no node: imports', () => {
  expect(script).not.toMatch(NODE_IMPORT)
})

it('a sign-out at one location is refused at the other once its lag has passed, with the data never in KV', async () => {
  const [here, there] = [await location(1), await location(1)]
  const jar = new Jar()
  jar.applyLines((await send(here, '/login?user=ada', '', 'POST')).setCookies)
  const stolen = jar.header
  expect((await send(there, '/me', stolen)).body).toEqual({ user: 'ada', unsealError: null })
  expect((await send(here, '/logout', stolen, 'POST')).setCookies[0]).toMatch(/^session=; Max-Age=0/)
  expect((await send(here, '/me', stolen)).body).toEqual({ user: null, unsealError: 'revoked' })
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  expect((await send(there, '/me', stolen)).body).toEqual({ user: null, unsealError: 'revoked' })
  const kv = (await here.getKVNamespace('REVOKED')) as unknown as { list(): Promise<{ keys: Array<{ name: string }> }> }
  const names = (await kv.list()).keys.map((key) => key.name)
  expect(names.every((name) => name.startsWith('ifs:rv:'))).toBe(true)
  expect(names).toHaveLength(2)
}, 60_000)

it('strict (lag 0): refused at the other location on the next request', async () => {
  const [here, there] = [await location(0), await location(0)]
  const jar = new Jar()
  jar.applyLines((await send(here, '/login?user=bo', '', 'POST')).setCookies)
  const stolen = jar.header
  await send(here, '/logout', stolen, 'POST')
  expect((await send(there, '/me', stolen)).body).toEqual({ user: null, unsealError: 'revoked' })
}, 60_000)
