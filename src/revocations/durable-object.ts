/**
 * Revocations for Cloudflare Workers on a Durable Object: one object holds the revocation markers and log, so every
 * isolate in every location reads the same, at once (Workers KV takes up to 60 s to show a write elsewhere).
 *
 *   // worker.js
 *   import { durableObjectStore, RevocationLog } from 'iron-fetch-session/revocations'
 *   export { RevocationLog }                     // the Durable Object class, bound in wrangler.toml
 *   revocations: revocable({ store: durableObjectStore(env.REVOCATIONS), lag: 5 })
 *
 *   # wrangler.toml
 *   [[durable_objects.bindings]]
 *   name = "REVOCATIONS"
 *   class_name = "RevocationLog"
 *   [[migrations]]
 *   tag = "v1"
 *   new_sqlite_classes = ["RevocationLog"]
 *
 * The store speaks the same four calls as any other (getItem, setItem with a ttl, removeItem, getKeys by prefix),
 * so revocations use it as they use any store: a lagged isolate lists the minute buckets written since its last
 * refresh, once per lag, and the object's storage lists a prefix from its index (sorted keys), not by walking
 * everything. Entries past their ttl are not answered, and are deleted as listings meet them.
 */
import type { SessionStore } from '../store/store.ts'

/** The parts of a Durable Object's storage used (DurableObjectStorage). */
interface ObjectStorage {
  get(key: string): Promise<unknown>
  put(key: string, value: unknown): Promise<void>
  delete(keys: string | string[]): Promise<unknown>
  list(options: { prefix: string }): Promise<Map<string, unknown>>
}

/** A Durable Object namespace binding (DurableObjectNamespace). */
export interface RevocationLogNamespace {
  /** The id of the object of that name. */
  idFromName(name: string): unknown
  /** The stub of an object, to call it. */
  get(id: never): {
    /** A request to the object. */
    fetch(input: string, init?: RequestInit): Promise<Response>
  }
}

type Entry = { v: string; e?: number }

const live = (entry: unknown, now: number): entry is Entry =>
  entry !== null && typeof entry === 'object' && typeof (entry as Entry).v === 'string' && ((entry as Entry).e === undefined || ((entry as Entry).e as number) > now)

/** The Durable Object class: export it from the Worker's main module and bind it (see above). */
export class RevocationLog {
  readonly #storage: ObjectStorage

  constructor(state: { storage: ObjectStorage }, _env?: unknown) {
    this.#storage = state.storage
  }

  /** Answers `durableObjectStore`'s calls (get, set, remove, list by prefix), one JSON request each. */
  async fetch(request: Request): Promise<Response> {
    const { op, key, value, ttl } = (await request.json()) as { op?: unknown; key?: unknown; value?: unknown; ttl?: unknown }
    if (typeof key !== 'string') return new Response('a key is needed', { status: 400 })
    const now = Date.now()
    switch (op) {
      case 'get': {
        const entry = await this.#storage.get(key)
        return Response.json(live(entry, now) ? entry.v : null)
      }
      case 'set': {
        if (typeof value !== 'string') return new Response('a string value is needed', { status: 400 })
        await this.#storage.put(key, typeof ttl === 'number' && ttl > 0 ? { v: value, e: now + ttl * 1000 } : { v: value })
        return Response.json(null)
      }
      case 'remove':
        await this.#storage.delete(key)
        return Response.json(null)
      case 'keys': {
        const keys: string[] = []
        const expired: string[] = []
        for (const [name, entry] of await this.#storage.list({ prefix: key })) (live(entry, now) ? keys : expired).push(name)
        // At most 128 keys a delete: what a listing meets past its ttl goes, a batch at a time.
        if (expired.length > 0) await this.#storage.delete(expired.slice(0, 128))
        return Response.json(keys)
      }
      default:
        return new Response('unknown operation', { status: 400 })
    }
  }
}

/** The `store` for `revocable()`: the one RevocationLog object of `namespace` (by `name`), reached from any isolate. */
export function durableObjectStore(namespace: RevocationLogNamespace, name = 'iron-fetch-session revocations'): SessionStore {
  const call = async (body: Record<string, unknown>): Promise<unknown> => {
    // A stub per call: cheap, and never carried from one request's context into another's.
    const stub = namespace.get(namespace.idFromName(name) as never)
    const response = await stub.fetch('https://revocation-log/', { method: 'POST', body: JSON.stringify(body) })
    if (!response.ok) throw new Error(`the revocation log answered ${response.status}: ${await response.text()}`)
    return response.json()
  }
  return {
    getItem: (key) => call({ op: 'get', key }),
    setItem: (key, value, options) => call({ op: 'set', key, value, ttl: options?.ttl }),
    removeItem: (key) => call({ op: 'remove', key }),
    getKeys: (base) => call({ op: 'keys', key: base ?? '' }),
  }
}
