// Mutation testing of src/core: `npm run test:mutation` (not part of `npm test`). See contributing/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'src/core/**/*.ts',
    // Revocations moved out of the core to their own folder (a server-side mode, src/core/mode.ts): still mutated.
    'src/revocations/**/*.ts',
    // Read only by bundles for the edge (package.json "imports", #dev): the tests run dev.ts.
    '!src/core/dev-bundled.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: true },
  // A static mutant (a module-level value, evaluated once at import) cannot be told apart per test, so
  // each would run all ~350 tests (~20 s): about half the run's time for a tenth of the mutants on 2
  // cores. They are reported as Ignored; contributing/mutation.md says how many and which.
  ignoreStatic: true,
  // Later runs reuse the results of mutants whose code and covering tests did not change.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
}
