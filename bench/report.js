// RESULTS.md from a run's results: the machine, the targets, and one table
// per stage. Every figure is "median (min–max)" over rounds.
import { fmt, fmtMb, fmtMs, median, spread } from './stats.js'

export function markdown(results) {
  const { machine, run, codec, runtimes, http, memory, load, headers, size, revocations, users, cluster, store, stores, targets } = results
  const met = targets.filter((t) => t.met).length
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${run.quick ? ' -- --quick' : ''}\` (${run.quick ? 'quick run: fewer and shorter rounds' : 'full run'}, ${run.seconds} s). ` +
      'Every figure is the median over rounds, with the min–max spread. The variants a target compares run back to back in every round, ' +
      'so a ratio is the median of the per-round ratios.',
    '',
    `- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; ${machine.platform}`,
    `- **Node:** ${machine.node}${runtimes ? `; **Deno** ${version(runtimes, 'deno')}, **Bun** ${version(runtimes, 'bun')}` : ''}`,
    `- **Crypto backend:** ${codec.backend ?? 'webcrypto'} (chosen at run time; the WebCrypto backend is measured beside it)`,
    `- **Date:** ${machine.date}`,
    ...Object.entries(run.rerun ?? {}).map(([stage, r]) => `- **Re-run alone:** the ${stage} stage, on ${r.date.slice(0, 10)} (\`npm run bench -- --only ${stage}\`), after the full run above; its table and targets are from that run.`),
    `- **Other processes' CPU** during each stage, in cores (of ${machine.cores}): ${Object.entries(run.otherProcessesCores)
      .map(([stage, cores]) => `${stage} ${cores ?? 'unknown'}`)
      .join(', ')}. Work beside the bench skews its figures.`,
    '',
    `## Targets: ${met} of ${targets.length} met`,
    '',
    table(
      ['target', 'measured', 'per round', 'required', 'result'],
      targets.map((t) => [t.label, t.measured, t.range, t.required, t.met ? 'met' : '**not met**']),
    ),
    '',
    ...codecSection(codec),
    ...runtimesSection(runtimes),
    ...httpSection(http),
    ...memorySection(memory),
    ...loadSection(load),
    ...headersSection(headers),
    ...sizeSection(size),
    ...revocationsSection(revocations),
    ...usersSection(users),
    ...clusterSection(cluster),
    ...storeSection(store),
    ...storesSection(stores),
  ].join('\n')
}

function codecSection(codec) {
  const { plan, cells } = codec
  const out = [
    '## Codec: operations per second',
    '',
    `Each library seals and unseals the same JSON payloads (a pool of ${plan.pool}, cycled) with one 42-character password and a 14-day ttl, ` +
      `with 1 and 64 operations in flight; ${plan.rounds} rounds of ${plan.roundMs} ms per variant after a ${plan.warmupMs} ms warm-up. ` +
      `iron-webcrypto 2 and @hapi/iron 7 use their \`defaults\`. Ours runs on ${codec.backend ?? 'webcrypto'}, the backend Node gets, and again on WebCrypto, the one browsers and workerd without \`nodejs_compat\` get. ` +
      "The cache-hit read is a whole request's session work: `sessions.read()` of a request " +
      'whose cookie was seen before, the handler reading `session.data` (a copy of the cached data, made on first use), then `sessions.commit()` ' +
      'of the unchanged session (comparing that copy with what was read); its target is judged on this. "Data untouched" is the same request when ' +
      'the handler never looks at `session.data`: no copy and no comparison. The WebCrypto floor is one AES-256-CBC encrypt and one ' +
      'HMAC-SHA256 sign per seal (one verify and one decrypt per unseal) through `crypto.subtle`, keys imported beforehand, plus the JSON and UTF-8 ' +
      'steps; `node:crypto` sync does the same work with `createCipheriv` and `createHmac`: the machine’s physical limit.',
    '',
  ]
  for (const size of [...new Set(cells.map((c) => c.size))]) {
    const sized = cells.filter((c) => c.size === size)
    const { min, max } = sized[0].payloadBytes
    const columns = sized.map((c) => ({ cell: c, title: `${c.op}, ${c.inFlight} in flight` }))
    // Rows: ours first, then the other codecs, the floors, and our cache-hit reads (which run next to iron-session 9 but are no codec).
    const order = (key) => ROW_ORDER.indexOf(key) >>> 0
    const keys = [...new Map(sized.flatMap((c) => c.variants).map((v) => [v.key, v.name]))].sort(([a], [b]) => order(a) - order(b))
    out.push(`### ${size} payload (${min}–${max} bytes of JSON)`, '')
    out.push(
      table(
        ['ops/s', ...columns.map((c) => c.title)],
        keys.map(([key, name]) => [
          key.startsWith('ours') ? `**${name}**` : name,
          ...columns.map(({ cell }) => {
            const v = cell.variants.find((x) => x.key === key)
            return v ? spread(v.opsPerSec) : '—'
          }),
        ]),
      ),
      '',
    )
  }
  return out
}

const ROW_ORDER = ['ours', 'oursWebCrypto', 'ironSession9', 'ironWebcrypto2', 'hapiIron7', 'webcryptoFloor', 'nodeSync', 'nodeCryptoFloor', 'oursCacheHit', 'oursCacheHitUntouched']

const version = (runtimes, key) => runtimes.runtimes.find((r) => r.key === key)?.runtime.version ?? 'not run'

/** One table per runtime: the codec in Node, Deno and Bun, each on the backend it chose and on WebCrypto. */
function runtimesSection(runtimes) {
  if (!runtimes) return []
  const out = [
    '## Codec in each runtime',
    '',
    '`bench/codec-runtime.js`, run by each runtime in its own process (Deno with no permissions): ours on the backend the runtime chose and on ' +
      'WebCrypto, iron-webcrypto 2 (the codec iron-session 9 uses), and the node:crypto floor (the same AES and HMAC calls with keys ready, plus ' +
      `the JSON), 1 operation in flight, the same payloads; ${runtimes.runtimes[0]?.plan.rounds} rounds of ${runtimes.runtimes[0]?.plan.roundMs} ms per variant. ` +
      'Figures from different runtimes ran at different times; compare within a table.',
    '',
  ]
  for (const r of runtimes.runtimes) {
    const columns = r.cells.map((c) => ({ cell: c, title: `${c.op}, ${c.size}` }))
    const keys = [...new Map(r.cells.flatMap((c) => c.variants).map((v) => [v.key, v.name]))]
    const cellRatio = (cell, a, b) => {
      const [x, y] = [cell.variants.find((v) => v.key === a), cell.variants.find((v) => v.key === b)]
      return median(x.opsPerSec.rounds.map((o, i) => o / y.opsPerSec.rounds[i]))
    }
    out.push(`### ${r.runtime.name} ${r.runtime.version}: ${r.backend} chosen (has ${r.backends.join(', ')})`, '')
    out.push(
      table(
        ['ops/s, 1 in flight', ...columns.map((c) => c.title)],
        [
          ...keys.map(([key, name]) => [key.startsWith('ours') ? `**${name}**` : name, ...columns.map(({ cell }) => spread(cell.variants.find((v) => v.key === key).opsPerSec))]),
          ['ours ÷ iron-webcrypto 2', ...columns.map(({ cell }) => `${cellRatio(cell, 'ours', 'ironWebcrypto2').toFixed(2)}×`)],
          ...(keys.some(([key]) => key === 'nodeCryptoFloor') ? [['ours ÷ node:crypto floor', ...columns.map(({ cell }) => `${cellRatio(cell, 'ours', 'nodeCryptoFloor').toFixed(2)}×`)]] : []),
        ],
      ),
      '',
    )
  }
  return out
}

function httpSection(http) {
  const { plan, measures } = http
  const bare = measures.find((m) => m.key === 'bare')
  return [
    '## HTTP: requests per second',
    '',
    `autocannon (${plan.connections} connections, ${plan.rounds} rounds of ${plan.durationS} s per variant after a ${plan.warmupS} s warm-up) ` +
      'against a Hono app served by @hono/node-server in a child process on 127.0.0.1, one app per variant. `/read` returns a counter from the ' +
      'session, `/write` adds one to it and saves it; both send a valid cookie obtained from that app’s `/write`. Client and server share this ' +
      'machine’s cores, so the ceiling is partly the client’s; server CPU per request is the server’s own cost, measured with `process.cpuUsage()`.',
    '',
    '![HTTP requests per second](http.svg)',
    '',
    table(
      ['variant', 'route', 'crypto', 'req/s', 'p99 ms', 'server CPU µs/req', '× bare', 'Set-Cookie'],
      measures.map((m) => [
        m.key.startsWith('ours') ? `**${m.name}**` : m.name,
        `\`${m.route}\``,
        m.backend ?? '',
        spread(m.rps),
        spread(m.p99Ms, fmtMs),
        spread(m.serverCpuUsPerRequest, (n) => n.toFixed(0)),
        // As the targets do: the median of per-round ratios, each against bare Hono in the same round.
        bare ? `${median(m.rps.rounds.map((r, i) => r / bare.rps.rounds[i])).toFixed(2)}×` : '',
        m.setCookie ? 'yes' : 'no',
      ]),
    ),
    '',
    ...controlNote(measures),
    'hono-sessions is used with its defaults, under which `autoExtendExpiration` re-seals the session and sends Set-Cookie on every request, reads included.',
    '',
    'Where one server spends its time under this load: `npm run build && node bench/profile.js <measurement>` (`oursRead`, `oursFirstTouch`, `ironSession9Write`, …; see `MEASURES` in bench/http.js).',
    '',
  ]
}

/** Server CPU per request of bare Hono, the no-op cookie middleware and our read: what the session work itself costs. */
function controlNote(measures) {
  const us = (key) => measures.find((m) => m.key === key)?.serverCpuUsPerRequest.median
  const [bare, control, read] = [us('bare'), us('cookieOnly'), us('oursRead')]
  if (bare === undefined || control === undefined || read === undefined) return []
  return [
    `Server CPU per request, medians: bare Hono ${bare.toFixed(0)} µs, the no-op middleware that only reads the Cookie header ` +
      `${control.toFixed(0)} µs, our cache-hit read ${read.toFixed(0)} µs. So Hono's async middleware path and the Cookie header, which any ` +
      `session middleware pays, cost ${(control - bare).toFixed(0)} µs here, and our session work on a cache hit ${(read - control).toFixed(0)} µs.`,
    '',
  ]
}

function memorySection(memory) {
  const row = (phase, c) => [phase, fmt(c.at), fmtMb(c.rss), fmtMb(c.heapUsed), fmtMb(c.external), String(c.derivedKeys)]
  const verdict = (name, j) =>
    `- ${name}: heap ${signedMb(j.heapGrowth)} MB and RSS ${signedMb(j.rssGrowth)} MB from ${fmt(j.from)} to ${fmt(j.to)} reads, at most ${j.maxDerivedKeys} derived keys: ${j.flat ? 'flat' : '**not flat**'}.`
  return [
    '## Memory',
    '',
    `A fresh \`node --expose-gc\` process reads ${fmt(memory.n)} distinct valid sessions (each sealed with \`sealData\`, then read once through one ` +
      `\`createSessions\`, ${memory.inFlight} in flight), then ${fmt(memory.n)} forged seals (valid structure, fresh random salts, wrong MAC). ` +
      `Figures after two full GCs; the baseline follows a warm-up of both paths. The unseal cache holds at most ${memory.plan.limits.unsealCache} ` +
      `seals and the derived-key cache ${memory.plan.limits.derivedKeys} keys (it keeps two generations, so it holds between half and all of that). ` +
      `The probe took ${memory.seconds} s.`,
    '',
    table(['phase', 'reads', 'RSS MB', 'heap used MB', 'external MB', 'derived keys'], [
      row('baseline', memory.baseline),
      ...memory.valid.map((c) => row('valid sessions', c)),
      ...memory.forged.map((c) => row('forged seals', c)),
    ]),
    '',
    verdict('Valid sessions', memory.judgement.valid),
    verdict('Forged seals', memory.judgement.forged),
    `- Over the baseline, after both phases: heap ${signedMb(memory.forged.at(-1).heapUsed - memory.baseline.heapUsed)} MB, RSS ${signedMb(memory.forged.at(-1).rss - memory.baseline.rss)} MB.`,
    '',
  ]
}

function loadSection(load) {
  if (!load) return []
  return [
    '## Load',
    '',
    `\`bench/load.js\` against the Hono example (examples/hono/server.js) in a child process on 127.0.0.1: ${load.plan.connections} simulated clients in ` +
      'flight, each with its own cookie jar and a count of the writes it made. A client signs in (POST /login), then alternates visits to `/` ' +
      '(a write: the visit counter plus one) with reads of `/api/me`, which must show exactly its own writes; after 50 requests a new client ' +
      'takes its place. Its last read must equal its number of writes: a lost write or a session crossing clients shows there.',
    '',
    table(['requests', 'clients', 'writes', 'errors', 'unexpected status', 'wrong reads', 'lost writes', 'req/s', 'seconds'], [
      [fmt(load.requests), fmt(load.clients), fmt(load.writes), String(load.errors), String(load.unexpected), String(load.mismatches), String(load.lostWrites), fmt(load.requestsPerSecond), (load.elapsedMs / 1000).toFixed(1)],
    ]),
    '',
    ...(load.problems.length ? ['Problems seen (first 10):', '', ...load.problems.map((p) => `- ${p}`), ''] : []),
  ]
}

function headersSection(headers) {
  if (!headers) return []
  return [
    '## Hostile Authorization headers',
    '',
    `\`bench/headers.js\`: \`sessions.read()\` with \`header: headerTransport('authorization')\` on real Requests, ${headers.plan.reads} reads a round, ${headers.plan.rounds} rounds. ` +
      'The 64 KB values are the shapes that made the old Bearer pattern backtrack; the parser is now one scan. ' +
      `For scale, the old pattern alone took ${headers.oldPattern16KbMs} ms on one 16 KB value of spaces (it grows with the square of the length).`,
    '',
    table(['Authorization', 'µs a read', '× normal'], headers.shapes.map((s) => [s.name, spread(s.microseconds, (n) => n.toFixed(1)), `${s.timesNormal.median.toFixed(1)}×`])),
    '',
  ]
}

function sizeSection(size) {
  if (!size) return []
  const kb = (bytes) => (bytes / 1024).toFixed(1)
  const hono = size.ours.find((e) => e.key === 'hono')
  const row = (e) => [e.name, kb(e.minified), kb(e.gzipped), e.development === undefined ? '' : kb(e.development), `${(e.gzipped / hono.gzipped).toFixed(2)}×`]
  return [
    '## Size',
    '',
    '`bench/size.js`: one import bundled as an app bundles it for the edge (esbuild `--bundle --minify`, ESM, hono and the Remix packages ' +
      'external, resolved as wrangler resolves it, with the conditions workerd, worker and browser, and NODE_ENV production as `wrangler deploy` defines it), ' +
      'then gzipped at level 9. A production bundle keeps each error\'s brief message only (src/core/messages.ts); the development column is the same bundle ' +
      'as `wrangler dev` makes it, with every message whole. Node, Deno and Bun always get the whole messages. KB are 1,024 bytes. The last column compares with our cookie-only Hono mount. ' +
      `Its budget, held by test/size.test.ts: ${kb(size.budget)} KB gzipped; the target is ${kb(size.target)} KB ` +
      `(${hono.gzipped <= size.target ? 'met' : '**not met**'}).`,
    '',
    table(['bundle', 'minified KB', 'gzipped KB', 'development, gzipped KB', '× our Hono mount'], [...size.ours.map(row), ...size.peers.map(row)]),
    '',
    ...(size.parts
      ? [
          'What each optional part adds to the cookie-only Hono mount of an app that uses it (gzipped bytes, production bundle). The store, revocations ' +
            'and the header transport come with their own imports (the core knows the modes only through its seam, src/core/mode.ts); schema is an option of the ' +
            "core, so every app carries its few lines: the last column says how much (measured once by cutting that code out of a copy of dist/).",
          '',
          table(['part', 'how an app uses it', 'adds, gzipped bytes', 'carried by every app, gzipped bytes'], size.parts.map((p) => [p.part, p.import, fmt(p.adds), p.inCore === undefined ? '0' : `about ${fmt(p.inCore)}`])),
          '',
        ]
      : []),
    ...(size.cookieOnlyModules
      ? [
          'Where the cookie-only Hono mount\'s minified bytes come from (production bundle; esbuild\'s metafile, before gzip): the store and revocations are absent, ' +
            'and what is left is the cookie path itself: the seal (both crypto backends, the key cache, the base64url codec), reading and committing, ' +
            'the cookie attributes and chunks, the checks of the options, and the `cookie` package (CommonJS, so bundled whole).',
          '',
          table(['module', 'minified bytes', 'share'], size.cookieOnlyModules.map((m) => [m.module, fmt(m.minified), `${((m.minified / size.cookieOnlyModules.reduce((sum, x) => sum + x.minified, 0)) * 100).toFixed(0)}%`])),
          '',
          'What 8 KB would take (measured once, 2026-12-05, not by this run: the cookie-only mount bundled from a scratch copy of src/ with parts cut out or ' +
            'replaced by the plainest code that does the job, same esbuild settings; gzipped bytes): as shipped 13,667. ' +
            'Replacing the `cookie` package by a 20-line parser and writer: 12,421 (−1,246); the fast base64url codec by btoa/atob: 13,066 (−601); ' +
            'the unseal cache\'s JSON copy and compare (json.ts) by JSON.parse/JSON.stringify: 13,131 (−536); dropping the node:crypto backend: 13,225 (−442); ' +
            'all four: 10,836. Cutting every optional feature instead (header transport, schema, flash, cookie chunks, the store and revocation hooks, ' +
            'the double-mount check, the plain-http warning): 11,478 (−2,189). Both together: **8,656**, still over 8,192, with nothing left but a rolling, ' +
            'rotating cookie session whose setup is checked. So the target cannot be met by moving optional parts out alone, as the store and revocations were: ' +
            'it also asks to give up the `cookie` dependency and the speed the guide promises (the codec, node:crypto), which is for the planners to decide.',
          '',
          'The 12 KB target of the seam issue (met, 2026-12-07; missed since remember-me): before the seam, 13,681. Moving the modes behind the seam (src/core/mode.ts; no line ' +
            'of the store or revocations left in the cookie-only mount): 13,131. Development-only code (the plain-http warning, the did-you-mean of an ' +
            "unknown option) behind #dev-tools, which a production bundle resolves to nothing: 12,767. The header transport to its own entry point " +
            "('iron-fetch-session/header'): 12,528. Refusal reasons given to onUnsealError with short messages in production bundles, as errors already " +
            'had (the reason codes are the same): 12,289. The setup checks of the store options as one table: 12,270. SessionStoreError defined by the ' +
            'store (the core rethrows whatever a mode throws): 12,242. Then the store issue\'s seal that stays on data-only writes, and the ' +
            'newcomer issue\'s c.var.sessions, closeSession and the nested did-you-mean (development only), each paid for elsewhere: 12,288. A session\'s own ' +
            'lifetime ("remember me", session.setLifetime), which every cookie session carries: 12,561 (+273), over the target; the budget is 12.5 KB since.',
          '',
        ]
      : []),
  ]
}

function revocationsSection(revocations) {
  if (!revocations) return []
  const { view, refresh, scale, propagation, reads } = revocations
  const ms = (s) => spread(s, (n) => n.toFixed(1))
  return [
    '## Revocations',
    '',
    `\`bench/revocations.js\`. The lagged view holding ${fmt(view.revocations)} live revocations (random 128-bit ids) in a fresh \`node --expose-gc\` ` +
      `process: heap +${fmtMb(view.heapBytes)} MB, RSS +${fmtMb(view.rssBytes)} MB, ${Math.round(view.heapBytes / view.revocations)} bytes of heap each. ` +
      'Views forget a revocation once no seal naming it can still be read (ttl + 60 s skew + 1 h margin).',
    '',
    ...(scale
      ? [
          "On Redis (unstorage's driver), the log is one stream: a refresh reads what was appended since the last one, and push hears new entries as they are " +
            `written. Redis holding ${fmt(scale[0].others)} other keys and each count of live revocations in the log; one lagged instance (lag 1 s, push on): ` +
            'its start-up (the first read, which loads the view), then the Redis commands it issued during steady reads (every 5 ms), a minute and a lag.',
          '',
          table(['live revocations', 'start-up ms', 'reads', 'Redis commands a minute', 'a lag (1 s)'], scale.map((r) => [fmt(r.revocations), String(r.startupMs), fmt(r.reads), fmt(r.commandsPerMinute), String(r.commandsPerLag)])),
          '',
        ]
      : []),
    ...(propagation
      ? [
          `A sign-out on one instance, then reads of the copy on another (each with its own connection to the same Redis, lag 30 s, push on) until refused, ${fmt(propagation.signOuts)} times: ` +
            `p50 ${propagation.p50Ms} ms, p99 ${propagation.p99Ms} ms, max ${propagation.maxMs} ms.`,
          '',
        ]
      : []),
    'On any other store the log is minute buckets listed by prefix. One refresh of a lagged view (lag 0.2 s), timed as the read that waits for it, after 100 new ' +
      'revocations, against the older ones already in a directory (fs driver; ten minutes back, outside what a refresh lists): the listing reads the buckets it needs.',
    '',
    table(['store', 'older revocations', 'refresh ms'], refresh.map((r) => [r.store, fmt(r.older), ms(r.ms)])),
    '',
    'A cache-hit read + commit of an unchanged session, 1 in flight, in process, against a local Redis:',
    '',
    table(['sessions', 'µs a request'], reads.map((r) => [r.name, ms(r.microseconds)])),
    '',
  ]
}

function usersSection(users) {
  if (!users) return []
  return [
    '## A user\'s sessions among many',
    '',
    `\`bench/users.js\`: a redis-server holding ${fmt(users.sessionsInStore)} session records, and one user signed in on ${users.listed} devices through the library ` +
      '(`userId`). `sessionsOf` reads the user\'s list and each listed record; `revokeAll` writes the user\'s not-before time, then ends the listed sessions. ' +
      'For scale, the last column is one `getKeys` of a prefix through unstorage\'s Redis driver (a `SCAN` of the whole keyspace): what the user index before this one ran for each call.',
    '',
    table(['sessions in Redis', 'sessionsOf ms', 'revokeAll ms', 'a read after it (refused) ms', 'one prefix getKeys (SCAN) ms'], [
      [fmt(users.sessionsInStore), String(users.sessionsOfMs), String(users.revokeAllMs), String(users.readAfterMs), fmt(users.scanOfOnePrefixMs)],
    ]),
    '',
  ]
}

function clusterSection(cluster) {
  if (!cluster) return []
  const row = (name, r) => [name, fmt(r.requests), fmt(r.clients), String(r.errors), String(r.unexpected), String(r.mismatches), String(r.lostWrites), fmt(r.requestsPerSecond), `${(r.requestsPerSecond / cluster.redis.requestsPerSecond).toFixed(2)}×`]
  return [
    '## One Redis or a Redis Cluster',
    '',
    `\`bench/cluster.js\`: the load run's clients (${cluster.plan.connections} in flight) against two examples/hono processes sharing one redis-server, then sharing a Redis Cluster ` +
      'of three masters and three replicas on this machine (`SESSION_STORE=redis-cluster://…`, ioredis `Cluster` through unstorage). The app, not Redis, is the bottleneck here, ' +
      'so the cluster costs about nothing; what it buys is room and failover (test/store-cluster.test.ts kills a master under load).',
    '',
    table(['store', 'requests', 'clients', 'errors', 'unexpected status', 'wrong reads', 'lost writes', 'req/s', '× one Redis'], [row('one Redis', cluster.redis), row('Redis Cluster', cluster.cluster)]),
    '',
  ]
}

function storeSection(store) {
  if (!store) return []
  const { plan, cookie, redis, outage } = store
  const row = (name, r) => [name, fmt(r.requests), fmt(r.clients), fmt(r.writes), String(r.errors), String(r.unexpected), String(r.mismatches), String(r.lostWrites), fmt(r.requestsPerSecond), `${(r.requestsPerSecond / cookie.requestsPerSecond).toFixed(2)}×`]
  return [
    '## Two processes, one store',
    '',
    `\`bench/store-load.js\`: the load run's clients (${plan.connections} in flight, each with its own jar and count of writes) against two ` +
      'examples/hono processes on 127.0.0.1, each request of a client going to the other process than its last. Cookie-only, the processes share ' +
      'the password; Redis-backed (`SESSION_STORE=redis://…`, a redis-server started for the run, persistence off), they also share the sessions, ' +
      'and every request reads the record and its revocation marker, every write writes the record (and, about once per ttl, the user-index key).',
    '',
    table(['sessions', 'requests', 'clients', 'writes', 'errors', 'unexpected status', 'wrong reads', 'lost writes', 'req/s', '× cookie-only'], [row('cookie-only', cookie), row('Redis-backed', redis)]),
    '',
    `The outage run: after ${fmt(outage.writtenBeforeOutage)} clients had written their sessions, Redis was stopped (\`SHUTDOWN SAVE\`) in the ` +
      `middle of the load and restarted on the same port from its snapshot. ${fmt(outage.unavailable)} requests were answered 503 from ` +
      `\`SessionStoreError\`, ${outage.errors + outage.unexpected} anything else, ${outage.mismatches} read another count or another session, ` +
      `${outage.lostWrites} lost a write; afterwards ${fmt(outage.readBackAfterOutage)} of the ${fmt(outage.writtenBeforeOutage)} sessions from before the outage read back ` +
      `with every write they confirmed (${fmt(outage.requests)} requests, ${(outage.elapsedMs / 1000).toFixed(1)} s).`,
    '',
    ...([...cookie.problems, ...redis.problems, ...outage.problems].length ? ['Problems seen:', '', ...[...cookie.problems, ...redis.problems, ...outage.problems].map((p) => `- ${p}`), ''] : []),
  ]
}

const signedMb = (bytes) => `${bytes >= 0 ? '+' : '−'}${fmtMb(Math.abs(bytes))}`

/** A Markdown table; columns after the first are right-aligned when they hold numbers. */
function table(header, rows) {
  const numeric = header.map((_, c) => c > 0 && rows.every((r) => /^[\d(–),.×+ −]*$|^—$/.test(r[c]) && /\d|—/.test(r[c])))
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map((_, c) => (numeric[c] ? '---:' : '---'))), ...rows.map(line)].join('\n')
}

function storesSection(stores) {
  if (!stores) return []
  const { plan, measures } = stores
  return [
    '## Store sessions on Redis, side by side',
    '',
    '`bench/stores.js`. Each framework bare and with its session library on one redis-server (started by the stage): Hono with ' +
      "iron-fetch-session's store (the Redis setup of docs/stores.md: unstorage's Redis driver, ioredis, offline queue off; and the same with " +
      '`enableAutoPipelining`), Express 5 with express-session and connect-redis 9 (node-redis 5), Fastify 5 with @fastify/session 11 and ' +
      'connect-redis 9. The peers run in their cheapest configuration with the same expiry rule as ours (a read does not extend the session): ' +
      "express-session with `resave` and `saveUninitialized` off and connect-redis's touch off, @fastify/session with `rolling` and " +
      '`saveUninitialized` off. Each server is a child process; ' +
      `autocannon sends ${plan.connections} connections on one session for ${plan.durationS} s a run, ${plan.rounds} rounds, each run checked (200 'ok'). ` +
      '`/read` reads the counter; `/write` adds one to it and saves. "of bare" is req/s over the bare framework\'s in the same round. Redis commands ' +
      'and Redis CPU are what Redis itself counts (INFO commandstats, INFO cpu) over the run, a request.',
    '',
    table(
      ['framework + library', 'route', 'req/s', 'of bare', 'p99 ms', 'server CPU µs a request', 'Redis commands a request', 'Redis CPU µs a request'],
      measures.map((m) => [
        m.library ? `${m.framework} + ${m.library}` : `${m.framework}, bare`,
        m.route,
        spread(m.rps),
        m.ofBare ? `${m.ofBare.median.toFixed(3)} (${m.ofBare.min.toFixed(3)}–${m.ofBare.max.toFixed(3)})` : '1',
        spread(m.p99Ms, fmtMs),
        spread(m.serverCpuUsPerRequest, (n) => n.toFixed(1)),
        m.library ? `${m.redisCommandsPerRequest.median} (${Object.entries(m.commands).map(([name, n]) => `${name} ${n}`).join(', ')})` : '0',
        m.library ? spread(m.redisCpuUsPerRequest, (n) => n.toFixed(1)) : '',
      ]),
    ),
    '',
  ]
}
