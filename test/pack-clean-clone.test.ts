// `npm pack` from a fresh clone, as a release would be made: dist/ is not in git, so the tarball
// has code only because prepack builds it. The clone is of this repository's HEAD (CI tests a clean
// clone of main), with this checkout's node_modules linked in for the build's TypeScript.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { root } from './runtime-helpers.js'

const run = promisify(execFile)
let dir: string | undefined

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

it('a tarball packed from a fresh clone holds the built code of every entry point', async () => {
  dir = await mkdtemp(join(tmpdir(), 'ifs-pack-'))
  const clone = join(dir, 'repo')
  await run('git', ['clone', '--quiet', root, clone])
  await symlink(join(root, 'node_modules'), join(clone, 'node_modules'))
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: clone, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 })
  const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path)
  const pkg = (await import(join(clone, 'package.json'), { with: { type: 'json' } })).default as { exports: Record<string, string | { default: string; types: string }> }
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue
    expect(files, `${subpath} → ${target.default}`).toContain(target.default.slice(2))
    expect(files, `${subpath} → ${target.types}`).toContain(target.types.slice(2))
  }
  expect(files.some((path) => path.startsWith('test/') || path.startsWith('bench/'))).toBe(false)
}, 150_000)
