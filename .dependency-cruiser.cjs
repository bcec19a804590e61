// Architecture rules for src/, held by dependency-cruiser and run by `npm test`
// (test/architecture.test.ts cruises src/ with this file and fails on any violation, naming the rule).
// The CLI reads it too: npx depcruise src
//
// The layout the rules hold:
//   src/core/         the core; others reach it through src/core/index.ts (or the package root, src/index.ts)
//   src/store/        the store mode ('iron-fetch-session/store'); entry point src/store/index.ts; may use src/core
//   src/revocations/  the revocations mode ('iron-fetch-session/revocations'); entry point src/revocations/index.ts
//                     (src/revocations.ts may stay as a re-export); may use src/core and src/store
//   src/adapters/     the framework adapters; only the entry points above, their own files, npm packages and node:
//
// Paths in the rules are relative to the cruise's base dir (the repo root), e.g. src/core/index.ts.

/** Entry points an adapter may import: the package root and the public index of core and of each mode. */
const ENTRY_POINTS = [
  '^src/index\\.ts$',
  '^src/core/index\\.ts$',
  '^src/store/index\\.ts$',
  '^src/revocations/index\\.ts$',
  '^src/revocations\\.ts$',
]

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'No import cycles in src/ (type-only imports count). A cycle ties modules together so that no part can be ' +
        'loaded, tested, tree-shaken or reasoned about alone, and at run time ES modules in a cycle can see each ' +
        "other's bindings before they are initialised. Break it by moving the shared piece into the lower layer " +
        '(usually src/core) or by passing it in.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-not-to-modes',
      comment:
        'src/core is the bottom layer: every app loads it, cookie-only apps load nothing else. It must not import the ' +
        'store mode, the revocations mode or an adapter (not even a type), or those modes stop being optional and ' +
        'their code lands in every bundle. The modes plug into the core through the options the core defines.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: ['^src/(store|revocations|adapters)/', '^src/revocations\\.ts$'] },
    },
    {
      name: 'adapters-only-entry-points',
      comment:
        "An adapter is a thin binding of the public API to a framework: it may import only the core's and the modes' " +
        'entry points (src/index.ts, src/core/index.ts, src/store/index.ts, src/revocations/index.ts, src/revocations.ts) ' +
        'and files within src/adapters/ (its own helpers), plus npm packages and node: builtins. Reaching into ' +
        'a module behind an entry point couples the adapter to internals the core is free to change.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/', pathNot: ['^src/adapters/', ...ENTRY_POINTS] },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        "An import that can't be resolved to a file or an installed package is a typo or a missing dependency; it " +
        'would also hide the import from the rules above.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // npm packages are leaves: resolved (so a missing one is reported), not followed.
    doNotFollow: { path: ['node_modules'] },
    // See type-only imports (`import type`, `export type`) too: they are dependencies of the design.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // "types" first: package.json "imports" maps #dev to src/core/dev.ts under "types" (its other conditions go to dist/).
      conditionNames: ['types', 'import', 'default', 'node'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs'],
      mainFields: ['types', 'typings', 'module', 'main'],
    },
    skipAnalysisNotInRules: true,
  },
}
