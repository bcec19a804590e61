// The HTTP bench's server, run as a child process: one variant's Hono app
// (BENCH_VARIANT) on 127.0.0.1, on a free port chosen by the OS, which it
// reports to the parent over IPC. Asked 'cpu', it answers its CPU time so far,
// so the parent can tell the server's cost per request apart from the client's.
import { serve } from '@hono/node-server'

import { cryptoBackend } from '../dist/core/crypto/choice.js'
import { makeApp } from './http-apps.js'

const app = makeApp(process.env.BENCH_VARIANT)
// The crypto backend our variants run on (the one chosen last): the report names it.
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send({ port: info.port, backend: cryptoBackend().name }))

process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() })
})
// A normal exit on SIGTERM, so that `--cpu-prof` writes its profile; and none left behind if the parent dies.
process.on('SIGTERM', () => process.exit(0))
process.on('disconnect', () => process.exit(0))
