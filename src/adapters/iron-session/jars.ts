/**
 * iron-session 9's CookieJar: one small jar per host, so the session code
 * never asks where it runs. Node and Next types are structural, so the
 * published .d.ts needs neither @types/node nor next.
 */
import { parseCookie, stringifySetCookie } from 'cookie'
import type { CookieOptions } from './options.ts'

/** iron-session's cookie jar: where the session reads its cookies and writes them. */
export interface CookieJar {
  /** The request's cookie of that name. */
  read: (name: string) => string | undefined
  /** Sets a cookie on the response. */
  write: (name: string, value: string, options: CookieOptions) => void
  /** The cookie names the request carried. */
  names?: () => string[]
  /** Throws when a cookie written now could no longer reach the client. */
  assertWritable?: () => void
  /** Not iron-session's: marks the response private, for `extras.privateCache`. */
  markPrivate?: () => void
}

/** The attributes a cookie store's set() is given (Next.js `ResponseCookie`). */
export interface ResponseCookie {
  domain?: string | undefined
  path?: string | undefined
  sameSite?: boolean | 'lax' | 'strict' | 'none' | undefined
  secure?: boolean | undefined
  httpOnly?: boolean | undefined
  priority?: 'low' | 'medium' | 'high' | undefined
  partitioned?: boolean | undefined
  expires?: Date | number | undefined
  maxAge?: number | undefined
}
/** A cookie store such as Next.js `await cookies()`. */
export interface CookieStore {
  /** The cookie of that name. */
  get: (name: string) => { name: string; value: string } | undefined
  /** Every cookie. */
  getAll?: () => Array<{ name: string; value: string }>
  /** Sets a cookie on the response. */
  set: (name: string, value: string, cookie: Partial<ResponseCookie>) => unknown
}
/** Node's IncomingMessage, as far as it is used. */
export interface NodeRequest {
  headers: { cookie?: string | undefined }
}
/** Node's ServerResponse (Express, Connect, Next.js API routes), as far as it is used. */
export interface NodeResponse {
  readonly headersSent: boolean
  /** A response header set so far. */
  getHeader(name: string): number | string | string[] | undefined
  /** Sets a response header. */
  setHeader(name: string, value: number | string | readonly string[]): unknown
}
/** What Next.js `proxy.ts` gets: NextRequest and NextResponse, as far as they are used. */
export interface NextRequestCookies {
  /** The request's cookie of that name. */
  get: (name: string) => { name: string; value: string } | undefined
  /** Every cookie of the request. */
  getAll?: () => Array<{ name: string; value: string }>
  /** Sets a cookie on the request, so code later in the same request reads the new value. */
  set: (name: string, value: string) => unknown
}
/** NextResponse's cookies, as far as they are used. */
export interface NextResponseCookies {
  /** Sets a cookie on the response. */
  set: (name: string, value: string, options: Partial<ResponseCookie>) => unknown
}

/** `maxAge: undefined` means no Max-Age at all, so the key is left out rather than passed on. */
export function serializeCookie(name: string, value: string, { maxAge, ...options }: CookieOptions): string {
  return stringifySetCookie({ ...options, ...(maxAge === undefined ? {} : { maxAge }), name, value })
}

const cookiesIn = (header: string | null | undefined) => parseCookie(header ?? '')
const namesOf = (cookies: { getAll?: () => Array<{ name: string }> }) => cookies.getAll?.().map((cookie) => cookie.name) ?? []

export const isWebRequest = (req: unknown): req is Request =>
  typeof req === 'object' && req !== null && 'headers' in req && typeof (req as Request).headers?.get === 'function'

/** Node's http server, and so Express, Connect and Next.js API routes. */
export function nodeCookies(req: NodeRequest, res: NodeResponse): CookieJar {
  return {
    read: (name) => cookiesIn(req.headers.cookie)[name],
    names: () => Object.keys(cookiesIn(req.headers.cookie)),
    assertWritable: () => {
      if (res.headersSent) {
        throw new Error(
          'iron-session: Cannot set session cookie: session.save() was called after headers were sent. Make sure to call it before any res.send() or res.end()',
        )
      }
    },
    write: (name, value, options) => {
      const existing = res.getHeader('set-cookie') ?? []
      const previous = Array.isArray(existing) ? existing : [existing.toString()]
      res.setHeader('set-cookie', [...previous, serializeCookie(name, value, options)])
    },
    markPrivate: () => {
      if (res.getHeader('cache-control') === undefined) res.setHeader('cache-control', 'private')
    },
  }
}

/** A web Request, and a Response, a bare Headers, or Next's NextResponse to write into. */
export function webCookies(request: Request, response: Response | Headers): CookieJar {
  const headers = response instanceof Headers ? response : response.headers
  return {
    read: (name) => cookiesIn(request.headers.get('cookie'))[name],
    names: () => Object.keys(cookiesIn(request.headers.get('cookie'))),
    assertWritable: () => {
      if (response instanceof Response && response.bodyUsed) {
        throw new Error(
          'iron-session: Cannot set session cookie: the response body has already been consumed, so the Set-Cookie header would be dropped. Call session.save() before returning or streaming the response.',
        )
      }
    },
    write: (name, value, options) => headers.append('set-cookie', serializeCookie(name, value, options)),
    markPrivate: () => {
      if (!headers.has('cache-control')) headers.set('cache-control', 'private')
    },
  }
}

/**
 * Next.js `proxy.ts` (`middleware.ts` before Next 16). Next merges a cookie into
 * the current render only through `response.cookies.set()`, and writing the
 * request's cookies too lets code later in the same request read the new value.
 */
export function nextProxyCookies(request: { cookies: NextRequestCookies }, response: { cookies: NextResponseCookies }): CookieJar {
  return {
    read: (name) => request.cookies.get(name)?.value,
    names: () => namesOf(request.cookies),
    write: (name, value, options) => {
      response.cookies.set(name, value, options as Partial<ResponseCookie>)
      request.cookies.set(name, value)
    },
  }
}

/** A `cookies()`-style store, such as the App Router's. */
export function cookieStoreJar(store: CookieStore): CookieJar {
  return {
    read: (name) => store.get(name)?.value,
    names: () => namesOf(store),
    write: (name, value, options) => store.set(name, value, options as Partial<ResponseCookie>),
  }
}

export const isCookieJar = (value: unknown): value is CookieJar =>
  typeof value === 'object' && value !== null && typeof (value as CookieJar).read === 'function' && typeof (value as CookieJar).write === 'function'

export const isCookieStore = (value: unknown): value is CookieStore =>
  typeof value === 'object' && value !== null && typeof (value as CookieStore).get === 'function' && typeof (value as CookieStore).set === 'function'
