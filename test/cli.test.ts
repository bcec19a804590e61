// The command line, as a user runs it: `node dist/cli.js` (the package's bin), with the password in the
// environment. inspect shows what a cookie holds or why it is refused, and with a Redis store whether it is
// still live; password makes one; seal makes a cookie for curl that the app reads.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createStorage } from 'unstorage'
import redisDriver from 'unstorage/drivers/redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RunningRedis } from '../bench/redis.js'
import { createSessions } from '../src/index.ts'
import { revocable } from '../src/revocations.ts'
import { sessionStore } from '../src/store/index.ts'
import { seal } from '../src/core/seal.ts'
import { normalizePasswords } from '../src/core/passwords.ts'
import { Jar, newPassword, password, visit } from './helpers.ts'
import { root } from './runtime-helpers.ts'

const CLI = `${root}dist/cli.js`

/** Runs the CLI; resolves with its exit code and output, whatever the code. */
async function cli(args: string[], env: Record<string, string> = { SESSION_PASSWORD: password }, stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  child.stdin.end(stdin ?? '')
  const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? -1)))
  return { code, out, err }
}

const field = (out: string, name: string) => out.split('\n').find((line) => line.startsWith(`${name}:`))?.slice(name.length + 1).trim()

describe('iron-fetch-session on the command line', () => {
  it('password: 43 random base64url characters, new each time, that createSessions accepts', async () => {
    const [a, b] = await Promise.all([cli(['password'], {}), cli(['password'], {})])
    expect(a.code).toBe(0)
    expect(a.out.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.out).not.toBe(b.out)
    expect(() => createSessions({ password: a.out.trim() })).not.toThrow()
  })

  it('seal: a Cookie header for curl that the app reads as its session; inspect shows it', async () => {
    const sealed = await cli(['seal', '{"userId":"ada","cart":[1,2]}'])
    expect(sealed.code).toBe(0)
    const cookie = sealed.out.trim()
    expect(cookie).toMatch(/^session=Fe26\.2\*1\*/)
    const session = await createSessions({ password }).read(new Request('https://app.example/', { headers: { cookie } }))
    expect([session.unsealError, session.data]).toEqual([undefined, { userId: 'ada', cart: [1, 2] }])

    const inspected = await cli(['inspect', cookie])
    expect(inspected.code).toBe(0)
    expect(field(inspected.out, 'data')).toBe('{"userId":"ada","cart":[1,2]}')
    expect(field(inspected.out, 'password')).toBe('id 1')
    expect(Date.parse(field(inspected.out, 'expires')!) - Date.parse(field(inspected.out, 'created')!)).toBe(14 * 24 * 3600 * 1000)
    expect(field(inspected.out, 'chunks')).toBe('none (one cookie)')
    // The seal alone, and from standard input, read the same.
    expect((await cli(['inspect', cookie.slice('session='.length)])).out).toBe(inspected.out)
    expect((await cli(['inspect', '-'], { SESSION_PASSWORD: password }, `${cookie}\n`)).out).toBe(inspected.out)
  })

  it('inspect joins a chunked cookie, and tells a rotation, a flash and an id', async () => {
    const sessions = createSessions<{ notes?: string }>({ password: { 1: password }, chunk: true })
    const jar = new Jar()
    await visit(sessions, jar, (s) => (s.set('notes', 'n'.repeat(6000)), s.flash('notice', 'saved')))
    expect(jar.cookies.has('session.1')).toBe(true)
    const rotated = await cli(['inspect', jar.header], { SESSION_PASSWORD: JSON.stringify({ 2: newPassword, 1: password }) })
    expect(rotated.code).toBe(0)
    expect(field(rotated.out, 'chunks')).toBe(String(jar.cookies.size))
    expect(field(rotated.out, 'password')).toBe('id 1 (not the sealing one, 2: re-sealed at its next write)')
    expect(field(rotated.out, 'flash')).toBe('{"notice":"saved"}')
    expect(JSON.parse(field(rotated.out, 'data')!)).toEqual({ notes: 'n'.repeat(6000) })
  })

  it('inspect says why a seal is refused, with the reasons unsealError gives, and exits 1', async () => {
    const { out: cookie } = await cli(['seal', '{"a":1}'])
    const wrong = await cli(['inspect', cookie.trim()], { SESSION_PASSWORD: newPassword })
    expect([wrong.code, field(wrong.out, 'refused')]).toEqual([1, 'invalid'])
    expect(field(wrong.out, 'why')).toMatch(/bad MAC/)
    const old = await seal(normalizePasswords(password), { a: 1 }, 60, Date.now() - 3_600_000)
    const expired = await cli(['inspect', old])
    expect([expired.code, field(expired.out, 'refused')]).toEqual([1, 'expired'])
    const byTwo = await seal(normalizePasswords({ 2: newPassword }), { a: 1 }, 60)
    const unknown = await cli(['inspect', byTwo])
    expect([unknown.code, field(unknown.out, 'refused')]).toEqual([1, 'unknown-password'])
  })

  it('never takes the password as an argument; without one it says where to put it; mistakes exit 2 with the usage', async () => {
    const argument = await cli(['inspect', 'x', '--password', password], {})
    expect(argument.code).toBe(2)
    expect(argument.err).toMatch(/the password is never an argument/)
    const none = await cli(['inspect', 'session=x'], {})
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/no password: set SESSION_PASSWORD/)
    const dir = await mkdtemp(join(tmpdir(), 'ifs-cli-'))
    try {
      await writeFile(join(dir, 'password'), `${password}\n`)
      const { out: cookie } = await cli(['seal', '{"a":2}'])
      const fromFile = await cli(['inspect', cookie.trim(), '--password-file', join(dir, 'password')], {})
      expect([fromFile.code, field(fromFile.out, 'data')]).toEqual([0, '{"a":2}'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    expect((await cli(['frobnicate'])).code).toBe(2)
    expect((await cli(['inspect', 'nothing=here'])).err).toMatch(/no session cookie in what was given/)
  })
})

describe('inspect --store / --revocations, against a real Redis', () => {
  let redis: RunningRedis
  const storages: Array<{ dispose(): Promise<void> }> = []
  beforeAll(async () => {
    redis = await startRedis()
  }, 30_000)
  afterAll(async () => {
    await Promise.allSettled(storages.map((storage) => storage.dispose()))
    await redis?.stop()
  })
  const storage = () => {
    const made = createStorage({ driver: redisDriver({ url: redis.url }) })
    storages.push(made)
    return made
  }

  it('a store session: live with its data, then revoked after revoke(id)', async () => {
    const sessions = createSessions<{ userId?: string }>({ password, store: sessionStore(storage()), userId: (data) => data.userId })
    const jar = new Jar()
    const { session } = await visit(sessions, jar, (s) => s.set('userId', 'ada'))
    const live = await cli(['inspect', jar.header, '--store', redis.url])
    expect([live.code, field(live.out, 'status'), field(live.out, 'data')]).toEqual([0, 'live', '{"userId":"ada"}'])
    expect(field(live.out, 'id')).toBe(`${session.id} (its data is in the store)`)
    await sessions.revoke(session.id!)
    const revoked = await cli(['inspect', jar.header, '--store', redis.url])
    expect([revoked.code, field(revoked.out, 'status')]).toEqual([1, 'revoked (signed out, revoked, or ended by revokeAll)'])
  })

  it('a revocable cookie session: live, then revoked after revokeAll(user)', async () => {
    const sessions = createSessions<{ userId?: string }>({ password, userId: (data) => data.userId, revocations: revocable({ store: storage(), lag: 0 }) })
    const jar = new Jar()
    await visit(sessions, jar, (s) => s.set('userId', 'lin'))
    expect(field((await cli(['inspect', jar.header, '--revocations', redis.url])).out, 'status')).toBe('live')
    await sessions.revokeAll('lin')
    expect(field((await cli(['inspect', jar.header, '--revocations', redis.url])).out, 'status')).toMatch(/^revoked/)
  })
})

it('the package declares the bin, and the built file runs as one', async () => {
  const { bin } = (await import('../package.json', { with: { type: 'json' } })).default as { bin: Record<string, string> }
  expect(bin).toEqual({ 'iron-fetch-session': 'dist/cli.js' })
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--help'])
  expect(stdout).toMatch(/^Usage:/)
})
