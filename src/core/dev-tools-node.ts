/**
 * The development-only tools (dev-tools.ts), as Node, Deno and Bun load them: always there, as
 * the whole messages are (dev.ts). Bundles for the edge and the browser load dev-tools-bundled.ts
 * instead (package.json "imports", #dev-tools).
 */
import * as tools from './dev-tools.ts'

export const devTools: typeof tools | undefined = tools
