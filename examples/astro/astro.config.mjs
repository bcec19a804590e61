// The Astro example: server output on @astrojs/node's standalone server. README.md says how to run it
// (astro build, then SESSION_PASSWORD=... HOST=127.0.0.1 PORT=4321 node dist/server/entry.mjs, on Node 22.23.4+).
import node from '@astrojs/node'
import { defineConfig, envField } from 'astro/config'

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  security: {
    // checkOrigin is on by default in server output: a form POST whose Origin is not this site's is
    // answered 403 before any middleware runs. Left on: with SameSite=Lax, the app's CSRF defence.
    checkOrigin: true,
    // "This site" is the request's URL, whose host Astro takes from the Host header only when it matches
    // one of these (otherwise localhost:PORT, and a form posted from http://127.0.0.1:PORT would be refused).
    // Served here on 127.0.0.1 over plain http; in production list your own domain, with protocol 'https'.
    allowedDomains: [{ protocol: 'http', hostname: '127.0.0.1' }, { protocol: 'http', hostname: 'localhost' }],
  },
  env: {
    schema: {
      // Read at run time from the server's environment, never inlined into the build.
      SESSION_PASSWORD: envField.string({ context: 'server', access: 'secret', optional: true, min: 32 }),
    },
  },
})
