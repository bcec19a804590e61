// `vite build` writes the app to build/ for Node (adapter-node); `node build` serves it
// (HOST, PORT and ORIGIN from the environment: see README.md beside this file).
import adapter from '@sveltejs/adapter-node'

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter(),
    typescript: {
      // For the types, as vite.config.js's plugin does for the code: the repository's own build (dist/).
      // Not needed in your app, where 'iron-fetch-session/sveltekit' comes from node_modules.
      config(config) {
        config.compilerOptions.paths['iron-fetch-session/sveltekit'] = ['../../../dist/adapters/sveltekit.d.ts']
      },
    },
  },
}
