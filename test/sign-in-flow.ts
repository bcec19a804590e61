/**
 * The sign-in demo examples/h3 and examples/elysia share (examples/shared/sign-in.js), driven over
 * HTTP as a browser would: a cookie jar, redirects not followed, every request bounded in time.
 */
import { parseSetCookie } from 'cookie'
import { expect } from 'vitest'
import { Jar } from './helpers.js'
import { REQUEST_TIMEOUT } from './runtime-helpers.js'

export function browser(origin: string) {
  const jar = new Jar()
  return {
    jar,
    async send(path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
      const response = await fetch(new URL(path, origin), {
        method: form ? 'POST' : 'GET',
        headers: { ...(jar.cookies.size > 0 && { cookie: jar.header }), ...headers },
        ...(form && { body: new URLSearchParams(form) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT),
      })
      jar.apply(response)
      return { status: response.status, location: response.headers.get('location'), setCookies: response.headers.getSetCookie(), body: await response.text() }
    },
  }
}

/** Sign in with the form, read the page, the flash shown once after the redirect, sign out. */
export async function expectTheSignInFlow(origin: string): Promise<void> {
  const { jar, send } = browser(origin)

  const first = await send('/')
  expect(first.status).toBe(200)
  expect(first.body).toContain('Sign in as <code>demo</code> with the password <code>demo</code>.')
  expect(first.setCookies).toEqual([]) // a visitor who is signed out gets no cookie

  const wrong = await send('/login', { username: '<b>demo</b>', password: 'nope' })
  expect(wrong.status).toBe(401)
  expect(wrong.body).toContain('Wrong username or password.')
  expect(wrong.body).toContain('value="&lt;b&gt;demo&lt;/b&gt;"')
  expect(wrong.setCookies).toEqual([])

  const crossSite = await send('/login', { username: 'demo', password: 'demo' }, { origin: 'https://evil.example' })
  expect(crossSite.status).toBe(403)
  expect(crossSite.setCookies).toEqual([])
  expect(jar.cookies.size).toBe(0)

  const login = await send('/login', { username: 'demo', password: 'demo' })
  expect([login.status, login.location]).toEqual([303, '/'])
  expect(login.setCookies).toHaveLength(1)
  const cookie = parseSetCookie(login.setCookies[0]!)
  expect(cookie).toMatchObject({ name: 'session', httpOnly: true, sameSite: 'lax', path: '/' })
  expect(cookie.value).toMatch(/^Fe26\.2\*1\*/)

  const home = await send('/')
  expect(home.body).toContain('Signed in as <strong id="user">Demo User</strong>')
  expect(home.body).toContain('<p role="status" id="notice">Welcome, Demo User! You are signed in.</p>')
  expect(home.body).toContain('<strong id="visits">1</strong>')
  const again = await send('/')
  expect(again.body).toContain('<strong id="visits">2</strong>')
  expect(again.body).not.toContain('id="notice"') // the flash showed once

  const logout = await send('/logout', {})
  expect([logout.status, logout.location]).toEqual([303, '/'])
  expect([...jar.cookies.keys()]).toEqual(['session']) // holding only the sign-out flash
  const out = await send('/')
  expect(out.body).toContain('<p role="status" id="notice">You have been signed out.</p>')
  expect(out.body).toContain('Sign in as <code>demo</code>')
  expect(out.setCookies.map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', maxAge: 0 }])
  expect(jar.cookies.size).toBe(0)
  expect((await send('/')).body).not.toContain('id="notice"')
}
