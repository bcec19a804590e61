// The library's tests under Node 22 and 24 as well (npm test runs them under the Node on PATH).
// Each version comes from the `node` npm package, installed from its own lockfile under tools/nodeNN.
// The runtime examples (workerd, Deno, Bun, Chromium, Next.js) run once, in npm test.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const LIBRARY_TESTS = [
  'test/adapter-fetch-router.test.ts',
  'test/adapter-fetch.test.ts',
  'test/adapter-hono.test.ts',
  'test/adapter-iron-session.test.ts',
  'test/cookies.test.ts',
  'test/iron-session-interop.test.ts',
  'test/json.test.ts',
  'test/load.test.ts',
  'test/lru.test.ts',
  'test/options.test.ts',
  'test/property.test.ts',
  'test/purposes.test.ts',
  'test/seal.test.ts',
  'test/sessions.test.ts',
]

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
