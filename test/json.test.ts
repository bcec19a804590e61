// Change detection without JSON strings: the copy the app gets and the comparison commit makes
// must agree with JSON exactly, or a change is lost (no Set-Cookie) or a cookie rewritten for nothing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSessions } from '../src/index.js'
import { cloneJson, sameJson, tapeOf } from '../src/core/json.js'
import { Jar, password } from './helpers.js'

const RUNS = { seed: 20261125, numRuns: 10_000 }
const TIMEOUT = 180_000
type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** JSON with object keys sorted: equal strings mean equal data, whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  )
}

const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Json
const object = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 })).map((v) => json(v) as Record<string, Json>)

type Step = { pick: number; op: 'replace' | 'remove' | 'add'; key: string; value: Json }
const step = fc.record({ pick: fc.nat(), op: fc.constantFrom<Step['op']>('replace', 'remove', 'add'), key: fc.string({ maxLength: 4 }), value: fc.jsonValue({ maxDepth: 2 }).map(json) })

/** One edit somewhere inside `root`, in place, at a place the steps choose: what an app does to session.data. */
function edit(root: Json, steps: Step[]): void {
  let node = root
  for (const [i, s] of steps.entries()) {
    if (node === null || typeof node !== 'object') return
    const keys = Array.isArray(node) ? node.map((_, k) => k) : Object.keys(node)
    const last = i === steps.length - 1
    if (!last && keys.length > 0) {
      node = (node as Record<string | number, Json>)[keys[s.pick % keys.length]!]!
      continue
    }
    if (Array.isArray(node)) {
      if (s.op === 'add' || node.length === 0) node.push(s.value)
      else if (s.op === 'remove') node.splice(s.pick % node.length, 1)
      else node[s.pick % node.length] = s.value
    } else if (s.op === 'remove' && keys.length > 0) {
      delete node[keys[s.pick % keys.length]!]
    } else {
      const key = s.op === 'add' || keys.length === 0 ? s.key : keys[s.pick % keys.length]!
      Object.defineProperty(node, key, { value: s.value, enumerable: true, writable: true, configurable: true })
    }
    return
  }
}

describe('cloneJson and sameJson', () => {
  it(
    'a copy equals its original, shares nothing with it, and any edit of it is seen exactly when JSON sees one',
    () => {
      fc.assert(
        fc.property(object, fc.array(step, { minLength: 1, maxLength: 5 }), (pristine, steps) => {
          const before = JSON.stringify(pristine)
          const copy = cloneJson(pristine)
          const tape = tapeOf(pristine)
          expect(copy).toEqual(pristine)
          expect(sameJson(copy, pristine)).toBe(true)
          expect(sameJson(copy, pristine, tape)).toBe(true)
          edit(copy, steps)
          expect(JSON.stringify(pristine)).toBe(before) // the copy shares no object with the original
          const equal = canonical(copy) === canonical(pristine)
          expect(sameJson(copy, pristine)).toBe(equal)
          expect(sameJson(copy, pristine, tape)).toBe(equal) // the cached session's fast path: the same verdicts
        }),
        RUNS,
      )
    },
    TIMEOUT,
  )

  it('judges as JSON does: key order and undefined properties are no change; what JSON cannot hold is', () => {
    const pristine = json({ a: 1, b: { c: [1, 'x', null] } }) as Record<string, Json>
    for (const tape of [undefined, tapeOf(pristine)]) judgedAsJson(pristine, tape)
    // The tape alone recognises an unchanged copy: pristine itself is not consulted.
    expect(sameJson(cloneJson(pristine), {}, tapeOf(pristine))).toBe(true)
  })

  function judgedAsJson(pristine: Json, tape: ReturnType<typeof tapeOf> | undefined) {
    const same = (value: unknown, base: unknown) => sameJson(value, base, base === pristine ? tape : undefined)
    expect(same({ b: { c: [1, 'x', null] }, a: 1 }, pristine)).toBe(true)
    expect(same({ a: 1, b: { c: [1, 'x', null], d: undefined } }, pristine)).toBe(true)
    expect(same({ a: 1, b: { c: [1, 'x', undefined] } }, pristine)).toBe(false)
    expect(same({ a: Number.NaN, b: { c: [1, 'x', null] } }, json({ a: null, b: { c: [1, 'x', null] } }))).toBe(false)
    expect(same({ a: 1, b: new Date(0) }, json({ a: 1, b: new Date(0) }))).toBe(false)
    expect(same({ a: 1, b: new Map() }, json({ a: 1, b: {} }))).toBe(false)
    expect(same({ a: 1, b: { c: [1, 'x', null] }, f: () => 1 }, pristine)).toBe(false)
    expect(same({ a: 1, b: { c: { 0: 1, 1: 'x', 2: null, length: 3 } } }, pristine)).toBe(false)
    expect(same({ a: 1, b: Object.assign(Object.create({ c: [1, 'x', null] }) as object, {}) }, pristine)).toBe(false)
    expect(same({ a: '1', b: { c: [1, 'x', null] } }, pristine)).toBe(false)
    expect(same({ a: 1, b: { c: [1, 'x'] } }, pristine)).toBe(false)
    expect(same({ a: 1, b: { c: [1, 'x', null], d: 0 } }, pristine)).toBe(false)
    expect(same({ a: 1, b: { c: [1, ['x'], null] } }, pristine)).toBe(false)
    expect(same({ a: 1 }, pristine)).toBe(false)
  }

  it('copies a "__proto__" key as data, leaving the prototype alone', () => {
    const pristine = JSON.parse('{"__proto__":{"admin":true},"x":{"__proto__":[1]}}') as Record<string, unknown>
    const copy = cloneJson(pristine)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect((copy as { admin?: unknown }).admin).toBeUndefined()
    expect(Object.keys(copy)).toEqual(['__proto__', 'x'])
    expect(JSON.stringify(copy)).toBe(JSON.stringify(pristine))
    expect(sameJson(copy, pristine)).toBe(true)
  })
})

describe('commit writes exactly when the data changed', () => {
  it(
    'a random edit of session.data writes a cookie iff its JSON changed, and the next request reads the edit',
    async () => {
      const sessions = createSessions<Record<string, Json>>({ password, chunk: true })
      await fc.assert(
        fc.asyncProperty(object, fc.array(step, { minLength: 1, maxLength: 4 }), async (start, steps) => {
          if (Object.keys(start).length === 0) start = { seed: 1 }
          const first = await sessions.read(new Request('https://app.example/'))
          first.data = start
          const jar = new Jar().apply(await sessions.commit(first, new Response(null)))
          const session = await sessions.read(jar.request())
          edit(session.data as Json, steps)
          const expected = canonical(session.data) !== canonical(start)
          const response = await sessions.commit(session, new Response(null))
          expect(response.headers.getSetCookie().length > 0).toBe(expected)
          const after = await sessions.read(jar.apply(response).request())
          expect(canonical(after.data)).toBe(canonical(Object.keys(session.data).length ? session.data : {}))
        }),
        { ...RUNS, numRuns: 2_000 },
      )
    },
    TIMEOUT,
  )

  it('a Date or a function written on a read-only request fails at commit, naming it, as any write of one does', async () => {
    const sessions = createSessions<Record<string, unknown>>({ password })
    const first = await sessions.read(new Request('https://app.example/'))
    first.data.user = 'ada'
    const jar = new Jar().apply(await sessions.commit(first, new Response(null)))
    const withDate = await sessions.read(jar.request())
    withDate.data.seen = new Date()
    await expect(sessions.commit(withDate, new Response(null))).rejects.toThrow('session.seen is a Date')
    const withFunction = await sessions.read(jar.request())
    withFunction.data.log = () => {}
    await expect(sessions.commit(withFunction, new Response(null))).rejects.toThrow('session.log is a function')
  })

  it('a Symbol key is a change even when nothing else changed, so commit refuses it rather than losing it', async () => {
    // Cached (compared against the tape) and uncached (compared in full), at the top and nested.
    for (const cache of [4096, false] as const) {
      const sessions = createSessions<Record<string, unknown>>({ password, cache })
      const first = await sessions.read(new Request('https://app.example/'))
      first.data.prefs = { theme: 'dark' }
      const jar = new Jar().apply(await sessions.commit(first, new Response(null)))
      const top = await sessions.read(jar.request())
      ;(top.data as Record<symbol, unknown>)[Symbol('k')] = 1
      await expect(sessions.commit(top, new Response(null))).rejects.toThrow('session has a Symbol key')
      const nested = await sessions.read(jar.request())
      ;(nested.data.prefs as Record<symbol, unknown>)[Symbol('k')] = 1
      await expect(sessions.commit(nested, new Response(null))).rejects.toThrow('session.prefs has a Symbol key')
      // The data as read, untouched, still writes nothing.
      const untouched = await sessions.read(jar.request())
      expect(untouched.data.prefs).toEqual({ theme: 'dark' })
      expect((await sessions.commit(untouched, new Response(null))).headers.getSetCookie()).toEqual([])
    }
  })
})
