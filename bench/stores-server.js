// The store stage's server, run as a child process: one framework, bare or with its session library on
// Redis (BENCH_STORE_VARIANT, REDIS_URL), on 127.0.0.1 and a port the OS picks, reported to the parent over
// IPC. Asked 'cpu', it answers its CPU time so far. Every app has the same two routes:
//
//   /read    reads the session's counter; 'ok' when it is a number (a bare app: always 'ok')
//   /write   counter + 1, saved; 'ok'
//
// Each library is set up as its README shows it for Redis, in its cheapest configuration with the same
// expiry rule as ours without `rolling` (a read does not extend the session): express-session with resave and
// saveUninitialized off and connect-redis's touch off; @fastify/session with rolling and saveUninitialized
// off (its default, rolling: true, re-saves every session on every request). No Secure cookie: plain http.
// Ours is the Redis setup of docs/stores.md.
import { createServer } from 'node:http'

const variant = process.env.BENCH_STORE_VARIANT
const url = process.env.REDIS_URL
const SECRET = 'a-bench-secret-of-at-least-thirty-two-characters'

const makers = {
  honoBare: () => hono(undefined),
  ours: () => hono({ enableAutoPipelining: false }),
  oursPipelined: () => hono({ enableAutoPipelining: true }),
  expressBare: () => express(false),
  expressSession: () => express(true),
  fastifyBare: () => fastify(false),
  fastifySession: () => fastify(true),
}

async function hono(redisOptions) {
  const { Hono } = await import('hono')
  const { serve } = await import('@hono/node-server')
  const app = new Hono()
  if (redisOptions) {
    const { createStorage } = await import('unstorage')
    const { default: redisDriver } = await import('unstorage/drivers/redis')
    const { ironSession } = await import('../dist/adapters/hono.js')
    const { sessionStore } = await import('../dist/store/index.js')
    const storage = createStorage({ driver: redisDriver({ url, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, ...redisOptions }) })
    const client = storage.getMount('').driver.getInstance()
    client.on('error', (error) => console.warn(`session store: ${error.message}`))
    // Connected before serving, as a deployed app is by its first requests.
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve))
    const session = ironSession({ password: SECRET, cookieOptions: { secure: false }, store: sessionStore(storage) })
    app.get('/read', session, (c) => c.text(typeof c.var.session.data.count === 'number' ? 'ok' : 'no session'))
    app.get('/write', session, (c) => {
      const data = c.var.session.data
      data.count = (data.count ?? 0) + 1
      return c.text('ok')
    })
  } else {
    app.get('/read', (c) => c.text('ok'))
    app.get('/write', (c) => c.text('ok'))
  }
  return new Promise((resolve) => serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port)))
}

/** connect-redis 9 over node-redis 5, as its README sets it up. */
async function redisStore(options = {}) {
  const { createClient } = await import('redis')
  const { RedisStore } = await import('connect-redis')
  const client = createClient({ url })
  client.on('error', (error) => console.warn(`redis: ${error.message}`))
  await client.connect()
  return new RedisStore({ client, ...options })
}

async function express(withSession) {
  const { default: expressApp } = await import('express')
  const app = expressApp()
  if (withSession) {
    const { default: session } = await import('express-session')
    app.use(session({ store: await redisStore({ disableTouch: true }), secret: SECRET, resave: false, saveUninitialized: false, cookie: { secure: false } }))
    app.get('/read', (req, res) => res.send(typeof req.session.count === 'number' ? 'ok' : 'no session'))
    app.get('/write', (req, res) => {
      req.session.count = (req.session.count ?? 0) + 1
      res.send('ok')
    })
  } else {
    app.get('/read', (req, res) => res.send('ok'))
    app.get('/write', (req, res) => res.send('ok'))
  }
  const server = createServer(app)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
}

async function fastify(withSession) {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: false })
  if (withSession) {
    const { default: cookie } = await import('@fastify/cookie')
    const { default: session } = await import('@fastify/session')
    await app.register(cookie)
    await app.register(session, { secret: SECRET, store: await redisStore(), saveUninitialized: false, rolling: false, cookie: { secure: false } })
    app.get('/read', async (request) => (typeof request.session.get('count') === 'number' ? 'ok' : 'no session'))
    app.get('/write', async (request) => {
      request.session.set('count', (request.session.get('count') ?? 0) + 1)
      return 'ok'
    })
  } else {
    app.get('/read', async () => 'ok')
    app.get('/write', async () => 'ok')
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app.server.address().port
}

if (!(variant in makers)) throw new Error(`unknown BENCH_STORE_VARIANT ${variant}; one of ${Object.keys(makers).join(', ')}`)
const port = await makers[variant]()
process.send({ port })
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() })
})
process.on('SIGTERM', () => process.exit(0))
process.on('disconnect', () => process.exit(0))
