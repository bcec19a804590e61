export interface SizeEntry {
  key?: string
  name?: string
  code: string
  platform?: 'browser' | 'node'
}
export interface Size {
  minified: number
  gzipped: number
}
/** development: bundled as `wrangler dev` bundles it, with every message whole. */
export interface BundleOptions {
  development?: boolean
}
export const COOKIE_ONLY_BUDGET: number
export const COOKIE_ONLY_TARGET: number
export const ENTRIES: Array<SizeEntry & { key: string; name: string }>
export const PEERS: Array<SizeEntry & { key: string; name: string }>
export function bundleSize(entry: SizeEntry, options?: BundleOptions): Promise<Size>
export function bundle(entry: SizeEntry, options?: BundleOptions): Promise<{ bytes: Uint8Array; text: string; metafile: unknown }>
export function breakdown(entry: SizeEntry): Promise<Array<{ module: string; minified: number }>>
export function runSize(): Promise<{ budget: number; target: number; ours: Array<Size & { key: string; name: string; development: number }>; peers: Array<Size & { key: string; name: string; development: number }> }>
