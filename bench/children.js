// Child processes of the bench (HTTP servers, the memory probe): every one is
// registered here, so each is killed when its stage ends, and on Ctrl-C, on a
// time-out or on any exit of the bench — none outlives it.
import { fork } from 'node:child_process'

const live = new Set()

export function killAll() {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping child processes\n`)
    killAll()
    process.exit(130)
  })
}

/** Forks a node script with an IPC channel; stdout is collected, stderr passed through. */
export function start(script, { args = [], execArgv = [], env = {} } = {}) {
  const child = fork(script, args, { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  live.add(child)
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk))
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout })))
  exited.then(() => live.delete(child))
  return { child, exited }
}

/** The first IPC message from the child, or a rejection after `ms` or when it exits first. */
export function firstMessage({ child, exited }, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no message after ${ms} ms`)), ms)
    child.once('message', (message) => {
      clearTimeout(timer)
      resolve(message)
    })
    exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${what}: exited (${signal ?? code}) before it was ready`))
    })
  })
}

/**
 * Stops a child: SIGTERM first, which the bench's children turn into a normal
 * exit (so --cpu-prof can write its profile), then SIGKILL after `graceMs`.
 */
export async function stop({ child, exited }, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return exited
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  const result = await exited
  clearTimeout(timer)
  return result
}

/** Runs a script to completion and returns its stdout; killed after `ms`. */
export async function runToEnd(script, options, ms, what) {
  const handle = start(script, options)
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), ms)
  const { code, signal, stdout } = await handle.exited
  clearTimeout(timer)
  if (code !== 0) throw new Error(`${what}: exited with ${signal ?? code}${signal === 'SIGKILL' ? ` (killed after ${ms} ms)` : ''}`)
  return stdout
}
