// bench/http.svg: a horizontal bar chart of the HTTP results, one bar per
// measurement (median req/s) with a min–max whisker, grouped by route, written
// as a plain SVG string. White background, so it reads the same in light and
// dark READMEs.
import { fmt } from './stats.js'

const WIDTH = 820
const LABEL = 250 // the left column, for the variant names
const RIGHT = 70 // room for the value after the longest whisker
const ROW = 24
const BAR = 16
const GROUP = 26 // a group's heading
const TOP = 56
const AXIS = 30

const GROUPS = [
  { title: 'No session work', routes: ['/none', '/cookie'] },
  { title: 'Read  (GET /read: the counter from the session)', routes: ['/read'] },
  { title: 'Write  (GET /write: counter + 1, saved, Set-Cookie)', routes: ['/write'] },
]

/** Colour by library, so each one's read and write bars match. */
function colour(key) {
  if (key === 'bare') return '#868e96'
  if (key === 'cookieOnly') return '#adb5bd'
  if (key.startsWith('ours')) return '#0c8599'
  if (key.startsWith('ironSession9')) return '#e8590c'
  if (key.startsWith('honoSessions')) return '#c2255c'
  if (key.startsWith('honoSession')) return '#7048e8'
  return '#495057'
}

export function httpSvg(http, machine) {
  const { measures, plan } = http
  const groups = GROUPS.map((g) => ({ ...g, rows: measures.filter((m) => g.routes.includes(m.route)) })).filter((g) => g.rows.length > 0)
  const bottom = TOP + groups.reduce((h, g) => h + GROUP + g.rows.length * ROW, 0)
  const height = bottom + AXIS
  const { max, step } = scale(Math.max(...measures.map((m) => m.rps.max)))
  const x = (value) => (LABEL + (value / max) * (WIDTH - LABEL - RIGHT)).toFixed(1)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#212529">Hono on @hono/node-server: requests per second (higher is better)</text>`,
    `<text x="12" y="40" fill="#495057">${esc(
      `median of ${plan.rounds} rounds of ${plan.durationS} s, whiskers min–max; autocannon, ${plan.connections} connections; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}`,
    )}</text>`,
  ]
  for (let value = 0; value <= max; value += step) {
    parts.push(`<line x1="${x(value)}" y1="${TOP}" x2="${x(value)}" y2="${bottom}" stroke="#e9ecef"/>`)
    parts.push(`<text x="${x(value)}" y="${bottom + 16}" text-anchor="middle" fill="#868e96">${fmt(value)}</text>`)
  }
  let y = TOP
  for (const group of groups) {
    parts.push(`<text x="12" y="${y + 17}" font-weight="600" fill="#495057" xml:space="preserve">${esc(group.title)}</text>`)
    y += GROUP
    for (const m of group.rows) {
      parts.push(...bar(m, y + (ROW - BAR) / 2, x))
      y += ROW
    }
  }
  parts.push(`<text x="${WIDTH - 12}" y="${bottom + 16}" text-anchor="end" fill="#868e96">req/s</text>`, '</svg>', '')
  return parts.join('\n')
}

/** One measurement: label, bar to the median, whisker from min to max, and the median's value. */
function bar(m, y, x) {
  const mid = y + BAR / 2
  const ours = m.key.startsWith('ours')
  const cap = (v) => `<line x1="${x(v)}" y1="${mid - 4}" x2="${x(v)}" y2="${mid + 4}" stroke="#343a40"/>`
  return [
    `<text x="${LABEL - 10}" y="${mid + 4}" text-anchor="end" fill="#212529"${ours ? ' font-weight="600"' : ''}>${esc(m.label)}</text>`,
    `<rect x="${LABEL}" y="${y}" width="${(x(m.rps.median) - LABEL).toFixed(1)}" height="${BAR}" rx="2" fill="${colour(m.key)}"/>`,
    `<line x1="${x(m.rps.min)}" y1="${mid}" x2="${x(m.rps.max)}" y2="${mid}" stroke="#343a40"/>`,
    cap(m.rps.min),
    cap(m.rps.max),
    `<text x="${(Number(x(m.rps.max)) + 6).toFixed(1)}" y="${mid + 4}" fill="#212529">${fmt(m.rps.median)}</text>`,
  ]
}

/** An axis end and tick step: 1, 2 or 5 × a power of ten, about five ticks. */
function scale(top) {
  const rough = top / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((k) => k * power).find((s) => s >= rough)
  return { max: Math.ceil(top / step) * step, step }
}

function esc(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
