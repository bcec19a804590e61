import { createRequire } from 'node:module'
import { sveltekit } from '@sveltejs/kit/vite'
import { defineConfig } from 'vite'

// In your app, 'iron-fetch-session/sveltekit' comes from node_modules and this plugin is not needed.
// Here the example uses the repository's own build (dist/, from `npm run build` at the root): the
// import is resolved from the repository's package.json, through its "exports", as the package's
// self-reference. (This directory needs a package.json of its own, which adapter-node reads, and
// that package.json would hide the root one from an ordinary resolve.)
const fromRepository = createRequire(new URL('../../package.json', import.meta.url))

/** @type {import('vite').Plugin} */
const repositoryPackage = {
  name: 'iron-fetch-session-from-repository',
  enforce: 'pre',
  resolveId(id) {
    if (id === 'iron-fetch-session' || id.startsWith('iron-fetch-session/')) return fromRepository.resolve(id)
  },
}

export default defineConfig({
  plugins: [repositoryPackage, sveltekit()],
})
