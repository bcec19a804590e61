// Assertions the mutation run of src/core (contributing/mutation.md) showed missing, on derived keys
// (src/core/keys.ts): a derivation that fails is tried again rather than kept, sealing salts whose
// key failed are replaced at once rather than used for the hour, and derivedKeyCount() (what the
// memory benchmark reads) counts what is held. A stand-in backend whose derivations can fail.
import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CryptoBackend, KeyKind } from '../src/core/crypto/backend.js'
import { derivedKeyCount, SecretKeys } from '../src/core/keys.js'

/** Derives `kind:salt`, synchronously for enc and as a promise for mac; the first `macFailures` mac derivations reject. */
function standIn(macFailures = 0) {
  const counts = { enc: 0, mac: 0 }
  let failures = macFailures
  const backend = {
    name: 'webcrypto',
    importSecret: (password: string) => password,
    deriveKey: (_secret: unknown, kind: KeyKind, salt: string) => {
      counts[kind]++
      if (kind === 'enc') return `enc:${salt}`
      return failures-- > 0 ? Promise.reject(new Error('derivation failed')) : Promise.resolve(`mac:${salt}`)
    },
    fillRandom: (bytes: Uint8Array<ArrayBuffer>) => void webcrypto.getRandomValues(bytes),
  } as unknown as CryptoBackend
  return { backend, counts }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('derived keys', () => {
  it('a derivation that fails is not kept: the next use of the salt derives again', async () => {
    const { backend, counts } = standIn(1)
    const keys = SecretKeys.for('a-password-for-the-stand-in-backend', backend)
    await expect(keys.derive('mac', 'salt-1') as Promise<string>).rejects.toThrow('derivation failed')
    await settle()
    await expect(keys.derive('mac', 'salt-1') as Promise<string>).resolves.toBe('mac:salt-1')
    await expect(keys.derive('mac', 'salt-1') as Promise<string>).resolves.toBe('mac:salt-1')
    expect(counts.mac).toBe(2)
  })

  it('sealing salts are kept for the hour, unless their key failed: then the next seal gets new ones', async () => {
    const ok = standIn(0)
    const steady = SecretKeys.for('a-password-for-the-steady-backend!!', ok.backend)
    const now = Date.now()
    const first = steady.sealing(now)
    await settle()
    expect(steady.sealing(now + 60_000).macSalt).toBe(first.macSalt)

    const flaky = standIn(1)
    const keys = SecretKeys.for('a-password-for-the-flaky-backend!!!', flaky.backend)
    const failed = keys.sealing(now)
    await expect(failed.mac as Promise<string>).rejects.toThrow('derivation failed')
    await settle()
    const renewed = keys.sealing(now + 1)
    expect(renewed.macSalt).not.toBe(failed.macSalt)
    expect(renewed.encSalt).not.toBe(failed.encSalt)
    await expect(renewed.mac as Promise<string>).resolves.toBe(`mac:${renewed.macSalt}`)
  })

  it('derivedKeyCount() counts the keys held', async () => {
    const { backend } = standIn(0)
    const keys = SecretKeys.for('a-password-for-counting-its-keys!!!', backend)
    keys.derive('enc', 'a')
    keys.derive('enc', 'b')
    await keys.derive('mac', 'a')
    // Other tests' keys count too (and may be collected meanwhile), so at least these three.
    expect(derivedKeyCount()).toBeGreaterThanOrEqual(3)
    expect(keys.derivedCount).toBe(3)
  })
})
