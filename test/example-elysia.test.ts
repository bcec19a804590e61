/**
 * examples/elysia in Bun: `bun examples/elysia/server.ts` as a child process on 127.0.0.1 and a free
 * port, driven over HTTP. A missing Bun fails the test (requireBinary), never skips it. The example
 * imports 'iron-fetch-session/elysia' (dist/): `npm test` builds first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaries, requireBinary, root, spawnChild, START_TIMEOUT, startServer, withTimeout, type RunningServer } from './runtime-helpers.js'
import { expectTheSignInFlow } from './sign-in-flow.js'

const password = 'an-elysia-example-test-password-32-chars'
const args = ['--no-install', 'examples/elysia/server.ts']

describe('examples/elysia: server.ts on Bun', () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    await requireBinary('bun')
    server = await startServer('elysia example', binaries.bun, args, { cwd: root, env: { SESSION_PASSWORD: password } })
  }, START_TIMEOUT)

  afterAll(async () => {
    await server?.stop()
  }, 30_000)

  it('signs in with the form, shows the page and a flash once after the redirect, and signs out', async () => {
    expect(server!.run.output()).toContain(`elysia example listening on ${server!.origin}/`)
    await expectTheSignInFlow(server!.origin)
  })

  it('refuses to start without SESSION_PASSWORD, or with a short one, saying why', async () => {
    for (const [env, message] of [
      [{}, 'elysia example: SESSION_PASSWORD is not set'],
      [{ SESSION_PASSWORD: 'too-short' }, 'elysia example: iron-fetch-session: password must be a string of at least 32 characters'],
    ] as const) {
      const run = spawnChild(binaries.bun, args, { cwd: root, env: { ...env, PORT: '0' } })
      try {
        expect(await withTimeout(run.exited, 30_000, 'elysia example without a good password')).toBe(1)
        expect(run.output()).toContain(message)
      } finally {
        await run.stop()
      }
    }
  }, START_TIMEOUT)
})

describe('the Elysia plugin on Bun', () => {
  it('test/adapter-elysia.test.ts passes under `bun test` (Elysia\'s Bun adapter, not the web-standard one vitest gets on Node)', async () => {
    await requireBinary('bun')
    const run = spawnChild(binaries.bun, ['test', 'test/adapter-elysia.test.ts'], { cwd: root, env: {} })
    try {
      const code = await withTimeout(run.exited, 60_000, 'bun test test/adapter-elysia.test.ts')
      expect(run.output(), run.output()).toMatch(/\b0 fail\b/)
      expect(Number(/\b(\d+) pass\b/.exec(run.output())?.[1])).toBeGreaterThanOrEqual(17)
      expect(code).toBe(0)
    } finally {
      await run.stop()
    }
  }, START_TIMEOUT)
})
