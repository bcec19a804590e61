/**
 * examples/fetch-router: the router app in-process, and server.js (node-fetch-server on
 * node:http) as a child process on 127.0.0.1 serving the shared routes. The example imports
 * 'iron-fetch-session/fetch-router' (dist/): `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../examples/fetch-router/app.js'
import {
  expectTheSharedRoutes,
  httpClient,
  root,
  spawnChild,
  START_TIMEOUT,
  startFetchRouterExample,
  withTimeout,
  type ExampleClient,
  type RunningServer,
} from './runtime-helpers.js'

const password = 'a-fetch-router-example-password-32-chars'

describe('examples/fetch-router: the app', () => {
  it('serves the shared routes through router.fetch', async () => {
    const app = createApp({ password })
    const client: ExampleClient = {
      runtime: 'node',
      async send(path, { method = 'GET', cookie } = {}) {
        const response = await app.fetch(new Request(new URL(path, 'http://127.0.0.1/'), { method, headers: cookie ? { cookie } : {} }))
        const text = await response.text()
        return {
          status: response.status,
          body: JSON.parse(text) as unknown,
          setCookies: response.headers.getSetCookie(),
          contentType: response.headers.get('content-type'),
          cacheControl: response.headers.get('cache-control'),
        }
      },
    }
    await expectTheSharedRoutes(client)
  })

  it('checks the password when it is built', () => {
    expect(() => createApp({ password: 'too-short' })).toThrow(/password must be a string of at least 32 characters/)
  })
})

describe('examples/fetch-router: server.js on node:http', () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    server = await startFetchRouterExample(password)
  }, START_TIMEOUT)

  afterAll(async () => {
    await server?.stop()
  }, 30_000)

  it('serves the shared routes', async () => {
    expect(server!.run.output()).toContain(`fetch-router example listening on ${server!.origin}/`)
    await expectTheSharedRoutes(httpClient('node', server!.origin))
  })

  it('refuses to start without SESSION_PASSWORD, saying why', async () => {
    const run = spawnChild(process.execPath, ['examples/fetch-router/server.js'], { cwd: root, env: { PORT: '0' } })
    try {
      expect(await withTimeout(run.exited, 30_000, 'fetch-router example without a password')).toBe(1)
      expect(run.output()).toContain('fetch-router example: SESSION_PASSWORD is not set')
    } finally {
      await run.stop()
    }
  }, START_TIMEOUT)
})
