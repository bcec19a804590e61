// fast-check for the mutation run only (vitest.mutation.config.ts aliases 'fast-check' here): every
// property runs at most MAX_RUNS times. A mutant is run against every test that covers it, and the
// properties of 2,000–10,000 runs were most of each surviving mutant's time. `npm test` runs them in full.
import fc from '../../node_modules/fast-check/lib/fast-check.js'

const MAX_RUNS = 200

const assert = ((property: Parameters<typeof fc.assert>[0], params?: Parameters<typeof fc.assert>[1]) =>
  fc.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? MAX_RUNS, MAX_RUNS) })) as typeof fc.assert

export default { ...fc, assert }
