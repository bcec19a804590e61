/**
 * examples/next, a real Next.js 16 app (App Router page, server actions, a route
 * handler, a Pages Router API route, proxy.ts) on the iron-session drop-in: `next
 * build`, then `next start` on 127.0.0.1, driven by Debian's Chromium through
 * playwright-core. Then cookies move both ways between it and a node:http app on
 * the real iron-session 8.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); without it this test
 * fails rather than skips. The example imports 'iron-fetch-session/iron-session',
 * which is dist/: `npm test` builds first.
 */
import { existsSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseSetCookie } from 'cookie'
import { getIronSession as getIronSession8 } from 'iron-session-8'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { root, spawnChild, startServer, withTimeout, type RunningServer } from './runtime-helpers.js'
import { closeServer } from './helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const NEXT = `${root}node_modules/next/dist/bin/next`
const exampleDir = `${root}examples/next/`
/** A clean `next build` on 2 busy cores: about 20–30 s alone, more while the other test files run. */
const BUILD_TIMEOUT = 240_000
const WAIT = 15_000
const password = 'a-next-example-test-password-of-32-characters'
const cookieName = 'iron-example' // the example's
const THIRTY_DAYS = 60 * 60 * 24 * 30
const env = { NEXT_TELEMETRY_DISABLED: '1' }

interface SessionData {
  username: string
  isLoggedIn: boolean
  apiVisits: number
}

let next: RunningServer | undefined
let iron8: Server | undefined
let iron8Origin = ''
let browser: Browser | undefined
let context: BrowserContext | undefined
let base = ''
/** Why beforeAll could not set up, thrown by each test so that it fails (vitest would mark them skipped). */
let setupError: unknown

/** `next build` from scratch (no .next/ or its cache from an earlier run), bounded; fails with its output. */
async function buildExample(): Promise<void> {
  rmSync(`${exampleDir}.next`, { recursive: true, force: true })
  const run = spawnChild(process.execPath, [NEXT, 'build'], { cwd: exampleDir, env })
  try {
    const code = await withTimeout(run.exited, BUILD_TIMEOUT, 'next build')
    if (code !== 0) throw new Error(`exit code ${code}`)
  } catch (error) {
    throw new Error(`next build failed in examples/next (has \`npm run build\` made dist/?): ${error instanceof Error ? error.message : String(error)}\n${run.output()}`)
  } finally {
    await run.stop()
  }
}

/**
 * A node:http app on the real iron-session 8, with the example's password and cookie name:
 * POST /login?user= signs in, GET / answers the session.
 */
async function startIronSession8App(): Promise<void> {
  const options = { password, cookieName, cookieOptions: { secure: false, httpOnly: true, sameSite: 'lax' as const, maxAge: THIRTY_DAYS } }
  const server = createServer((req, res) => {
    void (async () => {
      const session = await getIronSession8<Partial<SessionData>>(req, res, options)
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (req.method === 'POST' && url.pathname === '/login') {
        session.username = url.searchParams.get('user') ?? ''
        session.isLoggedIn = true
        await session.save()
      } else if (req.method !== 'GET' || url.pathname !== '/') {
        res.writeHead(404).end()
        return
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(session))
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(error))
    })
  })
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo))
  })
  iron8 = server
  iron8Origin = `http://127.0.0.1:${info.port}`
}

beforeAll(async () => {
  try {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. This test drives a real browser: install it with \`apt-get install -y chromium\` (as root, after apt-get update).`)
    }
    await startIronSession8App()
    await buildExample()
    // The password from the environment at run time, not build time; and plain http, for which
    // COOKIE_SECURE=false is the example's switch (see lib/session.ts).
    next = await startServer('Next.js example', process.execPath, [NEXT, 'start', '--hostname', '127.0.0.1'], {
      cwd: exampleDir,
      env: { ...env, SECRET_COOKIE_PASSWORD: password, COOKIE_SECURE: 'false' },
    })
    base = next.origin
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    })
  } catch (error) {
    setupError = error
  }
}, BUILD_TIMEOUT + 90_000)

function requireSetup(): void {
  if (setupError) throw setupError
}

afterAll(async () => {
  await context?.close().catch(() => {})
  await browser?.close().catch(() => {})
  await next?.stop()
  if (iron8) await closeServer(iron8)
}, 30_000)

/** A fresh, empty cookie jar (playwright's contexts are incognito-like). */
async function newContext(): Promise<BrowserContext> {
  await context?.close()
  context = await browser!.newContext()
  context.setDefaultTimeout(WAIT)
  context.setDefaultNavigationTimeout(WAIT)
  return context
}

/** When a test fails, the Next server's last output goes with it. */
function showServerOutputOnFailure(): void {
  onTestFailed(() => {
    console.error(`next start output (last 8 KB):\n${next?.run.output().slice(-8192) ?? '(not started)'}`)
  })
}

async function sessionCookie(ctx: BrowserContext) {
  return (await ctx.cookies(base)).find((cookie) => cookie.name === cookieName)
}

/** GET a JSON route with the browser context's cookies (page.request shares the jar). */
async function getJson(page: Page, path: string): Promise<unknown> {
  const response = await page.request.get(`${base}${path}`, { timeout: WAIT })
  expect(response.status(), `GET ${path}`).toBe(200)
  return response.json()
}

/** GET `path` without a browser, with an optional Cookie header, not following redirects. */
function fetchRaw(origin: string, path: string, cookie?: string, method = 'GET'): Promise<Response> {
  return fetch(`${origin}${path}`, { method, headers: cookie ? { cookie } : {}, redirect: 'manual', signal: AbortSignal.timeout(WAIT) })
}

const signedOut = { isLoggedIn: false, username: null, apiVisits: 0 }

describe('examples/next: next build, next start, in Chromium', () => {
  it('proxy.ts guards /protected, the sign-in form sets the cookie, every kind of route reads it, sign-out clears it', async () => {
    requireSetup()
    showServerOutputOnFailure()
    const ctx = await newContext()
    const page = await ctx.newPage()

    // Signed out: the sign-in form, no cookie; /protected sends us back to /.
    const first = await page.goto(`${base}/`)
    expect(first?.status()).toBe(200)
    await page.getByLabel('Username').waitFor()
    expect(await sessionCookie(ctx)).toBeUndefined()
    await page.goto(`${base}/protected`)
    expect(page.url()).toBe(`${base}/`)
    await page.getByLabel('Username').waitFor()
    // ...and it is proxy.ts that redirects, before the page renders (the page's own redirect() answers with HTML).
    const guarded = await fetchRaw(base, '/protected')
    expect(guarded.status).toBe(307)
    expect(new URL(guarded.headers.get('location')!, base).href).toBe(`${base}/`)
    expect(await guarded.text()).not.toContain('<html')
    expect(await getJson(page, '/api/session')).toEqual(signedOut)

    // Sign in through the server action.
    await page.getByLabel('Username').fill('ada')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await expect.poll(() => page.locator('#user').textContent(), { timeout: WAIT }).toBe('ada')

    // A reload renders the user on the server, from the cookie.
    await page.reload()
    expect(await page.locator('#user').textContent()).toBe('ada')

    // The cookie: HttpOnly (hidden from scripts), SameSite=Lax, and the 30 days of cookieOptions.maxAge.
    const cookie = await sessionCookie(ctx)
    expect(cookie, 'the session cookie in the jar').toBeDefined()
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
    expect(cookie!.value).toMatch(/^Fe26\.2\*.*~2$/)
    expect(Math.abs(cookie!.expires - (Date.now() / 1000 + THIRTY_DAYS))).toBeLessThan(120)
    expect(await page.evaluate(() => document.cookie)).not.toContain(cookieName)

    // proxy.ts lets us through now, and the page shows the user.
    const protectedPage = await page.goto(`${base}/protected`)
    expect(protectedPage?.status()).toBe(200)
    expect(page.url()).toBe(`${base}/protected`)
    expect(await page.locator('#protected-user').textContent()).toBe('ada')

    // The App Router route handler and the Pages Router API route read it too.
    const signedIn = { isLoggedIn: true, username: 'ada', apiVisits: 0 }
    expect(await getJson(page, '/api/session')).toEqual(signedIn)
    expect(await getJson(page, '/api/pages-session')).toEqual(signedIn)

    // The Pages Router route writes (getIronSession(req, res)); the route handler reads what it wrote.
    const posted = await page.request.post(`${base}/api/pages-session`, { timeout: WAIT })
    expect(posted.status()).toBe(200)
    expect(await posted.json()).toEqual({ ...signedIn, apiVisits: 1 })
    expect(await getJson(page, '/api/session')).toEqual({ ...signedIn, apiVisits: 1 })

    // The cookie the Next app wrote is read by the real iron-session 8.
    const written = await sessionCookie(ctx)
    expect(written!.value).not.toBe(cookie!.value) // re-sealed by the POST
    const read8 = await fetchRaw(iron8Origin, '/', `${cookieName}=${written!.value}`)
    expect(read8.status).toBe(200)
    expect(await read8.json()).toEqual({ isLoggedIn: true, username: 'ada', apiVisits: 1 }) // exactly the app's data

    // Sign out: the cookie is gone, and /protected redirects again.
    await page.goto(`${base}/`)
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.getByLabel('Username').waitFor()
    await expect.poll(() => sessionCookie(ctx), { timeout: WAIT }).toBeUndefined()
    await page.reload()
    expect(await page.locator('#user').count()).toBe(0)
    await page.goto(`${base}/protected`)
    expect(page.url()).toBe(`${base}/`)
    expect(await getJson(page, '/api/session')).toEqual(signedOut)
    // A signed-out POST is refused, and sets no cookie.
    expect((await page.request.post(`${base}/api/pages-session`, { timeout: WAIT })).status()).toBe(401)
    expect(await sessionCookie(ctx)).toBeUndefined()
    await page.close()
  }, 120_000)

  it('a cookie written by the real iron-session 8 signs the browser in to the Next app', async () => {
    requireSetup()
    showServerOutputOnFailure()
    const login = await fetchRaw(iron8Origin, '/login?user=grace', undefined, 'POST')
    expect(login.status).toBe(200)
    const lines = login.headers.getSetCookie()
    expect(lines).toHaveLength(1)
    const set = parseSetCookie(lines[0]!)
    expect(set.name).toBe(cookieName)
    const header = `${cookieName}=${set.value}`

    // Without a browser: the route handler, the Pages Router route and proxy.ts read it.
    const signedIn = { isLoggedIn: true, username: 'grace', apiVisits: 0 }
    for (const path of ['/api/session', '/api/pages-session']) {
      const response = await fetchRaw(base, path, header)
      expect({ path, status: response.status, body: await response.json() }).toEqual({ path, status: 200, body: signedIn })
    }
    const guarded = await fetchRaw(base, '/protected', header)
    expect(guarded.status).toBe(200)
    expect(await guarded.text()).toContain('grace')

    // In Chromium, with that cookie in the jar: the page shows the user, /protected opens.
    const ctx = await newContext()
    await ctx.addCookies([{ name: cookieName, value: set.value!, url: base, httpOnly: true, sameSite: 'Lax' }])
    const page = await ctx.newPage()
    await page.goto(`${base}/`)
    expect(await page.locator('#user').textContent()).toBe('grace')
    await page.goto(`${base}/protected`)
    expect(page.url()).toBe(`${base}/protected`)
    expect(await page.locator('#protected-user').textContent()).toBe('grace')
    await page.close()
  }, 60_000)
})
