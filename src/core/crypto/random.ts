/**
 * Random bytes from a pool refilled 4 KiB at a time: one call to the system's
 * source per 256 IVs instead of one per seal. Bytes are handed out once, never
 * reused, whichever backend refilled them.
 */
import type { CryptoBackend } from './backend.ts'

const pool = new Uint8Array(4096)
let offset = pool.length

export function randomBytes(backend: CryptoBackend, length: number): Uint8Array<ArrayBuffer> {
  if (offset + length > pool.length) {
    backend.fillRandom(pool)
    offset = 0
  }
  return pool.slice(offset, (offset += length))
}
