// The architecture rules of .dependency-cruiser.cjs, held by dependency-cruiser over src/:
//   no-circular                  no import cycle in src/ (type-only imports count)
//   core-not-to-modes            src/core imports nothing from src/store, src/revocations, src/adapters
//   adapters-only-entry-points   an adapter imports only src/adapters/ and the entry points of the core and modes
//   not-to-unresolvable          every import resolves
// A violation fails the run and is printed as `rule: from → to`. The same check from the command line: npx depcruise src
import { fileURLToPath } from 'node:url'
import { cruise, type IViolation } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/architecture/', import.meta.url))

function describeViolation(violation: IViolation): string {
  const line = `${violation.rule.name}: ${violation.from} → ${violation.to}`
  if (!violation.cycle?.length) return line
  return `${line} (cycle: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')})`
}

/** Cruises baseDir/src with the repo's rules; returns each violation as `rule: from → to`, sorted. */
async function violations(baseDir: string): Promise<{ violations: string[]; cruised: number }> {
  const options = await extractDepcruiseOptions(`${root}.dependency-cruiser.cjs`)
  const tsConfig = extractTSConfig(`${root}tsconfig.json`)
  const result = await cruise(
    ['src'],
    { ...options, baseDir, tsConfig: { fileName: `${root}tsconfig.json` } },
    {},
    { tsConfig },
  )
  if (typeof result.output === 'string') throw new Error(`dependency-cruiser gave a string: ${result.output}`)
  return {
    violations: result.output.summary.violations.map(describeViolation).sort(),
    cruised: result.output.summary.totalCruised,
  }
}

describe('architecture (.dependency-cruiser.cjs)', () => {
  it('src/ breaks none of the rules', async () => {
    const { violations: found, cruised } = await violations(root)
    expect(cruised).toBeGreaterThan(20)
    // One line per violation, rule name first, so a failing run says which rule and which import.
    expect(found, `\n${found.length} architecture violation(s):\n${found.join('\n')}\n`).toEqual([])
  })

  it('the rules bite: a fixture tree that breaks each rule once gets exactly those violations, by name', async () => {
    const { violations: found } = await violations(fixture)
    // dependency-cruiser reports each cycle once; its way back (b.ts → a.ts) is a type-only import.
    expect(found).toEqual([
      'adapters-only-entry-points: src/adapters/bad.ts → src/core/internal.ts',
      'adapters-only-entry-points: src/adapters/bad.ts → src/store/y.ts',
      'core-not-to-modes: src/core/x.ts → src/adapters/helper/help.ts',
      'core-not-to-modes: src/core/x.ts → src/revocations/index.ts',
      'core-not-to-modes: src/core/x.ts → src/store/y.ts',
      'no-circular: src/core/a.ts → src/core/b.ts (cycle: src/core/a.ts → src/core/b.ts → src/core/a.ts)',
      'not-to-unresolvable: src/core/unresolvable.ts → ./does-not-exist.ts',
    ])
  })
})
