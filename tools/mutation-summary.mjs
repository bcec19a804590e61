// Adds up the JSON reports of tools/mutation-groups.sh (or the one of a whole `npm run test:mutation`)
// into the table and the survivor list of contributing/mutation.md. Usage:
//   node tools/mutation-summary.mjs [report.json …]   (default: reports/mutation/groups/*.json)
import { readdirSync, readFileSync } from 'node:fs'

const given = process.argv.slice(2)
const dir = 'reports/mutation/groups'
const paths = given.length > 0 ? given : readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.incremental.json')).map((f) => `${dir}/${f}`)

const files = new Map()
for (const path of paths) {
  const report = JSON.parse(readFileSync(path, 'utf8'))
  for (const [name, file] of Object.entries(report.files)) files.set(name, file) // a later report of a file replaces an earlier one
}

const KEYS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'RuntimeError', 'CompileError']
const total = Object.fromEntries(KEYS.map((k) => [k, 0]))
const rows = []
const alive = []
for (const [name, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const count = Object.fromEntries(KEYS.map((k) => [k, 0]))
  const lines = file.source.split('\n')
  for (const m of file.mutants) {
    count[m.status] = (count[m.status] ?? 0) + 1
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      // The mutated span itself (lines and columns are 1-based), not its whole line.
      const { start, end } = m.location
      const span = lines.slice(start.line - 1, end.line).join('\n')
      const original = span.slice(start.column - 1, span.length - (lines[end.line - 1].length - (end.column - 1)))
      alive.push({ file: name, line: start.line, column: start.column, status: m.status, mutator: m.mutatorName, original, replacement: m.replacement })
    }
  }
  for (const k of KEYS) total[k] += count[k]
  rows.push([name, count])
}
const score = (c) => {
  const detected = c.Killed + c.Timeout
  const valid = detected + c.Survived + c.NoCoverage
  return valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(2)}`
}
const header = '| File | Score % | Mutants | Killed | Timeout | Survived | No coverage | Ignored (static) | Errors |'
console.log(header)
console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|')
const line = (name, c) => {
  const all = KEYS.reduce((s, k) => s + c[k], 0)
  console.log(`| ${name} | ${score(c)} | ${all} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.Ignored} | ${c.RuntimeError + c.CompileError} |`)
}
for (const [name, c] of rows) line(name, c)
line('**all files**', total)
if (process.env.ALIVE) {
  console.log()
  for (const a of alive) console.log(`- ${a.file}:${a.line}:${a.column} ${a.status} ${a.mutator}: \`${a.original.replace(/\s+/g, ' ').slice(0, 100)}\` → \`${String(a.replacement).replace(/\s+/g, ' ').slice(0, 100)}\``)
}
