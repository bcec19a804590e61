// The API reference: TypeDoc builds it from the TSDoc comments of the package's entry points (typedoc.json, as
// `npm run docs` does), with warnings as errors, so every exported declaration and method is documented and
// every entry point of package.json's "exports" is in it.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { root } from './runtime-helpers.js'

it("typedoc.json's entry points are package.json's exports", async () => {
  const { exports } = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { exports: Record<string, string | { types?: string }> }
  const { entryPoints } = JSON.parse(await readFile(`${root}typedoc.json`, 'utf8')) as { entryPoints: string[] }
  // Each export's types (./dist/x.d.ts) come from src/x.ts.
  const sources = Object.values(exports)
    .map((target) => (typeof target === 'object' ? target.types : undefined))
    .filter((types): types is string => types !== undefined)
    .map((types) => types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'))
  expect([...entryPoints].sort()).toEqual(sources.sort())
})

it('the API reference builds from the TSDoc comments with no TypeDoc warning', async () => {
  const out = await mkdtemp(join(tmpdir(), 'iron-fetch-session-api-'))
  try {
    await promisify(execFile)(process.execPath, [`${root}node_modules/typedoc/bin/typedoc`, '--out', out], { cwd: root, timeout: 150_000 })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    // eslint-disable-next-line no-control-regex
    throw new Error(`typedoc failed (an export without a TSDoc comment, a broken {@link}, …):\n${`${stdout ?? ''}${stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '') || String(error)}`)
  }
  try {
    expect(existsSync(join(out, 'index.html'))).toBe(true)
    expect(existsSync(join(out, 'functions/iron-fetch-session.createSessions.html'))).toBe(true)
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}, 180_000)
