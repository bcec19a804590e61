/**
 * Which backend seals: node:crypto where the runtime has it (Node, Deno, Bun,
 * workerd with `nodejs_compat`), WebCrypto elsewhere (browsers, workerd without
 * the flag). Found with `process.getBuiltinModule`, never a `node:` import, so
 * this module loads unchanged where there is no node:crypto at all.
 */
import { brief, DEV } from '../messages.ts'
import type { BackendName, CryptoBackend } from './backend.ts'
import { nodeCryptoBackend, type NodeCrypto } from './node.ts'
import { webCryptoBackend } from './webcrypto.ts'

type Host = { process?: { getBuiltinModule?: (id: string) => unknown } }

function findNodeCrypto(): NodeCrypto | undefined {
  try {
    const crypto = (globalThis as Host).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
    return typeof crypto?.createCipheriv === 'function' ? crypto : undefined
  } catch {
    return undefined // a host that has the function but refuses the module
  }
}

const nodeCrypto = findNodeCrypto()
const available: Partial<Record<BackendName, CryptoBackend>> = {
  ...(nodeCrypto && { 'node:crypto': nodeCryptoBackend(nodeCrypto) as CryptoBackend }),
  webcrypto: webCryptoBackend as CryptoBackend,
}
let chosen = (available['node:crypto'] ?? available.webcrypto) as CryptoBackend

/** The backend passwords normalised from now on seal and unseal with. */
export function cryptoBackend(): CryptoBackend {
  return chosen
}

/** The backends this runtime has: node:crypto first when present. */
export function backendNames(): BackendName[] {
  return Object.keys(available) as BackendName[]
}

/**
 * For tests and the bench only, not part of the package's exports: passwords
 * normalised after this call use `name`; those made before keep theirs.
 */
export function useCryptoBackend(name: BackendName): void {
  const backend = available[name]
  if (!backend) throw new Error(DEV ? `iron-fetch-session: the ${name} backend is not available in this runtime` : brief(`the ${name} backend is not available in this runtime`))
  chosen = backend
}
