// Size stage: what each entry point costs an app that bundles it for the edge, where size is
// start-up time. Each row bundles one import with esbuild (--bundle --minify, ESM, browser
// platform, hono and the Remix packages external, as an app's bundler treats its own copy),
// then gzips it (level 9). Ours is measured from ../dist; the peers from node_modules.
// test/size.test.ts holds the cookie-only Hono mount to COOKIE_ONLY_BUDGET with the same function.
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
// The frameworks are the app's (optional peers): external, as an app's bundler keeps its own copy.
const EXTERNAL = ['hono', 'hono/*', '@remix-run/*', 'react-router', '@sveltejs/kit', '@sveltejs/kit/*', 'astro', 'astro/*', 'h3', 'elysia']

/**
 * Gzipped bytes the cookie-only Hono mount (`ironSession` from `iron-fetch-session/hono`) may weigh.
 * 17,000 → 18,000 with the store hardening of round three, → 19,500 with the user index; then → 15,500 once the
 * store moved out of the core to its own entry point (`sessionStore` from 'iron-fetch-session/store'), as
 * revocations had: a cookie-only app bundles none of it; → 14,000 with the production bundle's short messages; → 12,288
 * (12 KB, the seam issue's target) once the seam (src/core/mode.ts) left every line of the server-side modes out of it,
 * the header transport moved to its own entry point ('iron-fetch-session/header'), development-only code to #dev-tools,
 * and refusal reasons took short messages in production bundles, as errors had (12,242 measured, 2026-12-07).
 * → 12,800 (12.5 KB) with a session's own lifetime ("remember me": session.setLifetime), +273 B gzipped, the one
 * feature of the newcomer issue that every cookie session carries (12,288 before it; the 12 KB target is then missed);
 * 12,655 with the compress option's hook (+94; deflatePayloads() itself comes with its own import).
 */
export const COOKIE_ONLY_BUDGET = 12_800
/** Where the seam issue wants it: at most 12 KB gzipped (8 KB before). */
export const COOKIE_ONLY_TARGET = 12 * 1024

export const ENTRIES = [
  { key: 'hono', name: "ironSession from 'iron-fetch-session/hono' (the cookie-only mount)", code: "export { ironSession } from './dist/adapters/hono.js'" },
  { key: 'honoRevocations', name: "the Hono mount with revocable from 'iron-fetch-session/revocations'", code: "export { ironSession } from './dist/adapters/hono.js'; export { revocable } from './dist/revocations.js'" },
  { key: 'honoStore', name: "the Hono mount with sessionStore from 'iron-fetch-session/store'", code: "export { ironSession } from './dist/adapters/hono.js'; export { sessionStore } from './dist/store/index.js'" },
  { key: 'honoCompress', name: "the Hono mount with deflatePayloads from 'iron-fetch-session/compress'", code: "export { ironSession } from './dist/adapters/hono.js'; export { deflatePayloads } from './dist/compress.js'" },
  { key: 'honoHeader', name: "the Hono mount with headerTransport from 'iron-fetch-session/header'", code: "export { ironSession } from './dist/adapters/hono.js'; export { headerTransport } from './dist/header.js'" },
  { key: 'fetch', name: "withSession from 'iron-fetch-session/fetch'", code: "export { withSession } from './dist/adapters/fetch.js'" },
  { key: 'fetchRouter', name: "ironSession from 'iron-fetch-session/fetch-router'", code: "export { ironSession } from './dist/adapters/fetch-router.js'" },
  { key: 'core', name: "createSessions from 'iron-fetch-session'", code: "export { createSessions } from './dist/index.js'" },
  { key: 'sealData', name: "sealData and unsealData from 'iron-fetch-session'", code: "export { sealData, unsealData } from './dist/index.js'" },
  { key: 'remix', name: "createIronSessionStorage from 'iron-fetch-session/remix-session'", code: "export { createIronSessionStorage } from './dist/adapters/remix-session.js'" },
  { key: 'reactRouter', name: "ironSession and createIronSessionStorage from 'iron-fetch-session/react-router'", code: "export { ironSession, createIronSessionStorage } from './dist/adapters/react-router.js'" },
  { key: 'sveltekit', name: "ironSession from 'iron-fetch-session/sveltekit'", code: "export { ironSession } from './dist/adapters/sveltekit.js'" },
  { key: 'astro', name: "ironSession from 'iron-fetch-session/astro'", code: "export { ironSession } from './dist/adapters/astro.js'" },
  { key: 'h3', name: "ironSession from 'iron-fetch-session/h3'", code: "export { ironSession } from './dist/adapters/h3.js'" },
  { key: 'elysia', name: "ironSession from 'iron-fetch-session/elysia'", code: "export { ironSession } from './dist/adapters/elysia.js'" },
  { key: 'ironSessionDropIn', name: "getIronSession from 'iron-fetch-session/iron-session' (Node)", code: "export { getIronSession } from './dist/adapters/iron-session.js'", platform: 'node' },
]

export const PEERS = [
  { key: 'ironSession9', name: 'iron-session 9 (getIronSession, whole package)', code: "export { getIronSession } from 'iron-session-9'" },
  { key: 'honoSessions', name: 'hono-sessions (sessionMiddleware, CookieStore)', code: "export { sessionMiddleware, CookieStore } from 'hono-sessions'" },
  { key: 'honoSession', name: '@hono/session (useSession)', code: "export { useSession } from '@hono/session'" },
]

/** { minified, gzipped } bytes of one entry's code, bundled as an app would; `development`: the same as `wrangler dev` bundles it. */
export async function bundleSize(entry, { development = false } = {}) {
  const { bytes } = await bundle(entry, { development })
  return { minified: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length }
}

/**
 * The minified bundle itself: its bytes and text. For the edge, resolved as wrangler resolves it (conditions
 * workerd, worker, browser) with NODE_ENV production, as `wrangler deploy` and esbuild's browser platform
 * define it when minifying: the development messages are left out (src/core/messages.ts). `development`
 * keeps them, as `wrangler dev` does.
 */
export async function bundle(entry, { development = false } = {}) {
  const node = entry.platform === 'node'
  const result = await build({
    stdin: { contents: entry.code, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: entry.platform ?? 'browser',
    conditions: node ? [] : ['workerd', 'worker', 'browser'],
    define: node ? {} : { 'process.env.NODE_ENV': development ? '"development"' : '"production"' },
    external: EXTERNAL,
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  return { bytes: result.outputFiles[0].contents, text: result.outputFiles[0].text, metafile: result.metafile }
}

/** Where a bundle's minified bytes come from: each module's share, largest first (esbuild's metafile). */
export async function breakdown(entry) {
  const { metafile } = await bundle(entry)
  const inputs = Object.values(metafile.outputs)[0].inputs
  return Object.entries(inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path, input]) => ({ module: path.replace(/^node_modules\//, ''), minified: input.bytesInOutput }))
    .sort((a, b) => b.minified - a.minified)
}

/**
 * The optional parts, and what each adds to the cookie-only Hono mount of an app that uses it (gzipped bytes).
 * The store, revocations and the header transport come with their own imports; schema is an option of the core
 * (the schema library is the app's), so the cookie-only mount already carries its few lines (measured once by
 * cutting them out of a copy: see report.js).
 */
export const PARTS = [
  { part: 'store', import: "sessionStore from 'iron-fetch-session/store'", entry: 'honoStore' },
  { part: 'revocations', import: "revocable from 'iron-fetch-session/revocations'", entry: 'honoRevocations' },
  { part: 'header transport', import: "headerTransport from 'iron-fetch-session/header'", entry: 'honoHeader' },
  { part: 'compression', import: "deflatePayloads from 'iron-fetch-session/compress'", entry: 'honoCompress' },
  { part: 'schema', import: "the schema option (in the core; the schema library is the app's)", entry: undefined, inCore: 200 },
]

export async function runSize() {
  const measure = async (list) =>
    Promise.all(list.map(async (e) => ({ key: e.key, name: e.name, ...(await bundleSize(e)), development: (await bundleSize(e, { development: true })).gzipped })))
  const hono = ENTRIES.find((e) => e.key === 'hono')
  const ours = await measure(ENTRIES)
  const base = ours.find((e) => e.key === 'hono').gzipped
  const parts = PARTS.map((p) => ({ part: p.part, import: p.import, adds: p.entry === undefined ? 0 : ours.find((e) => e.key === p.entry).gzipped - base, inCore: p.inCore }))
  return { budget: COOKIE_ONLY_BUDGET, target: COOKIE_ONLY_TARGET, ours, peers: await measure(PEERS), parts, cookieOnlyModules: await breakdown(hono) }
}
