/**
 * iron-session 9's API over the core: change `from 'iron-session'` to
 * `from 'iron-fetch-session/iron-session'`, and cookies keep moving both ways.
 *
 * Differences from iron-session 9, on purpose:
 * - save() writes only when the data changed, or the seal needs renewing (an old
 *   password id, or sealed more than ttl / 10 ago: the core's `rolling`), so an
 *   unchanged save() still extends the session as iron-session's does.
 * - cookieOptions.maxAge and .expires are refused at setup: Max-Age follows ttl
 *   (ttl − 60 s), and browser-session cookies (`maxAge: undefined`) are not offered.
 * - No CookieJar helpers (nodeCookies, webCookies, nextProxyCookies).
 * - Node types are structural, so this module's .d.ts needs no @types/node.
 */
import { parseSetCookie, stringifyCookie, type SetCookie } from 'cookie'
import { createSessions, type SessionHeaders, type Sessions } from '../core/index.ts'
import type { SameSite } from '../core/cookies.ts'
import type { SessionOptions as CoreOptions, UnsealErrorReason } from '../core/options.ts'
import type { Password } from '../core/seal.ts'

export { sealData, unsealData } from '../core/seal.ts'
export type { UnsealErrorReason, Password }

export type CookieOptions = Omit<SetCookie, 'name' | 'value' | 'maxAge'> & { maxAge?: number | undefined }
export interface SessionOptions {
  cookieName: string
  password: Password
  ttl?: number
  cookieOptions?: CookieOptions
  onUnsealError?: (reason: UnsealErrorReason, error: unknown) => void
  chunk?: boolean
}
export type IronSession<T> = Partial<T> & {
  readonly save: () => Promise<void>
  readonly destroy: () => void
  readonly updateConfig: (newSessionOptions: SessionOptions) => void
}
/** What iron-session calls a ResponseCookie: the attributes a cookie store's set() is given. */
export type ResponseCookie = Pick<SetCookie, 'domain' | 'path' | 'sameSite' | 'secure' | 'httpOnly' | 'priority' | 'partitioned'> & { maxAge?: number | undefined; expires?: Date | number }
/** A cookie store such as Next.js `await cookies()`. */
export interface CookieStore {
  get: (name: string) => { value: string } | undefined
  getAll?: () => Array<{ name: string; value: string }>
  set: (name: string, value: string, cookie: Partial<ResponseCookie>) => unknown
}
/** Node's IncomingMessage and ServerResponse (Express, Connect), as far as they are used. */
export interface NodeRequest { headers: { cookie?: string | undefined } }
export interface NodeResponse {
  readonly headersSent: boolean
  getHeader(name: string): number | string | string[] | undefined
  setHeader(name: string, value: number | string | readonly string[]): unknown
}

/** Where a session's cookies come from and go to. `check` throws when a cookie could no longer reach the client. */
interface Host {
  cookieHeader(names: string[]): string
  check(): void
  write(lines: SessionHeaders): void
  /** The response so far, for the core's Cache-Control: private; none for a cookie store. */
  response(): Response | undefined
}

const BAD_USAGE = 'iron-fetch-session: bad usage: use getIronSession(req, res, options), getIronSession(request, response | headers, options) or getIronSession(cookieStore, options).'
const instances = new WeakMap<SessionOptions, Sessions>()

/** One core instance per options object, so a module-level options object is checked once and shares the unseal cache. */
function sessionsFor(options: SessionOptions): Sessions {
  if (options === null || typeof options !== 'object') throw new TypeError(BAD_USAGE)
  let sessions = instances.get(options)
  if (!sessions) instances.set(options, (sessions = createSessions(coreOptions(options))))
  return sessions
}

function coreOptions({ password, cookieName, ttl, cookieOptions = {}, chunk, onUnsealError }: SessionOptions): CoreOptions {
  if (!cookieName) throw new TypeError("iron-fetch-session: cookieName is required, as in iron-session. Pass your session cookie's name, for example { cookieName: 'myapp_session', password }.")
  const { maxAge, expires, sameSite, ...attributes } = cookieOptions
  if ('maxAge' in cookieOptions || expires !== undefined) {
    throw new TypeError(`iron-fetch-session: cookieOptions.${expires === undefined ? 'maxAge' : 'expires'} is not supported; the cookie's Max-Age follows ttl (ttl − 60 s). Remove it and set ttl (seconds) instead.`)
  }
  const site = sameSite === true ? 'strict' : typeof sameSite === 'string' ? (sameSite.toLowerCase() as SameSite) : undefined
  return {
    password,
    cookieName,
    cookieOptions: site ? { ...attributes, sameSite: site } : attributes,
    // iron-session's save() re-seals every time; ours writes on change, and rolling renews an unchanged one.
    rolling: ttl !== 0,
    ...(ttl !== undefined && { ttl }),
    ...(chunk !== undefined && { chunk }),
    ...(onUnsealError && { onUnsealError }),
  }
}

function hostFor(first: unknown, second: unknown, third: unknown): Host {
  if (!first || !second) throw new TypeError(BAD_USAGE)
  if (!third) {
    const store = first as CookieStore
    if (typeof store.get !== 'function' || typeof store.set !== 'function') throw new TypeError(BAD_USAGE)
    const write = (lines: SessionHeaders) => {
      for (const [, line] of lines.filter(([header]) => header === 'set-cookie')) {
        const { name, value = '', ...attributes } = parseSetCookie(line)
        store.set(name, value, attributes)
      }
    }
    const cookieHeader = (names: string[]) => stringifyCookie(Object.fromEntries(names.map((name) => [name, store.get(name)?.value]).filter(([, value]) => value)))
    return { cookieHeader, check: () => {}, write, response: () => undefined }
  }
  if (typeof (first as Request).headers.get === 'function') {
    const response = second as Response | Headers
    const headers = response instanceof Headers ? response : response.headers
    const check = () => {
      if (response instanceof Response && response.bodyUsed) throw new Error('iron-fetch-session: cannot set the session cookie: the response body was already consumed. Call session.save() before returning the response.')
    }
    const cookieHeader = () => (first as Request).headers.get('cookie') ?? ''
    return { cookieHeader, check, write: (lines) => (check(), lines.forEach(([name, value]) => headers.append(name, value))), response: () => new Response(null, { headers }) }
  }
  const res = second as NodeResponse
  const check = () => {
    if (res.headersSent) throw new Error('iron-fetch-session: cannot set the session cookie: session.save() or destroy() was called after the headers were sent. Call it before res.send() or res.end().')
  }
  const append = ([name, value]: [string, string]) => {
    const prev = res.getHeader(name)
    res.setHeader(name, prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value])
  }
  const cacheControl = () => res.getHeader('cache-control')
  const response = () => new Response(null, { headers: cacheControl() === undefined ? {} : { 'cache-control': String(cacheControl()) } })
  return { cookieHeader: () => (first as NodeRequest).headers.cookie ?? '', check, write: (lines) => (check(), lines.forEach(append)), response }
}

export function getIronSession<T extends object>(cookies: CookieStore, options: SessionOptions): Promise<IronSession<T>>
export function getIronSession<T extends object>(req: NodeRequest | Request, res: NodeResponse | Response | Headers, options: SessionOptions): Promise<IronSession<T>>
export async function getIronSession<T extends object>(first: unknown, second: unknown, third?: SessionOptions): Promise<IronSession<T>> {
  const host = hostFor(first, second, third)
  const options = third ?? (second as SessionOptions)
  let sessions = sessionsFor(options)
  const names = [options.cookieName, ...Array.from({ length: 10 }, (_, i) => `${options.cookieName}.${i}`)]
  const core = await sessions.read(new Request('http://localhost/', { headers: { cookie: host.cookieHeader(names) } }))
  const session = core.data // the app's fields live here, and the core commits exactly this object

  let queue = Promise.resolve()
  // The core writes only what changed since the last commit, so save() may run any number of times.
  // It throws when data was written back after destroy(), as iron-session 9 does.
  const saveNow = async () => {
    host.check()
    host.write(await sessions.commitHeaders(core, host.response()))
  }
  const save = () => (queue = queue.then(saveNow, saveNow)) // in order; a failed save does not block the next
  // Synchronous, as iron-session's is, so `session.destroy(); res.end()` works.
  const destroy = () => host.write(sessions.destroyHeaders(core))
  const updateConfig = (next: SessionOptions) => {
    sessions = sessionsFor(next) // throws here for bad options, as iron-session does
  }
  Object.defineProperties(session, { save: { value: save }, destroy: { value: destroy }, updateConfig: { value: updateConfig } })
  return session as IronSession<T>
}
