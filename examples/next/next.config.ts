import { fileURLToPath } from 'node:url'
import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // The repository root, which Next would also infer from its package-lock.json: it holds
  // node_modules/ and dist/, where 'iron-fetch-session/iron-session' resolves (see README.md).
  turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) },
}

export default nextConfig
