/**
 * The two JSON steps of every cache-hit request, without the string in between.
 * The unseal cache keeps each session's data parsed once ("pristine": plain
 * JSON, never handed out, never changed); a request gets a copy of it, and
 * commit compares the app's object with it to see whether anything changed.
 * Copying and comparing objects here costs a quarter to a half of JSON.parse
 * and JSON.stringify, which were most of a cache-hit request's time.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Container = Json[] | { [key: string]: Json }

// for-in rather than Object.keys: no array per object, and V8 turns the own-key check inside it
// into a shape check. Leaves are handled in the loop, without a call each.
const hasOwn = Object.prototype.hasOwnProperty
const getSymbols = Object.getOwnPropertySymbols
const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null

/** A deep copy of pristine JSON (the output of JSON.parse). */
export function cloneJson<T>(value: T): T {
  return (isContainer(value) ? copy(value) : value) as T
}

function copy(value: Container): Container {
  if (Array.isArray(value)) {
    const out = new Array<Json>(value.length)
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as Json
      out[i] = isContainer(item) ? copy(item) : item
    }
    return out
  }
  // A spread copies the object whole, shape included (twice as fast as key by key), and defines
  // each key, so an own "__proto__" from JSON.parse stays a key; nested containers are then replaced
  // (an own "__proto__" is written as the key it is, not through the prototype setter).
  const out: { [key: string]: Json } = { ...value }
  for (const key in out) {
    const item = out[key]
    if (isContainer(item) && hasOwn.call(out, key)) out[key] = copy(item)
  }
  return out
}

/**
 * True when `value` is plain JSON equal to `pristine`, as JSON would see it:
 * key order aside, and with undefined properties absent. Anything that is not
 * plain JSON (a Date, a Map, a function, NaN, undefined in an array) counts as
 * a change, so commit takes the write path, where stringifyJson names it.
 * With pristine's tape (a cached session's), an unchanged copy is recognised
 * in one pass over the copy; anything else falls back to the full comparison.
 */
export function sameJson(value: unknown, pristine: unknown, tape?: JsonTape): boolean {
  if (value === pristine) return true
  if (!isContainer(value)) return false
  if (tape !== undefined && walk(value, tape, 0) === tape.length) return true
  return isContainer(pristine) && sameContainer(value, pristine)
}

/** Leaves compare with ===: pristine holds no NaN, and -0 and 0 are the same JSON. */
function sameItem(item: unknown, expected: Json | undefined): boolean {
  return item === expected || (isContainer(item) && isContainer(expected) && sameContainer(item, expected))
}

function sameContainer(value: object, pristine: Container): boolean {
  if (Array.isArray(pristine)) {
    if (!Array.isArray(value) || value.length !== pristine.length) return false
    for (let i = 0; i < pristine.length; i++) if (!sameItem(value[i], pristine[i])) return false
    return true
  }
  if (Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  // JSON drops Symbol keys: one added is a change, so commit's write path refuses it instead of losing it.
  if (getSymbols(value).length > 0) return false
  const object = value as Record<string, unknown>
  let unmatched = 0
  for (const key in object) {
    if (!hasOwn.call(object, key)) continue
    const item = object[key]
    if (item === undefined) continue // JSON leaves it out
    if (!hasOwn.call(pristine, key) || !sameItem(item, pristine[key])) return false
    unmatched++
  }
  // Every key of value is in pristine; equal counts mean pristine has no other.
  for (const key in pristine) if (hasOwn.call(pristine, key)) unmatched--
  return unmatched === 0
}

/**
 * Pristine JSON laid out flat in for-in order: a container is its marker and
 * size, then (key and) item after item; leaves are themselves. A copy made by
 * cloneJson walks in the same order, so comparing it is reading this array in
 * step, with no lookup in pristine: a third of sameContainer's cost on a 3 KB
 * session, which a cache-hit request that reads its data pays at every commit.
 */
export type JsonTape = readonly unknown[]

// Objects, so no leaf (always a primitive) can be mistaken for one.
const OBJECT = Object.freeze({ tape: 'object' })
const ARRAY = Object.freeze({ tape: 'array' })

export function tapeOf(pristine: object): JsonTape {
  const tape: unknown[] = []
  record(pristine as Container, tape)
  return tape
}

function record(value: Container, tape: unknown[]): void {
  if (Array.isArray(value)) {
    tape.push(ARRAY, value.length)
    for (const item of value) isContainer(item) ? record(item, tape) : tape.push(item)
    return
  }
  const at = tape.length
  tape.push(OBJECT, 0)
  let size = 0
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue
    const item = value[key] as Json
    tape.push(key)
    isContainer(item) ? record(item, tape) : tape.push(item)
    size++
  }
  tape[at + 1] = size
}

/**
 * Reads `value` against the tape from position `at`: the position after it
 * when it matches exactly (same keys in the same order, same leaves), else -1.
 * -1 is no verdict: the same data in another key order, or with an undefined
 * property, is still equal as JSON, which sameContainer decides.
 */
function walk(value: object, tape: JsonTape, at: number): number {
  const marker = tape[at]
  if (marker === ARRAY) {
    const size = tape[at + 1] as number
    if (!Array.isArray(value) || value.length !== size) return -1
    let i = at + 2
    for (let k = 0; k < size; k++) {
      const item: unknown = value[k]
      if (isContainer(item)) {
        i = walk(item, tape, i)
        if (i < 0) return -1
      } else if (item !== tape[i++]) return -1
    }
    return i
  }
  if (marker !== OBJECT || Array.isArray(value)) return -1
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return -1
  if (getSymbols(value).length > 0) return -1
  const object = value as Record<string, unknown>
  let i = at + 2
  let size = 0
  for (const key in object) {
    if (!hasOwn.call(object, key)) continue
    if (key !== tape[i++]) return -1
    const item = object[key]
    if (isContainer(item)) {
      i = walk(item, tape, i)
      if (i < 0) return -1
    } else if (item !== tape[i++]) return -1
    size++
  }
  return size === tape[at + 1] ? i : -1
}
