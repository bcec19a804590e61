// A Redis of its own for a test or a bench stage: Debian's redis-server on a free 127.0.0.1 port,
// persistence off (--save '' --appendonly no) in a temporary directory, always stopped. It fails,
// with the fix in the message, when redis-server is missing: a test that needs Redis never skips.
//
// For the outage test it can be stopped the way a crash with a snapshot leaves it (SHUTDOWN SAVE:
// Redis writes the snapshot a persistent Redis would have, then exits) and restarted on the same
// port from that snapshot, and frozen (SIGSTOP) and thawed (SIGCONT), which a client sees as a
// server that stops answering.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const START_MS = 15_000

async function freePort() {
  const probe = createServer()
  await new Promise((resolve, reject) => probe.once('error', reject).listen(0, '127.0.0.1', resolve))
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/** One command over a plain socket (RESP), resolving with the first reply line; bounded by `timeoutMs`. */
export function redisCommand(port, args, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`redis ${args[0]}: no answer within ${timeoutMs} ms`))), timeoutMs)
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`))
    socket.on('data', (chunk) => {
      reply += chunk
      if (reply.includes('\r\n')) (clearTimeout(timer), socket.end(), resolve(reply.slice(0, reply.indexOf('\r\n'))))
    })
    // SHUTDOWN closes the connection without a reply.
    socket.on('close', () => (clearTimeout(timer), resolve(reply)))
    socket.on('error', (error) => (clearTimeout(timer), reject(error)))
  })
}

/** Servers not yet stopped: killed on the way out, should a run end without stopping them. */
const live = new Set()
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

function spawnRedis(port, dir) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'snapshot.rdb'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output = (output + chunk).slice(-16_384)))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output = (output + chunk).slice(-16_384)))
  live.add(child)
  const exited = new Promise((resolve) => {
    child.once('error', (error) => (live.delete(child), resolve({ code: -1, error })))
    child.once('exit', (code, signal) => (live.delete(child), resolve({ code, signal })))
  })
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${START_MS} ms:\n${output}`)), START_MS)
    child.stdout.on('data', () => /Ready to accept connections/.test(output) && (clearTimeout(timer), resolve()))
    void exited.then(({ code, error }) => {
      clearTimeout(timer)
      if (error?.code === 'ENOENT') {
        reject(new Error('redis-server is not installed: `apt-get install -y redis-server` (Debian; .ci/run installs it). The Redis tests need a real Redis and never skip.'))
      } else reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`))
    })
  })
  return { child, exited, ready, output: () => output }
}

/**
 * Starts redis-server. Resolves with { port, url, stop(), shutdownSave(), restart(), freeze(), thaw(), command(...args) }.
 */
export async function startRedis() {
  const dir = await mkdtemp(join(tmpdir(), 'iron-fetch-session-redis-'))
  let port
  let server
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    server = spawnRedis(port, dir)
    try {
      await server.ready
      break
    } catch (error) {
      server.child.kill('SIGKILL')
      await server.exited
      if (attempt < 3 && /Address already in use/.test(server.output())) continue
      await rm(dir, { recursive: true, force: true })
      throw error
    }
  }
  const alive = () => server.child.exitCode === null && server.child.signalCode === null
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    command: (...args) => redisCommand(port, args),
    /** Writes the snapshot, then exits: what a persistent Redis keeps through a crash. */
    async shutdownSave() {
      await redisCommand(port, ['SHUTDOWN', 'SAVE'])
      await server.exited
    },
    /** Starts again on the same port, loading the snapshot. */
    async restart() {
      if (alive()) throw new Error('redis is still running')
      server = spawnRedis(port, dir)
      await server.ready
    },
    freeze: () => server.child.kill('SIGSTOP'),
    thaw: () => server.child.kill('SIGCONT'),
    async stop() {
      if (alive()) {
        server.child.kill('SIGCONT')
        server.child.kill('SIGTERM')
        const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000)
        await server.exited
        clearTimeout(timer)
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
  return redis
}
