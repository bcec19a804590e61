// Mutation testing of src/core: `npm run test:mutation` (not part of `npm test`). See docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'src/core/**/*.ts',
    // Being moved out of src/core to src/store/; mutation-tested once they land there.
    '!src/core/store.ts',
    '!src/core/stored-session.ts',
    '!src/core/user-index.ts',
    '!src/core/user-sessions.ts',
    '!src/core/user-key.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  timeoutMS: 10000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
}
