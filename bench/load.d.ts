// Types for bench/load.js, which the short load test in test/load.test.ts imports.
export interface LoadResult {
  requests: number
  errors: number
  unexpected: number
  mismatches: number
  lostWrites: number
  clients: number
  writes: number
  elapsedMs: number
  requestsPerSecond: number
  problems: string[]
}
export declare function startExample(options: { password: string; env?: Record<string, string>; timeoutMs?: number }): Promise<{ origin: string; stop: () => Promise<void> }>
export declare function runLoad(options: { origin?: string; origins?: string[]; requests: number; connections: number; perClient?: number }): Promise<LoadResult>
export declare function wrongResults(result: LoadResult): number
export declare function runLoadStage(options: { quick: boolean }): Promise<LoadResult & { plan: { requests: number; connections: number } }>
