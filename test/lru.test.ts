import { describe, expect, it } from 'vitest'
import { Lru } from '../src/core/lru.js'

describe('Lru', () => {
  it('never holds more than max entries, and keeps the recently used ones', () => {
    const lru = new Lru<number, number>(100)
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, i)
      lru.get(0) // used all along: never dropped
      expect(lru.size).toBeLessThanOrEqual(100)
    }
    expect(lru.get(0)).toBe(0)
    expect(lru.get(9999)).toBe(9999)
    expect(lru.get(1)).toBeUndefined()
  })

  it('replaces and deletes', () => {
    const lru = new Lru<string, number>(4)
    lru.set('a', 1)
    lru.set('a', 2)
    expect([lru.get('a'), lru.size]).toEqual([2, 1])
    lru.delete('a')
    expect([lru.get('a'), lru.size]).toEqual([undefined, 0])
  })

  it('holds at most one entry when max is 1 (cache: 1)', () => {
    const lru = new Lru<string, number>(1)
    lru.set('a', 1)
    lru.set('b', 2)
    expect([lru.size, lru.get('a'), lru.get('b')]).toEqual([1, undefined, 2])
    lru.set('c', 3)
    expect([lru.size, lru.get('b'), lru.get('c')]).toEqual([1, undefined, 3])
  })
})
