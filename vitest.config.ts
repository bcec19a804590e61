import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // package.json "imports" maps #dev into dist/ (and, for bundles, to dev-bundled.js); the tests run the sources.
  resolve: { alias: { '#dev-tools': fileURLToPath(new URL('./src/core/dev-tools-node.ts', import.meta.url)), '#dev': fileURLToPath(new URL('./src/core/dev.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
})
