#!/usr/bin/env node
/**
 * `iron-fetch-session` on the command line: see inside a session cookie, make a password, make a cookie for curl.
 *
 *   iron-fetch-session inspect <cookie header | seal | ->   what the seal holds, or why it is refused
 *   iron-fetch-session password                              a new random password
 *   iron-fetch-session seal '<json>'                         a Cookie header holding the data, for curl -b
 *
 * The password comes from the SESSION_PASSWORD environment variable (a string, or a JSON map of
 * ids to passwords during a rotation), or from a file (`--password-file <path>`): never from an
 * argument, which shells keep in their history and `ps` shows to every user.
 *
 * @module iron-fetch-session/cli
 */
import { readFileSync, realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { createSessions, RESERVED_KEY, seal as sealValue, unseal, UnsealError, type Passwords } from './core/index.ts'
import { normalizePasswords } from './core/passwords.ts'
import { cookieConfig, readSealCookies, writeSealCookies } from './core/cookies.ts'
import { isSessionId } from './core/ids.ts'
import { deflatePayloads } from './core/compress.ts'

const USAGE = `Usage:
  iron-fetch-session inspect <cookie header | seal | ->  [--cookie-name session] [--store <redis url> | --revocations <redis url>]
  iron-fetch-session password
  iron-fetch-session seal '<json>'  [--cookie-name session] [--ttl seconds]

The password: SESSION_PASSWORD in the environment (a string, or a JSON map of ids to passwords,
such as {"2":"new…","1":"old…"}), or --password-file <path>. Never an argument.
With --store or --revocations (a redis:// URL; needs unstorage and ioredis installed, as your app has),
inspect also says whether the session was revoked or signed out everywhere.`

/** A mistake of the command line: printed with the usage, exit code 2. */
class UsageError extends Error {}

interface Parsed {
  command: string | undefined
  args: string[]
  flags: Record<string, string>
}

const VALUED = ['--cookie-name', '--store', '--revocations', '--ttl', '--password-file']

export function parse(argv: string[]): Parsed {
  const args: string[] = []
  const flags: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--password' || arg.startsWith('--password=')) {
      throw new UsageError('the password is never an argument (shells keep it in their history, and ps shows it): set SESSION_PASSWORD, or use --password-file <path>.')
    }
    if (arg === '-h' || arg === '--help') flags.help = 'yes'
    else if (VALUED.includes(arg)) {
      const value = argv[++i]
      if (value === undefined) throw new UsageError(`${arg} needs a value.`)
      flags[arg.slice(2)] = value
    } else if (arg.startsWith('--') && arg.length > 2) throw new UsageError(`unknown option ${arg}.`)
    else args.push(arg)
  }
  return { command: args.shift(), args, flags }
}

/** The password as the app gives it (a string, or a map of ids to passwords), read once, and checked. */
function passwordFrom(flags: Record<string, string>, env: Record<string, string | undefined>): { option: string | Record<string, string>; passwords: Passwords } {
  let raw: string | undefined
  if (flags['password-file'] !== undefined) raw = readFileSync(flags['password-file'], 'utf8').trim()
  else raw = env.SESSION_PASSWORD
  if (!raw) throw new UsageError('no password: set SESSION_PASSWORD (the one your app uses), or use --password-file <path>.')
  let password: unknown = raw
  if (raw.startsWith('{')) {
    try {
      password = JSON.parse(raw)
    } catch {
      throw new UsageError('SESSION_PASSWORD starts with { but is not JSON: give a password, or a JSON map of ids to passwords such as {"2":"new…","1":"old…"}.')
    }
  }
  return { option: password as string | Record<string, string>, passwords: normalizePasswords(password, 'SESSION_PASSWORD') }
}

/** The seal from what was given: a Cookie header (chunks joined), `name=value`, or the seal itself. */
function sealFrom(input: string, cookieName: string): { seal: string; chunks: number } {
  const text = input.trim().replace(/^cookie:\s*/i, '')
  if (text.startsWith('Fe26.2*')) return { seal: text, chunks: 0 }
  const config = cookieConfig(cookieName, { secure: false })
  const { seal, present } = readSealCookies(text, config)
  if (seal === undefined) {
    throw new UsageError(`no ${cookieName} cookie in what was given (nor ${cookieName}.0, ${cookieName}.1, …); pass the Cookie header, ${cookieName}=<seal>, or the seal itself (--cookie-name for another name).`)
  }
  return { seal, chunks: present.includes(cookieName) ? 0 : present.length }
}

const iso = (ms: number | undefined) => (ms === undefined ? 'never' : new Date(ms).toISOString())

async function inspect(parsed: Parsed, env: Record<string, string | undefined>, out: (line: string) => void, readStdin: () => Promise<string>): Promise<number> {
  const input = parsed.args[0]
  if (input === undefined) throw new UsageError('inspect needs a cookie header, a seal, or - to read one from standard input.')
  const cookieName = parsed.flags['cookie-name'] ?? 'session'
  const { option, passwords } = passwordFrom(parsed.flags, env)
  const { seal, chunks } = sealFrom(input === '-' ? await readStdin() : input, cookieName)
  let opened
  try {
    // A seal made with compress: deflatePayloads() is read too.
    opened = await unseal(passwords, seal, undefined, deflatePayloads().inflate)
  } catch (error) {
    if (error instanceof UnsealError) {
      out(`refused: ${error.reason}`)
      out(`why:     ${error.message.replace(/^iron-fetch-session: /, '')}`)
      return 1
    }
    throw error
  }
  const payload = (opened.data !== null && typeof opened.data === 'object' ? opened.data : {}) as Record<string, unknown>
  const meta = (payload[RESERVED_KEY] ?? {}) as { created?: number; sealed?: number; flash?: unknown; id?: unknown; rid?: unknown; u?: unknown; ra?: unknown }
  const data = Object.fromEntries(Object.entries(payload).filter(([key]) => key !== RESERVED_KEY))
  const id = [meta.id, meta.rid].find(isSessionId)
  const stored = id !== undefined && Object.keys(data).length === 0 && meta.flash === undefined
  out(`password: ${opened.passwordId === '' ? '(no id: @hapi/iron)' : `id ${opened.passwordId}`}${opened.passwordId !== passwords.sealId && opened.passwordId !== '' ? ` (not the sealing one, ${passwords.sealId}: re-sealed at its next write)` : ''}`)
  out(`created:  ${iso(meta.created)}`)
  out(`sealed:   ${iso(meta.sealed)}`)
  out(`expires:  ${iso(opened.expiresAt)}`)
  if (id !== undefined) out(`id:       ${id}${stored ? ' (its data is in the store)' : ''}`)
  if (typeof meta.u === 'string') out(`user key: ${meta.u}`)
  out(`chunks:   ${chunks === 0 ? 'none (one cookie)' : chunks}`)
  if (!stored) out(`data:     ${JSON.stringify(data)}`)
  if (meta.flash !== undefined) out(`flash:    ${JSON.stringify(meta.flash)}`)
  const url = parsed.flags.store ?? parsed.flags.revocations
  if (url === undefined) return 0
  // Read through createSessions with the same store: the verdict is the one the app reaches.
  const storage = await redisStorage(url)
  try {
    const mode = parsed.flags.store !== undefined ? { store: await storePlan(storage) } : { revocations: await revocationsPlan(storage) }
    // userId: the app's function is not known here. Any user will do for the check: a seal names its user by its
    // user key (`u`), which is what "sign out everywhere" is checked against (a seal sealed before keys were, by 0.1, is not).
    const sessions = createSessions({ password: option, cookieName, userId: () => 'inspect', ...mode })
    const session = await sessions.read(new Request('https://cli.invalid/', { headers: { cookie: `${cookieName}=${seal}` } }))
    if (session.unsealError !== undefined) {
      out(`status:   ${session.unsealError}${session.unsealError === 'revoked' ? ' (signed out, revoked, or ended by revokeAll)' : ''}`)
      return 1
    }
    out('status:   live')
    if (stored) out(`data:     ${JSON.stringify(session.data)}`)
    return 0
  } finally {
    await (storage as { dispose?: () => Promise<void> }).dispose?.()
  }
}

/** unstorage with its Redis driver, from the app's own node_modules: the package depends on neither. */
async function redisStorage(url: string): Promise<unknown> {
  if (!/^rediss?:\/\//.test(url)) throw new UsageError(`--store and --revocations take a redis:// URL; got ${url}.`)
  try {
    const { createStorage } = (await import('unstorage')) as { createStorage(options: { driver: unknown }): unknown }
    const { default: redisDriver } = (await import('unstorage/drivers/redis')) as { default: (options: Record<string, unknown>) => unknown }
    return createStorage({ driver: redisDriver({ url, maxRetriesPerRequest: 1, enableOfflineQueue: true }) })
  } catch (error) {
    throw new UsageError(`--store and --revocations need unstorage and ioredis installed where you run this (npm install unstorage ioredis): ${(error as Error).message}`)
  }
}

async function storePlan(storage: unknown) {
  const { sessionStore } = await import('./store/index.ts')
  return sessionStore(storage as Parameters<typeof sessionStore>[0])
}

async function revocationsPlan(storage: unknown) {
  const { revocable } = await import('./revocations/index.ts')
  return revocable({ store: storage as Parameters<typeof revocable>[0]['store'], lag: 0 })
}

function password(out: (line: string) => void): number {
  // 32 random bytes, base64url: 43 characters, as `openssl rand -base64 32` but safe in a URL or an env file.
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  out(btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))
  return 0
}

async function sealCommand(parsed: Parsed, env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const json = parsed.args[0]
  if (json === undefined) throw new UsageError("seal needs the session's data as JSON: iron-fetch-session seal '{\"userId\":\"ada\"}'.")
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    throw new UsageError(`seal takes JSON, such as '{"userId":"ada"}'; got ${json}.`)
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError('seal takes a JSON object: the session\'s data.')
  const ttl = parsed.flags.ttl === undefined ? 14 * 24 * 3600 : Number(parsed.flags.ttl)
  if (!Number.isSafeInteger(ttl) || ttl < 0) throw new UsageError(`--ttl takes whole seconds (0: no expiry); got ${parsed.flags.ttl}.`)
  const { passwords } = passwordFrom(parsed.flags, env)
  const now = Date.now()
  const value = await sealValue(passwords, { ...(data as object), [RESERVED_KEY]: { created: now, sealed: now } }, ttl, now)
  const config = cookieConfig(parsed.flags['cookie-name'] ?? 'session', { secure: false }, true)
  // As a Cookie header (chunks joined by "; " when one cookie would be too big).
  out(writeSealCookies(value, undefined, [], config).map((line) => line.split(';')[0]).join('; '))
  return 0
}

/** Runs the command line; returns the exit code. Exported for the tests. */
export async function main(argv: string[], env: Record<string, string | undefined>, out: (line: string) => void, err: (line: string) => void, readStdin: () => Promise<string>): Promise<number> {
  try {
    const parsed = parse(argv)
    if (parsed.flags.help !== undefined || parsed.command === undefined) {
      out(USAGE)
      return parsed.command === undefined && parsed.flags.help === undefined ? 2 : 0
    }
    switch (parsed.command) {
      case 'inspect':
        return await inspect(parsed, env, out, readStdin)
      case 'password':
        return password(out)
      case 'seal':
        return await sealCommand(parsed, env, out)
      default:
        throw new UsageError(`unknown command ${parsed.command}: inspect, password or seal.`)
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      err(`iron-fetch-session: ${error.message.replace(/^iron-fetch-session: /, '')}`)
      if (error instanceof UsageError) err(`\n${USAGE}`)
      return 2
    }
    err(`iron-fetch-session: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

async function stdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

// Run when executed, not when imported by a test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.env, (line) => console.log(line), (line) => console.error(line), stdin)
}
