/**
 * The seal in cookies: read from a `Cookie` header, written as `Set-Cookie`
 * values, split into chunks `name.0`, `name.1`, … when it does not fit one
 * cookie. The chunk format is iron-session 9's, so its cookies read here and
 * ours read there. Parsing and serialising is the `cookie` package's job.
 */
import { brief, DEV } from './messages.ts'
import { parseCookie, stringifySetCookie } from 'cookie'
import { SKEW_SECONDS } from './seal.ts'
import { checkKeys } from './strict.ts'

/** The cookie's SameSite attribute; `'none'` needs `secure`. */
export type SameSite = 'lax' | 'strict' | 'none'

/** Cookie attributes. Defaults: HttpOnly, Secure, SameSite=Lax, Path=/. */
export interface CookieOptions {
  domain?: string
  path?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: SameSite
  partitioned?: boolean
  priority?: 'low' | 'medium' | 'high'
}

export interface CookieConfig {
  name: string
  attributes: Readonly<CookieOptions>
  /** The most cookies one seal may take; 1 means no chunking. */
  maxChunks: number
  /** The whole cookie's name, then every chunk name read: at least iron-session's 4, so its cookies stay readable. */
  names: readonly string[]
  /** False for a browser-session cookie: no Max-Age. */
  persistent: boolean
  /** The attributes as the `cookie` package writes them after the value and Max-Age ("; Path=/; HttpOnly; …"), made once. */
  tail: string
}

const KNOWN_ATTRIBUTES = ['domain', 'path', 'secure', 'httpOnly', 'sameSite', 'partitioned', 'priority'] as const

/** A longer Cookie header is not parsed at all (and reads as a refused session): no browser sends one. */
export const MAX_COOKIE_HEADER = 64 * 1024
/** Browsers drop a cookie whose Set-Cookie line (name, value, attributes) passes this, in UTF-8 bytes. */
export const MAX_COOKIE_BYTES = 4096
/** iron-session's `chunk: true`; we always read at least this many so its cookies stay readable. */
export const DEFAULT_MAX_CHUNKS = 4
const MAX_CHUNKS_LIMIT = 10
/** Browsers cap Max-Age at 400 days anyway; this is "as long as allowed" for a seal without expiry. */
const FOREVER = 2147483647

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** A session too large to write: the `bytes` it would take, over the `limit` it is held to (a cookie, the chunks, Remix's cookie, or `maxStoredBytes`). */
export class SessionTooLargeError extends Error {
  override name = 'SessionTooLargeError'
  constructor(
    readonly bytes: number,
    readonly limit: number,
    message: string,
  ) {
    super(`iron-fetch-session: ${message}`)
  }
}

/** Validates the cookie name, attributes and chunk limit once; messages say what to change. */
export function cookieConfig(name: unknown, options: CookieOptions = {}, chunk: boolean | number = false, persistent = true): CookieConfig {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new TypeError(
      `iron-fetch-session: cookieName ${JSON.stringify(name)} is not a valid cookie name. Use letters, digits and ${"!#$%&'*+-.^_`|~"} only, for example "session".`,
    )
  }
  if (options === null || typeof options !== 'object') throw new TypeError(DEV ? 'iron-fetch-session: cookieOptions must be an object of cookie attributes, such as { domain, path, secure }.' : brief('cookieOptions must be an object of cookie attributes, such as { domain, path, secure }'))
  for (const lifetime of ['maxAge', 'expires'] as const) {
    if (lifetime in options) {
      throw new TypeError(
        DEV ? `iron-fetch-session: cookieOptions.${lifetime} is not an option here: the cookie's Max-Age follows ttl (ttl − 60 s), so the browser and the seal agree. Set ttl (seconds) instead, or persistentCookie: false for a cookie that ends when the browser closes.` : brief(`cookieOptions.${lifetime} is not an option here`),
      )
    }
  }
  checkKeys(options, KNOWN_ATTRIBUTES, 'cookie attribute')
  const attributes: CookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/', ...withoutUndefined(options) }
  const sameSite = attributes.sameSite
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new TypeError(DEV ? `iron-fetch-session: cookieOptions.sameSite must be 'lax', 'strict' or 'none', got ${JSON.stringify(sameSite)}.` : brief('cookieOptions.sameSite must be \'lax\', \'strict\' or \'none\''))
  }
  if (sameSite === 'none' && !attributes.secure) {
    throw new TypeError(DEV ? "iron-fetch-session: cookieOptions.sameSite 'none' needs secure: true; browsers drop a SameSite=None cookie without Secure." : brief('cookieOptions.sameSite \'none\' needs secure'))
  }
  if (attributes.partitioned && !attributes.secure) {
    throw new TypeError(DEV ? 'iron-fetch-session: cookieOptions.partitioned needs secure: true; browsers drop a Partitioned cookie without Secure.' : brief('cookieOptions.partitioned needs secure'))
  }
  // Browsers match the prefixes in any case (__host- is __Host-), so the checks do too.
  const lower = name.toLowerCase()
  if ((lower.startsWith('__secure-') || lower.startsWith('__host-')) && !attributes.secure) {
    throw new TypeError(DEV ? `iron-fetch-session: a cookie named ${name} needs secure: true (the ${name.slice(0, name.indexOf('-') + 1)} prefix); remove secure: false or rename the cookie.` : brief(`a cookie named ${name} needs secure`))
  }
  if (lower.startsWith('__host-') && (attributes.path !== '/' || attributes.domain !== undefined)) {
    throw new TypeError(DEV ? `iron-fetch-session: a cookie named ${name} needs path '/' and no domain (the __Host- prefix); remove cookieOptions.path and cookieOptions.domain, or use the __Secure- prefix.` : brief(`a cookie named ${name} needs path '/' and no domain`))
  }
  const maxChunks = chunk === true ? DEFAULT_MAX_CHUNKS : chunk === false ? 1 : chunk
  if (typeof maxChunks !== 'number' || !Number.isInteger(maxChunks) || maxChunks < 1 || maxChunks > MAX_CHUNKS_LIMIT) {
    throw new TypeError(
      DEV ? `iron-fetch-session: chunk must be true (up to ${DEFAULT_MAX_CHUNKS} cookies), false, or a whole number of cookies from 1 to ${MAX_CHUNKS_LIMIT}; got ${String(chunk)}.` : brief('chunk is not valid'),
    )
  }
  // Serialise once now, so a bad domain or path fails at setup rather than on the first write.
  let tail: string
  try {
    const { maxAge: _, ...withoutMaxAge } = attributes as CookieOptions & { maxAge?: unknown }
    tail = stringifySetCookie(name, '', withoutMaxAge).slice(name.length + 1)
  } catch (error) {
    throw new TypeError(DEV ? `iron-fetch-session: cookieOptions are not valid: ${(error as Error).message}.` : brief('cookieOptions are not valid'))
  }
  const readChunks = Math.max(maxChunks, DEFAULT_MAX_CHUNKS)
  const names = [name, ...Array.from({ length: readChunks }, (_, i) => `${name}.${i}`)]
  return { name, attributes, maxChunks, names, persistent, tail }
}

/** The cookie's Max-Age for a seal's ttl: a minute short, so the browser drops it before the server would refuse it. */
export function cookieMaxAge(ttl: number): number {
  if (ttl === 0) return FOREVER
  return ttl > SKEW_SECONDS ? ttl - SKEW_SECONDS : ttl
}

export interface SealCookies {
  /** The seal, from the whole cookie or its chunks joined; undefined when absent. */
  seal: string | undefined
  /** Names of this session's cookies that the request carried, so a write can expire stale ones. */
  present: string[]
  /** The header was over MAX_COOKIE_HEADER and was not read. */
  oversized?: true
}

/** Reads the seal: the whole cookie when present, else chunks `.0`, `.1`, … up to the first gap. */
export function readSealCookies(cookieHeader: string | null, config: CookieConfig): SealCookies {
  if (!cookieHeader) return { seal: undefined, present: [] }
  if (cookieHeader.length > MAX_COOKIE_HEADER) return { seal: undefined, present: [], oversized: true }
  const jar = parseCookie(cookieHeader)
  const names = config.names
  // Plain loops: this runs on every request.
  const present: string[] = []
  for (let i = 0; i < names.length; i++) if (jar[names[i]!] !== undefined) present.push(names[i]!)
  const whole = jar[config.name]
  if (whole) return { seal: whole, present }
  let seal = ''
  for (let i = 1; i < names.length; i++) {
    const part = jar[names[i]!]
    if (!part) break
    seal += part
  }
  return { seal: seal || undefined, present }
}

/**
 * The Set-Cookie values that store `seal`: one cookie when it fits, else the
 * fewest chunks, and expiries for whatever the request carried that is now stale.
 * Throws SessionTooLargeError, before anything is returned, when it cannot fit.
 */
export function writeSealCookies(seal: string, maxAge: number | undefined, present: readonly string[], config: CookieConfig): string[] {
  const whole = sealCookie(config.name, seal, maxAge, config)
  // All ASCII (names are tokens, the cookie package refuses other domains and paths), so a character is a byte.
  const wholeBytes = whole.length
  if (wholeBytes <= MAX_COOKIE_BYTES) {
    const stale = present.filter((name) => name !== config.name)
    return stale.length === 0 ? [whole] : [whole, ...expireCookies(stale, config)]
  }
  if (config.maxChunks === 1) {
    throw new SessionTooLargeError(
      wholeBytes,
      MAX_COOKIE_BYTES,
      DEV
        ? `the session cookie would be ${wholeBytes} bytes and browsers refuse more than ${MAX_COOKIE_BYTES}. Store less in the session (an id, with the data in your database), or set chunk: true to split it across up to ${DEFAULT_MAX_CHUNKS} cookies.`
        : `the session cookie would be ${wholeBytes} bytes, over ${MAX_COOKIE_BYTES}`,
    )
  }
  // Chunk names have one digit (at most 10 chunks), so every chunk carries the same overhead.
  const overhead = sealCookie(`${config.name}.0`, '', maxAge, config).length
  const perChunk = MAX_COOKIE_BYTES - overhead
  const needed = perChunk > 0 ? Math.ceil(seal.length / perChunk) : Infinity
  if (needed > config.maxChunks) {
    throw new SessionTooLargeError(
      seal.length + config.maxChunks * overhead,
      config.maxChunks * MAX_COOKIE_BYTES,
      DEV
        ? `the session needs ${needed} cookies (${seal.length} bytes of seal) and the limit is ${config.maxChunks} of ${MAX_COOKIE_BYTES} bytes. Store less in the session (an id, with the data in your database); every cookie is sent on every request, and proxies often cap headers at 8 KB.`
        : `the session needs ${needed} cookies, over chunk's ${config.maxChunks}`,
    )
  }
  const written: string[] = []
  for (let i = 0; i < needed; i++) {
    written.push(sealCookie(`${config.name}.${i}`, seal.slice(i * perChunk, (i + 1) * perChunk), maxAge, config))
  }
  const kept = new Set(written.map((_, i) => `${config.name}.${i}`))
  return [...written, ...expireCookies(present.filter((name) => !kept.has(name)), config)]
}

/**
 * One Set-Cookie line, as `stringifySetCookie(name, value, { ...attributes, maxAge })` writes it: it
 * puts Max-Age first after the value. Seals are cookie-safe as they are ([A-Za-z0-9*._~-], which
 * encodeURIComponent leaves alone), so the value needs neither encoding nor the package's check.
 */
function sealCookie(name: string, value: string, maxAge: number | undefined, config: CookieConfig): string {
  return maxAge === undefined ? `${name}=${value}${config.tail}` : `${name}=${value}; Max-Age=${maxAge}${config.tail}`
}

/** The names these Set-Cookie lines (written here: Max-Age right after the value) leave in the browser: the ones not expired. */
export function liveCookieNames(lines: readonly string[]): string[] {
  const live: string[] = []
  for (const line of lines) {
    const eq = line.indexOf('=')
    const attributes = line.indexOf(';', eq)
    if (!line.startsWith('; Max-Age=0;', attributes) && !line.endsWith('; Max-Age=0')) live.push(line.slice(0, eq))
  }
  return live
}

/** Set-Cookie values that delete these cookies, with the same Path and Domain they were written with. */
export function expireCookies(names: readonly string[], config: CookieConfig): string[] {
  return names.map((name) => stringifySetCookie(name, '', { ...config.attributes, maxAge: 0, expires: new Date(0) }))
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T
}
