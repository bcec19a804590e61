/**
 * Whether errors carry their full, development messages. Here, always: Node, Deno and Bun
 * load this file, and a server's logs deserve the whole story. Bundles for the edge and the
 * browser load dev-bundled.ts instead (package.json "imports", conditions workerd, worker and
 * browser), where the bundler's NODE_ENV decides, so a production Worker ships the short ones.
 */
export const DEV: boolean = true
