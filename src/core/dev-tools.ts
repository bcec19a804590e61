/**
 * What only development needs, reached through `devTools` of '#dev' (dev.ts, dev-bundled.ts): a
 * production bundle for the edge drops this whole module, not only its messages.
 *
 * The plain-http warning: a browser drops a `Secure` cookie set in answer to plain http, except
 * from localhost, so a session that "never sticks" on a LAN address or a container's hostname is a
 * silent failure without it. And the did-you-mean of an unknown option (strict.ts).
 */

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Outside production: NODE_ENV, where the runtime has one, is not 'production'. Read each time it is asked. */
function outsideProduction(): boolean {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    return env !== undefined && env.NODE_ENV !== 'production'
  } catch {
    return false // Deno without --allow-env throws on reading the environment
  }
}

/** outsideProduction(), read once: closeSession asks it on every request. */
let developing: boolean | undefined
function development(): boolean {
  return (developing ??= outsideProduction())
}

/** For tests that change NODE_ENV: the next closeSession reads it again. */
export function rereadEnvironment(): void {
  developing = undefined
}

/**
 * After a mount committed the session for good (its response has the cookie): in development, every
 * write to the session throws, naming what was written and where it should go, instead of being lost
 * in silence (an outer middleware writing after next(), a session kept past its request). Reads still
 * work. Cheap on every request: the session only changes prototype, to one whose writing methods throw;
 * nothing is copied or wrapped until something is written.
 */
export function closeSession(session: object, where = 'the session middleware'): void {
  if (!development()) return
  const proto = Object.getPrototypeOf(session) as object
  let closed = closedPrototypes.get(proto)
  if (!closed) closedPrototypes.set(proto, (closed = closedPrototype(proto)))
  ;(session as { [WHERE]?: string })[WHERE] = where
  Object.setPrototypeOf(session, closed)
}

const WHERE = Symbol('iron-fetch-session closed by')
const GUARDED = Symbol('iron-fetch-session guarded data')
const closedPrototypes = new WeakMap<object, object>()

function lost(session: object, what: string): Error {
  return new Error(
    `iron-fetch-session: ${what} after ${(session as { [WHERE]?: string })[WHERE]} committed the session: the response already carries its cookie, so this change would be lost. ` +
      'Make the change in the handler (or in a middleware mounted inside the session middleware), before the response is committed. (Development only: with NODE_ENV=production the change is dropped.)',
  )
}

/** The session's prototype, with every way to write throwing (session.data wrapped on first use). */
function closedPrototype(proto: object): object {
  const method = (name: string) => ({
    value(this: object): never {
      throw lost(this, `session.${name}()`)
    },
  })
  return Object.create(proto, {
    data: {
      get(this: { [GUARDED]?: object }) {
        if (this[GUARDED]) return this[GUARDED]
        const data = Reflect.get(proto, 'data', this) as object
        const write = (): never => {
          throw lost(this, 'a write to session.data')
        }
        return (this[GUARDED] = new Proxy(data, { set: write, deleteProperty: write, defineProperty: write }))
      },
      set(this: object) {
        throw lost(this, 'assigning session.data')
      },
    },
    set: method('set'),
    unset: method('unset'),
    flash: method('flash'),
    destroy: method('destroy'),
    regenerateId: method('regenerateId'),
    setLifetime: method('setLifetime'),
  })
}

/** Armed for a Secure cookie outside production (NODE_ENV, where the runtime has one); fires once. */
export interface PlainHttpWarning {
  warned: boolean
}

export function plainHttpWarning(secure: boolean | undefined): PlainHttpWarning | undefined {
  return secure && outsideProduction() ? { warned: false } : undefined
}

/** The request's host when it came over plain http from a host a browser will not send a Secure cookie to. */
export function insecureHost(request: Request): string | undefined {
  const url = request.url
  if (!url.startsWith('http://')) return undefined
  // Every plain-http request to localhost comes here, for as long as the server runs (the warning never fires
  // for it): so the host is cut from the normalised URL rather than parsed whole, and the header read last.
  const end = url.indexOf('/', 7)
  const authority = end === -1 ? url.slice(7) : url.slice(7, end)
  const hostname = authority.includes('@') ? new URL(url).hostname : authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.split(':', 1)[0]!
  if (LOCAL_HOSTS.has(hostname) || hostname.endsWith('.localhost')) return undefined
  return request.headers.get('x-forwarded-proto') === 'https' ? undefined : hostname
}

export function warnPlainHttp(warning: PlainHttpWarning, host: string, cookieName: string): void {
  warning.warned = true
  console.warn(
    `iron-fetch-session: the session cookie ${cookieName} is Secure, but this response answers a plain-http request to ${host}: the browser will drop the cookie, so the session never sticks. Serve over https, open the app on localhost, or set cookieOptions.secure to false in development only. (Shown once; not shown when NODE_ENV is production.)`,
  )
}

/** The known name closest to `key` (case-insensitive edit distance), if it is close enough to be a typo. */
export function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1
  for (const name of known) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [name, distance]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}
