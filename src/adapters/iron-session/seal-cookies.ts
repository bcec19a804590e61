/**
 * A seal in one cookie, or across `name.0` … `name.3` as iron-session 9 lays it
 * out: split as an opaque string, joined with no separator. Both shapes are
 * read whatever `chunk` says, so turning it on or off strands no one.
 */
import type { CookieJar } from './jars.ts'
import { serializeCookie } from './jars.ts'
import { usageError, type Config, type CookieOptions } from './options.ts'

/** Browsers keep at most 4096 bytes of one Set-Cookie value, name and attributes included. */
const MAX_COOKIE_BYTES = 4096
/** Four chunks already send ~16 KB on every request: past that, proxies answer 400. Fixed on purpose. */
const MAX_CHUNKS = 4

const encoder = new TextEncoder()
const chunkName = (cookieName: string, index: number) => `${cookieName}.${index}`
const cookieBytes = (name: string, value: string, options: CookieOptions) => encoder.encode(serializeCookie(name, value, options)).length

/**
 * The whole cookie, or the chunks up to the first gap. No count is stored or
 * trusted, and nothing checks a chunk alone: the MAC covers the joined seal, so
 * a missing, reordered or foreign chunk fails it.
 */
export function readSeal(jar: CookieJar, cookieName: string): string {
  const whole = jar.read(cookieName)
  if (whole) return whole
  let seal = ''
  for (let index = 0; index < MAX_CHUNKS; index++) {
    const part = jar.read(chunkName(cookieName, index))
    if (!part) break
    seal += part
  }
  return seal
}

/**
 * Expires the cookies the request carried that are no longer part of the
 * session, with the same path and domain, else the browser keeps them: a
 * session that shrank from three chunks to one would otherwise be read with two
 * stale ones after it, fail its MAC, and sign the user out on every request.
 */
export function expireStale(jar: CookieJar, cookieName: string, options: CookieOptions, keep: { whole: boolean; chunksBelow: number }): void {
  const expire = (name: string) => {
    if (jar.read(name)) jar.write(name, '', { ...options, maxAge: 0 })
  }
  if (!keep.whole) expire(cookieName)
  for (let index = keep.chunksBelow; index < MAX_CHUNKS; index++) expire(chunkName(cookieName, index))
}

/** Writes the seal whole, or in chunks when it is too big and `chunk` is on; the size is checked before any write. */
export function writeSeal(jar: CookieJar, { cookieName, cookieOptions, chunk }: Config, seal: string): void {
  const wholeBytes = cookieBytes(cookieName, seal, cookieOptions)
  if (wholeBytes <= MAX_COOKIE_BYTES) {
    jar.write(cookieName, seal, cookieOptions)
    expireStale(jar, cookieName, cookieOptions, { whole: true, chunksBelow: 0 })
    return
  }
  if (!chunk) {
    const wasChunked = Boolean(jar.read(chunkName(cookieName, 0)))
    throw usageError(
      wasChunked
        ? `Cookie length is too big (${wholeBytes} bytes) and \`chunk\` is not enabled here, but this session is already stored across several cookies. You have more than one options object and only some of them set \`chunk: true\`. Use the same options everywhere you call getIronSession, including middleware.`
        : `Cookie length is too big (${wholeBytes} bytes), browsers will refuse it. Remove some data from the session, or set \`chunk: true\` to split it across several cookies.`,
    )
  }
  const overhead = cookieBytes(chunkName(cookieName, 0), '', cookieOptions)
  const budget = MAX_COOKIE_BYTES - overhead
  if (budget <= 0) {
    throw usageError(`The cookie name and options alone take ${overhead} bytes, which leaves no room for session data. Use a shorter cookie name.`)
  }
  const count = Math.ceil(seal.length / budget)
  if (count > MAX_CHUNKS) {
    throw usageError(
      `The session needs ${count} cookies and the maximum is ${MAX_CHUNKS}. Even at ${MAX_CHUNKS} the whole Cookie header is sent on every request and proxies commonly cap it at 8 KB, so raising this would fail at your CDN instead. Store an id in the session and keep the data in your database.`,
    )
  }
  for (let index = 0; index < count; index++) jar.write(chunkName(cookieName, index), seal.slice(index * budget, (index + 1) * budget), cookieOptions)
  expireStale(jar, cookieName, cookieOptions, { whole: false, chunksBelow: count })
}
