/**
 * examples/astro, a real Astro 7 app (server output, @astrojs/node standalone) on the Astro adapter:
 * `astro build` from scratch, `node dist/server/entry.mjs` on 127.0.0.1 and a free port, then driven
 * over HTTP with a cookie jar as a browser would: sign in through the form, the flash once after
 * the redirect, a guarded page, a failing page that saves nothing, sign out.
 *
 * Astro 7.4 refuses to run below Node 22.23.4, and the newest Node 22 the npm registry's `node` package
 * has is 22.23.3: the build and the server run on Node 24 from tools/node24 (its own lockfile), which
 * this test installs when it is missing. Without it, or when the build fails, the test fails, never skips.
 * The example imports 'iron-fetch-session/astro', which is dist/: `npm test` builds first.
 */
import { execFile } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Jar } from './helpers.js'
import { REQUEST_TIMEOUT, root, spawnChild, startServer, withTimeout, type RunningServer } from './runtime-helpers.js'

const NODE_DIR = `${root}tools/node24/`
const NODE = `${NODE_DIR}node_modules/.bin/node`
const ASTRO = `${root}node_modules/astro/bin/astro.mjs`
const TSC = `${root}node_modules/.bin/tsc`
const exampleDir = `${root}examples/astro/`
/** A clean `astro build` of this small app takes a few seconds alone; generous for 2 busy cores. */
const BUILD_TIMEOUT = 180_000
/** `npm ci` in tools/node24, when its Node is missing (about 10 s from npm's cache). */
const INSTALL_TIMEOUT = 180_000
const password = 'an-astro-example-test-password-of-32-characters'
const env = { ASTRO_TELEMETRY_DISABLED: '1' }

let server: RunningServer | undefined
let origin = ''
let buildSeconds = 0
/** Why beforeAll could not set up, thrown by each test so that it fails (vitest would mark them skipped). */
let setupError: unknown

/** Node 24 from tools/node24, installed from its lockfile when missing; fails with the fix otherwise. */
async function requireNode(): Promise<string> {
  if (!existsSync(NODE)) {
    try {
      await promisify(execFile)('npm', ['ci', '--no-audit', '--no-fund'], { cwd: NODE_DIR, timeout: INSTALL_TIMEOUT })
    } catch (error) {
      throw new Error(`Node 24 for the Astro example is missing and \`npm ci\` in tools/node24 failed: run it by hand (cd tools/node24 && npm ci). ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (!existsSync(NODE)) throw new Error(`Node 24 for the Astro example is missing at ${NODE}: run \`cd tools/node24 && npm ci\``)
  const { stdout } = await promisify(execFile)(NODE, ['--version'], { timeout: 30_000 })
  const version = stdout.trim()
  if (!version.startsWith('v24.')) throw new Error(`tools/node24 gave Node ${version}, not 24: run \`cd tools/node24 && npm ci\``)
  return version
}

/** `astro build` from scratch (no dist/, .astro/ or Vite cache from an earlier run), bounded; fails with its output. */
async function buildExample(nodeVersion: string): Promise<void> {
  for (const made of ['dist', '.astro', 'node_modules']) rmSync(`${exampleDir}${made}`, { recursive: true, force: true })
  const started = performance.now()
  const run = spawnChild(NODE, [ASTRO, 'build'], { cwd: exampleDir, env })
  try {
    const code = await withTimeout(run.exited, BUILD_TIMEOUT, 'astro build')
    if (code !== 0) throw new Error(`exit code ${code}`)
  } catch (error) {
    throw new Error(`astro build failed in examples/astro (has \`npm run build\` made dist/?): ${error instanceof Error ? error.message : String(error)}\n${run.output()}`)
  } finally {
    await run.stop()
  }
  buildSeconds = (performance.now() - started) / 1000
  console.log(`examples/astro: astro build took ${buildSeconds.toFixed(1)} s (Node ${nodeVersion})`)
}

beforeAll(async () => {
  try {
    await buildExample(await requireNode())
    server = await startServer('astro example', NODE, ['dist/server/entry.mjs'], { cwd: exampleDir, env: { ...env, HOST: '127.0.0.1', SESSION_PASSWORD: password } })
    origin = server.origin
  } catch (error) {
    setupError = error
  }
}, INSTALL_TIMEOUT + BUILD_TIMEOUT + 90_000)

afterAll(async () => {
  await server?.stop()
})

const ready = () => {
  if (setupError) throw setupError
}

/** A browser without JavaScript: keeps cookies, sends the page's Origin on form posts, does not follow redirects. */
function browser() {
  const jar = new Jar()
  return {
    jar,
    async send(path: string, init: { method?: string; form?: Record<string, string>; origin?: string } = {}) {
      const headers = new Headers()
      if (jar.cookies.size > 0) headers.set('cookie', jar.header)
      let body: URLSearchParams | null = null
      if (init.form) {
        body = new URLSearchParams(init.form)
        headers.set('content-type', 'application/x-www-form-urlencoded')
      }
      if ((init.method ?? 'GET') !== 'GET') headers.set('origin', init.origin ?? origin)
      const response = await fetch(new URL(path, origin), { method: init.method ?? 'GET', headers, body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT) })
      const html = await response.text()
      jar.apply(response)
      return { response, html, setCookies: response.headers.getSetCookie(), location: response.headers.get('location') }
    },
  }
}

const userOf = (html: string) => /<strong id="user">([^<]*)<\/strong>/.exec(html)?.[1]
const noticeOf = (html: string) => /<p id="notice"[^>]*>([^<]*)<\/p>/.exec(html)?.[1]

describe('examples/astro: Astro 7 + @astrojs/node, built and served', () => {
  it('builds with astro build, and its TypeScript (App.Locals, middleware, endpoint) type-checks', async () => {
    ready()
    expect(existsSync(`${exampleDir}dist/server/entry.mjs`)).toBe(true)
    expect(buildSeconds).toBeGreaterThan(0)
    // The build does not type-check; tsc over the example does, with the types `astro build` generated in .astro/.
    try {
      await promisify(execFile)(TSC, ['--noEmit', '-p', `${exampleDir}tsconfig.json`], { cwd: root, timeout: 120_000 })
    } catch (error) {
      throw new Error(`examples/astro does not type-check:\n${(error as { stdout?: string }).stdout ?? String(error)}`)
    }
  }, 150_000)

  it('signs in through the form, shows the user and the flash once, signs out', async () => {
    ready()
    const { jar, send } = browser()

    const home = await send('/')
    expect(home.response.status).toBe(200)
    expect(home.html).toContain('id="signed-out"')
    expect(home.setCookies).toEqual([]) // reading writes nothing

    // The guard (a second middleware in sequence()) redirects with context.redirect(); the flash it set rides on that redirect.
    const guarded = await send('/account')
    expect({ status: guarded.response.status, location: guarded.location }).toEqual({ status: 303, location: '/login' })
    expect(jar.cookies.has('session')).toBe(true)
    const form = await send('/login')
    expect(noticeOf(form.html)).toBe('Sign in to see your account.')
    expect(noticeOf((await send('/login')).html)).toBeUndefined()

    // Astro's checkOrigin refuses a form posted from another site before any middleware runs: no session change.
    const crossSite = await send('/login', { method: 'POST', form: { username: 'demo', password: 'demo' }, origin: 'https://evil.example' })
    expect(crossSite.response.status).toBe(403)
    expect(crossSite.setCookies).toEqual([])

    const wrong = await send('/login', { method: 'POST', form: { username: 'demo', password: 'nope' } })
    expect(wrong.response.status).toBe(401)
    expect(wrong.html).toContain('Wrong username or password.')
    expect(userOf((await send('/')).html)).toBeUndefined()

    // Astro.redirect() from the page's frontmatter: the redirect carries the new session.
    const signIn = await send('/login', { method: 'POST', form: { username: 'demo', password: 'demo' } })
    expect({ status: signIn.response.status, location: signIn.location }).toEqual({ status: 303, location: '/account' })
    expect(signIn.setCookies).toHaveLength(1)
    expect(signIn.setCookies[0]).toMatch(/^session=Fe26\.2\*1\*[^;]+; Max-Age=86340; Path=\/; HttpOnly; Secure; SameSite=Lax$/)

    const account = await send('/account')
    expect(account.response.status).toBe(200)
    expect(userOf(account.html)).toBe('demo')
    expect(noticeOf(account.html)).toBe('Welcome, demo! You are signed in.')
    const again = await send('/account')
    expect(userOf(again.html)).toBe('demo')
    expect(noticeOf(again.html)).toBeUndefined() // shown once
    expect(again.setCookies).toEqual([]) // nothing changed, nothing written (rolling renews at most every ttl/10)
    expect(userOf((await send('/')).html)).toBe('demo')

    // A page that changes the session and then throws: Astro's 500, and nothing committed.
    const failed = await send('/fail')
    expect(failed.response.status).toBe(500)
    expect(failed.setCookies).toEqual([])
    expect(userOf((await send('/account')).html)).toBe('demo')

    // Sign-out: POST /logout (an endpoint) expires the session; its flash is shown once on the page it redirects to.
    const signOut = await send('/logout', { method: 'POST' })
    expect({ status: signOut.response.status, location: signOut.location }).toEqual({ status: 303, location: '/' })
    const after = await send('/')
    expect(after.html).toContain('id="signed-out"')
    expect(userOf(after.html)).toBeUndefined()
    expect(noticeOf(after.html)).toBe('You have been signed out.')
    expect(jar.cookies.size).toBe(0) // the flash read, the flash-only session is expired too
    expect((await send('/account')).location).toBe('/login')
  }, 60_000)
})
