/**
 * examples/bun in Bun: it refuses to start without a password, and `bun examples/bun/server.ts`
 * serves the shared routes on 127.0.0.1. It imports 'iron-fetch-session/fetch' (dist/):
 * `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  binaries,
  expectTheSharedRoutes,
  httpClient,
  root,
  spawnChild,
  START_TIMEOUT,
  startBunExample,
  withTimeout,
  type RunningServer,
} from './runtime-helpers.js'

const password = 'a-bun-example-test-password-of-32-chars!'

describe('examples/bun', () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    server = await startBunExample(password)
  }, START_TIMEOUT)

  afterAll(async () => {
    await server?.stop()
  }, 30_000)

  it('serves the shared routes', async () => {
    await expectTheSharedRoutes(httpClient('bun', server!.origin))
  })

  it('refuses to start without SESSION_PASSWORD, or with a short one, saying why', async () => {
    for (const [env, message] of [
      [{}, 'bun example: SESSION_PASSWORD is not set'],
      [{ SESSION_PASSWORD: 'too-short' }, 'bun example: iron-fetch-session: password must be a string of at least 32 characters'],
    ] as const) {
      const run = spawnChild(binaries.bun, ['--no-install', 'examples/bun/server.ts'], { cwd: root, env: { ...env, PORT: '0' } })
      try {
        expect(await withTimeout(run.exited, 30_000, 'bun example without a good password')).toBe(1)
        expect(run.output()).toContain(message)
      } finally {
        await run.stop()
      }
    }
  }, START_TIMEOUT)
})
