export interface SizeEntry {
  key: string
  name: string
  code: string
  platform?: 'browser' | 'node'
}
export interface Size {
  minified: number
  gzipped: number
}
export const COOKIE_ONLY_BUDGET: number
export const COOKIE_ONLY_TARGET: number
export const ENTRIES: SizeEntry[]
export const PEERS: SizeEntry[]
export function bundleSize(entry: SizeEntry): Promise<Size>
export function bundle(entry: SizeEntry): Promise<{ bytes: Uint8Array; text: string }>
export function runSize(): Promise<{ budget: number; target: number; ours: Array<Size & { key: string; name: string }>; peers: Array<Size & { key: string; name: string }> }>
