// Memory stays flat under many distinct sessions and forged seals: the caches are bounded.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const script = fileURLToPath(new URL('./fixtures/memory.mjs', import.meta.url))

it('100,000 distinct valid sessions, 100,000 forged seals and 10,000 with 30 KB salts leave the heap bounded by the cache limits', async () => {
  // Needs dist/ (npm test builds first); a child process so --expose-gc gives a clean measure.
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script, '100000'], { timeout: 170_000 })
  const result = JSON.parse(stdout) as { n: number; validRead: number; refused: number; refusedLong: number; base: number; afterValid: number; afterForged: number; afterLongSalts: number }
  expect(result.validRead).toBe(100_000)
  expect(result.refused).toBe(100_000)
  expect(result.refusedLong).toBe(10_000)
  const mb = (bytes: number) => bytes / 1024 / 1024
  // 4096 cached sessions (~1 KB each) and 2048 derived keys: a few MB, never growth with N.
  expect(mb(result.afterValid - result.base)).toBeLessThan(24)
  expect(mb(result.afterForged - result.base)).toBeLessThan(24)
  // Before salts were bounded, each long salt stayed in a cached key's name: ~120 MB here.
  expect(mb(result.afterLongSalts - result.base)).toBeLessThan(24)
}, 180_000)
