// The compress option: a seal's payload deflated when that makes it shorter. Bigger sessions in one cookie,
// read back by every app of this library (with the option or not), and refused, not inflated without bound,
// when a payload would inflate past 1 MB. iron-session cannot read such a seal: checked, as documented.
import * as ironSession9 from 'iron-session-9'
import { createStorage } from 'unstorage'
import { describe, expect, it } from 'vitest'
import { createSessions, type SessionOptions } from '../src/index.ts'
import { revocable } from '../src/revocations.ts'
import { sealJson } from '../src/core/seal.ts'
import { normalizePasswords } from '../src/core/passwords.ts'
import { toBase64Url } from '../src/core/base64url.ts'
import { deflatePayloads } from '../src/compress.ts'
import { Jar, password, visit } from './helpers.ts'

type Item = { sku: string; name: string; qty: number; price: number }
type Data = { userId?: string; cart?: Item[] }
const cart: Item[] = Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${100000 + i}`, name: ['Linen shirt', 'Wool scarf', 'Leather belt', 'Canvas tote'][i % 4]!, qty: 1 + (i % 3), price: 1999 + i * 100 }))

const sessions = (options: Partial<SessionOptions<Data>> = {}) => createSessions<Data>({ password, chunk: true, ...options })
const sealOf = (jar: Jar) => [...jar.cookies.entries()].filter(([name]) => name.startsWith('session')).map(([, value]) => value).join('')

describe('compress: deflatePayloads()', () => {
  it('a 60-item cart takes one cookie instead of two, a quarter of the characters, and reads back', async () => {
    const [plain, packed] = [new Jar(), new Jar()]
    await visit(sessions(), plain, (s) => Object.assign(s.data, { userId: 'ada', cart }))
    await visit(sessions({ compress: deflatePayloads() }), packed, (s) => Object.assign(s.data, { userId: 'ada', cart }))
    expect(plain.cookies.size).toBe(2)
    expect(packed.cookies.size).toBe(1)
    expect(sealOf(packed).length).toBeLessThan(sealOf(plain).length * 0.3)
    expect((await sessions({ compress: deflatePayloads() }).read(packed.request())).data).toEqual({ userId: 'ada', cart })
  })

  it('an app without the option refuses a deflated seal (invalid); a small session is sealed as plain JSON', async () => {
    const packed = new Jar()
    await visit(sessions({ compress: deflatePayloads() }), packed, (s) => Object.assign(s.data, { userId: 'ada', cart }))
    expect((await sessions().read(packed.request())).unsealError).toBe('invalid')
    // Too small to gain: the same seal as without the option, which iron-session reads.
    const small = new Jar()
    await visit(sessions({ compress: deflatePayloads() }), small, (s) => s.set('userId', 'ada'))
    expect(await ironSession9.unsealData(small.cookies.get('session')!, { password })).toMatchObject({ userId: 'ada' })
  })

  it('iron-session cannot read a deflated seal (documented: keep the option off while it must)', async () => {
    const packed = new Jar()
    await visit(sessions({ compress: deflatePayloads() }), packed, (s) => Object.assign(s.data, { userId: 'ada', cart }))
    const read = await ironSession9.unsealData(sealOf(packed), { password }).catch(() => ({}))
    expect(read).not.toMatchObject({ userId: 'ada' })
  })

  it('works with revocations (the data is in the seal): destroy() still ends it', async () => {
    const app = sessions({ compress: deflatePayloads(), revocations: revocable({ store: createStorage(), lag: 0 }) })
    const jar = new Jar()
    await visit(app, jar, (s) => Object.assign(s.data, { userId: 'ada', cart }))
    const copy = jar.header
    expect((await app.read(jar.request())).data.cart).toEqual(cart)
    await visit(app, jar, (s) => s.destroy())
    expect((await app.read(new Jar(copy).request())).unsealError).toBe('revoked')
  })

  it('a payload that would inflate past 1 MB is refused as invalid, not inflated', async () => {
    const zeros = new Uint8Array(2 << 20)
    const writer = new CompressionStream('deflate-raw')
    const deflated = new Uint8Array(await new Response(new Blob([zeros]).stream().pipeThrough(writer)).arrayBuffer())
    const bomb = await sealJson(normalizePasswords(password), `\u0001${toBase64Url(deflated)}`, 3600)
    const session = await sessions().read(new Request('https://app.example/', { headers: { cookie: `session=${bomb}` } }))
    expect([session.isNew, session.unsealError]).toEqual([true, 'invalid'])
  })

  it('takes deflatePayloads() only', () => {
    expect(() => sessions({ compress: true as never })).toThrow("compress takes deflatePayloads() from 'iron-fetch-session/compress'")
  })
})
