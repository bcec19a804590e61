// Memory stage: runs memory-child.js in a fresh `node --expose-gc` process and
// judges its figures. "Flat" means: from the first checkpoint of a phase (the
// caches are full by then) to the last, heap used grows by less than 4 MB and
// RSS by less than 24 MB, and at most 4096 derived keys are held. A leak of
// one seal string (~250 B) per read would add ~19 MB of heap over 75,000 reads.
import { runToEnd } from './children.js'

const CHILD = new URL('./memory-child.js', import.meta.url)
export const LIMITS = { heapGrowthBytes: 4 * 1024 ** 2, rssGrowthBytes: 24 * 1024 ** 2, derivedKeys: 4096, unsealCache: 4096 }

export function memoryPlan(quick) {
  return { sessions: quick ? 25_000 : 100_000 }
}

export async function runMemory({ quick }) {
  const plan = memoryPlan(quick)
  const stdout = await runToEnd(CHILD, { execArgv: ['--expose-gc'], args: [String(plan.sessions)] }, 240_000, 'memory probe')
  const result = JSON.parse(stdout)
  if (result.validRead !== plan.sessions || result.forgedRefused !== plan.sessions) {
    throw new Error(`memory probe: ${result.validRead} valid sessions read and ${result.forgedRefused} forged seals refused, of ${plan.sessions}`)
  }
  return { plan: { ...plan, limits: LIMITS }, ...result, judgement: { valid: judge(result.valid), forged: judge(result.forged) } }
}

function judge(checkpoints) {
  const first = checkpoints[0]
  const last = checkpoints.at(-1)
  const heapGrowth = last.heapUsed - first.heapUsed
  const rssGrowth = last.rss - first.rss
  const maxKeys = Math.max(...checkpoints.map((c) => c.derivedKeys))
  const flat = heapGrowth < LIMITS.heapGrowthBytes && rssGrowth < LIMITS.rssGrowthBytes && maxKeys <= LIMITS.derivedKeys
  return { from: first.at, to: last.at, heapGrowth, rssGrowth, maxDerivedKeys: maxKeys, flat }
}
