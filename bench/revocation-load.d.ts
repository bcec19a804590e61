import type { RunningRedis } from './redis.js'
import type { LoadResult } from './load.js'

export interface RevocationLoadResult {
  plan: { lag: number; requests: number; connections: number; probes: number; processes: number }
  load: LoadResult
  probes: Array<{ signedInBefore: boolean; heldAfterMs: number | undefined; acceptedAfterBound: number }>
  maxHeldAfterMs: number | undefined
  acceptedAfterBound: number
  redisKeys: number
}
export declare function runRevocationLoad(options: { redis: RunningRedis; lag?: number; requests?: number; connections?: number; probes?: number }): Promise<RevocationLoadResult>
