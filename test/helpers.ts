import { parseSetCookie } from 'cookie'
import { expect } from 'vitest'
import type { Passwords } from '../src/core/passwords.js'
import type { Session, Sessions } from '../src/index.js'
import { unseal, UnsealError } from '../src/core/seal.js'

export const password = 'a-test-password-of-at-least-32-characters'
export const newPassword = 'the-newer-password-of-32-characters-or-more'
export const url = 'https://app.example/'

/** A tiny browser cookie jar: applies Set-Cookie lines (Max-Age=0 deletes) and sends back a Cookie header. */
export class Jar {
  readonly cookies = new Map<string, string>()

  constructor(cookieHeader?: string) {
    for (const pair of cookieHeader?.split('; ') ?? []) {
      const [name, value] = pair.split('=') as [string, string]
      this.cookies.set(name, value)
    }
  }

  apply(response: Response): this {
    return this.applyLines(response.headers.getSetCookie())
  }

  applyLines(lines: string[]): this {
    for (const line of lines) {
      const cookie = parseSetCookie(line)
      if (cookie.maxAge === 0) this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value ?? '')
    }
    return this
  }

  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  request(path = '/', init: RequestInit = {}): Request {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', this.header)
    return new Request(new URL(path, url), { ...init, headers })
  }
}

/** A browser-ish client of an app driven in-process (Hono's `app.request`): keeps cookies, does not follow redirects. */
export function appClient(app: { request(path: string, init?: RequestInit): Response | Promise<Response> }) {
  const jar = new Jar()
  return {
    jar,
    async send(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers)
      if (jar.cookies.size > 0) headers.set('cookie', jar.header)
      const response = await app.request(path, { ...init, headers })
      jar.apply(response)
      return response
    },
  }
}

/** The Cookie header a browser sends back after these Set-Cookie lines (live cookies only). */
export const cookieHeaderFrom = (setCookies: string[]) => new Jar().applyLines(setCookies).header

/** Set-Cookie lines of a response as [name, maxAge] pairs. */
export const setCookieSummary = (response: Response) =>
  response.headers.getSetCookie().map((line) => {
    const cookie = parseSetCookie(line)
    return [cookie.name, cookie.maxAge] as const
  })

/** What unseal makes of a seal: 'accepted', or the UnsealError's reason (anything else thrown fails the test). */
export async function unsealVerdict(passwords: Passwords, sealed: string): Promise<string> {
  try {
    await unseal(passwords, sealed)
    return 'accepted'
  } catch (error) {
    expect(error).toBeInstanceOf(UnsealError)
    return (error as UnsealError).reason
  }
}

/** Closes a node:http server, ending its keep-alive connections (a browser's would hold close() open until they time out). */
export function closeServer(server: { close(done: () => void): unknown; closeAllConnections?: () => void }): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}

/** One request through read → handler → commit, the way every adapter runs it; the jar keeps what the response set. */
export async function visit<Data extends Record<string, unknown>>(
  sessions: Sessions<Data>,
  jar: Jar,
  handler: (session: Session<Data>) => unknown = () => {},
  request = jar.request(),
): Promise<{ session: Session<Data>; response: Response }> {
  const session = await sessions.read(request)
  handler(session)
  const response = await sessions.commit(session, new Response('ok'))
  jar.apply(response)
  return { session, response }
}
