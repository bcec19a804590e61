// Deno users import the TypeScript sources through deno.json (JSR-ready); `deno check` must accept every entry point.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const deno = `${root}node_modules/.bin/deno`

it('deno check passes for every export in deno.json', async () => {
  expect(existsSync(deno), 'the deno binary from the `deno` npm package is missing: run npm ci').toBe(true)
  const { exports } = JSON.parse(await readFile(`${root}deno.json`, 'utf8')) as { exports: Record<string, string> }
  const packageJson = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { exports: Record<string, unknown> }
  expect(Object.keys(exports).sort()).toEqual(Object.keys(packageJson.exports).filter((key) => key !== './package.json').sort())
  const { stderr } = await promisify(execFile)(deno, ['check', ...Object.values(exports)], { cwd: root, timeout: 170_000 })
  expect(stderr).not.toMatch(/error/i)
}, 180_000)
