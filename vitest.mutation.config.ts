// The tests Stryker runs against mutants of src/core (npm run test:mutation): only the fast,
// in-process ones that drive src/core through real Requests and Responses or call its pure modules.
// Nothing here starts Redis, Deno, Bun, workerd, Chromium, Next.js or a child process, packs the
// package or needs dist/. The full suite stays `npm test` (vitest.config.ts).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Properties capped at 200 runs each here (see the file); the full counts run in npm test.
  // #dev as in vitest.config.ts: the sources' development messages.
  resolve: {
    alias: [
      { find: /^fast-check$/, replacement: fileURLToPath(new URL('./test/mutation/fast-check-capped.ts', import.meta.url)) },
      { find: /^#dev$/, replacement: fileURLToPath(new URL('./src/core/dev.ts', import.meta.url)) },
      { find: /^#dev-tools$/, replacement: fileURLToPath(new URL('./src/core/dev-tools-node.ts', import.meta.url)) },
    ],
  },
  test: {
    include: [
      'test/adapter-fetch-router.test.ts',
      'test/adapter-fetch.test.ts',
      'test/adapter-hono.test.ts',
      'test/adapter-iron-session.test.ts',
      'test/adapter-remix-session.test.ts',
      'test/backends.test.ts',
      'test/base64url.test.ts',
      'test/cookies.test.ts',
      'test/hardening.test.ts',
      'test/iron-session-interop.test.ts',
      'test/json.test.ts',
      'test/lru.test.ts',
      'test/mutation-core-*.test.ts',
      'test/options.test.ts',
      'test/property.test.ts',
      'test/purposes.test.ts',
      'test/revocations-iron-session.test.ts',
      'test/revocations-mounts.test.ts',
      'test/revocations.test.ts', // memory and fs only: IFS_TEST_NO_REDIS below
      'test/seal.test.ts',
      'test/sessions.test.ts',
      'test/store.test.ts', // memory and fs only: IFS_TEST_NO_REDIS below
    ],
    testTimeout: 30_000,
    env: { IFS_TEST_NO_REDIS: '1' },
    // One module graph for all files (Stryker runs them in one worker): a third of the per-mutant
    // overhead of isolate: true.
    isolate: false,
  },
})
