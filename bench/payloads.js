// The session data sealed by the codec bench: about 200 B and about 3 KB of
// JSON. `i` varies the content, not the size, so a pool of payloads gives
// distinct seals of one size.

/** About 200 bytes: a signed-in user and a small cart. */
export function small(i) {
  return {
    user: { id: 1000 + i, name: 'Ada Lovelace', email: `ada${i}@example.com`, roles: ['admin', 'editor'] },
    cart: [
      { sku: `SKU-${1000 + i}`, qty: 2, price: 1999 },
      { sku: 'SKU-2001', qty: 1, price: 4500 },
    ],
    theme: 'dark',
  }
}

/** About 3 KB: the same user with a long cart and some preferences. */
export function large(i) {
  return {
    ...small(i),
    cart: Array.from({ length: 48 }, (_, k) => ({ sku: `SKU-${1000 + i}-${k}`, qty: 1 + (k % 3), price: 1000 + k * 37, title: 'Item' })),
    prefs: { lang: 'en-GB', tz: 'Europe/London', flags: ['beta', 'compact'] },
  }
}

export const SIZES = [
  { key: '200B', make: small },
  { key: '3KB', make: large },
]
