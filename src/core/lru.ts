/**
 * A cache of at most `max` entries that drops the least recently used ones.
 *
 * Every cache in this library is keyed by something a client sends (a salt, a
 * seal), so every cache is bounded. It keeps two generations of Maps, as
 * quick-lru does: a hit in the young one costs one lookup and no reordering (a
 * Map reordered on every hit spends its time rehashing and collecting garbage);
 * a hit in the old one promotes the entry; when the young one is full it becomes
 * the old one and the old one is dropped.
 */
export class Lru<K, V> {
  #young = new Map<K, V>()
  #old = new Map<K, V>()
  readonly #half: number

  constructor(readonly max: number) {
    this.#half = Math.max(1, Math.floor(max / 2))
  }

  /** Entries held, at most `max`: a key lives in one generation only. */
  get size(): number {
    return this.#young.size + this.#old.size
  }

  get(key: K): V | undefined {
    const value = this.#young.get(key)
    if (value !== undefined) return value
    const old = this.#old.get(key)
    if (old !== undefined) {
      this.#old.delete(key)
      this.#add(key, old)
    }
    return old
  }

  set(key: K, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value)
    else {
      this.#old.delete(key)
      this.#add(key, value)
    }
  }

  delete(key: K): void {
    this.#young.delete(key)
    this.#old.delete(key)
  }

  #add(key: K, value: V): void {
    if (this.#young.size >= this.#half) {
      // With max 1 there is no room for an old generation: the one entry is replaced.
      this.#old = this.max > 1 ? this.#young : new Map()
      this.#young = new Map()
    }
    this.#young.set(key, value)
  }
}
