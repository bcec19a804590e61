/**
 * examples/hono in a real browser: Debian's Chromium, driven by playwright-core,
 * against the example served by @hono/node-server on 127.0.0.1. The browser's
 * own cookie jar is the judge of HttpOnly, chunking and sign-out.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); without it this
 * test fails rather than skips. The example imports 'iron-fetch-session/hono',
 * which is dist/: `npm test` builds first.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, MAX_CART_ITEMS } from '../examples/hono/app.js'
import { closeServer } from './helpers.js'

const CHROMIUM = '/usr/bin/chromium'
const WAIT = 10_000
const password = 'a-browser-test-password-of-32-characters-or-more'

let server: ServerType | undefined
let browser: Browser | undefined
let context: BrowserContext | undefined
let base = ''
/** Screenshots of the demo, for a person to look at: the folder is printed. */
const shots = mkdtempSync(join(tmpdir(), 'iron-fetch-session-demo-'))
const screenshot = async (page: Page, name: string) => {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true, timeout: WAIT })
}

beforeAll(async () => {
  const app = createApp({ password })
  const info = await new Promise<AddressInfo>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, resolve)
    started.once('error', reject)
    server = started
  })
  base = `http://127.0.0.1:${info.port}`
  if (!existsSync(CHROMIUM)) return // the test below fails, saying how to install it
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30_000,
  })
  context = await browser.newContext() // a fresh, empty cookie jar
  context.setDefaultTimeout(WAIT)
  context.setDefaultNavigationTimeout(WAIT)
}, 60_000)

afterAll(async () => {
  console.log(`examples/hono screenshots: ${shots}`)
  await context?.close().catch(() => {})
  await browser?.close().catch(() => {})
  if (server) await closeServer(server)
}, 30_000)

/** The session cookies in the browser's jar, by name. */
async function jar(): Promise<Map<string, Awaited<ReturnType<BrowserContext['cookies']>>[number]>> {
  const cookies = await context!.cookies(base)
  return new Map(cookies.filter((cookie) => /^session(\.\d+)?$/.test(cookie.name)).map((cookie) => [cookie.name, cookie]))
}

const names = async () => [...(await jar()).keys()].sort()

/** Clicks a button that submits a form, and waits until the page it leads to (after the 303) has loaded. */
async function submit(page: Page, button: string): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: WAIT })
  await page.getByRole('button', { name: button, exact: true }).click({ timeout: WAIT })
  await navigated
  await page.waitForLoadState('load', { timeout: WAIT })
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent({ timeout: WAIT }))?.trim()
const notice = async (page: Page) => ((await page.locator('#notice').count()) > 0 ? text(page, '#notice') : undefined)

describe('examples/hono in Chromium', () => {
  it('signs in, counts visits, flashes once, chunks a large cart, and signs out clean', async () => {
    if (!browser || !context) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. This test drives a real browser: install it with \`apt-get install -y chromium\` (as root, after apt-get update).`)
    }
    const page = await context.newPage()

    // Signed out: the sign-in form, and no cookie for a visitor.
    const first = await page.goto(`${base}/`, { timeout: WAIT })
    expect(first?.status()).toBe(200)
    await page.getByLabel('Username').waitFor({ timeout: WAIT })
    expect(await names()).toEqual([])

    // Sign in with the demo account shown on the page.
    await page.getByLabel('Username').fill('demo', { timeout: WAIT })
    await page.getByLabel('Password').fill('demo', { timeout: WAIT })
    await submit(page, 'Sign in')
    expect(await text(page, '#user')).toBe('Demo User')
    expect(await notice(page)).toBe('Welcome, Demo User! You are signed in.')
    expect(await text(page, '#visits')).toBe('1')

    // The panel shows the session as the server read it: state, cookie sizes, times, decrypted data.
    expect(await text(page, '#session-state')).toMatch(/^This request carried a session cookie\. The server checked its signature and expiry/)
    expect(await text(page, '#session-cookie-sizes tbody')).toMatch(/^session\s*\d{3} of 4,096 bytes$/)
    expect(await text(page, '#created-at')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
    expect(await text(page, '#expires-at')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
    expect(JSON.parse((await text(page, '#session-data')) ?? '')).toEqual({ user: { username: 'demo', name: 'Demo User' }, visits: 1 })
    await screenshot(page, '1-signed-in')

    // The session cookie is HttpOnly: in the jar, invisible to scripts.
    const cookie = (await jar()).get('session')
    expect(cookie, 'a session cookie in the jar').toBeDefined()
    // Secure follows NODE_ENV (the example's choice for plain http); Chromium keeps either from 127.0.0.1.
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: process.env.NODE_ENV === 'production' })
    expect(cookie!.value).toMatch(/^Fe26\.2\*/)
    expect(await page.evaluate(() => document.cookie)).not.toContain('session')

    // A reload keeps the state, and the flash was shown once.
    await page.reload({ timeout: WAIT })
    expect(await text(page, '#user')).toBe('Demo User')
    expect(await text(page, '#visits')).toBe('2')
    expect(await notice(page)).toBeUndefined()
    await page.reload({ timeout: WAIT })
    expect(await text(page, '#visits')).toBe('3')

    // Past 4 KB, the session is split across session.0, session.1, … and still read whole.
    await submit(page, 'Add 50 items')
    expect(await text(page, '#cart-count')).toBe('50 items')
    expect(await notice(page)).toBe('Added 50 items to your cart.')
    expect(await names()).toEqual(['session.0', 'session.1'])
    const sizes = await page.locator('#session-cookie-sizes tbody tr').evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent?.trim()).join(' ')))
    expect(sizes).toEqual([expect.stringMatching(/^session\.0 4,0\d\d of 4,096 bytes$/), expect.stringMatching(/^session\.1 [\d,]+ of 4,096 bytes$/)])
    await screenshot(page, '2-chunked-cart')
    const chunks = [...(await jar()).values()]
    expect(chunks.every((chunk) => chunk.httpOnly)).toBe(true)
    expect(chunks.reduce((bytes, chunk) => bytes + chunk.value.length, 0)).toBeGreaterThan(4096)

    await submit(page, 'Add 50 items')
    expect(await text(page, '#cart-count')).toBe(`${MAX_CART_ITEMS} items`)
    expect(await names()).toEqual(['session.0', 'session.1', 'session.2'])
    expect(await text(page, '#visits')).toBe('5') // every page view in between still counted

    // Full: the cart refuses more, with a message, instead of outgrowing the cookies.
    await submit(page, 'Add 50 items')
    expect(await text(page, '#cart-count')).toBe(`${MAX_CART_ITEMS} items`)
    expect(await notice(page)).toBe(`Your cart is full: it holds at most ${MAX_CART_ITEMS} items.`)

    // Shrunk: the stale chunk is gone from the jar.
    await submit(page, 'Remove 50 items')
    expect(await text(page, '#cart-count')).toBe('50 items')
    expect(await names()).toEqual(['session.0', 'session.1'])

    // Cleared: back to one cookie, every chunk expired.
    await submit(page, 'Clear cart')
    expect(await text(page, '#cart-count')).toBe('0 items')
    expect(await names()).toEqual(['session'])

    // Grown again, then signed out while chunked: nothing is left in the jar.
    await submit(page, 'Add 50 items')
    expect(await names()).toEqual(['session.0', 'session.1'])
    await page.reload({ timeout: WAIT })
    expect(await text(page, '#cart-count')).toBe('50 items')

    await submit(page, 'Sign out')
    expect(await notice(page)).toBe('You have been signed out.')
    await page.getByLabel('Username').waitFor({ timeout: WAIT })
    expect(await page.locator('#user').count()).toBe(0)
    expect(await names()).toEqual([])

    // The sign-out flash was shown once too.
    await page.reload({ timeout: WAIT })
    expect(await notice(page)).toBeUndefined()
    expect(await names()).toEqual([])
    expect(await text(page, '#session-state')).toMatch(/^No session cookie came with this request/)
    await page.close()
  }, 90_000)

  it('the tamper button changes the cookie in the browser; the next page shows the refusal and starts over', async () => {
    if (!browser) throw new Error(`Chromium is not installed at ${CHROMIUM}: \`apt-get install -y chromium\`.`)
    const fresh = await browser.newContext()
    fresh.setDefaultTimeout(WAIT)
    const page = await fresh.newPage()
    await page.goto(`${base}/`, { timeout: WAIT })
    expect(await page.getByRole('button', { name: 'Tamper with the cookie' }).isDisabled()).toBe(true) // nothing to tamper with yet
    await page.getByLabel('Username').fill('demo')
    await page.getByLabel('Password').fill('demo')
    await submit(page, 'Sign in')
    const before = (await fresh.cookies(base)).find((cookie) => cookie.name === 'session')?.value

    await submit(page, 'Tamper with the cookie')
    expect(await text(page, '#unseal-error')).toBe('invalid')
    expect(await text(page, '#session-state')).toMatch(/^The cookie your browser sent was refused: it had been changed, or sealed with another password/)
    expect(await page.locator('#user').count()).toBe(0) // signed out: nothing in the changed cookie was trusted
    expect(JSON.parse((await text(page, '#session-data')) ?? '')).toEqual({})
    await screenshot(page, '3-tampered')
    // The refused cookie was cleared by that response; the original one is not back either.
    const after = (await fresh.cookies(base)).map((cookie) => cookie.value)
    expect(after).not.toContain(before)
    expect(after).toEqual([])
    await fresh.close()
  }, 60_000)
})
