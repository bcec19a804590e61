/**
 * examples/hono without a browser: the app through app.request(), and the
 * `npm start` server module as a child process answering real fetches.
 * The example imports 'iron-fetch-session/hono' (dist/): `npm test` builds first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseSetCookie } from 'cookie'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, DEMO_USER, MAX_CART_ITEMS } from '../examples/hono/app.js'
import { appClient } from './helpers.js'

const password = 'an-example-test-password-of-32-characters'
const origin = 'http://localhost' // app.request()'s default origin; the example's csrf() wants it on form posts
const serverModule = fileURLToPath(new URL('../examples/hono/server.js', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), headers: { origin, ...headers } }
}

const client = (app = createApp({ password })) => appClient(app)

describe('examples/hono: the app', () => {
  it('signs in with a form post: a sealed HttpOnly cookie and a 303 to the page, which shows the user', async () => {
    const { jar, send } = client()
    const page = await send('/')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Sign in as <code>demo</code> with the password <code>demo</code>')
    expect(page.headers.getSetCookie()).toEqual([])

    const login = await send('/login', form({ username: DEMO_USER.username, password: DEMO_USER.password }))
    expect(login.status).toBe(303)
    expect(login.headers.get('location')).toBe('/')
    const [line, ...more] = login.headers.getSetCookie()
    expect(more).toEqual([])
    const cookie = parseSetCookie(line!)
    expect(cookie).toMatchObject({ name: 'session', httpOnly: true, sameSite: 'lax', path: '/' })
    expect(cookie.secure ?? false).toBe(process.env.NODE_ENV === 'production') // Secure only in production: the example runs over plain http
    expect(cookie.value).toMatch(/^Fe26\.2\*/)

    const home = await (await send('/')).text()
    expect(home).toContain('Signed in as <strong id="user">Demo User</strong>')
    expect(home).toContain('Welcome, Demo User! You are signed in.')
    expect(home).toContain('<strong id="visits">1</strong>')
    const again = await (await send('/')).text()
    expect(again).toContain('<strong id="visits">2</strong>')
    expect(again).not.toContain('Welcome')
    expect(jar.cookies.has('session')).toBe(true)
  })

  it('refuses wrong credentials with an error, escapes what was typed, and sets no session', async () => {
    const { jar, send } = client()
    for (const fields of [
      { username: 'demo', password: 'wrong' },
      { username: '<img src=x onerror=alert(1)>', password: 'demo' },
      { username: '', password: '' },
    ]) {
      const response = await send('/login', form(fields))
      expect(response.status).toBe(401)
      expect(response.headers.getSetCookie()).toEqual([])
      const body = await response.text()
      expect(body).toContain('Wrong username or password.')
      expect(body).not.toContain('<img src=x')
    }
    const last = await send('/login', form({ username: '"><script>alert(1)</script>', password: 'x' }))
    expect(await last.text()).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(jar.cookies.size).toBe(0)
    expect(await (await send('/')).text()).not.toContain('id="user"')
  })

  it('refuses a cross-site form post before it touches the session', async () => {
    const { jar, send } = client()
    const response = await send('/login', form({ username: 'demo', password: 'demo' }, { origin: 'https://evil.example' }))
    expect(response.status).toBe(403)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(jar.cookies.size).toBe(0)
  })

  it('keeps the cart for signed-in users only, chunks it, caps it, and shrinks it', async () => {
    const { jar, send } = client()
    expect((await send('/cart/add', form({ count: '50' }))).headers.get('location')).toBe('/')
    expect(jar.cookies.size).toBe(0) // signed out: no cart, no cookie

    await send('/login', form({ username: 'demo', password: 'demo' }))
    await send('/cart/add', form({ count: '50' }))
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1'])
    for (let i = 0; i < 3; i++) await send('/cart/add', form({ count: '50' }))
    const full = await (await send('/')).text()
    expect(full).toContain(`<strong id="cart-count">${MAX_CART_ITEMS} items</strong>`)
    expect(full).toContain(`Your cart is full: it holds at most ${MAX_CART_ITEMS} items.`)
    expect([...jar.cookies.keys()].sort()).toEqual(['session.0', 'session.1', 'session.2'])

    await send('/cart/clear', form({}))
    expect([...jar.cookies.keys()]).toEqual(['session'])
    expect(await (await send('/')).text()).toContain('<strong id="cart-count">0 items</strong>')

    const logout = await send('/logout', form({}))
    expect(logout.status).toBe(303)
    expect([...jar.cookies.keys()]).toEqual(['session']) // holding only the sign-out flash
    expect(await (await send('/')).text()).toContain('You have been signed out.')
    expect(jar.cookies.size).toBe(0)
  })

  it('makes Secure cookies when asked, as it does by default with NODE_ENV=production', async () => {
    const { send } = client(createApp({ password, secure: true }))
    const login = await send('/login', form({ username: 'demo', password: 'demo' }))
    expect(parseSetCookie(login.headers.getSetCookie()[0]!).secure).toBe(true)
  })
})

/** A port nothing listens on right now, on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

interface Started {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

const children: ChildProcess[] = []

function start(env: Record<string, string | undefined>): Started {
  const inherited = { ...process.env }
  for (const name of ['SESSION_PASSWORD', 'PORT', 'HOST', 'NODE_ENV']) delete inherited[name]
  const child = spawn(process.execPath, [serverModule], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

/** Resolves with the URL the server printed, once it printed one; rejects if it exits first or after `ms`. */
async function printedUrl(started: Started, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const url = /http:\/\/\S+\//.exec(started.output())?.[0]
    if (url) return url
    if (started.child.exitCode !== null) throw new Error(`the server exited with ${started.child.exitCode}:\n${started.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`the server printed no URL within ${ms} ms:\n${started.output()}`)
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await gone
    clearTimeout(timer)
  }
})

describe('examples/hono: the npm start server', () => {
  it('starts on PORT, prints its URL, and answers', async () => {
    const port = await freePort()
    const server = start({ PORT: String(port), SESSION_PASSWORD: password })
    const url = await printedUrl(server)
    expect(url).toBe(`http://localhost:${port}/`)
    expect(server.output()).not.toContain('DEVELOPMENT password')

    const page = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Sign in as <code>demo</code>')

    const login = await fetch(new URL('/login', url), {
      method: 'POST',
      body: new URLSearchParams({ username: 'demo', password: 'demo' }),
      headers: { origin: new URL(url).origin },
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    })
    expect(login.status).toBe(303)
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
    const home = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(10_000) })
    expect(await home.text()).toContain('Signed in as <strong id="user">Demo User</strong>')
  }, 30_000)

  it('uses a labelled development password without SESSION_PASSWORD, and refuses to start without one in production', async () => {
    const dev = start({ PORT: String(await freePort()), HOST: '127.0.0.1' })
    expect(await printedUrl(dev)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(dev.output()).toContain('SESSION_PASSWORD is not set, so sessions are sealed with the built-in DEVELOPMENT password')

    const production = start({ PORT: String(await freePort()), NODE_ENV: 'production' })
    const code = await Promise.race([production.exited, new Promise((resolve) => setTimeout(() => resolve('timed out'), 10_000))])
    expect(code).toBe(1)
    expect(production.output()).toContain('SESSION_PASSWORD is not set. In production it is required')
  }, 30_000)
})
