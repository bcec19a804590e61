/**
 * The crypto backend in every runtime: Node, Deno and Bun (their binaries from npm), workerd with and
 * without `nodejs_compat` (Miniflare), and Chromium (the built ESM dist served on 127.0.0.1). Each runs
 * test/fixtures/backend-probe.js against dist/, which says which backend the runtime chose, seals
 * with every backend it has, and opens seals made here by both of Node's backends and by iron's
 * own libraries; its seals are then opened here, by both backends and by the oracles. A missing
 * runtime fails its test. `npm test` builds dist/ first.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import * as ironSession9 from 'iron-session-9'
import * as ironWebcrypto from 'iron-webcrypto'
import { Miniflare } from 'miniflare'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendName } from '../src/core/crypto/backend.js'
import { backendNames, cryptoBackend, useCryptoBackend } from '../src/core/crypto/choice.js'
import { sealData, unsealData } from '../src/index.js'
import { binaries, bundleWorker, NODE_IMPORT, readWranglerToml, requireBinary, root, spawnChild, START_TIMEOUT, withTimeout } from './runtime-helpers.js'
import { closeServer } from './helpers.js'

const password = 'a-backend-probe-password-of-32-characters-or-more'
// Beyond ASCII, so UTF-8 is exercised both ways.
const payload = { user: 'ada', name: 'Zoë Ångström 😀', roles: ['admin'], n: 42, nested: { ok: true, list: [1, 'two', null] } }
const token = { __ifs: { purpose: 'data' } } // our sealData's marker, which other libraries show as a field
const fixture = `${root}test/fixtures/`

interface ProbeResult {
  chosen: BackendName
  available: BackendName[]
  sealed: Record<string, string>
  opened: Record<string, Array<{ data?: unknown; refused?: string }>>
  crossed: Record<string, Record<string, { data?: unknown; refused?: string }>>
}

/** Seals made here, for every runtime to open: by both of Node's backends, by iron-webcrypto 2 and by iron-session 9. */
const given: Array<{ by: string; value: string }> = []
let input: { password: string; payload: typeof payload; seals: string[] }

beforeAll(async () => {
  const chosen = cryptoBackend().name
  for (const name of backendNames()) {
    useCryptoBackend(name)
    given.push({ by: `Node's ${name}`, value: await sealData(payload, { password }) })
  }
  useCryptoBackend(chosen)
  given.push({ by: 'iron-webcrypto 2', value: await ironWebcrypto.seal(payload, { id: '1', secret: password }, { ...ironWebcrypto.defaults, ttl: 3_600_000 }) })
  given.push({ by: 'iron-session 9', value: await ironSession9.sealData(payload, { password }) })
  input = { password, payload, seals: given.map((seal) => seal.value) }
})

/** Which backend the runtime chose, and that its seals and ours open everywhere, on every backend. */
async function expectProbe(result: ProbeResult, chosen: BackendName, available: BackendName[]): Promise<void> {
  expect({ chosen: result.chosen, available: result.available }).toEqual({ chosen, available })
  expect(Object.keys(result.sealed)).toEqual(available)
  for (const name of available) {
    // Every seal made here opened there, on each of its backends.
    expect(result.opened[name]!.map((opened, i) => [given[i]!.by, opened])).toEqual(given.map(({ by }) => [by, { data: payload }]))
    // Its backends open each other's seals.
    for (const from of available) expect([name, from, result.crossed[name]![from]]).toEqual([name, from, { data: payload }])
  }
  const current = cryptoBackend().name
  try {
    for (const [by, value] of Object.entries(result.sealed)) {
      expect(value).toMatch(/^Fe26\.2\*1\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d{13}\*[0-9a-f]{64}\*[\w-]{43}~2$/)
      // Opened here on both of Node's backends, and by the oracles.
      for (const name of backendNames()) {
        useCryptoBackend(name)
        expect([by, name, await unsealData(value, { password, onUnsealError: (reason) => expect.fail(`${by} → ${name}: ${reason}`) })]).toEqual([by, name, payload])
      }
      expect(await ironWebcrypto.unseal(value.replace(/~2$/, ''), { 1: password }, ironWebcrypto.defaults)).toEqual({ ...payload, ...token })
      expect(await ironSession9.unsealData(value, { password })).toEqual({ ...payload, ...token })
    }
  } finally {
    useCryptoBackend(current)
  }
}

/** Runs the probe's command line in a runtime and parses its answer. */
async function runCli(command: string, args: string[]): Promise<ProbeResult> {
  const run = spawnChild(command, [...args, JSON.stringify(input)], { cwd: root, env: {} })
  try {
    const code = await withTimeout(run.exited, START_TIMEOUT - 5_000, `${command} backend probe`)
    expect(code, run.output()).toBe(0)
    const line = run.output().split('\n').find((text) => text.startsWith('{'))
    if (!line) throw new Error(`no JSON from ${command}:\n${run.output()}`)
    return JSON.parse(line) as ProbeResult
  } finally {
    await run.stop()
  }
}

const both: BackendName[] = ['node:crypto', 'webcrypto']

describe('the backend in each runtime, and its seals crossed with everyone\'s', () => {
  it('Node: node:crypto', async () => {
    await expectProbe(await runCli(process.execPath, [`${fixture}backend-probe-cli.js`]), 'node:crypto', both)
  }, START_TIMEOUT)

  it('Deno: node:crypto, with no permissions', async () => {
    await requireBinary('deno')
    await expectProbe(await runCli(binaries.deno, ['run', '--no-prompt', `${fixture}backend-probe-cli.js`]), 'node:crypto', both)
  }, START_TIMEOUT)

  it('Bun: node:crypto', async () => {
    await requireBinary('bun')
    await expectProbe(await runCli(binaries.bun, ['--no-install', `${fixture}backend-probe-cli.js`]), 'node:crypto', both)
  }, START_TIMEOUT)

  describe('workerd', () => {
    let script = ''
    const running: Miniflare[] = []

    beforeAll(async () => {
      script = await bundleWorker('backend-probe-worker.js', fixture)
    })

    afterAll(async () => {
      await Promise.allSettled(running.map((mf) => withTimeout(mf.dispose(), 10_000, 'Miniflare dispose')))
    }, 30_000)

    async function probeIn(compatibilityFlags: string[]): Promise<ProbeResult> {
      const mf = new Miniflare({ modules: true, script, compatibilityDate: readWranglerToml()['']!.compatibility_date!, compatibilityFlags })
      running.push(mf)
      await withTimeout(mf.ready, START_TIMEOUT - 10_000, 'workerd (Miniflare) start')
      const response = await withTimeout(mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify(input) }), 20_000, 'workerd probe')
      expect(response.status).toBe(200)
      return (await response.json()) as ProbeResult
    }

    it('the bundle has no node: import, so it loads without nodejs_compat', () => {
      expect(script).not.toMatch(NODE_IMPORT)
      expect(script).toContain("getBuiltinModule?.(\"node:crypto\")")
    })

    it('without nodejs_compat: WebCrypto, the only one there', async () => {
      await expectProbe(await probeIn([]), 'webcrypto', ['webcrypto'])
    }, START_TIMEOUT)

    it('with nodejs_compat: node:crypto', async () => {
      await expectProbe(await probeIn(['nodejs_compat']), 'node:crypto', both)
    }, START_TIMEOUT)
  })

  describe('Chromium', () => {
    const CHROMIUM = '/usr/bin/chromium'
    let server: Server | undefined

    afterAll(async () => {
      if (server) await closeServer(server)
    }, 30_000)

    /** dist/ and the probe's fixtures, as static files on 127.0.0.1 (a secure context, so crypto.subtle is there). */
    async function serveFiles(): Promise<string> {
      server = createServer(async (request, response) => {
        const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
        const allowed = /^\/(dist\/[\w/.-]+\.js|test\/fixtures\/backend-probe\.(js|html))$/.test(path) && !path.includes('..')
        try {
          if (!allowed) throw new Error('not served')
          const body = await readFile(`${root}${path.slice(1)}`)
          response.writeHead(200, { 'content-type': path.endsWith('.html') ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8' }).end(body)
        } catch {
          response.writeHead(404).end()
        }
      })
      const info = await new Promise<AddressInfo>((resolve, reject) => {
        server!.once('error', reject).listen(0, '127.0.0.1', () => resolve(server!.address() as AddressInfo))
      })
      return `http://127.0.0.1:${info.port}`
    }

    it('WebCrypto, from the ESM dist loaded by a page', async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`Chromium is not installed at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (as root, after apt-get update).`)
      }
      const origin = await serveFiles()
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
        timeout: 30_000,
      })
      try {
        const page = await browser.newPage()
        const errors: string[] = []
        page.on('pageerror', (error) => errors.push(error.message))
        await page.goto(`${origin}/test/fixtures/backend-probe.html`, { timeout: 15_000 })
        await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 15_000 }).catch(() => {
          throw new Error(`the probe page did not load its modules: ${errors.join('; ') || 'no page error'}`)
        })
        const result = await page.evaluate((given) => (window as unknown as { probe(input: unknown): Promise<unknown> }).probe(given), input)
        await expectProbe(result as ProbeResult, 'webcrypto', ['webcrypto'])
      } finally {
        await browser.close().catch(() => {})
      }
    }, START_TIMEOUT)
  })
})
