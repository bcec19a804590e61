/**
 * examples/deno in Deno: `deno check` accepts it, it refuses to start without a password, and
 * `deno run` with the permissions its header documents serves the shared routes on 127.0.0.1.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  binaries,
  denoArgs,
  exampleDirs,
  expectTheSharedRoutes,
  httpClient,
  requireBinary,
  spawnChild,
  START_TIMEOUT,
  startDenoExample,
  withTimeout,
  type RunningServer,
} from './runtime-helpers.js'

const password = 'a-deno-example-test-password-of-32-chars'

describe('examples/deno', () => {
  let server: RunningServer | undefined

  beforeAll(async () => {
    server = await startDenoExample(password)
  }, START_TIMEOUT)

  afterAll(async () => {
    await server?.stop()
  }, 30_000)

  it('serves the shared routes', async () => {
    await expectTheSharedRoutes(httpClient('deno', server!.origin))
  })

  it('type-checks (deno check, with its deno.json)', async () => {
    await requireBinary('deno')
    const { stdout, stderr } = await promisify(execFile)(binaries.deno, ['check', 'main.ts'], {
      cwd: exampleDirs.deno,
      timeout: 110_000,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    })
    expect(`${stdout}${stderr}`).not.toMatch(/error/i)
  }, 120_000)

  it('refuses to start without SESSION_PASSWORD, saying why', async () => {
    const run = spawnChild(binaries.deno, denoArgs, { cwd: exampleDirs.deno, env: { PORT: '0' } })
    try {
      expect(await withTimeout(run.exited, 30_000, 'deno example without a password')).toBe(1)
      expect(run.output()).toContain('deno example: SESSION_PASSWORD is not set')
    } finally {
      await run.stop()
    }
  }, START_TIMEOUT)
})
