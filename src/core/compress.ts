/**
 * The `compress` option (`deflatePayloads()`): a seal's payload deflated (CompressionStream, 'deflate-raw'), for
 * sessions whose data would otherwise take several cookies. The deflated bytes travel as base64url behind a marker that no
 * JSON text starts with, so a reader tells them apart before parsing; the seal, its MAC and its encryption
 * are iron's as always. Only a seal that comes out shorter is deflated. iron-session cannot read such a
 * seal (it expects JSON inside), nor can an app without the option: it comes with its own entry point, so only
 * the apps that use it carry its code.
 */
import { fromBase64Url, toBase64Url } from './base64url.ts'
import type { PayloadCodec } from './options.ts'

/** The `compress` option's value: `createSessions({ password, compress: deflatePayloads() })`. */
export function deflatePayloads(): PayloadCodec {
  return { deflate: deflateJson, inflate: inflateJson }
}

/** What a deflated payload starts with: a control character, never the first of JSON text. */
export const DEFLATED = '\u0001'
/** A payload inflates to at most this: far above a session's JSON, far below what would hurt. */
const MAX_INFLATED = 1 << 20

/** The payload to seal: the JSON deflated behind the marker when that is shorter, else the JSON itself. */
export async function deflateJson(json: string): Promise<string> {
  if (json.length < 256) return json
  const bytes = await through(new TextEncoder().encode(json), new CompressionStream('deflate-raw'), Infinity)
  const packed = DEFLATED + toBase64Url(bytes)
  return packed.length < json.length ? packed : json
}

/** The JSON of a deflated payload; throws for one that does not inflate, or inflates past MAX_INFLATED. */
export async function inflateJson(payload: string): Promise<string> {
  const bytes = fromBase64Url(payload.slice(1))
  if (!bytes) throw new Error('not base64url')
  return new TextDecoder('utf-8', { fatal: true }).decode(await through(bytes, new DecompressionStream('deflate-raw'), MAX_INFLATED))
}

async function through(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const writer = stream.writable.getWriter()
  void writer.write(bytes).then(() => writer.close()).catch(() => {})
  const chunks: Uint8Array[] = []
  let length = 0
  const reader = stream.readable.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.length
    if (length > max) {
      void reader.cancel()
      throw new Error('inflates past the limit')
    }
    chunks.push(value)
  }
  const out = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) (out.set(chunk, at), (at += chunk.length))
  return out
}
