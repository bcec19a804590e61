// The cookie-only Hono mount, bundled for the edge as bench/size.js measures it (esbuild --bundle
// --minify, then gzip -9), stays within its budget: size is a Worker's start-up time, so growth
// has to be a decision (raise COOKIE_ONLY_BUDGET in bench/size.js, with the reason), never drift.
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
})
