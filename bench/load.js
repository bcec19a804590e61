// A load run against the Hono example (examples/hono/server.js in a child process): simulated
// clients, each with its own cookie jar and a count of the writes it made, mixing new sessions
// (sign-in), reads (GET /api/me) and writes (GET / counts a visit). It checks what users rely on:
// no error, no unexpected status, every read sees exactly its own client's writes, and each
// client's final counter equals its number of writes — no lost write, no session crossing clients.
//
//   npm run build && node bench/load.js [--requests 50000] [--connections 64]
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const server = fileURLToPath(new URL('../examples/hono/server.js', import.meta.url))

/** Starts the example on 127.0.0.1 and a free port, with `env` over its own (SESSION_STORE); resolves with its origin and a stop(). */
export async function startExample({ password, env = {}, timeoutMs = 15_000 }) {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, SESSION_STORE: '', ...env, SESSION_PASSWORD: password, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stop = () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', resolve), child.kill('SIGTERM'))))
  try {
    const origin = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the example did not start in time')), timeoutMs)
      let output = ''
      child.stdout.on('data', (chunk) => {
        output += chunk
        const match = /http:\/\/[\d.]+:\d+/.exec(output)
        if (match) clearTimeout(timer), resolve(match[0])
      })
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the example exited with ${code}`))))
    })
    return { origin, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** One simulated browser: its own jar, its own count of writes. */
export class Client {
  cookies = new Map()
  writes = 0

  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  keep(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, value] = pair.split('=')
      if (attributes.some((a) => /^\s*max-age=0$/i.test(a))) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

/**
 * Runs `requests` requests with `connections` clients in flight at once. Each client signs in,
 * then reads and writes; after `perClient` requests it is replaced by a new one (a new session).
 * With `origins` (several server processes), each request goes to the next one in turn, so one
 * client's requests alternate between processes.
 */
export async function runLoad({ origin, origins = [origin], requests, connections, perClient = 50 }) {
  const result = { requests: 0, errors: 0, unexpected: 0, mismatches: 0, lostWrites: 0, clients: 0, writes: 0, elapsedMs: 0 }
  const problems = []
  const note = (kind, detail) => {
    result[kind]++
    if (problems.length < 10) problems.push(`${kind}: ${detail}`)
  }

  async function send(client, path, init = {}) {
    const target = origins[result.requests++ % origins.length]
    // The example's csrf() wants a form post's Origin to be the server's own.
    const headers = { ...init.headers, ...(init.method === 'POST' ? { origin: target } : {}), ...(client.cookies.size ? { cookie: client.header() } : {}) }
    const response = await fetch(target + path, { ...init, headers, redirect: 'manual' })
    client.keep(response)
    return response
  }

  /** Reads the session back: it must hold exactly this client's writes. */
  async function check(client, kind) {
    const response = await send(client, '/api/me')
    const body = await response.json()
    if (response.status !== 200 || body.visits !== client.writes || body.user?.username !== 'demo') {
      note(kind, `expected ${client.writes} visits, read ${JSON.stringify(body)} (${response.status})`)
    }
  }

  async function worker() {
    while (result.requests < requests) {
      const client = new Client()
      result.clients++
      try {
        const login = await send(client, '/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'username=demo&password=demo',
        })
        await login.arrayBuffer()
        // The sign-in answers 303 to the page; anything else is unexpected.
        if (login.status !== 303 || !client.cookies.size) note('unexpected', `sign-in answered ${login.status}`)
        for (let i = 1; i < perClient - 1 && result.requests < requests; i++) {
          if (i % 3 === 0) {
            await check(client, 'mismatches')
          } else {
            const page = await send(client, '/')
            await page.arrayBuffer()
            if (page.status === 200) client.writes++
            else note('unexpected', `GET / answered ${page.status}`)
          }
        }
        await check(client, 'lostWrites') // the final count: every write this client made, and only those
        result.writes += client.writes
      } catch (error) {
        note('errors', error instanceof Error ? error.message : String(error))
      }
    }
  }

  const start = performance.now()
  await Promise.all(Array.from({ length: connections }, worker))
  result.elapsedMs = Math.round(performance.now() - start)
  return { ...result, requestsPerSecond: Math.round((result.requests / result.elapsedMs) * 1000), problems }
}

/** Requests that went wrong in a load run: errors, unexpected statuses, wrong reads, lost writes. */
export const wrongResults = (r) => r.errors + r.unexpected + r.mismatches + r.lostWrites

/** The load stage of `npm run bench`: 50,000 requests (5,000 with --quick) from 64 clients. */
export async function runLoadStage({ quick }) {
  const plan = { requests: quick ? 5_000 : 50_000, connections: 64 }
  const { origin, stop } = await startExample({ password: 'a-load-test-password-of-at-least-32-chars' })
  try {
    return { plan, ...(await runLoad({ origin, ...plan })) }
  } finally {
    await stop()
  }
}

// CLI: one load run on its own.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : fallback
  }
  const { origin, stop } = await startExample({ password: 'a-load-test-password-of-at-least-32-chars' })
  try {
    const result = await runLoad({ origin, requests: arg('requests', 50_000), connections: arg('connections', 64) })
    console.log(JSON.stringify(result, null, 2))
    if (wrongResults(result) > 0) process.exitCode = 1
  } finally {
    await stop()
  }
}
