// Every TypeScript block in README.md, SECURITY.md (and any docs-draft/*.md) compiles against the built package, as a user would import it.
import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}.readme-check/`

it('every ```ts block in the docs type-checks', async () => {
  const blocks: string[] = []
  // docs-draft/: sections written for README.md and SECURITY.md, checked the same way until they are folded in.
  const drafts = (await readdir(`${root}docs-draft`).catch(() => [])).filter((name) => name.endsWith('.md')).map((name) => `docs-draft/${name}`)
  for (const doc of ['README.md', 'SECURITY.md', ...drafts]) {
    const text = await readFile(`${root}${doc}`, 'utf8')
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) blocks.push(match[1] as string)
  }
  expect(blocks.length).toBeGreaterThan(8)
  await rm(out, { recursive: true, force: true })
  await mkdir(out)
  // Each block is its own module; `export {}` keeps blocks without imports from sharing a scope.
  await Promise.all(blocks.map((code, i) => writeFile(`${out}block${i}.ts`, `${code}\nexport {}\n`)))
  await writeFile(
    `${out}tsconfig.json`,
    JSON.stringify({
      compilerOptions: { target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true },
      include: ['*.ts'],
    }),
  )
  try {
    await promisify(execFile)(`${root}node_modules/.bin/tsc`, ['-p', `${out}tsconfig.json`], { cwd: root, timeout: 120_000 })
  } catch (error) {
    throw new Error(`a README block does not type-check:\n${(error as { stdout?: string }).stdout ?? error}`)
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}, 150_000)

it("the quick start's install lines bring every package its server.ts imports and its run line uses", async () => {
  const readme = await readFile(`${root}README.md`, 'utf8')
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 3))
  const installed = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((line) => line.startsWith('npm install')).flatMap((line) => line.split(/\s+/).slice(2)))
  const code = quickStart.match(/```ts\n([\s\S]*?)```/)![1]!
  const imported = [...code.matchAll(/from '((?:@[^/']+\/)?[^/']+)/g)].map((m) => m[1]!)
  const ran = [...code.matchAll(/npx (\S+)/g)].map((m) => m[1]!)
  for (const name of [...imported, ...ran]) expect(installed, `${name} is used but not installed`).toContain(name)
})

it("the Errors table's first column is what each error prints", async () => {
  const { createSessions, NotJsonError, SessionStoreError, SessionTooLargeError, UnsealError } = await import('../src/index.js')
  const { sessionStore } = await import('../src/store/index.js')
  const { z } = await import('zod')
  const readme = await readFile(`${root}README.md`, 'utf8')
  const table = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 3))
  const rows = [...table.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!).filter((cell) => cell !== 'error')
  const pattern = (cell: string) => new RegExp(`^${cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ ?…|<option>/g, '.*')}`, 's')
  const password = 'a-readme-password-of-at-least-32-characters'
  const url = 'https://app.example/'
  /** The error a commit of `write` throws. */
  const committing = async (write: (data: Record<string, unknown>) => void, options = {}) => {
    const sessions = createSessions({ password, ...options })
    const session = await sessions.read(new Request(url))
    write(session as never)
    return sessions.commit(session, new Response()).then(() => undefined, (error: unknown) => error)
  }
  const failing = { getItem: () => Promise.reject(new Error('down')), setItem: () => Promise.reject(new Error('down')), removeItem: () => undefined }
  const errors = [
    (() => { try { createSessions({ password: 'short' }) } catch (error) { return error } })(),
    await committing((s) => (s as { set(k: string, v: unknown): void }).set('x', new Date())),
    await committing((s) => (s as { set(k: string, v: unknown): void }).set('x', 'x'.repeat(5000))),
    await committing((s) => (s as { set(k: string, v: unknown): void }).set('count', 'one'), { schema: z.object({ count: z.number().optional() }) }),
    await committing((s) => { const session = s as unknown as { destroy(): void; set(k: string, v: unknown): void }; session.destroy(); session.set('x', 1) }),
    await committing((s) => (s as { set(k: string, v: unknown): void }).set('__ifs', 1)),
    await committing((s) => (s as { set(k: string, v: unknown): void }).set('x', 1), { store: sessionStore(failing) }),
    (() => { try { createSessions({ password, store: {} as never }) } catch (error) { return error } })(),
    (() => { try { createSessions({ password, header: 'authorization' as never }) } catch (error) { return error } })(),
  ]
  expect(errors[1]).toBeInstanceOf(NotJsonError)
  expect(errors[1]).toBeInstanceOf(TypeError)
  expect(errors[2]).toBeInstanceOf(SessionTooLargeError)
  expect(errors[6]).toBeInstanceOf(SessionStoreError)
  expect(typeof UnsealError).toBe('function')
  expect(rows).toHaveLength(errors.length)
  rows.forEach((cell, i) => expect(String(errors[i]), cell).toMatch(pattern(cell)))
})

it('the seal length the README gives for a store is what a store-backed session writes', async () => {
  const { createSessions } = await import('../src/index.js')
  const { createStorage } = await import('unstorage')
  const { sessionStore } = await import('../src/store/index.js')
  const readme = await readFile(`${root}README.md`, 'utf8')
  const said = Number(/a seal of (\d+) characters whatever the data's/.exec(readme)![1])
  const sessions = createSessions({ password: 'a-readme-password-of-at-least-32-characters', store: sessionStore(createStorage()) })
  for (const data of [{ n: 1 }, { notes: 'x'.repeat(100_000) }]) {
    const session = await sessions.read(new Request('https://app.example/'))
    Object.assign(session.data, data)
    const line = (await sessions.commit(session, new Response())).headers.getSetCookie()[0]!
    expect(line.split(';')[0]!.slice('session='.length)).toHaveLength(said)
  }
})
