// Revocations across two processes: examples/hono twice, sharing one Redis for revocations only
// (SESSION_REVOCATIONS; the data stays in the cookie). The load run's clients go back and forth
// between the processes (0 errors, 0 lost writes, 0 wrong reads), while probes sign in on one
// process, keep a copy of the cookie (what a thief holds), sign out there, and replay the copy on
// the other process until it is refused: how long a sign-out takes to hold everywhere, and whether
// any replay was accepted after lag + 1 s.
import { runLoad } from './load.js'
import { startPair } from './store-load.js'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const form = { 'content-type': 'application/x-www-form-urlencoded' }

/** The Cookie header a response leaves, over `cookie`. */
function cookieAfter(cookie, response) {
  const jar = new Map(cookie ? cookie.split('; ').map((pair) => pair.split('=')) : [])
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';')
    const [name, value] = pair.split('=')
    if (attributes.some((a) => /^\s*max-age=0$/i.test(a))) jar.delete(name)
    else jar.set(name, value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** One probe: sign in on `a`, copy the cookie, sign out on `a`, replay the copy on `b`. */
async function probe(a, b, lag) {
  const login = await fetch(`${a}/login`, { method: 'POST', headers: { ...form, origin: a }, body: 'username=demo&password=demo', redirect: 'manual' })
  await login.arrayBuffer()
  const stolen = cookieAfter('', login)
  const me = async (cookie) => (await (await fetch(`${b}/api/me`, { headers: { cookie } })).json()).user?.username ?? null
  const before = await me(stolen)
  const logout = await fetch(`${a}/logout`, { method: 'POST', headers: { origin: a, cookie: stolen }, redirect: 'manual' })
  await logout.arrayBuffer()
  const signedOutAt = performance.now()
  const boundMs = (lag + 1) * 1000
  let heldAfterMs
  let acceptedAfterBound = 0
  while (performance.now() - signedOutAt < boundMs + 2000) {
    const user = await me(stolen)
    const elapsed = performance.now() - signedOutAt
    if (user === null) {
      heldAfterMs ??= elapsed
      if (elapsed > boundMs) break
    } else if (elapsed > boundMs) acceptedAfterBound++
    await sleep(100)
  }
  return { signedInBefore: before === 'demo' && logout.status === 303, heldAfterMs: heldAfterMs === undefined ? undefined : Math.round(heldAfterMs), acceptedAfterBound }
}

/**
 * Two processes with revocations in `redis` (lag seconds), a load run of `requests` with
 * `connections` clients, and `probes` sign-out probes alternating direction, all at once.
 */
export async function runRevocationLoad({ redis, lag = 1, requests = 2_000, connections = 64, probes = 8 }) {
  const pair = await startPair({ SESSION_REVOCATIONS: redis.url, SESSION_REVOCATIONS_LAG: String(lag) })
  try {
    const [a, b] = pair.origins
    const probing = (async () => {
      const results = []
      for (let i = 0; i < probes; i++) results.push(await (i % 2 ? probe(b, a, lag) : probe(a, b, lag)))
      return results
    })()
    const [load, probeResults] = await Promise.all([runLoad({ origins: pair.origins, requests, connections }), probing])
    const held = probeResults.map((p) => p.heldAfterMs).filter((ms) => ms !== undefined)
    return {
      plan: { lag, requests, connections, probes, processes: 2 },
      load,
      probes: probeResults,
      maxHeldAfterMs: held.length ? Math.max(...held) : undefined,
      acceptedAfterBound: probeResults.reduce((sum, p) => sum + p.acceptedAfterBound + (p.heldAfterMs === undefined ? 1 : 0), 0),
      redisKeys: Number((await redis.command('DBSIZE')).slice(1)),
    }
  } finally {
    await pair.stop()
  }
}
