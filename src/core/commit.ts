/**
 * Committing a session: decide whether anything must be written, seal, and put
 * the result on the Response — appended, never clobbering the app's own
 * Set-Cookie headers, and on a copy when the Response's headers are immutable.
 */
import { brief, DEV, devTools } from './messages.ts'
import { cookieMaxAge, expireCookies, liveCookieNames, writeSealCookies } from './cookies.ts'
import type { Config } from './options.ts'
import { stringifyJson } from './plain-json.ts'
import { sealJson } from './seal.ts'
import { sameJson, tapeOf, type JsonTape } from './json.ts'
import { cacheEntry, EMPTY, RESERVED_KEY, STATE, validate, type CacheEntry, type ReadState, type Session, type UnsealCache } from './session.ts'
import type { ModeKept } from './mode.ts'

/** Header lines to append: `set-cookie` lines, and the header transport's seal ('' tells the client to drop it). */
export type SessionHeaders = Array<[name: string, value: string]>

export async function commitSession(config: Config, cache: UnsealCache | undefined, session: Session, response: Response): Promise<Response> {
  const lines = await commitHeaders(config, cache, session, response)
  if (lines.length === 0) return response
  // The headers may be immutable (Response.redirect, fetch() results): build a new Response over
  // the same body stream, unbuffered, keeping status, statusText and headers.
  const headers = new Headers(response.headers)
  for (const [name, value] of lines) headers.append(name, value)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/**
 * The header lines to append for this session — none when nothing changed —
 * for hosts that add headers their own way (Hono's c.header, Node's
 * ServerResponse, a cookie store). Given the response, a 101 upgrade gets none,
 * and `Cache-Control: private` is added when the response has no Cache-Control,
 * so a shared cache never stores one user's cookie for others.
 * Throws, before building any, for data that cannot be saved.
 */
export async function commitHeaders(config: Config, cache: UnsealCache | undefined, session: Session, response?: Response): Promise<SessionHeaders> {
  // A 101 hands the connection to another protocol (WebSocket); there is nothing to add a cookie to.
  if (response?.status === 101) return []
  const state = stateOf(session)
  const now = Date.now()
  // Decided before any await: most requests write nothing, and then cost no second trip through the microtask queue.
  if (nothingToWrite(config, state, now)) return []
  const lines = await sessionHeaders(config, cache, session, state, now)
  if (lines.length > 0 && response && !response.headers.has('cache-control')) lines.push(['cache-control', 'private'])
  return lines
}

function stateOf(session: Session): ReadState {
  const state = (session as Session & { [STATE]?: ReadState })[STATE]
  if (!state) throw new TypeError(DEV ? 'iron-fetch-session: commit() takes a session returned by read() of the same createSessions().' : brief('commit() takes a session returned by read() of the same createSessions()'))
  return state
}

/** What the seal holds, as JSON: the data and its bookkeeping; with a store, only the bookkeeping. */
function payloadJson(session: Session, data: unknown, dataJson: string, meta: object, dataInSeal: boolean): string {
  if (!dataInSeal) return stringifyJson({ [RESERVED_KEY]: meta })
  // dataJson is session.data's JSON; a schema's output is other data, stringified on its own.
  if (data === session.data && dataJson.startsWith('{')) return withBookkeeping(dataJson, meta)
  return stringifyJson({ ...(data as object), [RESERVED_KEY]: meta })
}

/**
 * The JSON of { ...data, __ifs: meta } from data's JSON (a plain object's, made and checked
 * above), without stringifying the data a second time; meta's flash is checked as it would be.
 */
function withBookkeeping(dataJson: string, meta: object): string {
  const entry = `"${RESERVED_KEY}":${stringifyJson(meta, `session.${RESERVED_KEY}`)}}`
  return dataJson === '{}' ? `{${entry}` : `${dataJson.slice(0, -1)},${entry}`
}

// Only a cache hit's base is compared again and again (a store's data is parsed fresh each request).
function baseTape(state: ReadState): JsonTape | undefined {
  const hit = state.hit
  return hit !== undefined && hit.data === state.base ? (hit.tape ??= tapeOf(hit.data)) : undefined
}

/** Most requests: nothing changed and nothing is due, so nothing is written. */
function nothingToWrite(config: Config, state: ReadState, now: number): boolean {
  // Data the app never touched is what was read; touched, it is compared with what was read, as JSON.
  const unchanged = state.data === undefined || sameJson(state.data, state.base, baseTape(state))
  const flashChanged = state.flashRead.size > 0 || state.flashOut !== undefined
  // A session's own ttl (setLifetime) renews at a tenth of it, if that comes before the options' touchAfter.
  const touchAfter = config.touchAfter !== undefined && state.lifetime?.t !== undefined ? Math.min(config.touchAfter, Math.floor(state.lifetime.t / 10)) : config.touchAfter
  const touchDue = touchAfter !== undefined && state.sealedAt !== undefined && now - state.sealedAt >= touchAfter * 1000
  const rotate = state.passwordId !== undefined && state.passwordId !== config.passwords.sealId
  const destroyPending = state.destroyed && !state.settled
  return unchanged && !flashChanged && !touchDue && !rotate && !destroyPending && state.refused === undefined && !state.regenerate && !state.due
}

const hasKeys = (object: object): boolean => {
  for (const _ in object) return true
  return false
}

async function sessionHeaders(config: Config, cache: UnsealCache | undefined, session: Session, state: ReadState, now: number): Promise<SessionHeaders> {
  const { mode } = config
  // Throws, naming the path, for what JSON would silently change (a Date, a Map, NaN, a function).
  const dataJson = stringifyJson(session.data)

  const flash = { ...state.flashIn, ...state.flashOut }
  for (const key of state.flashRead) if (!(state.flashOut && Object.hasOwn(state.flashOut, key))) delete flash[key]
  const hasFlash = Object.keys(flash).length > 0
  if (state.destroyed && dataJson !== '{}') {
    throw new Error(
      DEV ? 'iron-fetch-session: data was written to the session after destroy(), and saving it would sign the user back in. destroy() is terminal for this request; to start a new session, write it on the next request.' : brief('data was written to the session after destroy(), and saving it would sign the user back in'),
    )
  }
  const emptied = dataJson === '{}'
  if (emptied && !hasFlash) {
    // Nothing to keep: clear whatever the request carried (signed out, emptied, or refused), after the mode ends the id that ends.
    if (mode) await mode.clear(state.identity!, hasKeys(state.base))
    return clearHeaders(config, state)
  }
  if (RESERVED_KEY in session.data) {
    throw new TypeError(DEV ? `iron-fetch-session: session.data.${RESERVED_KEY} is reserved for the session's own bookkeeping; use another key.` : brief(`session.data.${RESERVED_KEY} is reserved for the session's own bookkeeping`))
  }
  const data = config.schema ? await validate(config.schema, session.data, 'commit') : session.data
  let created = state.destroyed || state.passwordId === undefined ? now : state.createdAt
  const lifetime = state.lifetime
  if (lifetime?.t !== undefined && config.ttl > 0 && lifetime.t > config.ttl) {
    throw new TypeError(DEV ? `iron-fetch-session: setLifetime({ ttl: ${lifetime.t} }) is longer than the ttl option (${config.ttl}): the ttl option is the longest a session may live; set it to the longest (a "remember me" session) and shorten the others.` : brief('setLifetime ttl longer than the ttl option'))
  }
  const ttlFor = (created: number) => (emptied ? flashOnlyTtl(sealTtl(config, created, now, lifetime?.t)) : sealTtl(config, created, now, lifetime?.t))
  const dataInSeal = !mode || mode.dataInSeal
  let kept: Extract<ModeKept, { fields: object }> | undefined
  if (mode) {
    // With a store the data goes there, before any header is built, and the seal carries only its id.
    const answer = await mode.keep(state.identity!, { data: data as Record<string, unknown>, dataJson: data === session.data ? dataJson : JSON.stringify(data), flash: hasFlash ? flash : undefined, held: hasKeys(state.base), emptied, created, now, ttlFor, clientSeal: state })
    if ('refused' in answer) {
      // The id read was revoked while this request ran: what it would have sealed is not issued.
      config.onUnsealError?.(answer.refused, new Error(`iron-fetch-session: ${answer.message}`))
      return clearHeaders(config, state)
    }
    if (answer.stays) {
      // Only the stored data changed: the store has it, and the cookie the client holds stays as it is.
      upToDate(state, { base: JSON.parse(dataJson) as Record<string, unknown>, flashIn: flash })
      return []
    }
    kept = answer
    created = kept.created
  }
  const ttl = kept ? kept.ttl : ttlFor(created)
  const meta: Record<string, unknown> = dataInSeal && hasFlash ? { created, sealed: now, flash } : { created, sealed: now }
  if (lifetime) Object.assign(meta, lifetime.t === undefined ? {} : { t: lifetime.t }, lifetime.p === 0 ? { p: 0 } : {})
  if (kept) Object.assign(meta, kept.fields)
  const payload = payloadJson(session, data, dataJson, meta, dataInSeal)
  const value = await sealJson(config.passwords, config.compress && dataInSeal ? await config.compress.deflate(payload) : payload, ttl, now)
  // What the client will hold, as pristine JSON: the baseline of this session's next commit, and the cache's.
  const base = JSON.parse(dataJson) as Record<string, unknown>
  const headers: SessionHeaders = []
  if (state.transport !== 'header') {
    // Throws SessionTooLargeError here, before any header is set.
    const lines = writeSealCookies(value, lifetime?.p !== 0 && config.cookie.persistent ? cookieMaxAge(ttl) : undefined, state.present, config.cookie)
    for (const line of lines) headers.push(['set-cookie', line])
    state.present = liveCookieNames(lines)
    if (DEV) {
      if (state.insecureHost && config.plainHttp && !config.plainHttp.warned) devTools?.warnPlainHttp(config.plainHttp, state.insecureHost, config.cookie.name)
    }
  }
  // The seal goes in the header only to a client that sent the header: a browser's scripts could read it
  // there, defeating HttpOnly. A new session is offered both ways only when the app opted in, and only to a
  // client that sent no cookie at all: any cookie, even a refused one, means a browser.
  if (config.header && (state.transport === 'header' || (state.transport === undefined && config.header.firstContact && !state.cookies))) {
    headers.push([config.header.response, value])
  }
  const entry: CacheEntry = {
    seal: value,
    data: !dataInSeal ? EMPTY : data === session.data ? base : (JSON.parse(JSON.stringify(data)) as Record<string, unknown>),
    flashJson: hasFlash && dataInSeal ? JSON.stringify(flash) : undefined,
    createdAt: created,
    sealedAt: now,
    passwordId: config.passwords.sealId,
    expiresAt: ttl > 0 ? now + ttl * 1000 : undefined,
    lifetime,
  }
  if (kept) Object.assign(entry, kept.seal, { meta })
  cacheEntry(cache, entry)
  upToDate(state, { base, flashIn: flash, createdAt: created, sealedAt: now, passwordId: config.passwords.sealId })
  return headers
}

/** A session holding only a flash (say "Signed out") is for the next request: it need not outlive a few minutes. */
const FLASH_ONLY_TTL = 300
function flashOnlyTtl(ttl: number): number {
  return ttl === 0 ? FLASH_ONLY_TTL : Math.min(ttl, FLASH_ONLY_TTL)
}

/** The seal's ttl: the configured one (or the session's own, setLifetime), cut short so the seal dies with maxLifetime. */
function sealTtl(config: Config, created: number, now: number, ttl = config.ttl): number {
  if (config.maxLifetime === undefined) return ttl
  const left = Math.max(1, Math.floor((created + config.maxLifetime * 1000 - now) / 1000))
  return ttl === 0 ? left : Math.min(ttl, left)
}

/** Lines that clear what the client holds; afterwards the session counts as cleared, so this runs once. */
export function clearHeaders(config: Config, state: ReadState): SessionHeaders {
  const lines: SessionHeaders =
    state.transport === 'header' && config.header
      ? [[config.header.response, '']]
      : expireCookies(state.present, config.cookie).map((line) => ['set-cookie', line])
  upToDate(state, { present: [], base: EMPTY, flashIn: {}, passwordId: undefined })
  return lines
}

/** What was written is what the client now holds: committing this session again writes only later changes. */
function upToDate(state: ReadState, holds: Partial<ReadState>): void {
  Object.assign(state, holds, { flashOut: undefined, refused: undefined, settled: true, regenerate: false, due: false })
  state.flashRead.clear()
}

/**
 * Destroys the session and returns, at once, the lines that expire its cookies:
 * for hosts whose destroy() cannot wait for commit (iron-session's is synchronous).
 */
export function destroyHeaders(config: Config, session: Session): SessionHeaders {
  if (config.mode) {
    throw new TypeError(
      DEV ? 'iron-fetch-session: destroyHeaders() cannot end a session on the server at once (with a store or revocations): call session.destroy() and commit, which ends it on the server before expiring the cookie.' : brief('destroyHeaders() cannot end a session on the server at once'),
    )
  }
  session.destroy()
  return clearHeaders(config, stateOf(session))
}
