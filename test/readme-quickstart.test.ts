/**
 * The README's quick start runs as pasted: its server.ts, compiled as tsx would,
 * started with node, then visited by Chromium on http://localhost, where its
 * Secure __Host- cookie must stick, and by a cookie-less client.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { transform } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, expect, it } from 'vitest'
import { freePort, root, spawnChild, waitForHttp, type ChildRun } from './runtime-helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const dir = `${root}.quickstart-check/` // inside the package, so 'iron-fetch-session/hono' resolves to dist/ as for a user
let server: ChildRun | undefined
let browser: Browser | undefined

afterAll(async () => {
  await browser?.close().catch(() => {})
  await server?.stop()
  await rm(dir, { recursive: true, force: true })
}, 30_000)

it('the quick start serves on localhost, and a browser keeps its __Host- session across reloads', async () => {
  const readme = await readFile(`${root}README.md`, 'utf8')
  const section = readme.slice(readme.indexOf('## Quick start'))
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  expect(block, 'a ts block under "## Quick start"').toContain("serve({ fetch: app.fetch")
  const { code } = await transform(block as string, { loader: 'ts', format: 'esm' })
  await mkdir(dir, { recursive: true })
  await writeFile(`${dir}server.mjs`, code)

  const port = await freePort()
  server = spawnChild(process.execPath, [`${dir}server.mjs`], { cwd: dir, env: { SESSION_PASSWORD: 'a-quickstart-test-password-of-32-characters', PORT: String(port) } })
  const origin = `http://localhost:${port}`
  await waitForHttp(`${origin}/`, server)
  expect(server.output()).toContain(origin)

  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: \`apt-get install -y chromium\`.`)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  })
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/`, { timeout: 10_000 })
  await page.reload({ timeout: 10_000 })
  await page.reload({ timeout: 10_000 })
  expect(await page.locator('body').textContent()).toBe('Visits: 3')
  const [cookie] = await context.cookies(origin)
  expect(cookie).toMatchObject({ name: '__Host-session', secure: true, httpOnly: true, sameSite: 'Lax', path: '/' })

  // Without a cookie jar every visit is the first.
  expect(await (await fetch(`${origin}/`)).text()).toBe('Visits: 1')
}, 90_000)
