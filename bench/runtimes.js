// Runtimes stage: bench/codec-runtime.js in Node, Deno and Bun (their binaries are dev
// dependencies), each in its own process, one after another. Each reports the crypto backend it
// chose and ops/s of ours on that backend and on WebCrypto, iron-webcrypto 2 and the node:crypto
// floor in the same runtime. A runtime that is missing or fails fails the bench.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const script = fileURLToPath(new URL('./codec-runtime.js', import.meta.url))

export const RUNTIMES = [
  { key: 'node', command: process.execPath, args: [script] },
  { key: 'deno', command: `${root}node_modules/.bin/deno`, args: ['run', '--no-prompt', script] },
  { key: 'bun', command: `${root}node_modules/.bin/bun`, args: ['--no-install', script] },
]

export async function runRuntimes({ quick }) {
  const results = []
  for (const { key, command, args } of RUNTIMES) {
    const stdout = await new Promise((resolve, reject) => {
      execFile(command, [...args, ...(quick ? ['--quick'] : [])], { cwd: root, timeout: 240_000, maxBuffer: 1 << 20, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } }, (error, out, err) =>
        error ? reject(new Error(`codec bench in ${key}: ${error.message}\n${err}`)) : resolve(out),
      )
    })
    results.push({ key, ...JSON.parse(stdout.trim().split('\n').at(-1)) })
  }
  return { runtimes: results }
}
