import type { LoadResult } from './load.js'
export declare function runCluster(options?: { quick?: boolean; requests?: number; connections?: number }): Promise<{ plan: { requests: number; connections: number; processes: number }; redis: LoadResult; cluster: LoadResult }>
