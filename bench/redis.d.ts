// Types for bench/redis.js, which the Redis tests import.
export interface RunningRedis {
  readonly port: number
  /** redis://127.0.0.1:<port> */
  readonly url: string
  /** One command; resolves with the first reply line (`+OK`, `:3`, …). */
  command(...args: Array<string | number>): Promise<string>
  /** SHUTDOWN SAVE: the snapshot is written, then the server exits. */
  shutdownSave(): Promise<void>
  /** Starts again on the same port from the snapshot. */
  restart(): Promise<void>
  /** SIGSTOP: the server stops answering, connections stay open. */
  freeze(): void
  /** SIGCONT. */
  thaw(): void
  stop(): Promise<void>
}
export declare function startRedis(): Promise<RunningRedis>
export declare function redisCommand(port: number, args: Array<string | number>, timeoutMs?: number): Promise<string>

export interface RunningCluster {
  readonly nodes: Array<{ port: number }>
  command(port: number, ...args: Array<string | number>): Promise<string>
  /** The ports of the nodes that are masters now. */
  masters(): Promise<number[]>
  /** SIGKILL of one node. */
  kill(port: number): Promise<void>
  /** Resolves once the others mark the node failed and its replica is promoted. */
  waitForFailover(port: number, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}
export declare function startCluster(): Promise<RunningCluster>
export declare function waitForClusterOk(ports: number[], timeoutMs?: number): Promise<void>
