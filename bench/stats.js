// Small helpers shared by the bench stages: summaries over rounds, formatting,
// the machine description, and the round-robin order that interleaves variants.
import { readFileSync } from 'node:fs'
import os from 'node:os'

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** { median, min, max, rounds } of per-round values, rounded to `digits`. */
export function summary(rounds, digits = 0) {
  const round = (n) => Number(n.toFixed(digits))
  return { median: round(median(rounds)), min: round(Math.min(...rounds)), max: round(Math.max(...rounds)), rounds: rounds.map(round) }
}

/**
 * Variants in round `r`: in order on even rounds, reversed on odd ones. The
 * variants a target compares are listed next to each other, so they always run
 * back to back (the machine's speed drifts over seconds), each one first in
 * half of the rounds.
 */
export function alternated(items, r) {
  return r % 2 === 0 ? items : [...items].reverse()
}

export const fmt = (n) => Math.round(n).toLocaleString('en-US')
export const fmtMs = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1))
export const fmtMb = (bytes) => (bytes / 1024 / 1024).toFixed(1)
/** "median (min–max)" */
export const spread = (s, f = fmt) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`

export function machine() {
  const cpus = os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function log(message) {
  process.stderr.write(`${message}\n`)
}

/**
 * CPU ticks used by the whole machine and by this process with its finished
 * children, from Linux's /proc (undefined elsewhere). Two snapshots tell how
 * much CPU other processes took meanwhile: work that skews the figures.
 */
export function cpuSnapshot() {
  try {
    const [user, nice, system] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 4).map(Number)
    // After "(comm) ": utime, stime, cutime, cstime are fields 14–17, at 11–14 here.
    const self = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    const ours = [11, 12, 13, 14].reduce((sum, i) => sum + Number(self[i]), 0)
    return { machine: user + nice + system, ours, at: performance.now() }
  } catch {
    return undefined
  }
}

/** Other processes' CPU between two snapshots, in cores (0.5 = half of one core, on average). */
export function foreignCores(before, after) {
  if (!before || !after) return undefined
  const ticks = after.machine - before.machine - (after.ours - before.ours)
  const seconds = (after.at - before.at) / 1000
  return Number((Math.max(0, ticks) / 100 / seconds).toFixed(2)) // USER_HZ is 100 on Linux
}
