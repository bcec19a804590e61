// The cookie-only Hono mount, bundled for the edge as bench/size.js measures it (esbuild --bundle
// --minify, then gzip -9), stays within its budget: size is a Worker's start-up time, so growth
// has to be a decision (raise COOKIE_ONLY_BUDGET in bench/size.js, with the reason), never drift.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundle, bundleSize, COOKIE_ONLY_BUDGET, ENTRIES } from '../bench/size.js'

// Measured from dist/, which `npm test` builds first.
const entry = (key: string) => ENTRIES.find((e) => e.key === key)!

describe('bundle size', () => {
  it('ironSession from iron-fetch-session/hono, cookie-only, is within its gzipped budget', async () => {
    const size = (await bundleSize(entry('hono')))
    expect(size.gzipped).toBeGreaterThan(1000)
    expect(size.gzipped, `the cookie-only Hono mount is ${size.gzipped} B gzipped, over its budget of ${COOKIE_ONLY_BUDGET} B`).toBeLessThanOrEqual(COOKIE_ONLY_BUDGET)
  })

  it('sealData and unsealData alone bundle without the session machinery', async () => {
    const codec = (await bundleSize(entry('sealData')))
    const mount = (await bundleSize(entry('hono')))
    expect(codec.gzipped).toBeLessThan(mount.gzipped / 2)
  })

  it('revocations cost only the apps that import revocable(): the cookie-only mount holds none of their code', async () => {
    const [cookieOnly, withRevocations] = await Promise.all([bundle(entry('hono')), bundle(entry('honoRevocations'))])
    expect(withRevocations.text).toContain('ifs:rv:')
    expect(cookieOnly.text).not.toContain('ifs:rv:')
    expect(withRevocations.bytes.length - cookieOnly.bytes.length).toBeGreaterThan(4000)
  })

  it('the store costs only the apps that import sessionStore(): the cookie-only mount holds none of its code', async () => {
    const [cookieOnly, withStore] = await Promise.all([bundle(entry('hono')), bundle(entry('honoStore'))])
    expect(withStore.text).toContain('ifs:session:')
    expect(cookieOnly.text).not.toContain('ifs:session:')
    expect(cookieOnly.text).not.toContain('ifs:users:')
    expect(withStore.bytes.length - cookieOnly.bytes.length).toBeGreaterThan(8000)
  })

  it('the seam: the identity rule and the modes come only with sessionStore() or revocable(); the cookie-only mount holds none of it', async () => {
    const [cookieOnly, withStore, withRevocations] = await Promise.all([bundle(entry('hono')), bundle(entry('honoStore')), bundle(entry('honoRevocations'))])
    // identity.ts's refusal of a malformed identity: only with a mode.
    for (const withMode of [withStore, withRevocations]) expect(withMode.text).toContain('is not a user key')
    expect(cookieOnly.text).not.toContain('is not a user key')
  })

  it('the header transport comes only with headerTransport(), and development-only code only with a development bundle', async () => {
    const [cookieOnly, withHeader, development] = await Promise.all([bundle(entry('hono')), bundle(entry('honoHeader')), bundle(entry('hono'), { development: true })])
    // header.ts answers Authorization in Session-Token; dev-tools.ts reads X-Forwarded-Proto for the plain-http warning.
    expect(withHeader.text).toContain('session-token')
    expect(cookieOnly.text).not.toContain('session-token')
    expect(development.text).toContain('x-forwarded-proto')
    expect(cookieOnly.text).not.toContain('x-forwarded-proto')
  })

  it('a production bundle for the edge keeps only the brief messages; a development bundle keeps them whole', async () => {
    const [production, development] = await Promise.all([bundle(entry('hono')), bundle(entry('hono'), { development: true })])
    const whole = 'openssl rand -base64 32'
    expect(development.text).toContain(whole)
    expect(production.text).not.toContain(whole)
    expect(production.text).toContain('short message of a production bundle')
    expect(production.bytes.length).toBeLessThan(development.bytes.length - 4000)
  })

  it('the errors of a production bundle are the same errors, with brief messages that still say what failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ifs-size-'))
    try {
      const code = "export { createSessions, NotJsonError, SessionTooLargeError } from './dist/index.js'"
      const load = async (name: string, development: boolean) => {
        const file = join(dir, `${name}.mjs`)
        await writeFile(file, (await bundle({ code }, { development })).bytes)
        return (await import(pathToFileURL(file).href)) as typeof import('../src/index.js')
      }
      const [production, development] = await Promise.all([load('production', false), load('development', true)])
      const thrown = (run: () => unknown): Error => {
        try {
          run()
        } catch (error) {
          return error as Error
        }
        throw new Error('expected a throw')
      }
      const short = thrown(() => production.createSessions({ password: 'too short' }))
      const long = thrown(() => development.createSessions({ password: 'too short' }))
      expect(short).toBeInstanceOf(TypeError)
      expect(short.message).toMatch(/^iron-fetch-session: password is too short \(short message of a production bundle/)
      expect(long.message).toContain('password must be a string of at least 32 characters (got 9 characters)')
      const typo = thrown(() => production.createSessions({ password: 'p'.repeat(32), cookieOption: {} } as never))
      expect(typo.message).toContain('unknown option "cookieOption"')
      const sessions = production.createSessions({ password: 'p'.repeat(32) })
      const session = await sessions.read(new Request('https://app.example/'))
      session.set('when', new Date())
      const notJson = await sessions.commit(session, new Response()).then(() => undefined, (error: unknown) => error as Error)
      expect(notJson).toBeInstanceOf(production.NotJsonError)
      expect(notJson!.message).toContain('session.when is a Date')
      session.set('when', 'x'.repeat(5000))
      const tooLarge = await sessions.commit(session, new Response()).then(() => undefined, (error: unknown) => error as Error)
      expect(tooLarge).toBeInstanceOf(production.SessionTooLargeError)
      expect(tooLarge!.message).toMatch(/the session cookie would be \d+ bytes, over 4096/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
