// Assertions the mutation run of src/core (contributing/mutation.md) showed missing: which value a NotJsonError
// names when plain values sit beside the bad one, tokens and sessions kept apart, typo suggestions.
import * as ironSession9 from 'iron-session-9'
import { describe, expect, it } from 'vitest'
import { createSessions, NotJsonError, sealData, unsealData } from '../src/index.js'
import { Jar, password } from './helpers.js'

const sessions = createSessions<Record<string, unknown>>({ password })

async function commitWith(data: Record<string, unknown>): Promise<unknown> {
  const session = await sessions.read(new Request('https://app.example/'))
  Object.assign(session.data, data)
  return sessions.commit(session, new Response()).then(
    () => undefined,
    (error: unknown) => error,
  )
}

describe('NotJsonError names the value JSON would change, not the plain ones before it', () => {
  it('after a boolean, a null, a string, an array, an undefined key, a null-prototype object and a shared object', async () => {
    const shared = { id: 1 }
    const error = await commitWith({
      flag: true,
      none: null,
      name: 'ada',
      list: [1, 'two', false, null],
      gone: undefined,
      dict: Object.assign(Object.create(null) as object, { a: 1 }),
      first: shared,
      second: shared,
      when: new Date(0),
    })
    expect(error).toBeInstanceOf(NotJsonError)
    expect((error as NotJsonError).name).toBe('NotJsonError')
    expect((error as NotJsonError).problem).toBe('session.when is a Date')
    expect((error as Error).message).toBe(
      'iron-fetch-session: session data must be plain JSON, but session.when is a Date. Store a Date as Date.now() or as an ISO string (date.toISOString()).',
    )
  })

  it('a symbol value, a Symbol key, an anonymous class instance, and cycles through an array or an object', async () => {
    const cyclic: unknown[] = [1]
    cyclic.push(cyclic)
    const loop: Record<string, unknown> = { a: 1 }
    loop.self = { back: loop }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ s: Symbol('s') }, 'session.s is a symbol. Functions and symbols cannot be stored'],
      [{ tagged: { [Symbol('k')]: 1, plain: 2 } }, 'session.tagged has a Symbol key. Use string keys'],
      [{ thing: new (class {})() }, 'session.thing is a class instance. Store a plain object'],
      [{ cyclic }, 'session.cyclic[1] is a circular reference. Remove the cycle'],
      [{ loop }, 'session.loop.self.back is a circular reference'],
    ]
    for (const [data, message] of cases) {
      const error = await commitWith(data)
      expect(error).toBeInstanceOf(NotJsonError)
      expect((error as Error).message).toContain(message)
    }
  })
})

describe('Symbol keys and null prototypes at the top of session.data', () => {
  it('a Symbol key on session.data itself is refused, not dropped, when the data is written', async () => {
    const session = await sessions.read(new Request('https://app.example/'))
    ;(session.data as Record<symbol, unknown>)[Symbol('k')] = 1
    session.set('a', 1)
    await expect(sessions.commit(session, new Response())).rejects.toThrow('session has a Symbol key')
    // With no other change it is refused too (test/json.test.ts).
  })

  it('a nested object swapped for a null-prototype copy of it is no change (cache off, so compared in full)', async () => {
    const uncached = createSessions<Record<string, unknown>>({ password, cache: false })
    const jar = new Jar()
    const first = await uncached.read(jar.request())
    first.set('prefs', { theme: 'dark', size: 2 })
    jar.apply(await uncached.commit(first, new Response()))
    const second = await uncached.read(jar.request())
    second.set('prefs', Object.assign(Object.create(null) as object, { theme: 'dark', size: 2 }))
    expect((await uncached.commit(second, new Response())).headers.getSetCookie()).toEqual([])
  })
})

describe('tokens and sessions stay apart', () => {
  it('unsealData says why a session cookie is refused', async () => {
    const jar = new Jar()
    const session = await sessions.read(jar.request())
    session.set('userId', 7)
    jar.apply(await sessions.commit(session, new Response()))
    const errors: unknown[] = []
    expect(await unsealData(jar.cookies.get('session') as string, { password, onUnsealError: (_, error) => errors.push(error) })).toEqual({})
    expect(String(errors[0])).toContain('this seal is a session cookie, not a token made by sealData')
  })

  it('unsealData without onUnsealError resolves {} for anything it refuses, rather than throw', async () => {
    for (const value of ['', 'garbage', `Fe26.2${'*'.repeat(7)}`, await sealData({ a: 1 }, { password: 'another-password-of-at-least-32-characters' })]) {
      expect(await unsealData(value, { password })).toEqual({})
    }
  })

  it('a seal whose __ifs is null is neither a session nor a token: refused by read and by unsealData, without a throw', async () => {
    const value = await ironSession9.sealData({ __ifs: null, userId: 3 }, { password })
    const read = await sessions.read(new Jar(`session=${value}`).request())
    expect([read.data, read.unsealError, read.isNew]).toEqual([{}, 'invalid', true])
    const reasons: string[] = []
    expect(await unsealData(value, { password, onUnsealError: (reason) => reasons.push(reason) })).toEqual({})
    expect(reasons).toEqual(['invalid'])
  })
})

describe('a typo in an option name is answered with the nearest one', () => {
  it.each([
    ['cokiName', 'cookieName'],
    ['pasword', 'password'],
    ['persistentCokie', 'persistentCookie'],
    ['persstntCokie', 'persistentCookie'],
  ])('%s: did you mean %s?', (typo, meant) => {
    expect(() => createSessions({ password, [typo]: 'x' } as never)).toThrow(`unknown option "${typo}". Did you mean ${meant}?`)
  })

  it('a name far from every option gets the list, not a guess', () => {
    expect(() => createSessions({ password, zzz: 1 } as never)).toThrow(/unknown option "zzz"\. The known ones are password, cookieName/)
  })
})
