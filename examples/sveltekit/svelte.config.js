// `vite build` writes the app to build/ for Node (adapter-node); `node build` serves it
// (HOST, PORT and ORIGIN from the environment: see README.md beside this file).
import adapter from '@sveltejs/adapter-node'

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: { adapter: adapter() },
}
