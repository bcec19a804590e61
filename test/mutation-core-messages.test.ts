// The production messages (src/core/messages.ts): a bundle for the edge built for production (its
// bundler folds DEV to false, see src/core/dev-bundled.ts) throws the same errors with a short message
// that still names what is wrong. Here the sources are loaded with #dev answering DEV = false, as such
// a bundle sees it; the long messages are asserted elsewhere (mutation-core-options and others).
import { createStorage } from 'unstorage'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Jar, password } from './helpers.js'

type Index = typeof import('../src/index.js')
let lib: Index
let withSession: typeof import('../src/adapters/fetch.js').withSession
let sessionStore: typeof import('../src/store/index.js').sessionStore
let revocable: typeof import('../src/revocations.js').revocable
let useCryptoBackend: typeof import('../src/core/crypto/choice.js').useCryptoBackend
let brief: typeof import('../src/core/messages.js').brief

beforeAll(async () => {
  vi.resetModules()
  vi.doMock('#dev', () => ({ DEV: false }))
  lib = await import('../src/index.js')
  ;({ withSession } = await import('../src/adapters/fetch.js'))
  ;({ sessionStore } = await import('../src/store/index.js'))
  ;({ revocable } = await import('../src/revocations.js'))
  ;({ useCryptoBackend } = await import('../src/core/crypto/choice.js'))
  ;({ brief } = await import('../src/core/messages.js'))
})

afterAll(() => {
  vi.doUnmock('#dev')
  vi.resetModules()
})

const TAIL = ' (short message of a production bundle: run it in development, such as wrangler dev, for the whole message)'

/** The error `run` throws (or rejects with), which must be a `type` whose whole message is the short one for `subject`. */
async function expectShort(run: () => unknown, subject: string, type: abstract new (...args: never[]) => Error = TypeError): Promise<void> {
  let caught: unknown
  try {
    await run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(type)
  expect((caught as Error).message).toBe(`iron-fetch-session: ${subject}${TAIL}`)
}

describe('brief()', () => {
  it('names the library and the problem, and says where the whole message is', () => {
    expect(brief('ttl is wrong')).toBe(`iron-fetch-session: ttl is wrong${TAIL}`)
    expect(brief('')).toMatch(/^iron-fetch-session: {2}\(short message of a production bundle/)
  })
})

describe('a production bundle refuses wrong options with the short message', () => {
  it.each<[unknown, string]>([
    [undefined, 'options are missing'],
    [{ password, maxAge: 60 }, 'unknown option "maxAge"'],
    [{ password, expires: new Date() }, 'unknown option "expires"'],
    [{ password, cookieOption: {} }, 'unknown option "cookieOption"'],
    [{}, 'password is missing'],
    [{ password: { '01': password } }, 'password: bad id'],
    [{ password: {} }, 'password is empty'],
    [{ password: 'short' }, 'password is too short'],
    [{ password: { 1: 'short' } }, 'password[1] is too short'],
    [{ password, persistentCookie: 'yes' }, 'persistentCookie must be true or false'],
    [{ password, cookieOptions: null }, 'cookieOptions must be an object of cookie attributes, such as { domain, path, secure }'],
    [{ password, cookieOptions: { maxAge: 60 } }, 'cookieOptions.maxAge is not an option here'],
    [{ password, cookieOptions: { expires: new Date() } }, 'cookieOptions.expires is not an option here'],
    [{ password, cookieOptions: { sameSite: 'loose' } }, "cookieOptions.sameSite must be 'lax', 'strict' or 'none'"],
    [{ password, cookieOptions: { sameSite: 'none', secure: false } }, "cookieOptions.sameSite 'none' needs secure"],
    [{ password, cookieOptions: { partitioned: true, secure: false } }, 'cookieOptions.partitioned needs secure'],
    [{ password, cookieName: '__Secure-s', cookieOptions: { secure: false } }, 'a cookie named __Secure-s needs secure'],
    [{ password, cookieName: '__Host-s', cookieOptions: { path: '/app' } }, "a cookie named __Host-s needs path '/' and no domain"],
    [{ password, chunk: 11 }, 'chunk is not valid'],
    [{ password, cookieOptions: { domain: 'bad domain' } }, 'cookieOptions are not valid'],
    [{ password, ttl: -1 }, 'ttl must be a whole number of seconds, 0 or more'],
    [{ password, rolling: 'yes' }, 'rolling must be true, false, or { touchAfter }'],
    [{ password, ttl: 0, rolling: true }, 'rolling needs a ttl'],
    [{ password, ttl: 60, rolling: { touchAfter: 60 } }, 'rolling.touchAfter must be less than ttl'],
    [{ password, maxLifetime: 0 }, 'maxLifetime must be more than 0 seconds'],
    [{ password, ttl: 600, rolling: { touchAfter: 60 }, maxLifetime: 60 }, 'maxLifetime must be more than rolling.touchAfter'],
    [{ password, schema: {} }, 'schema must be a Standard Schema'],
    [{ password, header: 'authorization' }, "header takes headerTransport(name) from 'iron-fetch-session/header'"],
    [{ password, cache: -1 }, 'cache must be a number of entries'],
    [{ password, onUnsealError: 'log' }, 'onUnsealError must be a function'],
    [{ password, maxStoredBytes: 1000 }, 'maxStoredBytes needs a store'],
    [{ password, legacySeals: 'migrate' }, 'legacySeals needs a store'],
    [{ password, storeTimeout: 1000 }, 'storeTimeout needs a store'],
    [{ password, userId: () => undefined }, 'userId needs a store'],
    [{ password, store: createStorage() }, 'store takes sessionStore(storage) from iron-fetch-session/store'],
    [{ password, store: 'redis' }, 'store takes sessionStore(storage) from iron-fetch-session/store'],
    [{ password, revocations: 'redis' }, "revocations takes revocable({ store, lag? }) from 'iron-fetch-session/revocations'"],
  ])('%j', async (options, subject) => {
    await expectShort(() => lib.createSessions(options as never), subject)
  })

  it('a store beside revocations', async () => {
    const storage = createStorage()
    await expectShort(() => lib.createSessions({ password, store: sessionStore(storage), revocations: revocable({ store: storage }) }), 'store and revocations do not go together')
  })

  it('sealData with the reserved key, or a wrong ttl', async () => {
    await expectShort(() => lib.sealData({ __ifs: 1 }, { password }), 'sealData: the key __ifs is reserved')
    await expectShort(() => lib.sealData({ a: 1 }, { password, ttl: 1.5 }), 'ttl must be a whole number of seconds, 0 or more')
  })

  it('a crypto backend this runtime lacks', async () => {
    await expectShort(() => useCryptoBackend('nope' as never), 'the nope backend is not available in this runtime', Error)
  })
})

describe('a production bundle refuses wrong calls with the short message', () => {
  it('revoke, sessionsOf and revokeAll without a store or revocations', async () => {
    const sessions = lib.createSessions({ password })
    await expectShort(() => sessions.revoke('id'), 'revoke(id) needs the store option or the revocations option')
    await expectShort(() => sessions.sessionsOf('ada'), 'sessionsOf(user) needs the store option')
    await expectShort(() => sessions.revokeAll('ada'), 'revokeAll(user) needs the store option or the revocations option')
    const revoking = lib.createSessions({ password, revocations: revocable({ store: createStorage() }) })
    await expectShort(() => revoking.sessionsOf('ada'), 'sessionsOf(user) needs the store option (revocations keep no list of sessions)')
  })

  it('commit of a session from elsewhere, data after destroy(), the reserved key, data the schema refuses', async () => {
    const sessions = lib.createSessions<{ n?: number }>({ password })
    await expectShort(() => sessions.commit({} as never, new Response()), 'commit() takes a session returned by read() of the same createSessions()')
    const destroyed = await sessions.read(new Request('https://app.example/'))
    destroyed.destroy()
    destroyed.set('n', 1)
    await expectShort(() => sessions.commit(destroyed, new Response()), 'data was written to the session after destroy(), and saving it would sign the user back in', Error)
    const reserved = await sessions.read(new Request('https://app.example/'))
    ;(reserved.data as Record<string, unknown>).__ifs = 1
    await expectShort(() => sessions.commit(reserved, new Response()), "session.data.__ifs is reserved for the session's own bookkeeping")
    const schema = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => (typeof (value as { n?: unknown }).n === 'string' ? { issues: [{ message: 'not a number', path: ['n'] }] } : { value }) } }
    const checked = lib.createSessions<{ n?: unknown }>({ password, schema: schema as never })
    const wrong = await checked.read(new Request('https://app.example/'))
    wrong.set('n', 'one')
    await expectShort(() => checked.commit(wrong, new Response()), 'the session data does not match the schema, so it was not saved: n: not a number')
  })

  it('data that is not plain JSON', async () => {
    const sessions = lib.createSessions<{ when?: unknown }>({ password })
    const session = await sessions.read(new Request('https://app.example/'))
    session.set('when', new Map())
    await expectShort(() => sessions.commit(session, new Response()), 'session data must be plain JSON, but session.when is a Map', lib.NotJsonError)
  })

  it('destroyHeaders() with revocations or a store', async () => {
    const revoking = lib.createSessions({ password, revocations: revocable({ store: createStorage() }) })
    await expectShort(async () => revoking.destroyHeaders(await revoking.read(new Request('https://app.example/'))), 'destroyHeaders() cannot end a session on the server at once')
    const stored = lib.createSessions({ password, store: sessionStore(createStorage()) })
    await expectShort(async () => stored.destroyHeaders(await stored.read(new Request('https://app.example/'))), 'destroyHeaders() cannot end a session on the server at once')
  })

  it('two mounts with different options for one cookie', async () => {
    const handler = withSession({ password }, withSession({ password, ttl: 60 }, () => new Response('ok')))
    await expectShort(() => handler(new Jar().request('/')), 'two mounts with different options for the cookie "session"')
  })
})

describe('a session too large, in a production bundle', () => {
  it('says how large against the limit, unchunked and chunked', async () => {
    const whole = lib.createSessions<{ blob?: string }>({ password })
    const one = await whole.read(new Request('https://app.example/'))
    one.set('blob', 'x'.repeat(5000))
    const tooLarge = await whole.commit(one, new Response()).then(() => undefined, (e: unknown) => e as InstanceType<Index['SessionTooLargeError']>)
    expect(tooLarge).toBeInstanceOf(lib.SessionTooLargeError)
    expect(tooLarge!.message).toMatch(new RegExp(`^iron-fetch-session: the session cookie would be ${tooLarge!.bytes} bytes, over 4096`))
    const chunked = lib.createSessions<{ blob?: string }>({ password, chunk: 2 })
    const two = await chunked.read(new Request('https://app.example/'))
    two.set('blob', 'x'.repeat(20_000))
    const tooMany = await chunked.commit(two, new Response()).then(() => undefined, (e: unknown) => e as Error)
    expect(tooMany).toBeInstanceOf(lib.SessionTooLargeError)
    expect(tooMany!.message).toMatch(/^iron-fetch-session: the session needs \d+ cookies, over chunk's 2/)
  })
})
