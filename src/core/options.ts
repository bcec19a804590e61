/**
 * Options, checked once. Every mistake fails here, at setup, with a message that
 * names the option and the fix, rather than on some later request.
 */
import { brief, DEV, devTools } from './messages.ts'
import { cookieConfig, type CookieConfig, type CookieOptions } from './cookies.ts'
import { normalizePasswords, type Password, type Passwords } from './passwords.ts'
import { checkTtl, FOURTEEN_DAYS } from './seal.ts'
import { checkKeys } from './strict.ts'
import type { PlainHttpWarning } from './dev-tools.ts'
import type { HeaderTransport } from './header.ts'
import { bindMode, type Plan, type SessionMode, type UnsealErrorReason } from './mode.ts'

export type { UnsealErrorReason }

/** A Standard Schema (zod 4, valibot, arktype, …); the interface is the spec's, copied as it invites. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    /** Checks a value: its output, or the issues found. */
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}
type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> }

/** What the compress option takes (deflatePayloads() from 'iron-fetch-session/compress'): a payload's way in and out of a seal. */
export interface PayloadCodec {
  /** The payload to seal for this JSON: itself, or a shorter form whose first character is U+0001. */
  deflate(json: string): Promise<string>
  /** The JSON of a payload whose first character is U+0001. */
  inflate(payload: string): Promise<string>
}

/** The options of `createSessions` and of every mount (docs/options.md). */
export interface SessionOptions<Data = Record<string, unknown>> {
  /** At least 32 random characters, or `{ 2: newPassword, 1: oldPassword }`: the highest id seals, all unseal. */
  password: Password
  /** Default `session`. */
  cookieName?: string
  /** Seconds a seal is valid; the cookie's Max-Age follows it. Default 14 days; 0 means no expiry. */
  ttl?: number
  /**
   * `compress: deflatePayloads()` from 'iron-fetch-session/compress': the seal's payload deflated when that makes it
   * shorter (a cart or a text takes half the cookie or less). iron-session cannot read such a seal, nor can an app
   * without the option: give every instance the option before relying on it (see docs/cookies.md).
   */
  compress?: PayloadCodec
  /** Idle timeout: re-seal an active session with a fresh ttl, at most once per `touchAfter` seconds (default ttl / 10). */
  rolling?: boolean | { touchAfter: number }
  /** Absolute timeout in seconds since the session was created, surviving every re-seal. */
  maxLifetime?: number
  /** Cookie attributes over the defaults HttpOnly, Secure, SameSite=Lax, Path=/. */
  cookieOptions?: CookieOptions
  /**
   * `false`: a browser-session cookie, with no Max-Age, which the browser drops when it closes.
   * The seal still expires after ttl on the server. Default true (Max-Age follows ttl).
   */
  persistentCookie?: boolean
  /** Split a large session across cookies: `true` for up to 4 (iron-session's), or a number up to 10. */
  chunk?: boolean | number
  /** Validates data read from the cookie and data about to be sealed. */
  schema?: StandardSchemaV1<unknown, Data>
  /**
   * `headerTransport(name)` from 'iron-fetch-session/header': also carry the seal in this request header
   * (`authorization` means `Bearer <seal>`), for clients without cookies.
   */
  header?: HeaderTransport
  /** Decrypted seals kept so a repeat request does no crypto. Default 4096 entries; 0 or false turns it off. */
  cache?: number | false
  /** Told why a cookie was refused; the session then reads as empty. */
  onUnsealError?: (reason: UnsealErrorReason, error: unknown) => void

  // Server-side store (docs/stores.md; checked by bindMode in mode.ts and by the store's plan in src/store/).
  /**
   * `sessionStore(storage)` from 'iron-fetch-session/store': keep the data in `storage` (an unstorage Storage, or
   * anything with getItem, setItem(key, value, { ttl }) and removeItem) and only a sealed random id in the cookie.
   * Enables session.id, revoke and destroy on the server.
   */
  store?: Plan
  /** Milliseconds a store operation may take before it fails with SessionStoreError. Default 5000. */
  storeTimeout?: number
  /**
   * With a store: the largest record stored, in bytes of UTF-8 (default 256 KiB). A larger session fails at
   * commit with SessionTooLargeError, before anything is written; a larger record found in the store is refused unread.
   */
  maxStoredBytes?: number
  /**
   * With a store: what to do with a cookie-only seal (sealed before the store was added, or by iron-session).
   * 'migrate' (default): read it, and move its data into the store under an id taken from the seal, so every
   * replay of it is the same session and ends with it. 'refuse': read it as invalid, once migration is over.
   */
  legacySeals?: 'migrate' | 'refuse'
  /** Whose a stored session is, from its data, for sessions.sessionsOf(user) and revokeAll(user). */
  userId?: (data: Partial<Data>) => string | number | undefined

  /**
   * `revocable({ store, lag })` from 'iron-fetch-session/revocations': keep the data in the cookie and only
   * revocations in a store (docs/revocations.md). destroy(), revoke(id) and revokeAll(user)
   * then hold everywhere within `lag` seconds (default 5), with no store call on a read; `lag: 0` reads the
   * store on every request. Not with `store`.
   */
  revocations?: Plan
}

export interface Config {
  passwords: Passwords
  cookie: CookieConfig
  ttl: number
  /** Deflates payloads ('iron-fetch-session/compress'). */
  compress: PayloadCodec | undefined
  /** Seconds between re-seals of an unchanged session; undefined when not rolling. */
  touchAfter: number | undefined
  maxLifetime: number | undefined
  schema: StandardSchemaV1 | undefined
  /** The header transport (header.ts), when the app uses it. */
  header: HeaderTransport | undefined
  cacheSize: number
  onUnsealError: SessionOptions['onUnsealError']
  /** Development only: warn once when a Secure cookie answers plain http. */
  plainHttp: PlainHttpWarning | undefined
  /** The store or revocations, bound (mode.ts); undefined for a cookie-only session. */
  mode: SessionMode | undefined
}

/** Every option createSessions knows: any other key is a mistake, refused at setup. */
const KNOWN_OPTIONS = ['password', 'cookieName', 'ttl', 'compress', 'rolling', 'maxLifetime', 'cookieOptions', 'persistentCookie', 'chunk', 'schema', 'header', 'cache', 'onUnsealError', 'store', 'storeTimeout', 'userId', 'maxStoredBytes', 'legacySeals', 'revocations'] as const

export const DEFAULT_CACHE_SIZE = 4096

export function normalizeOptions(options: SessionOptions<never>): Config {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(DEV ? 'iron-fetch-session: options are missing. Pass at least { password }.' : brief('options are missing'))
  }
  for (const lifetime of ['maxAge', 'expires'] as const) {
    // iron-session and express-session users reach for these: the seal's lifetime is ttl.
    if (lifetime in options) {
      throw new TypeError(
        DEV ? `iron-fetch-session: unknown option "${lifetime}". A session's lifetime is ttl (seconds, default 14 days), which the cookie's Max-Age follows; rolling for an idle timeout, maxLifetime for an absolute one.` : brief(`unknown option "${lifetime}"`),
      )
    }
  }
  checkKeys(options, KNOWN_OPTIONS, 'option')
  const passwords = normalizePasswords(options.password)
  const persistent = options.persistentCookie ?? true
  if (typeof persistent !== 'boolean') throw new TypeError(DEV ? 'iron-fetch-session: persistentCookie must be true or false (false: a browser-session cookie, with no Max-Age).' : brief('persistentCookie must be true or false'))
  const cookie = cookieConfig(options.cookieName ?? 'session', options.cookieOptions, options.chunk ?? false, persistent)
  const ttl = options.ttl ?? FOURTEEN_DAYS
  checkTtl(ttl, 'ttl')

  let touchAfter: number | undefined
  const rolling = options.rolling ?? false
  if (typeof rolling !== 'boolean' && (rolling === null || typeof rolling !== 'object')) {
    throw new TypeError(DEV ? 'iron-fetch-session: rolling must be true, false, or { touchAfter: seconds }.' : brief('rolling must be true, false, or { touchAfter }'))
  }
  if (rolling !== false) {
    // { touchafter: 60 } would otherwise read as a missing touchAfter: name the typo (a production bundle says touchAfter is missing).
    if (DEV && rolling !== true) checkKeys(rolling, ['touchAfter'], 'rolling option')
    if (ttl === 0) throw new TypeError(DEV ? 'iron-fetch-session: rolling needs a ttl; with ttl 0 a session never goes idle. Set ttl to the idle timeout in seconds, or drop rolling.' : brief('rolling needs a ttl'))
    touchAfter = rolling === true ? Math.floor(ttl / 10) : rolling.touchAfter
    checkTtl(touchAfter, 'rolling.touchAfter')
    if (touchAfter >= ttl) {
      throw new TypeError(DEV ? `iron-fetch-session: rolling.touchAfter (${touchAfter}) must be less than ttl (${ttl}), or an idle session expires before it is ever renewed.` : brief('rolling.touchAfter must be less than ttl'))
    }
  }

  const maxLifetime = options.maxLifetime
  if (maxLifetime !== undefined) {
    checkTtl(maxLifetime, 'maxLifetime')
    if (maxLifetime === 0) throw new TypeError(DEV ? 'iron-fetch-session: maxLifetime must be more than 0 seconds; leave it out for no absolute timeout.' : brief('maxLifetime must be more than 0 seconds'))
    if (touchAfter !== undefined && maxLifetime <= touchAfter) {
      throw new TypeError(DEV ? `iron-fetch-session: maxLifetime (${maxLifetime}) must be more than rolling.touchAfter (${touchAfter}).` : brief('maxLifetime must be more than rolling.touchAfter'))
    }
  }

  const schema = options.schema
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw new TypeError(DEV ? 'iron-fetch-session: schema must be a Standard Schema (zod 4, valibot, arktype, …) with a ~standard.validate function.' : brief('schema must be a Standard Schema'))
  }

  const header = options.header as unknown
  if (header !== undefined && (header === null || typeof header !== 'object' || (header as Partial<HeaderTransport>).option !== 'header')) {
    const name = typeof header === 'string' ? header : typeof (header as { name?: unknown } | null)?.name === 'string' ? (header as { name: string }).name : 'x-session'
    throw new TypeError(
      DEV
        ? `iron-fetch-session: header takes headerTransport(${JSON.stringify(name)}) from 'iron-fetch-session/header' (its code loads only in apps that import it): header: headerTransport(${JSON.stringify(name)}).`
        : brief("header takes headerTransport(name) from 'iron-fetch-session/header'"),
    )
  }

  const cache = options.cache ?? DEFAULT_CACHE_SIZE
  const cacheSize = cache === false ? 0 : cache
  if (typeof cacheSize !== 'number' || !Number.isSafeInteger(cacheSize) || cacheSize < 0) {
    throw new TypeError(DEV ? `iron-fetch-session: cache must be a number of entries (default ${DEFAULT_CACHE_SIZE}), or false to turn it off; got ${String(cache)}.` : brief('cache must be a number of entries'))
  }
  if (options.onUnsealError !== undefined && typeof options.onUnsealError !== 'function') {
    throw new TypeError(DEV ? 'iron-fetch-session: onUnsealError must be a function (reason, error) => void.' : brief('onUnsealError must be a function'))
  }

  const mode = bindMode(options as unknown as Record<string, unknown>, { passwords, ttl, maxLifetime, touchAfter })

  const compress = options.compress
  if (compress !== undefined && typeof (compress as Partial<PayloadCodec> | null)?.inflate !== 'function') {
    throw new TypeError(DEV ? "iron-fetch-session: compress takes deflatePayloads() from 'iron-fetch-session/compress'." : brief('compress takes deflatePayloads()'))
  }
  return { passwords, cookie, ttl, compress, touchAfter, maxLifetime, schema, header: header as HeaderTransport | undefined, cacheSize, onUnsealError: options.onUnsealError, plainHttp: devTools?.plainHttpWarning(cookie.attributes.secure), mode }
}
