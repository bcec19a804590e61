// The library's tests under Node 22 and 24 as well (npm test runs them under the Node on PATH).
// Each version comes from the `node` npm package, installed from its own lockfile under tools/nodeNN.
// The runtime examples (workerd, Deno, Bun, Chromium, Next.js) run once, in npm test.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
// Every test file but those that start other runtimes, browsers, builds or long load runs (npm test runs them once).
const ONCE = /^(example|examples-|backend-runtimes|deno|package|publish|pack-clean-clone|readme|docs-api|memory|load-redis|load-cluster|store-outage|store-cluster|revocations-redis|revocations-workers-kv)/
const LIBRARY_TESTS = readdirSync(`${root}test`)
  .filter((name) => name.endsWith('.test.ts') && !ONCE.test(name))
  .map((name) => `test/${name}`)

for (const version of ['22', '24']) {
  const dir = `${root}tools/node${version}/`
  const node = `${dir}node_modules/.bin/node`
  if (!existsSync(node)) execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' })
  const actual = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  if (!actual.startsWith(`v${version}.`)) throw new Error(`tools/node${version} gave Node ${actual}`)
  console.log(`\n# Node ${actual}: the library's tests`)
  // dist/ is what the tests of the built package need: npm test builds it first.
  execFileSync(node, [`${root}node_modules/vitest/vitest.mjs`, 'run', ...LIBRARY_TESTS], { cwd: root, stdio: 'inherit' })
}
