/**
 * The development-only tools for bundles (see dev-bundled.ts): the bundler's NODE_ENV folds
 * `devTools` to undefined in a production build, here in this module, so dev-tools.ts is dropped
 * whole. Loaded only through the workerd, worker and browser conditions, so `process` is never
 * read at run time.
 */
import * as tools from './dev-tools.ts'

declare const process: { env: { NODE_ENV?: string } }

export const devTools: typeof tools | undefined = process.env.NODE_ENV !== 'production' ? tools : undefined
