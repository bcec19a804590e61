/**
 * One session as iron-session 9 makes it: the unsealed data as a plain object,
 * with save(), destroy() and updateConfig() defined on it (read-only, not
 * enumerable), all writing through the same jar.
 */
import type { CookieJar } from './jars.ts'
import { assertCookieCanPersist, sessionConfig, usageError, type Config, type SessionOptions } from './options.ts'
import { expireStale, readSeal, writeSeal } from './seal-cookies.ts'
import { openWith, reasonOf, sealWith, type Opened } from './seal-data.ts'
import { endRevocable, readRevocable, revocablePayload, revocationsFor, type RevocableRead } from './revocable.ts'

/** The identity a seal carries (`__ifs.id` or `rid`, with `ra`, `u` and `created`), to keep on a re-save; undefined when it has none. */
function identityOf(meta: unknown): Record<string, unknown> | undefined {
  if (meta === null || typeof meta !== 'object') return undefined
  const { id, rid, ra, u, created } = meta as Record<string, unknown>
  const named = id ?? rid
  if (typeof named !== 'string') return undefined
  return Object.fromEntries(Object.entries({ created, sealed: Date.now(), id: named, ra, u }).filter(([, value]) => value !== undefined))
}

/** iron-session 9's session: the data's fields, every one optional (a new visitor's session is empty), and its three methods. */
export type IronSession<T> = Partial<T> & {
  /** Seals the session's data into the cookie. */
  readonly save: () => Promise<void>
  /** Expires the cookie (and its chunks); with `extras.revocations`, ends the session's id too. */
  readonly destroy: () => void
  /** Checks new options at once; the next `save()` uses them. */
  readonly updateConfig: (newSessionOptions: SessionOptions) => void
}

/** What `extras.saveOnChange` compares against: the JSON last read or written, and when that seal was made. */
interface Baseline {
  json: string
  passwordId: string
  sealedAt: number | undefined
}

export async function createSession<T extends object>(jar: CookieJar, options: SessionOptions): Promise<IronSession<T>> {
  let config = sessionConfig(options)
  let onUnsealError = options.onUnsealError
  let opened: Opened | undefined
  const seal = readSeal(jar, config.cookieName)
  if (seal) {
    try {
      opened = await openWith(config.passwords, seal)
    } catch (error) {
      onUnsealError?.(reasonOf(error), error)
    }
  }
  // extras.revocations: a revoked seal reads as no session; a store that fails rejects (answer 503), never reads as empty.
  const revocations = () => config.extras.revocations && revocationsFor(config.extras.revocations, config.extras.userId, config.passwords, config.ttl)
  let revocable: RevocableRead | undefined
  const checking = revocations()
  if (opened && seal && checking) {
    const read = await readRevocable(checking, seal, opened.meta, opened.data, opened.expiresAt, config.ttl)
    if ('refused' in read) {
      onUnsealError?.('revoked', new Error(`iron-fetch-session: ${read.refused}`))
      opened = undefined
    } else revocable = read
  }
  const session: Record<string, unknown> = opened?.data ?? {}
  let baseline: Baseline | undefined = opened && config.extras.saveOnChange ? {
    json: JSON.stringify(session),
    passwordId: opened.passwordId,
    sealedAt: opened.expiresAt === undefined ? undefined : opened.expiresAt - config.ttl * 1000,
  } : undefined
  let destroyed = false

  /** For `extras.saveOnChange`: nothing new to write, and the seal is recent enough under the newest password. */
  const upToDate = (current: Config, json: string): boolean =>
    baseline !== undefined &&
    baseline.json === json &&
    baseline.passwordId === current.passwords.sealId &&
    (current.ttl === 0 || (baseline.sealedAt !== undefined && Date.now() - baseline.sealedAt < (current.ttl * 1000) / 10))

  Object.defineProperties(session, {
    updateConfig: {
      value: function updateConfig(newSessionOptions: SessionOptions) {
        config = sessionConfig(newSessionOptions) // checked now, as a new getIronSession() would
        onUnsealError = newSessionOptions.onUnsealError
        baseline = undefined // new options: the next save() writes under them
      },
    },
    save: {
      value: async function save() {
        if (destroyed) {
          if (Object.keys(session).length === 0) return
          throw usageError(
            'Cannot save a destroyed session that has data written back into it. session.destroy() signs the user out, and saving these fields would restore the cookie you just cleared, leaving the user signed in. Get a fresh session if you need to write one.',
          )
        }
        jar.assertWritable?.()
        const current = config
        assertCookieCanPersist(current.cookieOptions)
        if (current.extras.saveOnChange) {
          const json = JSON.stringify(session)
          if (upToDate(current, json) || (!baseline && json === '{}' && !seal)) return
        }
        const sealing = revocations()
        let payload: Record<string, unknown> = session
        // A session read with an identity (sealed where revocations are on) keeps it when a route without them re-saves it:
        // otherwise the copy would take a new id from its MAC and outlive the session's sign-out.
        const kept = sealing ? undefined : identityOf(opened?.meta)
        if (kept) payload = { ...session, __ifs: kept }
        if (sealing) {
          const next = await revocablePayload(sealing, revocable, session, current.ttl)
          revocable = next.read
          if (!next.payload) {
            // Revoked while this request ran: the cookie is cleared, as destroy() would.
            jar.write(current.cookieName, '', { ...current.cookieOptions, maxAge: 0 })
            expireStale(jar, current.cookieName, current.cookieOptions, { whole: true, chunksBelow: 0 })
            return
          }
          payload = next.payload
        }
        const sealed = await sealWith(current.passwords, payload, current.ttl)
        writeSeal(jar, current, sealed)
        if (current.extras.privateCache) jar.markPrivate?.()
        if (current.extras.saveOnChange) baseline = { json: JSON.stringify(session), passwordId: current.passwords.sealId, sealedAt: Date.now() }
      },
    },
    destroy: {
      value: function destroy() {
        destroyed = true
        for (const key of Object.keys(session)) delete session[key]
        // Always written, cookie or not, so it wins over a save() earlier in the same response.
        jar.write(config.cookieName, '', { ...config.cookieOptions, maxAge: 0 })
        expireStale(jar, config.cookieName, config.cookieOptions, { whole: true, chunksBelow: 0 })
        if (config.extras.privateCache) jar.markPrivate?.()
        // With extras.revocations the id read is revoked too: a promise, for the app to await (it rejects with
        // SessionStoreError, answer 503). iron-session code never awaits destroy(): a failure is then logged, never
        // an unhandled rejection that ends the process.
        const ending = revocations()
        const revoking = ending ? endRevocable(ending, revocable) : undefined
        revoking?.catch((error: unknown) => console.error('iron-fetch-session: session.destroy() could not revoke the session (await session.destroy() to answer 503 instead):', error))
        return revoking
      },
    },
  })
  return session as IronSession<T>
}
