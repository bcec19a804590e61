// The package as a user gets it: npm pack, install the tarball into a fresh project (from npm's
// cache where `npm ci` filled it, else the registry), import every subpath from ESM, send a request through each, type-check.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
let dir: string
let tarball: string

const consumer = `
import { createSessions, sealData, unsealData } from 'iron-fetch-session'
import { ironSession } from 'iron-fetch-session/hono'
import { ironSession as routerSession } from 'iron-fetch-session/fetch-router'
import { withSession } from 'iron-fetch-session/fetch'
import { getIronSession } from 'iron-fetch-session/iron-session'
import { createIronSessionStorage } from 'iron-fetch-session/remix-session'
import { createIronSessionStorage as createReactRouterStorage, ironSession as reactRouterSession } from 'iron-fetch-session/react-router'
import { sessionStore } from 'iron-fetch-session/store'
import { Hono } from 'hono'
import { createRouter } from '@remix-run/fetch-router'
import { Session } from '@remix-run/session'

type Data = { count?: number }
const password = 'a-consumer-password-of-at-least-32-chars'
const url = 'http://localhost/'
const cookieOf = (response: Response) => response.headers.getSetCookie()[0]?.split(';')[0] ?? ''

const results: Record<string, unknown> = {}

const sessions = createSessions<Data>({ password })
const session = await sessions.read(new Request(url))
session.set('count', 1)
results.core = cookieOf(await sessions.commit(session, new Response('ok')))
results.sealData = await unsealData<{ n: number }>(await sealData({ n: 1 }, { password }), { password })

const app = new Hono().use(ironSession<Data>({ password })).get('/', (c) => {
  c.var.session.set('count', 2)
  return c.text('hono')
})
results.hono = cookieOf(await app.request(url))

const router = createRouter({ middleware: [routerSession<Data>({ password })] })
router.get('/', (context) => {
  context.session.set('count', 3)
  return new Response('router')
})
results.fetchRouter = cookieOf(await router.fetch(url))

const handler = withSession<Data>({ password }, (_request, s) => {
  s.set('count', 4)
  return new Response('fetch')
})
results.fetch = cookieOf(await handler(new Request(url)))

const response = new Response('iron')
const iron = await getIronSession<Data>(new Request(url), response, { password, cookieName: 'session' })
iron.count = 5
await iron.save()
results.ironSession = cookieOf(response)

const remix = createIronSessionStorage<Data>({ password })
const remixSession = await remix.read(null)
remixSession.set('count', 6)
results.remixIsSession = remixSession instanceof Session
results.remix = \`session=\${await remix.save(remixSession)}\`

const reactRouter = createReactRouterStorage<Data>({ password })
const reactRouterSessionRead = await reactRouter.getSession(null)
reactRouterSessionRead.set('count', 7)
results.reactRouter = (await reactRouter.commitSession(reactRouterSessionRead)).split(';')[0]
results.reactRouterMiddleware = typeof reactRouterSession<Data>({ password }).sessionMiddleware

// SvelteKit's handle, called as SvelteKit calls it, with an event carrying what it uses. Imported untyped and without
// @sveltejs/kit installed: its code needs nothing of SvelteKit (a type-only peer). Its types import SvelteKit's,
// which need @types/node, outside this project's skipLibCheck: false; test/readme.test.ts checks them.
const sveltekitPath: string = 'iron-fetch-session/sveltekit'
const sveltekit = (await import(sveltekitPath)) as {
  ironSession(options: { password: string }): (input: { event: { request: Request; locals: Record<string, any> }; resolve(event: { locals: Record<string, any> }): Response }) => Promise<Response>
}
const svelteResponse = await sveltekit.ironSession({ password })({
  event: { request: new Request(url), locals: {} },
  resolve: (event) => {
    event.locals.session.set('count', 8)
    return new Response('sveltekit')
  },
})
results.sveltekit = cookieOf(svelteResponse)

const counts: number[] = []
for (const cookie of [results.core, results.hono, results.fetchRouter, results.fetch, results.ironSession, results.remix, results.reactRouter, results.sveltekit]) {
  counts.push((await sessions.read(new Request(url, { headers: { cookie: String(cookie) } }))).data.count ?? 0)
}
results.counts = counts

// Any object with getItem, setItem and removeItem is a store (an unstorage Storage is one: test/store.test.ts).
const map = new Map<string, string>()
const store = {
  getItem: (key: string) => map.get(key) ?? null,
  setItem: (key: string, value: string, _options: { ttl?: number }) => void map.set(key, value),
  removeItem: (key: string) => void map.delete(key),
  getKeys: (base: string) => [...map.keys()].filter((key) => key.startsWith(base)),
}
const stored = createSessions<Data>({ password, store: sessionStore(store), userId: (data) => (data.count === undefined ? undefined : 'someone') })
const storedSession = await stored.read(new Request(url))
storedSession.set('count', 7)
const storedCookie = cookieOf(await stored.commit(storedSession, new Response('ok')))
results.stored = [(await stored.read(new Request(url, { headers: { cookie: storedCookie } }))).data.count, (await stored.sessionsOf('someone')).length]
console.log(JSON.stringify(results))
`

// The h3 and Elysia subpaths, apart: h3's and Elysia's own typings do not pass skipLibCheck: false with types: []
// (srvx wants node:http, Elysia NodeJS and lib fixes), so this consumer is checked with skipLibCheck: true.
const frameworksConsumer = `
import { createSessions } from 'iron-fetch-session'
import { ironSession as h3Session } from 'iron-fetch-session/h3'
import { ironSession as elysiaSession } from 'iron-fetch-session/elysia'
import { H3 } from 'h3'
import { Elysia } from 'elysia'

type Data = { count?: number }
const password = 'a-consumer-password-of-at-least-32-chars'
const url = 'http://localhost/'
const cookieOf = (response: Response) => response.headers.getSetCookie()[0]?.split(';')[0] ?? ''
const sessions = createSessions<Data>({ password })
type AppSession = Awaited<ReturnType<typeof sessions.read>>

const h3 = new H3().use(h3Session<Data>({ password })).get('/', (event) => {
  ;(event.context.session as AppSession).set('count', 7)
  return 'h3'
})
const elysia = new Elysia().use(elysiaSession<Data>({ password })).get('/', ({ session }) => {
  session.set('count', 8)
  return 'elysia'
})
const counts: number[] = []
for (const cookie of [cookieOf(await h3.fetch(new Request(url))), cookieOf(await elysia.handle(new Request(url)))]) {
  counts.push((await sessions.read(new Request(url, { headers: { cookie } }))).data.count ?? 0)
}
console.log(JSON.stringify({ counts }))
`

const tsconfig = (moduleResolution: 'nodenext' | 'bundler') =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      module: moduleResolution === 'nodenext' ? 'nodenext' : 'esnext',
      moduleResolution,
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: moduleResolution === 'bundler',
      outDir: 'out',
      types: [],
      skipLibCheck: false,
    },
    files: ['index.ts'],
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iron-fetch-session-pack-'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, timeout: 60_000 })
  tarball = join(dir, (JSON.parse(stdout) as [{ filename: string }])[0].filename)
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  const { devDependencies } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
  const deps = ['hono', '@remix-run/fetch-router', '@remix-run/session', 'react-router', '@types/react', 'h3', 'elysia', 'typescript'].map((name) => `${name}@${devDependencies[name]}`)
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...deps], { cwd: dir, timeout: 120_000 })
  await writeFile(join(dir, 'index.ts'), consumer)
  await writeFile(join(dir, 'frameworks.ts'), frameworksConsumer)
}, 180_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  it('holds dist, the src its source maps point at, README, LICENSE and package.json only', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball])
    const files = stdout.trim().split('\n')
    const others = files.filter((file) => !file.startsWith('package/dist/') && !file.startsWith('package/src/'))
    // docs/ stays in the repository: the README ships (npm shows it), the guides it links to are read where the
    // repository is, and the API reference is in every .d.ts as TSDoc; the guides would add ~80 KB to every install.
    expect(others.sort()).toEqual(['package/LICENSE', 'package/README.md', 'package/package.json'])
    expect(files).toContain('package/dist/adapters/iron-session.d.ts')
    expect(files).toContain('package/dist/adapters/remix-session.d.ts')
    expect(files).toContain('package/dist/adapters/react-router.d.ts')
    expect(files).toContain('package/dist/adapters/sveltekit.d.ts')
    // Stack traces and debuggers follow dist's source maps into src/: every file they name is shipped.
    const maps = files.filter((file) => file.endsWith('.js.map'))
    expect(maps.length).toBeGreaterThan(10)
    for (const map of maps) {
      const { stdout: json } = await run('tar', ['-xzOf', tarball, map])
      for (const source of (JSON.parse(json) as { sources: string[] }).sources) {
        expect(files, `${map} points at ${source}`).toContain(join(dirname(map), source))
      }
    }
  })

  it.each(['nodenext', 'bundler'] as const)('type-checks in a consumer project with moduleResolution %s', async (resolution) => {
    await writeFile(join(dir, `tsconfig.${resolution}.json`), tsconfig(resolution))
    await run(join(dir, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${resolution}.json`], { cwd: dir, timeout: 120_000 })
  }, 150_000)

  it('every subpath imports from ESM and carries a request', async () => {
    await writeFile(join(dir, 'tsconfig.nodenext.json'), tsconfig('nodenext'))
    await run(join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.nodenext.json'], { cwd: dir, timeout: 120_000 })
    const { stdout } = await run(process.execPath, [join(dir, 'out/index.js')], { cwd: dir, timeout: 30_000 })
    const results = JSON.parse(stdout) as Record<string, unknown>
    expect(results.counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(results.remixIsSession).toBe(true)
    expect(results.reactRouterMiddleware).toBe('function')
    expect(results.stored).toEqual([7, 1])
    expect(results.sealData).toEqual({ n: 1 })
  }, 150_000)

  it('the h3 and Elysia subpaths type-check (skipLibCheck: their own typings need it), import from ESM and carry a request', async () => {
    const config = JSON.parse(tsconfig('nodenext')) as { compilerOptions: Record<string, unknown>; files: string[] }
    await writeFile(join(dir, 'tsconfig.frameworks.json'), JSON.stringify({ compilerOptions: { ...config.compilerOptions, skipLibCheck: true, outDir: 'out-frameworks' }, files: ['frameworks.ts'] }))
    await run(join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.frameworks.json'], { cwd: dir, timeout: 120_000 }).catch((error: { stdout?: string }) => {
      throw new Error(`frameworks.ts does not type-check:\n${error.stdout ?? String(error)}`)
    })
    const { stdout } = await run(process.execPath, [join(dir, 'out-frameworks/frameworks.js')], { cwd: dir, timeout: 30_000 })
    expect(JSON.parse(stdout)).toEqual({ counts: [7, 8] })
  }, 150_000)
})
