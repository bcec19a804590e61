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
 */
export function sameJson(value: unknown, pristine: unknown): boolean {
  if (value === pristine) return true
  return isContainer(value) && isContainer(pristine) && sameContainer(value, pristine)
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
