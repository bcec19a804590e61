// Headers stage: what a hostile Authorization header costs a read. `sessions.read()` with
// `header: headerTransport('authorization')`, on real Requests, for a normal `Bearer <seal>` and for 64 KB
// values of the shapes that once made the Bearer pattern backtrack (long runs of spaces,
// spaces and tabs, a long token then a second word). Each is timed as µs per read and as a
// multiple of the normal read; the old pattern is timed once on a 16 KB value for scale.
import { createSessions } from '../dist/index.js'
import { headerTransport } from '../dist/header.js'
import { log, summary } from './stats.js'

const PASSWORD = 'a-benchmark-password-of-at-least-32-characters'
const SIZE = 64 * 1024
const OLD_PATTERN = /^Bearer(?: +(\S*))? *$/i

export async function runHeaders({ quick }) {
  const rounds = quick ? 3 : 7
  const reads = quick ? 20 : 100
  const sessions = createSessions({ password: PASSWORD, header: headerTransport('authorization') })
  const first = await sessions.read(new Request('https://app.example/', { headers: { authorization: '' } }))
  first.set('user', 'ada')
  const seal = (await sessions.commit(first, new Response(null))).headers.get('session-token')
  const shapes = [
    { key: 'normal', name: `Bearer <seal> (${seal.length} characters)`, value: `Bearer ${seal}` },
    { key: 'spaces', name: '"Bearer", 64 KB of spaces, "x y"', value: `Bearer${' '.repeat(SIZE)}x y` },
    { key: 'tabs', name: '"Bearer", 64 KB of spaces and tabs, "x"', value: `Bearer${' \t'.repeat(SIZE / 2)}x` },
    { key: 'token', name: '"Bearer ", a 64 KB token, " y"', value: `Bearer ${'x'.repeat(SIZE)} y` },
    { key: 'padded', name: '"Bearer", 64 KB of spaces, a seal, 64 KB of spaces', value: `Bearer${' '.repeat(SIZE)}${seal}${' '.repeat(SIZE)}` },
  ]
  const requests = shapes.map((s) => new Request('https://app.example/', { headers: { authorization: s.value } }))
  for (const [i, shape] of shapes.entries()) {
    const session = await sessions.read(requests[i])
    // The normal and padded seals open; the others are not the Bearer scheme and read as new.
    if ((session.data.user === 'ada') !== (shape.key === 'normal' || shape.key === 'padded')) throw new Error(`headers: ${shape.key} read the wrong session`)
  }
  const perRound = shapes.map(() => [])
  for (let round = 0; round < rounds; round++) {
    for (const [i] of shapes.entries()) {
      const start = performance.now()
      for (let n = 0; n < reads; n++) await sessions.read(requests[i])
      perRound[i].push(((performance.now() - start) * 1000) / reads)
    }
  }
  const oldValue = `Bearer${' '.repeat(16 * 1024)}x y`
  const oldStart = performance.now()
  OLD_PATTERN.exec(oldValue)
  const oldPatternMs = performance.now() - oldStart
  log(`headers: done (old pattern on 16 KB: ${oldPatternMs.toFixed(0)} ms)`)
  return {
    plan: { rounds, reads, bytes: SIZE },
    shapes: shapes.map((s, i) => ({ key: s.key, name: s.name, microseconds: summary(perRound[i], 1), timesNormal: summary(perRound[i].map((v, r) => v / perRound[0][r]), 1) })),
    oldPattern16KbMs: Number(oldPatternMs.toFixed(1)),
  }
}
