/**
 * The header transport: the seal in a request header as well as the cookie, for clients without
 * cookies (`Authorization: Bearer <seal>`, or a header of the app's naming). Its own import,
 * `headerTransport` from 'iron-fetch-session/header', so only the apps that use it bundle it; the core
 * knows it by the shape of `HeaderTransport` alone (options.ts, session.ts, commit.ts).
 */
import { brief, DEV } from './messages.ts'

/** Where a seal read from `Authorization: Bearer` goes back: Authorization is a request header only. */
export const AUTHORIZATION_RESPONSE_HEADER = 'session-token'
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const SPACE = 0x20
const WHITESPACE = /\s/

/** Made by `headerTransport(name)`; pass it as the `header` option. */
export interface HeaderTransport {
  readonly option: 'header'
  /** Lower-case request header name, and the response header that answers it. */
  readonly request: string
  readonly response: string
  /** Offer a new session in the header too, to a client that sent neither header nor cookie. */
  readonly firstContact: boolean
  /** The seal the request carries in the header ('' for an empty one: start a session there), or undefined when it does not use the header. */
  find(request: Request): string | undefined
}

/**
 * `header: headerTransport('authorization')` reads `Authorization: Bearer <seal>` and answers in `Session-Token`;
 * any other name (`'x-session'`) is read and answered as is. A request that carries the header (empty, to start)
 * is answered in it; with `{ name, firstContact: true }` a new session is also offered in it to a client that
 * sent neither header nor cookie.
 */
export function headerTransport(given: string | { name: string; firstContact?: boolean }): HeaderTransport {
  const { name, firstContact = false } = typeof given === 'string' ? { name: given } : given !== null && typeof given === 'object' ? given : { name: given }
  if (typeof name !== 'string' || !HEADER_NAME.test(name) || name.toLowerCase() === 'cookie') {
    throw new TypeError(DEV ? `iron-fetch-session: header ${JSON.stringify(name)} is not a usable header name. Use 'authorization' or a name such as 'x-session'.` : brief(`header ${JSON.stringify(name)} is not a usable header name`))
  }
  if (typeof firstContact !== 'boolean') throw new TypeError(DEV ? 'iron-fetch-session: header.firstContact must be true or false.' : brief('header.firstContact must be true or false'))
  const request = name.toLowerCase()
  const bearer = request === 'authorization'
  return {
    option: 'header',
    request,
    response: bearer ? AUTHORIZATION_RESPONSE_HEADER : request,
    firstContact,
    // A client that sends the header, even empty, keeps its session there and is answered there;
    // for Authorization, only the Bearer scheme (another scheme is the app's own business).
    find: (incoming) => {
      const value = incoming.headers.get(request)
      if (value === '' || (value !== null && !bearer)) return value
      return value ? bearerToken(value) : undefined
    },
  }
}

/**
 * `Bearer <token>` (scheme case-insensitive, spaces around the token): the token, '' when there is
 * none, undefined when the value is not that shape. A scan, not a regex: a pattern whose parts compete
 * for the same spaces backtracks quadratically on a long run of them, and this runs on every request.
 */
export function bearerToken(value: string): string | undefined {
  if (value.length < 6 || value.slice(0, 6).toLowerCase() !== 'bearer') return undefined
  let end = value.length
  while (end > 6 && value.charCodeAt(end - 1) === SPACE) end--
  if (end === 6) return ''
  if (value.charCodeAt(6) !== SPACE) return undefined
  let start = 7
  while (value.charCodeAt(start) === SPACE) start++
  const token = value.slice(start, end)
  return WHITESPACE.test(token) ? undefined : token
}
