// Ready to publish, checked as the registries would check it: `npm publish --dry-run` corrects nothing in
// package.json (it silently dropped the bin once), and JSR's `deno publish --dry-run` with deno.json finds no
// slow types (every export of the public API has explicit types) — with the deno binary from npm.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { binaries, requireBinary, root } from './runtime-helpers.js'

const run = promisify(execFile)

it('npm publish --dry-run: nothing to correct, nothing to warn of but the missing login', async () => {
  // --ignore-scripts: prepack would rebuild dist/ under the other test files' feet; npm test has just built it.
  const { stdout, stderr } = await run('npm', ['publish', '--dry-run', '--ignore-scripts'], { cwd: root, timeout: 120_000 })
  const warnings = stderr.split('\n').filter((line) => line.startsWith('npm warn') && !/requires you to be logged in/.test(line))
  expect(warnings).toEqual([])
  expect(`${stdout}${stderr}`).toMatch(/dist\/cli\.js/)
}, 150_000)

it('deno publish --dry-run (JSR): no slow types in the public API', async () => {
  await requireBinary('deno')
  try {
    const { stdout, stderr } = await run(binaries.deno, ['publish', '--dry-run', '--allow-dirty'], { cwd: root, timeout: 170_000, env: { ...process.env, NO_COLOR: '1' } })
    expect(`${stdout}${stderr}`).toMatch(/Dry run complete/)
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`deno publish --dry-run failed:\n${stdout ?? ''}${stderr ?? String(error)}`)
  }
}, 180_000)
