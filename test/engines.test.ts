// What `npm ci` warns about (EBADENGINE) on the Node running the tests: every package in the lockfile
// whose engines.node this Node does not satisfy is one CONTRIBUTING.md names, so a contributor's first
// command prints nothing unexplained.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { expect, it } from 'vitest'
import { root } from './runtime-helpers.js'

const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }

it('npm ci warns only about the packages CONTRIBUTING.md explains', async () => {
  const lock = JSON.parse(await readFile(`${root}package-lock.json`, 'utf8')) as { packages: Record<string, { engines?: { node?: string }; optional?: boolean }> }
  const guide = await readFile(`${root}CONTRIBUTING.md`, 'utf8')
  const explained = guide.slice(guide.indexOf('`EBADENGINE`'), guide.indexOf('keeps this\nlist true'))
  const warned = Object.entries(lock.packages)
    // Optional packages for other platforms are skipped by npm, not warned about.
    .filter(([path, entry]) => path !== '' && !entry.optional && entry.engines?.node && !semver.satisfies(process.versions.node, entry.engines.node))
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
  for (const name of warned) expect(explained, `${name} warns on Node ${process.versions.node}`).toContain(`\`${name}\``)
})
