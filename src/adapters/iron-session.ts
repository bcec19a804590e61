/**
 * iron-session 9, over our codec: change `from 'iron-session'` to
 * `from 'iron-fetch-session/iron-session'` and the app keeps working, case by
 * case, and its cookies keep moving both ways. Our improvements are opt-in
 * (`extras`); see docs/iron-session.md.
 *
 * @module iron-fetch-session/iron-session
 */
import { cookieStoreJar, isCookieJar, isCookieStore, isWebRequest, nodeCookies, webCookies } from './iron-session/jars.ts'
import type { CookieJar, CookieStore, NodeRequest, NodeResponse } from './iron-session/jars.ts'
import type { SessionOptions } from './iron-session/options.ts'
import { createSession, type IronSession } from './iron-session/session.ts'

export { nextProxyCookies, nodeCookies, webCookies } from './iron-session/jars.ts'
export type { CookieJar, CookieStore, NextRequestCookies, NextResponseCookies, NodeRequest, NodeResponse, ResponseCookie } from './iron-session/jars.ts'
export type { CookieOptions, Extras, Password, PasswordsMap, SessionOptions, UnsealErrorReason } from './iron-session/options.ts'
export { sealData, unsealData } from './iron-session/seal-data.ts'
export type { IronSession } from './iron-session/session.ts'

const BAD_USAGE = 'iron-session: Bad usage: use getIronSession(req, res, options) or getIronSession(cookieStore, options).'

/**
 * iron-session's `getIronSession(cookieStore, options)`: the session over a cookie store (Next.js `await cookies()`)
 * or a `CookieJar` (`nodeCookies`, `webCookies`, `nextProxyCookies`).
 */
export function getIronSession<T extends object>(cookies: CookieStore | CookieJar, sessionOptions: SessionOptions): Promise<IronSession<T>>
/**
 * iron-session's `getIronSession(req, res, options)`: the session over Node's request and response (Express, Pages
 * Router API routes), or over a web `Request` and the `Response` or `Headers` that `save()` writes to.
 */
export function getIronSession<T extends object>(req: NodeRequest | Request, res: NodeResponse | Response | Headers, sessionOptions: SessionOptions): Promise<IronSession<T>>
export async function getIronSession<T extends object>(first: unknown, second: unknown, third?: SessionOptions): Promise<IronSession<T>> {
  if (!first || !second) throw new Error(BAD_USAGE)
  if (!third) {
    const options = second as SessionOptions
    if (isCookieJar(first)) return createSession<T>(first, options)
    if (isCookieStore(first)) return createSession<T>(cookieStoreJar(first), options)
    throw new Error(BAD_USAGE)
  }
  const jar = isWebRequest(first) ? webCookies(first, second as Response | Headers) : nodeCookies(first as NodeRequest, second as NodeResponse)
  return createSession<T>(jar, third)
}
