/**
 * examples/h3: server.js (h3's serve, srvx on Node) as a child process on 127.0.0.1 and a free
 * port, driven over HTTP. The example imports 'iron-fetch-session/h3' (dist/): `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { root, spawnChild, START_TIMEOUT, startServer, withTimeout, type RunningServer } from './runtime-helpers.js'
import { expectTheSignInFlow } from './sign-in-flow.js'

const password = 'an-h3-example-test-password-of-32-chars!'

describe('examples/h3: server.js on Node', () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    server = await startServer('h3 example', process.execPath, ['examples/h3/server.js'], { cwd: root, env: { SESSION_PASSWORD: password } })
  }, START_TIMEOUT)

  afterAll(async () => {
    await server?.stop()
  }, 30_000)

  it('signs in with the form, shows the page and a flash once after the redirect, and signs out', async () => {
    expect(server!.run.output()).toContain(`h3 example listening on ${server!.origin}/`)
    await expectTheSignInFlow(server!.origin)
  })

  it('refuses to start without SESSION_PASSWORD, or with a short one, saying why', async () => {
    for (const [env, message] of [
      [{}, 'h3 example: SESSION_PASSWORD is not set'],
      [{ SESSION_PASSWORD: 'too-short' }, 'h3 example: iron-fetch-session: password must be a string of at least 32 characters'],
    ] as const) {
      const run = spawnChild(process.execPath, ['examples/h3/server.js'], { cwd: root, env: { ...env, PORT: '0' } })
      try {
        expect(await withTimeout(run.exited, 30_000, 'h3 example without a good password')).toBe(1)
        expect(run.output()).toContain(message)
      } finally {
        await run.stop()
      }
    }
  }, START_TIMEOUT)
})
