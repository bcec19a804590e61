/**
 * React Router (framework mode), two ways onto the same sealed cookie:
 *
 * 1. Middleware (React Router 7.9+, `future.v8_middleware`): the session on the router context,
 *    committed on the way out.
 *
 *      export const { sessionMiddleware, sessionContext } = ironSession<Data>({ password })
 *      export const middleware = [sessionMiddleware]            // app/root.tsx
 *      const session = context.get(sessionContext)              // in a loader or action
 *
 * 2. A SessionStorage, React Router's own interface (getSession, commitSession, destroySession),
 *    whose sessions are React Router's Session (get/set/has/unset/flash) and whose cookie is a seal:
 *
 *      const storage = createIronSessionStorage<Data>({ password })
 *      const session = await storage.getSession(request.headers.get('Cookie'))
 *      return redirect('/', { headers: { 'Set-Cookie': await storage.commitSession(session) } })
 *
 * Either way the cookie is the core's (same name, attributes, chunks and Fe26.2 seal), so every
 * other adapter reads it under the same password. A thin mount: the core reads and commits.
 *
 * @module iron-fetch-session/react-router
 */
import { createContext, createSession, type MiddlewareFunction, type RouterContext, type Session as RouterSession, type SessionData, type SessionStorage } from 'react-router'
import {
  closeSession,
  createSessions,
  mountSession,
  sessionsResolver,
  STATE,
  type OptionsOrFactory,
  type ReadState,
  type Session,
  type SessionHeaders,
  type SessionOptions,
  type Sessions,
} from '../core/index.ts'

export type { Session, SessionHeaders, SessionOptions }

type Values = Record<string, unknown>

// ---------------------------------------------------------------- middleware

/** What a middleware function is given: the request, params and the router context. */
export type MiddlewareArgs = Parameters<MiddlewareFunction<Response>>[0]

/** What ironSession() makes: the middleware to export from app/root.tsx, and the context key the session is under. */
export interface IronSessionMiddleware<Data, Flash extends Values> {
  /** For a route's `middleware` export (app/root.tsx: `export const middleware = [sessionMiddleware]`). */
  sessionMiddleware: MiddlewareFunction<Response>
  /** The router context the session is on: `context.get(sessionContext)` in loaders, actions and later middleware. */
  sessionContext: RouterContext<Session<Data, Flash>>
}

/**
 * The session as React Router middleware: read before the loaders and actions run, put on the router
 * context (`context.get(sessionContext)`), and committed on the response on the way out.
 *
 * @param options Session options, or a function of the middleware's arguments (for secrets that
 *   arrive with the request, a Worker's env put on the router context).
 */
export function ironSession<Data extends Values = Values, Flash extends Values = Values>(options: OptionsOrFactory<Data, [args: MiddlewareArgs]>): IronSessionMiddleware<Data, Flash> {
  const sessionsFor = sessionsResolver<Data, Flash, [args: MiddlewareArgs]>(options)
  const sessionContext = createContext<Session<Data, Flash>>()
  const sessionMiddleware: MiddlewareFunction<Response> = async (args, next) => {
    const sessions = sessionsFor(args)
    // On the root and again on a route: the inner mount hands on this session and the outer one commits.
    const mount = mountSession(sessions, args.request)
    const session = await mount.session
    args.context.set(sessionContext, session)
    // React Router's next() does not throw: an error thrown by a loader, an action or the render comes back
    // as the error boundary's response, a 500. As in every adapter, a handler that throws commits nothing,
    // so such a response carries no half-done change. A redirect, returned or thrown, is committed.
    const response = await next()
    if (!mount.owner) return response
    const committed = response.status >= 500 ? response : await sessions.commit(session, response)
    // Done with it: in development, a later write (a deferred loader's promise, a session kept) throws instead of being lost.
    closeSession(session, 'the React Router session middleware')
    return committed
  }
  return { sessionMiddleware, sessionContext }
}

// ---------------------------------------------------------------- SessionStorage

/** React Router keeps a flash value in the session's data under this key (its sessions.ts). */
const flashKey = (name: string) => `__flash_${name}__`
const FLASH_KEY = /^__flash_(.*)__$/s
const ORIGIN = 'https://react-router-session.invalid/'

/** The storage, plus header lines for any number of cookies and the store's or revocations' ends. */
export interface IronSessionStorage<Data extends Values = SessionData, Flash = Data>
  extends SessionStorage<Data, Flash>,
    Pick<Sessions<Data>, 'revoke' | 'sessionsOf' | 'revokeAll'> {
  /**
   * What commitSession writes, as [name, value] lines for `headers` (`redirect('/', { headers: await
   * storage.commitHeaders(session) })`): none when nothing changed, several for a chunked session.
   */
  commitHeaders(session: RouterSession<Data, Flash>): Promise<SessionHeaders>
  /** destroySession's lines, likewise. */
  destroyHeaders(session: RouterSession<Data, Flash>): Promise<SessionHeaders>
}

/**
 * A SessionStorage for React Router whose cookie is an Fe26.2 seal (encrypted and signed), not
 * createCookieSessionStorage's signed, readable JSON. Sessions are React Router's own (its createSession):
 * `id` is the core's id with a store or revocations, '' cookie-only.
 */
export function createIronSessionStorage<Data extends Values = SessionData, Flash = Data>(options: SessionOptions<Data>): IronSessionStorage<Data, Flash> {
  if (options !== null && typeof options === 'object' && options.header !== undefined) {
    throw new TypeError("iron-fetch-session: React Router's SessionStorage takes no header option: getSession is given the Cookie header only. Use the middleware (ironSession) with the header transport, or drop header.")
  }
  // One Set-Cookie line per commitSession: React Router's API returns one string. A chunked session needs several.
  const oneLine = !options?.chunk
  const sessions = createSessions(options as unknown as SessionOptions)
  const cores = new WeakMap<object, Session>()

  const read = (cookieHeader: string | null | undefined) => {
    let request: Request
    try {
      request = new Request(ORIGIN, cookieHeader ? { headers: { cookie: cookieHeader } } : {})
    } catch {
      // Not a header value (a line break, say): no HTTP request carries one. Read as no cookie.
      request = new Request(ORIGIN)
    }
    return sessions.read(request)
  }

  /** React Router's Session over the core's: its data and incoming flash in React Router's map, its id the core's. */
  const wrap = (core: Session): RouterSession<Data, Flash> => {
    const flashIn = stateOf(core).flashIn
    const initial: Values = { ...core.data }
    for (const name of Object.keys(flashIn)) initial[flashKey(name)] = flashIn[name]
    const inner = createSession<Values>(initial)
    const session = {
      get id() {
        return core.id ?? ''
      },
      get data() {
        return inner.data
      },
      has: inner.has,
      get: inner.get,
      set: inner.set,
      flash: inner.flash,
      unset: inner.unset,
    }
    cores.set(session, core)
    return session as unknown as RouterSession<Data, Flash>
  }

  /** The core session behind a React Router session, brought up to date with its data and flash. */
  const sync = async (session: RouterSession<Data, Flash>): Promise<Session> => {
    // A Session from React Router's createSession() (or another storage) is saved as a new one.
    const core = cores.get(session) ?? (await read(null))
    if (core.destroyed) return core
    const values: Values = {}
    const flash: Values = {}
    for (const [key, value] of Object.entries(session.data as Values)) {
      const name = FLASH_KEY.exec(key)?.[1]
      if (name === undefined) values[key] = value
      else flash[name] = value
    }
    core.data = values as Partial<Values>
    const flashIn = stateOf(core).flashIn
    for (const name of Object.keys(flashIn)) {
      // Read with get(): gone from React Router's map, so read once here too, and dropped at commit.
      if (!Object.hasOwn(flash, name)) core.getFlash(name)
    }
    for (const [name, value] of Object.entries(flash)) {
      // Unread (the value read) stays as it is; a new or changed one is flashed for the next request.
      if (!Object.hasOwn(flashIn, name) || flashIn[name] !== value) core.flash(name, value as never)
    }
    return core
  }

  /** commitSession's one string: the Set-Cookie line, or '' (which browsers ignore) when nothing is to be written. */
  const single = (lines: SessionHeaders): string => lines.find(([name]) => name === 'set-cookie')?.[1] ?? ''

  const refuseOptions = (method: string, serializeOptions: object | undefined) => {
    if (serializeOptions !== undefined && Object.keys(serializeOptions).length > 0) {
      throw new TypeError(`iron-fetch-session: ${method} takes no cookie options: the seal's ttl sets the cookie's lifetime, and cookieOptions (in createIronSessionStorage) its attributes. Drop the options.`)
    }
  }
  const refuseChunks = (method: string, instead: string) => {
    if (!oneLine) {
      throw new TypeError(`iron-fetch-session: with chunk, a session may need several Set-Cookie lines, and ${method} returns one string. Use ${instead}, whose lines go in \`headers\`, or the middleware (ironSession).`)
    }
  }

  // No header transport and no response here: every line is a set-cookie line.
  const commitHeaders = async (session: RouterSession<Data, Flash>) => sessions.commitHeaders(await sync(session))
  const destroyHeaders = async (session: RouterSession<Data, Flash>) => {
    const core = cores.get(session) ?? (await read(null))
    core.destroy()
    return sessions.commitHeaders(core)
  }

  return {
    async getSession(cookieHeader, parseOptions) {
      refuseOptions('getSession', parseOptions)
      return wrap(await read(cookieHeader))
    },

    async commitSession(session, serializeOptions) {
      refuseOptions('commitSession', serializeOptions)
      refuseChunks('commitSession', 'storage.commitHeaders(session)')
      return single(await commitHeaders(session))
    },

    async destroySession(session, serializeOptions) {
      refuseOptions('destroySession', serializeOptions)
      refuseChunks('destroySession', 'storage.destroyHeaders(session)')
      return single(await destroyHeaders(session))
    },

    commitHeaders,
    destroyHeaders,

    revoke: sessions.revoke,
    sessionsOf: sessions.sessionsOf as Sessions<Data>['sessionsOf'],
    revokeAll: sessions.revokeAll,
  }
}

const stateOf = (core: Session): ReadState => (core as Session & { [STATE]: ReadState })[STATE]
