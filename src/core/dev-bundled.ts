/**
 * DEV for bundles (see dev.ts): every bundler that resolves the workerd, worker or browser
 * condition replaces process.env.NODE_ENV at build time (wrangler: development for `wrangler
 * dev`, production for deploy; esbuild for the browser platform: production when minifying;
 * Vite and webpack by mode), and drops the long messages of a production build with the branch
 * not taken. Loaded only through those conditions, so `process` is never read at run time.
 */
declare const process: { env: { NODE_ENV?: string } }

export const DEV: boolean = process.env.NODE_ENV !== 'production'
