// HTTP stage: req/s and p99 latency with autocannon (in this process) against
// each variant's Hono app served by @hono/node-server in its own child process
// (http-server.js). All servers are started first and stay up; each round
// runs every measurement once, in order or reversed, so the variants are
// interleaved. Every response is checked: status 200 and the expected body.
import autocannon from 'autocannon'

import { firstMessage, start, stop } from './children.js'
import { alternated, log, sleep, summary } from './stats.js'

const SERVER = new URL('./http-server.js', import.meta.url)

/** What is measured: a variant's app and route, the body every response must have, and names for the table and the chart. */
export const MEASURES = [
  // Ordered so that the measurements each target compares are neighbours, and so run back to back in every round.
  { key: 'bare', label: 'bare Hono (ceiling)', variant: 'bare', route: '/none', body: 'ok', name: 'bare Hono, no session (ceiling)' },
  { key: 'oursRead', label: 'iron-fetch-session, cache hit', variant: 'ours', route: '/read', body: '1', name: 'iron-fetch-session, read (cache hit)' },
  // On our app, so it carries our cookie: the same request as oursRead, without the session work.
  { key: 'oursRevocationsRead', label: 'iron-fetch-session, cache hit, lagged revocations', variant: 'oursRevocations', route: '/read', body: '1', name: 'iron-fetch-session, read (cache hit) with lagged revocations' },
  { key: 'cookieOnly', label: 'no-op middleware reading Cookie', variant: 'ours', route: '/cookie', body: '1', name: 'Hono + no-op middleware reading the Cookie header' },
  { key: 'oursFirstTouch', label: 'iron-fetch-session, first touch', variant: 'oursNoCache', route: '/read', body: '1', name: 'iron-fetch-session, first-touch read (cache: false)' },
  { key: 'ironSession9Read', label: 'iron-session 9', variant: 'ironSession9', route: '/read', body: '1', name: 'iron-session 9, read' },
  { key: 'honoSessionRead', label: '@hono/session', variant: 'honoSession', route: '/read', body: '1', name: '@hono/session, read' },
  { key: 'honoSessionsRead', label: 'hono-sessions (re-seals on read)', variant: 'honoSessions', route: '/read', body: '1', name: 'hono-sessions, read' },
  { key: 'oursWriteWebCrypto', label: 'iron-fetch-session, WebCrypto', variant: 'oursWebCrypto', route: '/write', body: '2', name: 'iron-fetch-session, write, WebCrypto backend' },
  { key: 'oursWrite', label: 'iron-fetch-session', variant: 'ours', route: '/write', body: '2', name: 'iron-fetch-session, write' },
  { key: 'ironSession9Write', label: 'iron-session 9', variant: 'ironSession9', route: '/write', body: '2', name: 'iron-session 9, write' },
  { key: 'honoSessionWrite', label: '@hono/session', variant: 'honoSession', route: '/write', body: '2', name: '@hono/session, write' },
  { key: 'honoSessionsWrite', label: 'hono-sessions', variant: 'honoSessions', route: '/write', body: '2', name: 'hono-sessions, write' },
]

export function httpPlan(quick) {
  return { connections: 64, rounds: quick ? 2 : 3, durationS: quick ? 2 : 5, warmupS: 1 }
}

export async function runHttp({ quick }) {
  const plan = httpPlan(quick)
  const measures = MEASURES.map((m) => ({ ...m }))
  const servers = new Map()
  try {
    for (const variant of new Set(measures.map((m) => m.variant))) servers.set(variant, await startServer(variant))
    for (const m of measures) {
      const server = servers.get(m.variant)
      m.server = server
      m.url = `${server.origin}${m.route}`
      m.cookie = server.cookie
      m.setCookie = await probe(m)
      await load(m, plan.connections, plan.warmupS)
      m.rounds = []
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const m of alternated(measures, round)) m.rounds.push(await load(m, plan.connections, plan.durationS))
      log(`http: round ${round + 1}/${plan.rounds} done`)
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => stop(s.handle)))
  }
  return {
    plan: { ...plan, client: 'autocannon, in the bench process', server: '@hono/node-server, one child process per variant', unit: 'req/s; p99 in ms' },
    measures: measures.map((m) => ({
      key: m.key,
      name: m.name,
      label: m.label,
      variant: m.variant,
      route: m.route,
      // The crypto backend of our variants (the others bring their own crypto).
      backend: m.variant.startsWith('ours') ? m.server.backend : undefined,
      setCookie: m.setCookie,
      rps: summary(m.rounds.map((r) => r.rps)),
      p99Ms: summary(m.rounds.map((r) => r.p99), 2),
      serverCpuUsPerRequest: summary(m.rounds.map((r) => r.cpuUs), 1),
    })),
  }
}

/** Starts a variant's server and, for session variants, gets a valid cookie from one request to /write. */
export async function startServer(variant, execArgv = []) {
  const handle = start(SERVER, { env: { BENCH_VARIANT: variant }, execArgv })
  const { port, backend } = await firstMessage(handle, 15_000, `server ${variant}`)
  const origin = `http://127.0.0.1:${port}`
  if (variant === 'bare') return { handle, origin, cookie: undefined, backend }
  const response = await fetch(`${origin}/write`, { signal: AbortSignal.timeout(5000) })
  // As a browser would: the last Set-Cookie of a name wins (hono-sessions sends two for a new session).
  const jar = new Map(response.headers.getSetCookie().map((line) => line.split(';')[0].split(/=(.*)/s)))
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  if (response.status !== 200 || (await response.text()) !== '1' || !cookie) throw new Error(`${variant}: /write without a cookie did not start a session`)
  return { handle, origin, cookie, backend }
}

/** One request, checked as the load will check them; returns whether the route sent Set-Cookie. */
export async function probe(m) {
  const response = await fetch(m.url, { headers: m.cookie ? { cookie: m.cookie } : {}, signal: AbortSignal.timeout(5000) })
  const body = await response.text()
  if (response.status !== 200 || body !== m.body) throw new Error(`${m.key}: ${m.url} answered ${response.status} ${JSON.stringify(body)}, expected ${m.body}`)
  return response.headers.getSetCookie().length > 0
}

/** The server's CPU time so far (user + system), in µs. */
async function serverCpu({ handle }) {
  const reply = firstMessage(handle, 5000, 'server cpu')
  handle.child.send('cpu')
  const { cpu } = await reply
  return cpu.user + cpu.system
}

/**
 * One autocannon run; throws on any error, time-out, non-2xx or unexpected
 * body. Returns req/s, p99 latency, and the server's CPU µs per request: the
 * client shares this machine, so req/s alone may be the client's limit.
 */
export async function load(m, connections, durationS) {
  const cpuBefore = await serverCpu(m.server)
  const run = autocannon({
    url: m.url,
    connections,
    duration: durationS,
    headers: m.cookie ? { cookie: m.cookie } : {},
    expectBody: m.body,
    timeout: 10,
  })
  // Bounded even if the run never ends by itself.
  const guard = setTimeout(() => run.stop(), (durationS + 15) * 1000)
  let result
  try {
    result = await run
  } finally {
    clearTimeout(guard)
  }
  const bad = result.errors + result.timeouts + result.non2xx + result.mismatches
  if (bad > 0) {
    throw new Error(`${m.key}: ${result.errors} errors, ${result.timeouts} time-outs, ${result.non2xx} non-2xx, ${result.mismatches} wrong bodies`)
  }
  const cpuUs = (await serverCpu(m.server)) - cpuBefore
  await sleep(200) // let the closed connections drain before the next run
  return { rps: result.requests.average, p99: result.latency.p99, cpuUs: cpuUs / result.requests.total, requests: result.requests.total }
}
