/**
 * Session data must be plain JSON: what JSON.stringify writes is what
 * JSON.parse gives back. Anything else (a Date, a Map, NaN, a class instance)
 * is refused when sealed, with the path that holds it, rather than coming back
 * changed on the next request.
 */

/** Data that JSON would not give back as it was; `problem` names the path, as in "session.when is a Date". */
export class NotJsonError extends TypeError {
  override name = 'NotJsonError'
  constructor(readonly problem: string) {
    super(
      `iron-fetch-session: session data must be plain JSON, but ${problem}. Store a Date as Date.now() or an ISO string, and Map, Set, BigInt or functions as plain values.`,
    )
  }
}

/**
 * JSON.stringify, refusing what would not come back as it went in: a Date would
 * return as a string, a Map as {}, NaN as null. The error names the path.
 */
export function stringifyJson(data: unknown, root = 'session'): string {
  // The common case, plain JSON, is checked without building paths; the path walk runs only to name a problem.
  const problem = isPlainJson(data, 0) ? undefined : findNonJson(data, root, new Set())
  if (problem) throw new NotJsonError(problem)
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

function findNonJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`
    case 'undefined':
      return `${path} is undefined`
    case 'bigint':
      return `${path} is a BigInt`
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}`
  }
  if (value === null) return undefined
  const object = value as object
  if (ancestors.has(object)) return `${path} is a circular reference`
  const isArray = Array.isArray(object)
  const proto = Object.getPrototypeOf(object)
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return `${path} is a ${(proto?.constructor?.name as string | undefined) ?? 'class instance'}`
  }
  if (Object.getOwnPropertySymbols(object).length > 0) return `${path} has a Symbol key`
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
