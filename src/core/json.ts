/**
 * The two JSON steps of every cache-hit request, without the string in between.
 * The unseal cache keeps each session's data parsed once ("pristine": plain
 * JSON, never handed out, never changed); a request gets a copy of it, and
 * commit compares the app's object with it to see whether anything changed.
 * Copying and comparing objects here costs a quarter to a half of JSON.parse
 * and JSON.stringify, which were most of a cache-hit request's time.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** A deep copy of pristine JSON (the output of JSON.parse). */
export function cloneJson<T>(value: T): T {
  return copy(value as Json) as T
}

function copy(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) {
    const out = new Array<Json>(value.length)
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i] as Json)
    return out
  }
  const out: { [key: string]: Json } = {}
  for (const key of Object.keys(value)) {
    // JSON.parse makes "__proto__" an own key; assigning it would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: copy(value[key] as Json), enumerable: true, writable: true, configurable: true })
    else out[key] = copy(value[key] as Json)
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
  if (typeof value !== 'object' || value === null || typeof pristine !== 'object' || pristine === null) return false
  if (Array.isArray(pristine)) {
    if (!Array.isArray(value) || value.length !== pristine.length) return false
    for (let i = 0; i < pristine.length; i++) if (!sameJson(value[i], pristine[i])) return false
    return true
  }
  if (Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  const object = value as Record<string, unknown>
  const expected = pristine as Record<string, unknown>
  let count = 0
  for (const key of Object.keys(object)) {
    const item = object[key]
    if (item === undefined) continue // JSON leaves it out
    if (!Object.hasOwn(expected, key) || !sameJson(item, expected[key])) return false
    count++
  }
  return count === Object.keys(expected).length
}
