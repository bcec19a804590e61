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

function spawnRedis(port, dir, extra = []) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'snapshot.rdb', ...extra], {
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

/**
 * A Redis Cluster of its own: six redis-servers in cluster mode on free 127.0.0.1 ports (three
 * masters, three replicas, node timeout 1 s so a failover takes seconds), joined by
 * `redis-cli --cluster create`, ready once every node says cluster_state:ok. Resolves with
 * { nodes: [{ port }], command(port, ...args), masters(), kill(port), stop() }.
 */
export async function startCluster() {
  const dir = await mkdtemp(join(tmpdir(), 'iron-fetch-session-cluster-'))
  const servers = []
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort()
      const server = spawnRedis(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', '--dbfilename', `dump-${port}.rdb`, '--repl-diskless-sync-delay', '0'])
      servers.push({ port, server })
      await server.ready
    }
    const create = spawn('redis-cli', ['--cluster', 'create', ...servers.map(({ port }) => `127.0.0.1:${port}`), '--cluster-replicas', '1', '--cluster-yes'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    create.stdout.on('data', (chunk) => (output += chunk))
    create.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise((resolve) => (create.once('error', () => resolve(-1)), create.once('exit', resolve)))
    if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}; redis-cli comes with Debian's redis-server package):\n${output.slice(-2000)}`)
    const cluster = {
      nodes: servers.map(({ port }) => ({ port })),
      command: (port, ...args) => redisCommand(port, args),
      /** The ports of the nodes that are masters now, each with its slots. */
      async masters() {
        const reply = await clusterNodes(servers.find(({ server }) => server.child.exitCode === null && server.child.signalCode === null).port)
        return reply.filter((node) => node.flags.includes('master') && !node.flags.includes('fail')).map((node) => node.port)
      },
      /** SIGKILL: the node is gone, as a crashed machine is, until its replica is promoted. */
      async kill(port) {
        const { server } = servers.find((s) => s.port === port)
        server.child.kill('SIGKILL')
        await server.exited
      },
      /** Resolves once the other nodes mark `port` failed, its replica is a master, and the cluster is ok again. */
      async waitForFailover(port, timeoutMs = 30_000) {
        const others = servers.filter((s) => s.port !== port && s.server.child.exitCode === null && s.server.child.signalCode === null).map((s) => s.port)
        const deadline = Date.now() + timeoutMs
        for (;;) {
          const nodes = await clusterNodes(others[0]).catch(() => [])
          const dead = nodes.find((node) => node.port === port)
          const masters = nodes.filter((node) => node.flags.includes('master') && !node.flags.includes('fail'))
          if (dead?.flags.includes('fail') && masters.length === 3) break
          if (Date.now() > deadline) throw new Error(`no failover of node ${port} within ${timeoutMs} ms`)
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        await waitForClusterOk(others, Math.max(1_000, deadline - Date.now()))
      },
      async stop() {
        for (const { server } of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
        await Promise.all(servers.map(({ server }) => server.exited))
        await rm(dir, { recursive: true, force: true })
      },
    }
    await waitForClusterOk(servers.map(({ port }) => port))
    // Ready once every replica has its master's data: a replica that never synced refuses to take over.
    const deadline = Date.now() + 30_000
    for (const { port } of servers) {
      for (;;) {
        const info = await redisBulk(port, ['INFO', 'replication'])
        if (/role:master/.test(info) || /master_link_status:up/.test(info)) break
        if (Date.now() > deadline) throw new Error(`replica ${port} did not sync with its master within 30 s`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    return cluster
  } catch (error) {
    for (const { server } of servers) server.child.kill('SIGKILL')
    await Promise.all(servers.map(({ server }) => server.exited))
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/** CLUSTER NODES of one node, as [{ port, flags }]. */
async function clusterNodes(port) {
  const text = await redisBulk(port, ['CLUSTER', 'NODES'])
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, address, flags] = line.split(' ')
      return { port: Number(address.split('@')[0].split(':')[1]), flags: flags.split(',') }
    })
}

/** Resolves once every node in `ports` reports cluster_state:ok (each within 30 s). */
export async function waitForClusterOk(ports, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (const port of ports) {
    for (;;) {
      const info = await redisBulk(port, ['CLUSTER', 'INFO']).catch(() => '')
      if (/cluster_state:ok/.test(info)) break
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not reach cluster_state:ok within ${timeoutMs} ms (node ${port}): ${info.slice(0, 200)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** One command whose reply is a bulk string, returned whole. */
function redisBulk(port, args, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let data = ''
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`redis ${args[0]} on ${port} timed out`))), timeoutMs)
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`))
    socket.on('data', (chunk) => {
      data += chunk
      const match = /^\$(\d+)\r\n/.exec(data)
      if (data.startsWith('-')) (clearTimeout(timer), socket.end(), reject(new Error(data.trim())))
      else if (match && data.length >= match[0].length + Number(match[1])) {
        clearTimeout(timer)
        socket.end()
        resolve(data.slice(match[0].length, match[0].length + Number(match[1])))
      }
    })
    socket.on('error', (error) => (clearTimeout(timer), reject(error)))
  })
}
