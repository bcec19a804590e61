/**
 * iron-session 9's options, read as iron-session 9 reads them: defaults spread
 * under the app's options on every getIronSession() call, the same checks in
 * the same order, the same messages (with our hint after them).
 */
import type { SetCookie } from 'cookie'
import { cachedPasswords, cookieMaxAge, FOURTEEN_DAYS, type Passwords, type Plan as RevocationsPlan } from '../../core/index.ts'

/** Passwords by id, such as `{ 2: newPassword, 1: oldPassword }`: the highest id seals, every id unseals. */
export type PasswordsMap = Record<string, string>
/** A password of at least 32 characters, or a map of them by id. */
export type Password = PasswordsMap | string
/** 'revoked' only with `extras.revocations`. */
export type UnsealErrorReason = 'expired' | 'invalid' | 'unknown-password' | 'revoked'

/** Every attribute `cookie` serialises; `maxAge: undefined` asks for a browser-session cookie. */
export type CookieOptions = Omit<SetCookie, 'name' | 'value' | 'maxAge'> & { maxAge?: number | undefined }

/** iron-fetch-session's improvements, off by default so that the drop-in behaves as iron-session 9. */
export interface Extras {
  /**
   * save() writes only when the data differs from what was read (or last saved),
   * the seal is under an older password, the options were changed with
   * updateConfig(), or a tenth of ttl has passed since it was sealed; so an
   * unchanged save() still extends the session, at most every ttl / 10.
   */
  saveOnChange?: boolean
  /** Writing the cookie also sets `Cache-Control: private` where the jar can (Node and web responses). */
  privateCache?: boolean
  /**
   * `revocable({ store, lag })` from 'iron-fetch-session/revocations' (docs/revocations.md): the seal carries an id,
   * `await session.destroy()` revokes it in this store, and a replayed copy reads as empty ('revoked').
   * Define the options once (a module-scope object): each revocations object keeps one view.
   */
  revocations?: RevocationsPlan
  /** With revocations: whose the session is, for createSessions().revokeAll(user) on the same store and password. */
  userId?: (data: Record<string, unknown>) => string | number | undefined
}

/** iron-session 9's options, and `extras`. */
export interface SessionOptions {
  cookieName: string
  password: Password
  /** Seconds; default 14 days; 0 means the seal never expires. */
  ttl?: number
  cookieOptions?: CookieOptions
  /** Told why a session cookie was refused. */
  onUnsealError?: (reason: UnsealErrorReason, error: unknown) => void
  /** Split a seal over 4096 bytes across `name.0` … `name.3`. */
  chunk?: boolean
  /** Not iron-session's: opt-in improvements. iron-session ignores this key, so a rollback keeps working. */
  extras?: Extras
}

export interface Config {
  cookieName: string
  ttl: number
  chunk: boolean
  passwords: Passwords
  cookieOptions: CookieOptions
  extras: Extras
}

const DEFAULT_COOKIE_OPTIONS: CookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' }

/** iron-session's message, then what to do about it. */
export const usageError = (message: string, hint?: string) => new Error(`iron-session: ${message}${hint ? ` (iron-fetch-session: ${hint})` : ''}`)


function checkPasswords(password: unknown): Passwords {
  if (!password) throw usageError('Bad usage. Missing password.', 'pass a random string of at least 32 characters, or a map such as { 2: newPassword, 1: oldPassword }.')
  const map = typeof password === 'string' ? { 1: password } : (password as PasswordsMap)
  const entries = Object.entries(map)
  if (entries.length === 0) {
    throw usageError("Bad usage. The password map is empty, it must be keyed by numbers, for example { 1: 'your-password' }.")
  }
  for (const [id, secret] of entries) {
    if (!Number.isInteger(Number(id))) {
      throw usageError(`Bad usage. Password ids must be integers, got ${JSON.stringify(id)}. Use { 1: '...', 2: '...' }.`)
    }
    if (typeof secret !== 'string' || secret.length < 32) {
      throw usageError('Bad usage. Password must be at least 32 characters long.', 'generate one with `openssl rand -base64 32`.')
    }
  }
  return cachedPasswords(password as Password) // options are read on every call, as iron-session reads them; keys made once
}

/** The options of one getIronSession() or updateConfig() call. */
export function sessionConfig(options: SessionOptions): Config {
  if (!options?.cookieName) throw usageError('Bad usage. Missing cookie name.', "name your session cookie, for example { cookieName: 'myapp_session', password }.")
  const passwords = checkPasswords(options.password)
  const given = options.cookieOptions
  // Spread as iron-session spreads: an explicit `ttl: undefined` stays undefined, as there.
  const merged = { ttl: FOURTEEN_DAYS, chunk: false, ...options }
  const cookieOptions: CookieOptions = { ...DEFAULT_COOKIE_OPTIONS, ...given }
  let ttl = merged.ttl as number
  if (given && 'maxAge' in given) {
    if (given.maxAge === undefined) ttl = 0 // a browser-session cookie, and a seal that outlives it
  } else {
    cookieOptions.maxAge = cookieMaxAge(ttl)
  }
  return { cookieName: options.cookieName, ttl, chunk: Boolean(merged.chunk), passwords, cookieOptions, extras: options.extras ?? {} }
}

/** Checked on write only: a stale module-scope `expires` should not break a page that only reads. */
export function assertCookieCanPersist({ expires }: CookieOptions): void {
  if (expires instanceof Date && expires.getTime() < Date.now()) {
    throw usageError(
      `Bad usage. cookieOptions.expires is in the past (${expires.toISOString()}), so the browser will discard the cookie and the session will never persist. This usually means the Date was created once at module scope. Use \`ttl\` instead.`,
    )
  }
}
