/**
 * Helpers for the tests that run the examples in their own runtimes (workerd,
 * Deno, Bun, Node): free ports, child processes that are always killed, bounded
 * waits, a client that talks to any of them, and the checks every example must
 * pass. Every wait here has a deadline, and a missing runtime is a failure,
 * never a skip.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parseSetCookie } from 'cookie'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { expect } from 'vitest'
import { Jar } from './helpers.js'

export const root = fileURLToPath(new URL('..', import.meta.url))

/** The runtimes' binaries, from the `deno` and `bun` devDependencies. */
export const binaries = {
  deno: `${root}node_modules/.bin/deno`,
  bun: `${root}node_modules/.bin/bun`,
} as const

/** Generous enough for a cold Deno, Bun or workerd start on 2 busy cores; every wait inside is bounded too. */
/** A static or dynamic import or a require of a `node:` module: what a Worker without nodejs_compat cannot load. */
export const NODE_IMPORT = /\bfrom\s*["']node:|\brequire\(\s*["']node:|\bimport\(\s*["']node:/

export const START_TIMEOUT = 60_000
/** One request to a running example. */
export const REQUEST_TIMEOUT = 10_000

/** Rejects after `ms` with a message naming what was awaited. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Fails with a clear message when a runtime binary is missing or does not run — the test that
 * needs it then fails, it is never skipped. Resolves with its version line.
 */
export async function requireBinary(name: keyof typeof binaries): Promise<string> {
  const path = binaries[name]
  if (!existsSync(path)) {
    throw new Error(`the ${name} binary is missing at ${path}: run \`npm ci\` at the repository root (the \`${name}\` devDependency provides it)`)
  }
  try {
    const { stdout } = await promisify(execFile)(path, ['--version'], { timeout: 30_000, env: childEnv({}) })
    return stdout.trim().split('\n')[0]!
  } catch (error) {
    throw new Error(
      `the ${name} binary at ${path} does not run (${error instanceof Error ? error.message : String(error)}): ` +
        `reinstall with \`npm ci\`, with install scripts enabled (its postinstall puts the real binary in place)`,
    )
  }
}

/** A port nothing listens on right now, on 127.0.0.1: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** The environment for a child: this one without anything an example reads, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }
  for (const name of ['SESSION_PASSWORD', 'PORT', 'HOST', 'NODE_ENV', 'NODE_OPTIONS', 'FORCE_COLOR']) delete inherited[name]
  return { ...inherited, ...env }
}

export interface ChildRun {
  readonly child: ChildProcess
  /** What it printed so far (stdout and stderr, the last 64 KB). */
  output(): string
  /** Resolves when it exits, with its exit code (null when a signal ended it; -1 when it could not start). */
  readonly exited: Promise<number | null>
  /** It has exited, or could not start. */
  hasExited(): boolean
  /** Ends it and everything it started: SIGTERM to its process group, SIGKILL after 5 s. Never throws. */
  stop(): Promise<void>
}

/** Children not yet stopped, killed on the way out should a test file end without its afterAll. */
const live = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL')
})

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal) // the group: a wrapper script's own child dies too
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false
  try {
    process.kill(-child.pid, 0)
    return true
  } catch {
    return false
  }
}

/** Spawns `command` as the leader of its own process group, capturing its output. */
export function spawnChild(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): ChildRun {
  const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  live.add(child)
  let output = ''
  const collect = (chunk: string) => {
    output = (output + chunk).slice(-65_536)
  }
  child.stdout!.setEncoding('utf8').on('data', collect)
  child.stderr!.setEncoding('utf8').on('data', collect)
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      collect(`\n[spawn failed: ${error.message}]\n`)
      resolve(-1)
    })
    child.once('exit', (code) => resolve(code))
  })
  let ended = false
  void exited.then(() => {
    ended = true
    live.delete(child)
  })
  const hasExited = () => ended || child.exitCode !== null || child.signalCode !== null
  return {
    child,
    output: () => output,
    exited,
    hasExited,
    async stop() {
      if (!hasExited()) {
        killGroup(child, 'SIGTERM')
        const stopped = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])
        if (!stopped) {
          killGroup(child, 'SIGKILL')
          await Promise.race([exited, sleep(5_000)])
        }
      }
      // Whatever it started and left in its group (a wrapper's runtime binary): gone too, within 5 s.
      killGroup(child, 'SIGKILL')
      for (const deadline = Date.now() + 5_000; groupAlive(child) && Date.now() < deadline; ) await sleep(50)
      live.delete(child)
      child.stdout?.destroy()
      child.stderr?.destroy()
    },
  }
}

/** Polls `url` until it answers at all, the child exits (fails at once, with its output), or the deadline. */
export async function waitForHttp(url: string, run: ChildRun, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError = 'no attempt'
  while (Date.now() < deadline) {
    if (run.hasExited()) {
      throw new Error(`it exited (code ${run.child.exitCode}, signal ${run.child.signalCode}) before answering ${url}:\n${run.output()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, deadline - Date.now()))) })
      await response.body?.cancel()
      return
    } catch (error) {
      lastError = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error)
    }
    await sleep(100)
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms (last error: ${lastError}):\n${run.output()}`)
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string
  readonly run: ChildRun
  stop(): Promise<void>
}

/**
 * Starts a server that listens on 127.0.0.1:$PORT, on a free port, and resolves once it answers.
 * Tries again on a new port, up to 3 times, only when the port was taken in between.
 */
export async function startServer(name: string, command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const run = spawnChild(command, args, { cwd: options.cwd, env: { ...options.env, PORT: String(port) } })
    const origin = `http://127.0.0.1:${port}`
    try {
      await waitForHttp(`${origin}/`, run)
      return { origin, run, stop: () => run.stop() }
    } catch (error) {
      await run.stop()
      if (attempt < 3 && /address already in use|EADDRINUSE|AddrInUse|port \d+ in use/i.test(run.output())) continue
      throw new Error(`the ${name} did not start: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The examples, started as their READMEs/comments say.

export const exampleDirs = {
  workers: `${root}examples/workers/`,
  workersKv: `${root}examples/workers-kv/`,
  deno: `${root}examples/deno/`,
  bun: `${root}examples/bun/`,
  fetchRouter: `${root}examples/fetch-router/`,
} as const

/** The permissions examples/deno/main.ts documents: nothing beyond the loopback network and its two variables. */
export const denoArgs = ['run', '--allow-net=127.0.0.1', '--allow-env=PORT,SESSION_PASSWORD', 'main.ts']

export async function startDenoExample(password: string): Promise<RunningServer> {
  await requireBinary('deno')
  return startServer('deno example', binaries.deno, denoArgs, { cwd: exampleDirs.deno, env: { SESSION_PASSWORD: password } })
}

export async function startBunExample(password: string): Promise<RunningServer> {
  await requireBinary('bun')
  return startServer('bun example', binaries.bun, ['--no-install', 'examples/bun/server.ts'], { cwd: root, env: { SESSION_PASSWORD: password } })
}

export async function startFetchRouterExample(password: string): Promise<RunningServer> {
  return startServer('fetch-router example', process.execPath, ['examples/fetch-router/server.js'], { cwd: root, env: { SESSION_PASSWORD: password } })
}

/** The few parts of a wrangler.toml these examples use: `key = "string"` lines, by [section] ('' for the top). */
export function readWranglerToml(path = `${exampleDirs.workers}wrangler.toml`): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = { '': {} }
  let current = sections['']!
  for (const [index, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    // [[array]] tables (kv_namespaces) are read as a section of that name: these examples have one entry each.
    const header = /^\[\[?([A-Za-z0-9_.-]+)\]\]?$/.exec(line)
    if (header) {
      current = sections[header[1]!] ??= {}
      continue
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*"([^"\\]*)"\s*(?:#.*)?$/.exec(line)
    if (!pair) throw new Error(`${path}:${index + 1}: this test reads only [sections] and key = "string" lines, not: ${line}`)
    current[pair[1]!] = pair[2]!
  }
  return sections
}

/**
 * Bundles the Worker named by wrangler.toml's `main` as wrangler does (esbuild, ESM, workerd's
 * conditions). 'iron-fetch-session/fetch' resolves to dist/ through package.json's exports.
 */
export async function bundleWorker(main: string, dir: string = exampleDirs.workers): Promise<string> {
  try {
    const result = await build({
      entryPoints: [`${dir}${main}`],
      absWorkingDir: root,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    })
    return result.outputFiles[0]!.text
  } catch (error) {
    throw new Error(`esbuild could not bundle ${dir}${main} (has \`npm run build\` made dist/?): ${error instanceof Error ? error.message : String(error)}`)
  }
}

export interface RunningWorker {
  readonly mf: Miniflare
  readonly script: string
  stop(): Promise<void>
}

/**
 * The Worker in real workerd (Miniflare), with wrangler.toml's compatibility date and [vars]
 * (unless `vars` is false), `bindings` over them.
 */
export async function startWorkerExample(bindings: Record<string, string> = {}, { vars = true, dir = exampleDirs.workers }: { vars?: boolean; dir?: string } = {}): Promise<RunningWorker> {
  const toml = readWranglerToml(`${dir}wrangler.toml`)
  const top = toml['']!
  const script = await bundleWorker(top.main!, dir)
  const kv = toml.kv_namespaces?.binding
  const mf = new Miniflare({
    name: top.name!,
    modules: true,
    script,
    compatibilityDate: top.compatibility_date!,
    bindings: { ...(vars ? toml.vars : {}), ...bindings },
    // A local namespace per run, in memory, as `wrangler dev` gives.
    ...(kv && { kvNamespaces: [kv] }),
  })
  try {
    await withTimeout(mf.ready, START_TIMEOUT - 5_000, 'workerd (Miniflare) start')
  } catch (error) {
    await withTimeout(mf.dispose(), 10_000, 'Miniflare dispose').catch(() => {})
    throw error
  }
  return { mf, script, stop: () => withTimeout(mf.dispose(), 10_000, 'Miniflare dispose') }
}

// ---------------------------------------------------------------------------------------------
// Talking to any of them.

export interface Reply {
  status: number
  body: unknown
  setCookies: string[]
  contentType: string | null
  cacheControl: string | null
}

export interface ExampleClient {
  readonly runtime: string
  send(path: string, init?: { method?: string; cookie?: string }): Promise<Reply>
}

/** The common parts of a fetch Response, from Node's or Miniflare's (whose types differ). */
interface AnyResponse {
  status: number
  headers: { get(name: string): string | null; getSetCookie(): string[] }
  text(): Promise<string>
}

async function toReply(response: AnyResponse): Promise<Reply> {
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: kept as text, so a failing expectation shows it
  }
  return {
    status: response.status,
    body,
    setCookies: response.headers.getSetCookie(),
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
  }
}

export function httpClient(runtime: string, origin: string): ExampleClient {
  return {
    runtime,
    async send(path, { method = 'GET', cookie } = {}) {
      const response = await fetch(new URL(path, origin), {
        method,
        headers: cookie ? { cookie } : {},
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT),
      })
      return toReply(response)
    },
  }
}

export function workerClient(mf: Miniflare): ExampleClient {
  return {
    runtime: 'workerd',
    async send(path, { method = 'GET', cookie } = {}) {
      const response = await withTimeout(
        mf.dispatchFetch(new URL(path, 'http://localhost:8787').href, { method, headers: cookie ? { cookie } : {} }),
        REQUEST_TIMEOUT,
        `workerd ${method} ${path}`,
      )
      return toReply(response)
    },
  }
}

/** A browser for one client: keeps the cookies the example sets and sends them back. */
export function browse(client: ExampleClient, jar = new Jar()) {
  return {
    jar,
    async send(path: string, method = 'GET'): Promise<Reply> {
      const reply = await client.send(path, { method, ...(jar.cookies.size > 0 ? { cookie: jar.header } : {}) })
      jar.applyLines(reply.setCookies)
      return reply
    },
  }
}

/** The JSON every example's routes answer with. */
export const shown = (runtime: string, visits: number, user: string | null) => ({ runtime, visits, user })

/**
 * The routes every example shares — GET /, POST /visit, POST /login?user=, POST /logout — and how
 * their session cookie looks. About a dozen requests.
 */
export async function expectTheSharedRoutes(client: ExampleClient): Promise<void> {
  const { runtime } = client
  const { jar, send } = browse(client)

  const first = await send('/')
  expect(first).toMatchObject({ status: 200, body: shown(runtime, 0, null), setCookies: [], cacheControl: 'no-store' })
  expect(first.contentType).toMatch(/^application\/json/)

  const visit = await send('/visit', 'POST')
  expect(visit).toMatchObject({ status: 200, body: shown(runtime, 1, null), cacheControl: 'no-store' })
  expect(visit.setCookies).toHaveLength(1)
  const cookie = parseSetCookie(visit.setCookies[0]!)
  expect(cookie).toMatchObject({ name: 'session', httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 14 * 24 * 3600 - 60 })
  expect(cookie.value).toMatch(/^Fe26\.2\*1\*/)

  expect((await send('/visit', 'POST')).body).toEqual(shown(runtime, 2, null))
  expect((await send('/login?user=ada', 'POST')).body).toEqual(shown(runtime, 2, 'ada'))
  const read = await send('/')
  expect(read).toMatchObject({ status: 200, body: shown(runtime, 2, 'ada'), setCookies: [] }) // reading writes nothing

  // Refused input and unknown routes: an error, and the session untouched.
  for (const [path, method, status] of [
    ['/login', 'POST', 400],
    [`/login?user=${'x'.repeat(65)}`, 'POST', 400],
    ['/nowhere', 'GET', 404],
    ['/visit', 'GET', 404],
    ['/', 'POST', 404],
  ] as const) {
    const refused = await send(path, method)
    expect({ path, method, status: refused.status, setCookies: refused.setCookies }).toEqual({ path, method, status, setCookies: [] })
    expect(refused.body).toMatchObject({ error: expect.any(String) })
  }
  expect(jar.cookies.has('session')).toBe(true)

  // A tampered cookie reads as signed out, and that response expires it.
  const tampered = await client.send('/', { cookie: `session=${jar.cookies.get('session')!.replace(/\*[^*]+~2$/, '*AAAA~2')}` })
  expect(tampered.body).toEqual(shown(runtime, 0, null))
  expect(tampered.setCookies.map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', maxAge: 0 }])

  // Logout expires the cookie; the browser then has none and is signed out.
  const logout = await send('/logout', 'POST')
  expect(logout).toMatchObject({ status: 200, body: shown(runtime, 0, null) })
  expect(logout.setCookies.map((line) => parseSetCookie(line))).toMatchObject([{ name: 'session', value: '', maxAge: 0, path: '/' }])
  expect(jar.cookies.size).toBe(0)
  expect((await send('/')).body).toEqual(shown(runtime, 0, null))
}

/**
 * One request to a revocation test Worker (test/fixtures/revocations-*-worker.js) through `fetch` (Miniflare's
 * dispatchFetch, or a Worker's fetcher): its JSON answer and its Set-Cookie lines.
 */
export async function workerSession(fetch: (url: string, init: RequestInit) => Promise<Response>, path: string, cookie: string, method = 'GET') {
  const response = await withTimeout(fetch(new URL(path, 'http://localhost:8787').href, { method, headers: cookie ? { cookie } : {} }), 20_000, `workerd ${path}`)
  return { body: (await response.json()) as { user: string | null; unsealError: string | null }, setCookies: response.headers.getSetCookie() }
}
