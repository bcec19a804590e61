/**
 * Session data must be plain JSON: what JSON.stringify writes is what
 * JSON.parse gives back. Anything else (a Date, a Map, NaN, a class instance)
 * is refused when sealed, with the path that holds it, rather than coming back
 * changed on the next request.
 */
import { brief, DEV } from './messages.ts'

/** Data that JSON would not give back as it was; `problem` names the path, as in "session.when is a Date". */
export class NotJsonError extends TypeError {
  override name = 'NotJsonError'
  constructor(
    readonly problem: string,
    hint: string,
  ) {
    super(DEV ? `iron-fetch-session: session data must be plain JSON, but ${problem}. ${hint}` : brief(`session data must be plain JSON, but ${problem}`))
  }
}

interface Found {
  problem: string
  hint: string
}

/** What to store instead, for each kind of value JSON would change (development only: see messages.ts). */
type HintKey = 'number' | 'undefined' | 'bigint' | 'function' | 'symbolKey' | 'circular' | 'Date' | 'Map' | 'Set' | 'instance' | 'prototype'
// Empty in a production bundle, whose message leaves the hint out (the bundler drops the object with the branch).
const HINTS: Readonly<Record<HintKey, string>> = !DEV ? ({} as never) : {
  number: 'Store a finite number, or null.',
  undefined: 'Store null, or leave the key out.',
  bigint: 'Store it as a string (String(value)), or as a number if it is small enough.',
  function: 'Functions and symbols cannot be stored: keep them out of the session.',
  symbolKey: 'Use string keys: Symbol keys are not stored.',
  circular: 'Remove the cycle: store an id that refers to the other object instead.',
  Date: 'Store a Date as Date.now() or as an ISO string (date.toISOString()).',
  Map: 'Store a Map as a plain object (Object.fromEntries(map)) or as an array of pairs.',
  Set: 'Store a Set as an array ([...set]).',
  instance: 'Store a plain object with the fields you need, such as { ...value }.',
  prototype: 'Copy it into a plain object ({ ...value }), and never assign a parsed "__proto__" key onto session data.',
}

/**
 * JSON.stringify, refusing what would not come back as it went in: a Date would
 * return as a string, a Map as {}, NaN as null. The error names the path.
 */
export function stringifyJson(data: unknown, root = 'session'): string {
  // The common case, plain JSON, is checked without building paths; the path walk runs only to name a problem.
  const found = isPlainJson(data, 0) ? undefined : findNonJson(data, root, new Set())
  if (found) throw new NotJsonError(found.problem, found.hint)
  return JSON.stringify(data)
}

/** True for plain JSON; false for anything findNonJson would name (and for nesting past 64 levels, to let it look). */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object':
      break
    default:
      return false
  }
  if (value === null) return true
  if (depth > 64) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  if (Object.getOwnPropertySymbols(value).length > 0) return false
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key]
    if (item !== undefined && !isPlainJson(item, depth + 1)) return false
  }
  return true
}

function findNonJson(value: unknown, path: string, ancestors: Set<object>): Found | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : { problem: `${path} is ${value}`, hint: HINTS.number }
    case 'undefined':
      return { problem: `${path} is undefined`, hint: HINTS.undefined }
    case 'bigint':
      return { problem: `${path} is a BigInt`, hint: HINTS.bigint }
    case 'function':
    case 'symbol':
      return { problem: `${path} is a ${typeof value}`, hint: HINTS.function }
  }
  if (value === null) return undefined
  const object = value as object
  if (ancestors.has(object)) return { problem: `${path} is a circular reference`, hint: HINTS.circular }
  const isArray = Array.isArray(object)
  const proto = Object.getPrototypeOf(object) as object | null
  if (!isArray && proto !== Object.prototype && proto !== null) return notPlain(path, proto)
  if (Object.getOwnPropertySymbols(object).length > 0) return { problem: `${path} has a Symbol key`, hint: HINTS.symbolKey }
  ancestors.add(object)
  try {
    if (isArray) {
      const array = object as unknown[]
      for (let i = 0; i < array.length; i++) {
        const found = findNonJson(array[i], `${path}[${i}]`, ancestors)
        if (found) return found
      }
    } else {
      for (const [key, item] of Object.entries(object)) {
        if (item === undefined) continue // dropped by JSON, as an absent key
        const found = findNonJson(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, ancestors)
        if (found) return found
      }
    }
  } finally {
    ancestors.delete(object)
  }
  return undefined
}

/** An object whose prototype is not Object.prototype: a class instance, or a plain object whose prototype was replaced. */
function notPlain(path: string, proto: object): Found {
  // A class's prototype has its own constructor; a prototype swapped in by `obj.__proto__ = {…}` does not.
  const constructor = Object.hasOwn(proto, 'constructor') ? (proto as { constructor?: unknown }).constructor : undefined
  if (typeof constructor !== 'function' || constructor === Object) return { problem: `${path} has a replaced prototype`, hint: HINTS.prototype }
  const name = constructor.name || 'class instance'
  return { problem: `${path} is a ${name}`, hint: name === 'Date' || name === 'Map' || name === 'Set' ? HINTS[name] : HINTS.instance }
}
