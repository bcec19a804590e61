// What `npm ci` warns about (EBADENGINE) on the Node running the tests: every package in the lockfile
// whose engines.node this Node does not satisfy is one the README names, so a contributor's first
// command prints nothing unexplained.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { root } from './runtime-helpers.js'

const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }

it('npm ci warns only about the packages the README explains', async () => {
  const lock = JSON.parse(await readFile(`${root}package-lock.json`, 'utf8')) as { packages: Record<string, { engines?: { node?: string }; optional?: boolean }> }
  const readme = await readFile(`${root}README.md`, 'utf8')
  const explained = readme.slice(readme.indexOf('`EBADENGINE`'), readme.indexOf('keeps this\nlist true'))
  const warned = Object.entries(lock.packages)
    // Optional packages for other platforms are skipped by npm, not warned about.
    .filter(([path, entry]) => path !== '' && !entry.optional && entry.engines?.node && !semver.satisfies(process.versions.node, entry.engines.node))
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
  for (const name of warned) expect(explained, `${name} warns on Node ${process.versions.node}`).toContain(`\`${name}\``)
})
