// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on options: every wrong
// value fails at setup with its own message, and options made twice are told apart by the identity of
// their functions, schemas and stores, not by their key order.
import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { withSession } from '../src/adapters/fetch.js'
import { createSessions, type SessionOptions } from '../src/index.js'
import { revocable } from '../src/revocations.js'
import { sessionStore } from '../src/store/index.js'
import { Jar, password } from './helpers.js'
import { headerTransport } from '../src/header.js'

describe('wrong options fail at setup, each with its own message', () => {
  it.each<[unknown, string]>([
    [undefined, 'options are missing. Pass at least { password }.'],
    [null, 'options are missing. Pass at least { password }.'],
    [password, 'options are missing. Pass at least { password }.'],
  ])('createSessions(%j)', (options, message) => {
    expect(() => createSessions(options as SessionOptions)).toThrow(message)
  })

  it.each<[Record<string, unknown>, string]>([
    [{ rolling: { touchAfter: -1 } }, 'rolling.touchAfter must be a whole number of seconds'],
    [{ maxLifetime: -1 }, 'maxLifetime must be a whole number of seconds'],
    [{ ttl: 600, rolling: { touchAfter: 60 }, maxLifetime: 60 }, 'maxLifetime (60) must be more than rolling.touchAfter (60).'],
    [{ schema: null }, 'schema must be a Standard Schema'],
    [{ header: null }, `header takes headerTransport("x-session") from 'iron-fetch-session/header'`],
    [{ header: 'x-api' }, `header takes headerTransport("x-api") from 'iron-fetch-session/header' (its code loads only in apps that import it): header: headerTransport("x-api").`],
    [{ header: { name: 'x-api' } }, `header takes headerTransport("x-api")`],
    [{ cache: 1.5 }, 'cache must be a number of entries (default 4096), or false to turn it off; got 1.5.'],
    [{ onUnsealError: 'log' }, 'onUnsealError must be a function (reason, error) => void.'],
    [{ revocations: null }, "revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'"],
    [{ revocations: 'redis' }, "revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'"],
  ])('%j', (options, message) => {
    expect(() => createSessions({ password, ...options } as SessionOptions)).toThrow(message)
  })

  it.each<[unknown, string]>([
    [null, 'header null is not a usable header name'],
    [42, 'header 42 is not a usable header name'],
    [{ name: 42 }, 'header 42 is not a usable header name'],
  ])('headerTransport(%j)', (given, message) => {
    expect(() => headerTransport(given as never)).toThrow(message)
  })

  it('rolling with maxLifetime just above touchAfter is accepted', () => {
    expect(() => createSessions({ password, ttl: 600, rolling: { touchAfter: 60 }, maxLifetime: 61 })).not.toThrow()
  })
})

describe('the same cookie mounted twice: options compared by value, functions, schemas and stores by identity', () => {
  type Data = { count?: number }
  const count = (session: { get(k: 'count'): number | undefined; set(k: 'count', v: number): void }) => session.set('count', (session.get('count') ?? 0) + 1)

  /** An outer and an inner fetch wrapper, each made from its own options object. */
  function nested(outerOptions: SessionOptions<Data>, innerOptions: SessionOptions<Data>) {
    const inner = withSession<Data>(innerOptions, (_request, session) => (count(session), new Response('ok')))
    return withSession<Data>(outerOptions, (request) => inner(request))
  }

  async function outcome(app: (request: Request) => Promise<Response>): Promise<string> {
    const jar = new Jar()
    try {
      const response = await app(jar.request('/'))
      return `${response.headers.getSetCookie().length} Set-Cookie`
    } catch (error) {
      return String(error).includes('mounted twice on this request for the cookie "session", with different options') ? 'different options' : String(error)
    }
  }

  it('equal options in another key order are the same options', async () => {
    expect(await outcome(nested({ password, ttl: 600, cookieOptions: { path: '/', sameSite: 'lax' } }, { cookieOptions: { sameSite: 'lax', path: '/' }, ttl: 600, password }))).toBe('1 Set-Cookie')
  })

  it('the same function, schema or store in two options objects: the same options', async () => {
    const onUnsealError = () => {}
    const store = sessionStore(createStorage())
    const revocations = revocable({ store: createStorage() })
    expect(await outcome(nested({ password, onUnsealError }, { password, onUnsealError }))).toBe('1 Set-Cookie')
    expect(await outcome(nested({ password, store }, { password, store }))).toBe('1 Set-Cookie')
    expect(await outcome(nested({ password, revocations }, { password, revocations }))).toBe('1 Set-Cookie')
    const schema = { '~standard': { version: 1 as const, vendor: 'test', validate: (value: unknown) => ({ value: value as Data }) } }
    expect(await outcome(nested({ password, schema }, { password, schema }))).toBe('1 Set-Cookie')
  })

  it('an option given as null (the default) mounts, and twice is the same mount', async () => {
    const options = { password, cache: null } as unknown as SessionOptions<Data>
    expect(await outcome(nested(options, { ...options }))).toBe('1 Set-Cookie')
  })

  it('two different functions, schemas or stores: different options, refused with the fix', async () => {
    expect(await outcome(nested({ password, onUnsealError: () => {} }, { password, onUnsealError: () => {} }))).toBe('different options')
    expect(await outcome(nested({ password, store: sessionStore(createStorage()) }, { password, store: sessionStore(createStorage()) }))).toBe('different options')
    // Plans keep their code under a symbol key, which JSON leaves out: two of them are still two.
    expect(await outcome(nested({ password, revocations: revocable({ store: createStorage() }) }, { password, revocations: revocable({ store: createStorage() }) }))).toBe('different options')
    const schema = () => ({ '~standard': { version: 1 as const, vendor: 'test', validate: (value: unknown) => ({ value: value as Data }) } })
    expect(await outcome(nested({ password, schema: schema() }, { password, schema: schema() }))).toBe('different options')
  })

  it('options made by a factory per request: one Sessions per distinct result, functions told apart', async () => {
    const reasons: string[] = []
    const handlers = { a: (reason: string) => reasons.push(`a:${reason}`), b: (reason: string) => reasons.push(`b:${reason}`) }
    const app = withSession<Data, Record<string, unknown>, [tenant: 'a' | 'b']>(
      (tenant) => ({ password, onUnsealError: handlers[tenant] }),
      () => new Response('ok'),
    )
    const bad = new Jar('session=not-a-seal')
    await app(bad.request('/'), 'a')
    await app(bad.request('/'), 'b')
    await app(bad.request('/'), 'a')
    expect(reasons).toEqual(['a:invalid', 'b:invalid', 'a:invalid'])
  })
})
