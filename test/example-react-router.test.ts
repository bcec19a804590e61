/**
 * examples/react-router, a real React Router 7 app in framework mode (route middleware, a form action,
 * loaders, a flash after a redirect): `react-router build`, then `react-router-serve` on 127.0.0.1 and a
 * free port, driven over HTTP (fetch and a cookie jar) and in Debian's Chromium through playwright-core.
 *
 * Built on every run, from scratch (about 2 s alone on 2 cores); the time is printed. The example imports
 * 'iron-fetch-session/react-router', which is dist/ (`npm run build` first). Needs /usr/bin/chromium
 * (`apt-get install -y chromium`); without it, or when the build fails, this test fails rather than skips.
 */
import { existsSync, rmSync } from 'node:fs'
import { parseSetCookie } from 'cookie'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { createSessions } from '../src/index.ts'
import { Jar } from './helpers.ts'
import { root, spawnChild, startServer, withTimeout, type RunningServer } from './runtime-helpers.ts'

const CHROMIUM = '/usr/bin/chromium'
const exampleDir = `${root}examples/react-router/`
const REACT_ROUTER = `${root}node_modules/@react-router/dev/bin.js`
const SERVE = `${root}node_modules/@react-router/serve/bin.js`
/** A clean build takes seconds; the bound leaves room for 2 cores busy with other test files. */
const BUILD_TIMEOUT = 180_000
const WAIT = 15_000
const password = 'a-react-router-example-password-of-32-characters'

let server: RunningServer | undefined
let browser: Browser | undefined
let context: BrowserContext | undefined
let base = ''
/** Why beforeAll could not set up, thrown by each test so that it fails (vitest would mark them skipped). */
let setupError: unknown

/** `react-router build` from scratch, bounded; fails with its output. */
async function buildExample(): Promise<void> {
  rmSync(`${exampleDir}build`, { recursive: true, force: true })
  const started = Date.now()
  const run = spawnChild(process.execPath, [REACT_ROUTER, 'build'], { cwd: exampleDir, env: {} })
  try {
    const code = await withTimeout(run.exited, BUILD_TIMEOUT, 'react-router build')
    if (code !== 0) throw new Error(`exit code ${code}`)
  } catch (error) {
    throw new Error(`react-router build failed in examples/react-router (has \`npm run build\` made dist/?): ${error instanceof Error ? error.message : String(error)}\n${run.output()}`)
  } finally {
    await run.stop()
  }
  console.log(`examples/react-router: react-router build took ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

beforeAll(async () => {
  try {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. This test drives a real browser: install it with \`apt-get install -y chromium\` (as root, after apt-get update).`)
    }
    await buildExample()
    // COOKIE_SECURE=false: plain http (see app/session.server.ts).
    server = await startServer('React Router example', process.execPath, [SERVE, './build/server/index.js'], {
      cwd: exampleDir,
      env: { HOST: '127.0.0.1', SESSION_PASSWORD: password, COOKIE_SECURE: 'false' },
    })
    base = server.origin
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    })
  } catch (error) {
    setupError = error
  }
}, BUILD_TIMEOUT + 90_000)

afterAll(async () => {
  await context?.close().catch(() => {})
  await browser?.close().catch(() => {})
  await server?.stop()
}, 30_000)

function requireSetup(): void {
  if (setupError) throw setupError
  onTestFailed(() => {
    console.error(`react-router-serve output (last 8 KB):\n${server?.run.output().slice(-8192) ?? '(not started)'}`)
  })
}

/** One request with the jar's cookies, not following redirects; the jar keeps what the response sets. */
async function send(jar: Jar, path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = jar.cookies.size > 0 ? { cookie: jar.header } : {}
  let body: URLSearchParams | null = null
  if (init.form) {
    body = new URLSearchParams(init.form)
    headers.origin = base
  }
  const response = await fetch(`${base}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual', signal: AbortSignal.timeout(WAIT) })
  jar.apply(response)
  return response
}

const sessionLines = (response: Response) => response.headers.getSetCookie().filter((line) => parseSetCookie(line).name === 'session')

describe('examples/react-router: react-router build, react-router-serve', () => {
  it('over HTTP: the form action signs in with a redirect that sets the cookie, the loader reads it, the flash shows once, sign-out clears it', async () => {
    requireSetup()
    const jar = new Jar()
    const visitor = await send(jar, '/api/session')
    expect(await visitor.json()).toEqual({ user: null, isNew: true })
    expect(visitor.headers.getSetCookie()).toEqual([]) // a visitor gets no cookie

    const wrong = await send(jar, '/login', { form: { username: 'demo', password: 'nope' } })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('Wrong username or password.')
    expect(wrong.headers.getSetCookie()).toEqual([])

    const login = await send(jar, '/login', { form: { username: 'demo', password: 'demo' } })
    expect([login.status, login.headers.get('location')]).toEqual([302, '/'])
    const set = parseSetCookie(sessionLines(login)[0]!)
    expect(set).toMatchObject({ name: 'session', httpOnly: true, sameSite: 'lax', path: '/' })
    expect(set.value).toMatch(/^Fe26\.2\*1\*/)
    expect(login.headers.get('cache-control')).toBe('private')

    // The cookie is our core's: createSessions reads it under the same password.
    const core = await createSessions({ password }).read(new Request('http://127.0.0.1/', { headers: { cookie: jar.header } }))
    expect(core.data).toEqual({ user: { username: 'demo', name: 'Demo User' } })

    const home = await send(jar, '/')
    const html = await home.text()
    expect(html).toContain('Demo User')
    expect(html).toContain('Welcome, Demo User! You are signed in.')
    expect(sessionLines(home)).toHaveLength(1) // re-sealed without the flash it read
    const again = await send(jar, '/')
    const second = await again.text()
    expect(second).toContain('Demo User')
    expect(second).not.toContain('Welcome, Demo User!')
    expect(again.headers.getSetCookie()).toEqual([]) // a read-only page writes nothing
    expect(await (await send(jar, '/api/session')).json()).toEqual({ user: { username: 'demo', name: 'Demo User' }, isNew: false })

    const logout = await send(jar, '/logout', { form: {} })
    expect([logout.status, logout.headers.get('location')]).toEqual([302, '/'])
    const after = await send(jar, '/')
    const signedOut = await after.text()
    expect(signedOut).toContain('You have been signed out.')
    expect(signedOut).toContain('You are signed out.')
    expect(jar.cookies.has('session')).toBe(false) // the flash-only cookie, read, was cleared
    expect(await (await send(jar, '/api/session')).json()).toEqual({ user: null, isNew: true })

    // A data request, as React Router's <Form> sends it from the browser: the redirect it encodes carries the cookie too.
    const data = new Jar()
    const dataLogin = await send(data, '/login.data', { form: { username: 'demo', password: 'demo' } })
    expect(dataLogin.status).toBe(202)
    expect(sessionLines(dataLogin)).toHaveLength(1)
    expect(await (await send(data, '/api/session')).json()).toEqual({ user: { username: 'demo', name: 'Demo User' }, isNew: false })
  }, 60_000)

  it('in Chromium: sign in through the form, the user and the flash show after the redirect, the flash once, sign out clears it', async () => {
    requireSetup()
    if (!browser) throw new Error('no browser')
    context = await browser.newContext()
    context.setDefaultTimeout(WAIT)
    context.setDefaultNavigationTimeout(WAIT)
    const page: Page = await context.newPage()
    const sessionCookie = async () => (await context!.cookies(base)).find((cookie) => cookie.name === 'session')

    await page.goto(`${base}/`)
    await page.getByText('You are signed out.').waitFor()
    expect(await sessionCookie()).toBeUndefined()

    // Client-side navigation to the form (hydrated app), then a wrong password: the action's 401 data.
    await page.getByRole('link', { name: 'Sign in' }).click()
    await page.getByLabel('Username').fill('demo')
    await page.getByLabel('Password').fill('wrong')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('#error').textContent(), { timeout: WAIT }).toBe('Wrong username or password.')
    expect(await sessionCookie()).toBeUndefined()

    // The right one: React Router's <Form> posts to the action (a data request), whose redirect carries the cookie.
    await page.getByLabel('Password').fill('demo')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('#user').textContent(), { timeout: WAIT }).toBe('Demo User')
    expect(page.url()).toBe(`${base}/`)
    expect(await page.locator('#notice').textContent()).toBe('Welcome, Demo User! You are signed in.')
    const cookie = await sessionCookie()
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    expect(cookie!.value).toMatch(/^Fe26\.2\*/)
    expect(await page.evaluate(() => document.cookie)).not.toContain('session')

    // A reload renders the user on the server from the cookie; the flash was shown once.
    await page.reload()
    expect(await page.locator('#user').textContent()).toBe('Demo User')
    expect(await page.locator('#notice').count()).toBe(0)

    // Sign out: the flash says so, the user is gone, and once it is read no session cookie is left.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => page.locator('#notice').textContent(), { timeout: WAIT }).toBe('You have been signed out.')
    expect(await page.locator('#user').count()).toBe(0)
    await expect.poll(sessionCookie, { timeout: WAIT }).toBeUndefined()
    await page.reload()
    await page.getByText('You are signed out.').waitFor()
    expect(await page.locator('#notice').count()).toBe(0)
    expect(await sessionCookie()).toBeUndefined()
    await page.close()
  }, 90_000)
})
