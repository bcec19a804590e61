/**
 * One fleet, many runtimes: the Worker (workerd), the Deno and Bun servers and the fetch-router
 * server (Node), all given one password. A cookie any of them sets is read by every other —
 * sessions are stateless seals, so any instance holding the password is the session store.
 */
import { randomBytes } from 'node:crypto'
import { parseSetCookie } from 'cookie'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../examples/fetch-router/app.js'
import { Jar } from './helpers.js'
import {
  httpClient,
  shown,
  START_TIMEOUT,
  startBunExample,
  startDenoExample,
  startFetchRouterExample,
  startWorkerExample,
  workerClient,
  type ExampleClient,
  type Reply,
} from './runtime-helpers.js'

/** Fresh per run, given to all four: the Worker as its binding (over wrangler.toml's), the servers as SESSION_PASSWORD. */
const password = randomBytes(32).toString('base64')

const stops: Array<() => Promise<void>> = []
let worker: ExampleClient
let others: ExampleClient[] = []

beforeAll(async () => {
  // All at once, each bounded by its own start-up deadline; whatever did start is stopped in afterAll.
  const started = await Promise.allSettled([
    startWorkerExample({ SESSION_PASSWORD: password }).then((running) => {
      stops.push(running.stop)
      return workerClient(running.mf)
    }),
    ...([
      ['deno', startDenoExample],
      ['bun', startBunExample],
      ['node', startFetchRouterExample],
    ] as const).map(([runtime, start]) =>
      start(password).then((server) => {
        stops.push(server.stop)
        return httpClient(runtime, server.origin)
      }),
    ),
  ])
  const failed = started.flatMap((result) => (result.status === 'rejected' ? [result.reason instanceof Error ? result.reason.message : String(result.reason)] : []))
  if (failed.length > 0) throw new Error(`not every runtime started:\n${failed.join('\n\n')}`)
  const clients = started.map((result) => (result as PromiseFulfilledResult<ExampleClient>).value)
  worker = clients[0]!
  others = clients.slice(1)
}, START_TIMEOUT)

afterAll(async () => {
  await Promise.allSettled(stops.map((stop) => stop()))
}, 30_000)

/** The one session cookie a response set (its value), failing if it set anything else. */
function sessionCookie(reply: Reply): string {
  expect(reply.setCookies).toHaveLength(1)
  const cookie = parseSetCookie(reply.setCookies[0]!)
  expect(cookie.name).toBe('session')
  return `session=${cookie.value}`
}

/** A Set-Cookie line without its value: the attributes, which every runtime must write alike. */
const attributes = (reply: Reply) => reply.setCookies.map((line) => line.replace(/^session=[^;]*/, 'session=…'))

describe('one password, four runtimes', () => {
  it('all four are up, each answering as itself', async () => {
    expect(others.map((client) => client.runtime)).toEqual(['deno', 'bun', 'node'])
    for (const client of [worker, ...others]) expect((await client.send('/')).body).toEqual(shown(client.runtime, 0, null))
  })

  it('a cookie the Worker sets is read by the Deno, Bun and Node servers', async () => {
    const login = await worker.send('/login?user=ada', { method: 'POST' })
    const cookie = sessionCookie(login)
    const visit = await worker.send('/visit', { method: 'POST', cookie })
    const visited = sessionCookie(visit)
    expect(visit.body).toEqual(shown('workerd', 1, 'ada'))
    for (const client of others) {
      const read = await client.send('/', { cookie: visited })
      expect(read).toMatchObject({ status: 200, body: shown(client.runtime, 1, 'ada'), setCookies: [] })
    }
  })

  it('a cookie each of them sets is read by the Worker, with the same attributes', async () => {
    const fromWorker = await worker.send('/login?user=grace', { method: 'POST' })
    for (const client of others) {
      const login = await client.send('/login?user=grace', { method: 'POST' })
      const visit = await client.send('/visit', { method: 'POST', cookie: sessionCookie(login) })
      expect(visit.body).toEqual(shown(client.runtime, 1, 'grace'))
      expect(attributes(visit)).toEqual(attributes(fromWorker))
      const read = await worker.send('/', { cookie: sessionCookie(visit) })
      expect(read).toMatchObject({ status: 200, body: shown('workerd', 1, 'grace'), setCookies: [] })
    }
  })

  it('one session relayed around the fleet: each runtime adds a visit to what the last one wrote', async () => {
    const jar = new Jar()
    const relay = [worker, ...others, worker, ...others]
    for (const [index, client] of relay.entries()) {
      const reply = await client.send(index === 0 ? '/login?user=lin' : '/visit', { method: 'POST', ...(jar.cookies.size ? { cookie: jar.header } : {}) })
      expect(reply.body).toEqual(shown(client.runtime, index, 'lin'))
      jar.applyLines(reply.setCookies)
    }
    // Signing out on one of them (Bun) expires the browser's cookie, so it is signed out on all of them.
    const logout = await others[1]!.send('/logout', { method: 'POST', cookie: jar.header })
    expect(logout.setCookies.map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', maxAge: 0 }])
    jar.applyLines(logout.setCookies)
    expect(jar.cookies.size).toBe(0)
    for (const client of [worker, ...others]) expect((await client.send('/')).body).toEqual(shown(client.runtime, 0, null))
  })

  it('an instance with another password reads the fleet\'s cookie as signed out, and expires it', async () => {
    const cookie = sessionCookie(await worker.send('/login?user=mallory', { method: 'POST' }))
    const outsider = createApp({ password: randomBytes(32).toString('base64') })
    const response = await outsider.fetch(new Request('http://127.0.0.1/', { headers: { cookie } }))
    expect(await response.json()).toEqual(shown('node', 0, null))
    expect(response.headers.getSetCookie().map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', maxAge: 0 }])
  })
})
