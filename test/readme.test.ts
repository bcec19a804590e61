// The docs as a user reads them: README.md, the guides in docs/ (docs/api/, generated, aside), SECURITY.md, CHANGELOG.md,
// CONTRIBUTING.md, contributing/ and any docs-draft/*.md. Every ```ts block compiles against the built package,
// as a user would import it (the quick start also runs: readme-quickstart.test.ts); every block names its
// language; every `npm run` in a sh block is a script of package.json; every relative link reaches a file, and
// its #fragment a heading there; the figures and messages the guides quote are what the code does.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}.readme-check/`

/** The Markdown files under `dir` (relative to the root), recursively; docs/api/ is TypeDoc's output. */
async function markdownUnder(dir: string): Promise<string[]> {
  const entries = await readdir(`${root}${dir}`, { withFileTypes: true }).catch(() => [])
  const found: string[] = []
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory() && path !== 'docs/api') found.push(...(await markdownUnder(path)))
    else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path)
  }
  return found.sort()
}

/** Every document the tests hold to the code (docs-draft/: any guide waiting to be folded into docs/). */
const documents = async () => ['README.md', 'SECURITY.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...(await markdownUnder('docs')), ...(await markdownUnder('contributing')), ...(await markdownUnder('docs-draft'))]

/** A guide's text. */
const read = (doc: string) => readFile(`${root}${doc}`, 'utf8')

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')

/** The text outside fenced code blocks. */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '')

it('every ```ts block in the docs type-checks', async () => {
  const blocks: Array<{ name: string; code: string; group: string }> = []
  const docs = await documents()
  expect(docs).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/stores.md', 'docs/frameworks.md', 'contributing/mutation.md']))
  for (const doc of docs) {
    const text = await read(doc)
    let n = 0
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      // The section a block is in: an app's blocks (its app.d.ts and its routes) are compiled together.
      const section = text.slice(0, match.index).lastIndexOf('\n## ')
      blocks.push({ name: `${doc.replace(/\.md$/, '').replace(/\//g, '--')}-${++n}`, code: match[1] as string, group: `${doc}#${section}` })
    }
  }
  expect(blocks.length).toBeGreaterThan(30)
  await rm(out, { recursive: true, force: true })
  // A Next.js block is checked as Next.js compiles it (moduleResolution bundler: 'next/headers' has no exports map);
  // every other block as a Node ESM user's code (nodenext).
  await mkdir(`${out}next`, { recursive: true })
  const compilerOptions = { target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], skipLibCheck: true }
  // A section with a block that augments a global or a module (App.Locals for SvelteKit and Astro, h3's H3EventContext)
  // is compiled in a program of its own: each framework's guide types the same global its own way, as each app does.
  const augmenting = new Set(blocks.filter(({ code }) => /^\s*declare (global|module)\b/m.test(code)).map(({ group }) => group))
  const projects = [`${out}tsconfig.json`, `${out}next/tsconfig.json`]
  // Each block is its own module; `export {}` keeps blocks without imports from sharing a scope.
  for (const { name, code, group } of blocks) {
    const dir = /from 'next\//.test(code) ? `${out}next/` : augmenting.has(group) ? `${out}alone-${[...augmenting].indexOf(group)}/` : out
    if (dir !== out && dir !== `${out}next/` && !projects.includes(`${dir}tsconfig.json`)) {
      await mkdir(dir, { recursive: true })
      await writeFile(`${dir}tsconfig.json`, JSON.stringify({ compilerOptions, include: ['*.ts'] }))
      projects.push(`${dir}tsconfig.json`)
    }
    await writeFile(`${dir}${name}.ts`, `${code}\nexport {}\n`)
  }
  await writeFile(`${out}tsconfig.json`, JSON.stringify({ compilerOptions, include: ['*.ts'] }))
  await writeFile(`${out}next/tsconfig.json`, JSON.stringify({ compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler' }, include: ['*.ts'] }))
  try {
    const tsc = (project: string) => promisify(execFile)(`${root}node_modules/.bin/tsc`, ['-p', project], { cwd: root, timeout: 120_000 })
    // Two at a time: each is a whole tsc.
    for (let i = 0; i < projects.length; i += 2) await Promise.all(projects.slice(i, i + 2).map(tsc))
  } catch (error) {
    throw new Error(`a docs block does not type-check (.readme-check/<doc>-<n>.ts is the doc's n-th ts block):\n${(error as { stdout?: string }).stdout ?? error}`)
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

it("docs/errors.md: the table's first column is what each error prints", async () => {
  const { createSessions, NotJsonError, SessionStoreError, SessionTooLargeError, UnsealError } = await import('../src/index.js')
  const { sessionStore } = await import('../src/store/index.js')
  const { z } = await import('zod')
  const table = await read('docs/errors.md')
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

it('the seal length docs/stores.md gives is what a store-backed session writes', async () => {
  const { createSessions } = await import('../src/index.js')
  const { createStorage } = await import('unstorage')
  const { sessionStore } = await import('../src/store/index.js')
  const said = Number(/a seal of (\d+) characters whatever the data's/.exec(await read('docs/stores.md'))![1])
  const sessions = createSessions({ password: 'a-readme-password-of-at-least-32-characters', store: sessionStore(createStorage()) })
  for (const data of [{ n: 1 }, { notes: 'x'.repeat(100_000) }]) {
    const session = await sessions.read(new Request('https://app.example/'))
    Object.assign(session.data, data)
    const line = (await sessions.commit(session, new Response())).headers.getSetCookie()[0]!
    expect(line.split(';')[0]!.slice('session='.length)).toHaveLength(said)
  }
})

it('every code block names its language, and every `npm run` in a sh block is a script of package.json', async () => {
  const { scripts } = JSON.parse(await read('package.json')) as { scripts: Record<string, string> }
  for (const doc of await documents()) {
    const text = await read(doc)
    // Fences alternate: opening ones are the even ones, and each says what it holds.
    const fences = [...text.matchAll(/^```(\S*)/gm)].map((m) => m[1]!)
    expect(fences.length % 2, `${doc}: an unclosed code block`).toBe(0)
    fences.forEach((language, i) => expect(i % 2 === 0 ? language : '', `${doc}: fence ${i + 1}`).toMatch(i % 2 === 0 ? /^(ts|sh|toml|astro|svelte|tsx)$/ : /^$/))
    for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
      for (const [, name] of block[1]!.matchAll(/npm run ([\w:-]+)/g)) expect(Object.keys(scripts), `${doc}: npm run ${name}`).toContain(name)
    }
  }
  // The README's one line for contributors, and the commands CONTRIBUTING.md gives, are package.json's.
  const readme = await read('README.md')
  for (const command of ['npm ci', 'npm start', 'npm test']) expect(readme.slice(readme.indexOf('## Contributing'))).toContain(`\`${command}\``)
  for (const name of ['start', 'test', 'bench', 'docs', 'test:mutation', 'test:node-versions']) expect(Object.keys(scripts)).toContain(name)
})

it('every relative link in the docs reaches a file, and its #fragment a heading there', async () => {
  const docs = await documents()
  const anchors = new Map<string, Set<string>>()
  /** The anchors of a Markdown file's headings (outside code blocks). */
  const anchorsOf = async (doc: string) => {
    if (!anchors.has(doc)) anchors.set(doc, new Set([...prose(await read(doc)).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!))))
    return anchors.get(doc)!
  }
  const broken: string[] = []
  for (const doc of docs) {
    for (const [, target] of prose(await read(doc)).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue // https:, mailto:
      const [path, fragment] = target!.split('#') as [string, string | undefined]
      const file = path === '' ? doc : relative(root, join(root, dirname(doc), path))
      if (!existsSync(join(root, file))) broken.push(`${doc}: ${target} (no ${file})`)
      else if (fragment && file.endsWith('.md') && !(await anchorsOf(file)).has(fragment)) broken.push(`${doc}: ${target} (no heading #${fragment} in ${file})`)
    }
  }
  expect(broken).toEqual([])
})

it('README.md stays a page a reader can hold: under 20 KB, with a "why" table of at most 6 rows that names revocations', async () => {
  const readme = await read('README.md')
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(20 * 1024)
  const why = readme.slice(readme.indexOf('## Why this one'), readme.indexOf('\n## ', readme.indexOf('## Why this one') + 3))
  const rows = why.split('\n').filter((line) => line.startsWith('|')).slice(2)
  expect(rows.length).toBeGreaterThan(0)
  expect(rows.length).toBeLessThanOrEqual(6)
  expect(why).toContain('Sign-out that really signs out')
  expect(why).toContain('docs/revocations.md')
})
