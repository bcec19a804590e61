/**
 * examples/sveltekit, a real SvelteKit 2 app: `vite build` with its own toolchain (adapter-node),
 * then `node build` on 127.0.0.1 and a free port, driven over HTTP with a cookie jar as a browser
 * without JavaScript would: sign in through the form action, the page shows the user, the flash
 * shows once after the redirect, the handle after the session's in sequence() reads it, sign out.
 *
 * The example imports 'iron-fetch-session/sveltekit', which is dist/: `npm test` builds first.
 * A failed build fails this test, with the build's output.
 */
import { execFile } from 'node:child_process'
import { rmSync } from 'node:fs'
import { promisify } from 'node:util'
import { parseSetCookie } from 'cookie'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { Jar } from './helpers.js'
import { freePort, REQUEST_TIMEOUT, root, spawnChild, waitForHttp, withTimeout, type ChildRun } from './runtime-helpers.js'

const exampleDir = `${root}examples/sveltekit/`
const VITE = `${root}node_modules/vite/bin/vite.js`
/** A clean `vite build` takes about 10 s alone on 2 cores; more while other test files run. */
const BUILD_TIMEOUT = 180_000
const password = 'a-sveltekit-example-test-password-of-32-chars'

let server: ChildRun | undefined
let origin = ''
let buildMs = 0
/** Why beforeAll could not set up, thrown by each test so that it fails (vitest would mark them skipped). */
let setupError: unknown

/** `vite build` from scratch (no .svelte-kit/ or build/ from an earlier run), bounded; fails with its output. */
async function buildExample(): Promise<void> {
  for (const dir of ['.svelte-kit', 'build']) rmSync(`${exampleDir}${dir}`, { recursive: true, force: true })
  const started = Date.now()
  const run = spawnChild(process.execPath, [VITE, 'build'], { cwd: exampleDir, env: {} })
  try {
    const code = await withTimeout(run.exited, BUILD_TIMEOUT, 'vite build')
    if (code !== 0) throw new Error(`exit code ${code}`)
  } catch (error) {
    throw new Error(`vite build failed in examples/sveltekit (has \`npm run build\` made dist/?): ${error instanceof Error ? error.message : String(error)}\n${run.output()}`)
  } finally {
    await run.stop()
  }
  buildMs = Date.now() - started
  console.log(`examples/sveltekit: vite build took ${(buildMs / 1000).toFixed(1)} s`)
}

/**
 * `node build` as adapter-node documents it: HOST, PORT, and ORIGIN (the origin SvelteKit's CSRF check
 * compares a form post's Origin header with). A new port, up to 3 times, only if the port was taken in between.
 */
async function startExample(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    origin = `http://127.0.0.1:${port}`
    const run = spawnChild(process.execPath, ['build'], {
      cwd: exampleDir,
      env: { HOST: '127.0.0.1', PORT: String(port), ORIGIN: origin, SESSION_PASSWORD: password, COOKIE_SECURE: 'false' },
    })
    try {
      await waitForHttp(`${origin}/`, run)
      server = run
      return
    } catch (error) {
      await run.stop()
      if (attempt < 3 && /address already in use|EADDRINUSE/i.test(run.output())) continue
      throw new Error(`the SvelteKit example did not start: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

beforeAll(async () => {
  try {
    await buildExample()
    await startExample()
  } catch (error) {
    setupError = error
  }
}, BUILD_TIMEOUT + 60_000)

afterAll(async () => {
  await server?.stop()
}, 30_000)

function requireSetup(): void {
  if (setupError) throw setupError
  onTestFailed(() => {
    console.error(`node build output (last 8 KB):\n${server?.output().slice(-8192) ?? '(not started)'}`)
  })
}

interface Sent {
  status: number
  location: string | null
  html: string
  setCookies: string[]
}

/** A browser without JavaScript: sends the jar's cookies, keeps what it gets, follows no redirect. */
function browser(jar = new Jar()) {
  return {
    jar,
    async send(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Sent> {
      const headers = new Headers({ accept: 'text/html', ...init.headers })
      if (jar.cookies.size > 0) headers.set('cookie', jar.header)
      let body: URLSearchParams | undefined
      if (init.form) {
        body = new URLSearchParams(init.form)
        // A browser's form post from the page: its own origin.
        if (!headers.has('origin')) headers.set('origin', origin)
      }
      const response = await fetch(new URL(path, origin), { method: init.method ?? (body ? 'POST' : 'GET'), headers, ...(body && { body }), redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT) })
      const setCookies = response.headers.getSetCookie()
      jar.applyLines(setCookies)
      return { status: response.status, location: response.headers.get('location'), html: await response.text(), setCookies }
    },
  }
}

/** The text of the element with this id, or null. */
const textOf = (html: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1] ?? null

describe('examples/sveltekit (vite build, node build)', () => {
  it('builds with its own toolchain', () => {
    requireSetup()
    expect(buildMs).toBeGreaterThan(0)
  })

  it("its TypeScript type-checks (App.Locals typing included), with the tsconfig SvelteKit's build generated", async () => {
    requireSetup()
    try {
      await promisify(execFile)(`${root}node_modules/.bin/tsc`, ['-p', `${exampleDir}tsconfig.json`, '--noEmit'], { cwd: exampleDir, timeout: 120_000 })
    } catch (error) {
      throw new Error(`examples/sveltekit does not type-check:\n${(error as { stdout?: string }).stdout ?? error}`)
    }
  }, 150_000)

  it('signs in through the form action, shows the user and the flash once after the redirect, and signs out', async () => {
    requireSetup()
    const { jar, send } = browser()

    const first = await send('/')
    expect(first.status).toBe(200)
    expect(textOf(first.html, 'welcome')).toBe('You are not signed in.')
    expect(first.setCookies).toEqual([]) // nothing to write: no cookie for a visitor

    // The handle after the session's in sequence() reads locals.session: /account is for signed-in users.
    expect(await send('/account')).toMatchObject({ status: 303, location: '/login', setCookies: [] })

    // A wrong password: the action's fail(400), and no cookie.
    const wrong = await send('/login', { form: { username: 'demo', password: 'nope' } })
    expect(wrong.status).toBe(400)
    expect(textOf(wrong.html, 'error')).toBe('Wrong username or password.')
    expect(wrong.setCookies).toEqual([])

    // A post from another origin: refused by SvelteKit's CSRF check before any action runs.
    const forged = await send('/login', { form: { username: 'demo', password: 'demo' }, headers: { origin: 'http://evil.example' } })
    expect(forged.status).toBe(403)
    expect(forged.setCookies).toEqual([])

    // Signed in: the action's redirect() carries the session cookie.
    const signIn = await send('/login', { form: { username: 'demo', password: 'demo' } })
    expect(signIn).toMatchObject({ status: 303, location: '/' })
    expect(signIn.setCookies).toHaveLength(1)
    const cookie = parseSetCookie(signIn.setCookies[0]!)
    expect(cookie).toMatchObject({ name: 'session', httpOnly: true, sameSite: 'lax', path: '/', maxAge: 14 * 24 * 3600 - 60 })
    expect(cookie.value).toMatch(/^Fe26\.2\*1\*/)

    // The page after the redirect: the user, and the flash, read once (which rewrites the cookie without it).
    const home = await send('/')
    expect(home.status).toBe(200)
    expect(textOf(home.html, 'user')).toBe('Signed in as Demo User')
    expect(textOf(home.html, 'notice')).toBe('Welcome, Demo User!')
    expect(home.setCookies).toHaveLength(1)
    const again = await send('/')
    expect(textOf(again.html, 'user')).toBe('Signed in as Demo User')
    expect(textOf(again.html, 'notice')).toBeNull()
    expect(again.setCookies).toEqual([]) // reading writes nothing

    const account = await send('/account')
    expect(account.status).toBe(200)
    expect(textOf(account.html, 'signed-in-at')).toMatch(/^Signed in at \d{4}-/)

    // Sign out: the action's redirect expires the cookie; the jar is empty and the page signed out.
    const signOut = await send('/?/logout', { form: {} })
    expect(signOut).toMatchObject({ status: 303, location: '/' })
    expect(signOut.setCookies.map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', value: '', maxAge: 0, path: '/' }])
    expect(jar.cookies.size).toBe(0)
    const after = await send('/')
    expect(textOf(after.html, 'welcome')).toBe('You are not signed in.')
    expect(textOf(after.html, 'user')).toBeNull()
  })

  it("use:enhance's form post (a JSON answer): the redirect it describes carries the cookie too", async () => {
    requireSetup()
    const { jar, send } = browser()
    const signIn = await send('/login', { form: { username: 'demo', password: 'demo' }, headers: { accept: 'application/json', 'x-sveltekit-action': 'true' } })
    expect(signIn.status).toBe(200)
    expect(JSON.parse(signIn.html)).toMatchObject({ type: 'redirect', status: 303, location: '/' })
    expect(signIn.setCookies.map((line) => parseSetCookie(line).name)).toEqual(['session'])
    // The client-side navigation that follows loads through __data.json, with the cookie.
    const data = await send('/__data.json')
    expect(data.status).toBe(200)
    expect(data.html).toContain('Demo User')
    expect(data.html).toContain('Welcome, Demo User!')
    expect(jar.cookies.has('session')).toBe(true)
  })
})
