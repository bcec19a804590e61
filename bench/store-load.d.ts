// Types for bench/store-load.js, which test/load-redis.test.ts and test/store-outage.test.ts import.
import type { LoadResult } from './load.js'
import type { RunningRedis } from './redis.js'

export declare function startPair(env?: Record<string, string>): Promise<{ origins: string[]; stop: () => Promise<void[]> }>
export declare function runSharedLoad(options: { requests: number; connections: number }): Promise<{
  plan: { requests: number; connections: number; processes: number }
  cookie: LoadResult
  redis: LoadResult & { redisKeys: number }
}>
/** A load run's counts (no req/s: the outage stalls it), and what the outage did. */
export interface OutageResult extends Omit<LoadResult, 'requestsPerSecond'> {
  ok: number
  unavailable: number
  unavailableBeforeOutage: number
  uncertainWrites: number
  writtenBeforeOutage: number
  readBackAfterOutage: number
  survivors: number
}
export declare function runOutage(options: { redis: RunningRedis; origins: string[]; connections?: number; before?: number; during?: number; after?: number; deadlineMs?: number }): Promise<OutageResult>
export declare function outageWrongResults(result: OutageResult): number
export declare function runOutageStage(options?: { connections?: number; before?: number; during?: number; after?: number; deadlineMs?: number }): Promise<OutageResult>
export declare function runStoreStage(options: { quick: boolean }): Promise<Awaited<ReturnType<typeof runSharedLoad>> & { outage: OutageResult }>
