import { cp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, buildToMemory, forgetLastBuild, type BuildOptions } from '../src/build.js'
import { manifestName, MemoryWriter } from '../src/output/writer.js'
import { takeCheck, upToDate } from '../src/up-to-date.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

/** Every file of a built site, by path, without the manifest (which records build metadata). */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(path.join(abs, e.name), childRel)
      else if (childRel !== manifestName) out.set(childRel, await readFile(path.join(abs, e.name)))
    }
  }
  await walk(dir, '')
  return out
}

function expectSameSite(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [file, bytes] of expected) expect(actual.get(file)?.equals(bytes), file).toBe(true)
}

/** Expect the site in `dir/dist` to be, byte for byte, what a clean build with these options makes. */
async function expectCleanBuildEqual(dir: string, options: Partial<BuildOptions>): Promise<void> {
  const clean = await build({ ...options, cwd: dir, outDir: 'clean', cache: false })
  expect(clean.ok).toBe(true)
  expectSameSite(await snapshot(path.join(dir, 'dist')), await snapshot(path.join(dir, 'clean')))
  await rm(path.join(dir, 'clean'), { recursive: true })
}

/** Two months of papers, for the sites these tests build. */
const papers = {
  'content/2021-01/index.md': '---\nsummary: January\n---\nIntro one.\n',
  'content/2021-01/alpha.md': paperFile({ title: 'Alpha', date: '2021-01-04', tags: ['x'] }),
  'content/2021-01/beta.md': paperFile({ title: 'Beta', date: '2021-01-11', tags: ['x', 'y'] })
}

describe('incremental builds equal clean builds, byte for byte', () => {
  let dir: string
  let cleanup: () => Promise<void>
  // Search indexes are built by an external tool whose file names carry hashes; they are compared
  // too. Parts of two documents: five documents make four parts, some empty.
  const options = { images: true, search: true, searchShardSize: 2 }

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    await writeContent(dir, {
      'content/site.yaml': 'title: Inc\nbaseUrl: https://example.org/\n',
      ...papers,
      'content/2021-02/gamma.md': paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'] })
    })
    for (const folder of ['templates', 'public']) {
      await cp(path.join(root, folder), path.join(dir, folder), { recursive: true })
    }
    // The first, cold build fills the caches.
    expect((await build({ ...options, cwd: dir })).ok).toBe(true)
  })
  afterAll(async () => cleanup())

  async function check(change: () => Promise<void>): Promise<Awaited<ReturnType<typeof build>>> {
    await change()
    // As a new process would: what is remembered comes from the cache on disk.
    forgetLastBuild()
    // As `collage build` does: a check that loads no build pipeline sees the change, and the
    // build given the same options takes over what the check read.
    const buildOptions = { ...options, cwd: dir }
    expect(await upToDate(buildOptions)).toBeUndefined()
    const incremental = await build(buildOptions)
    expect(incremental.ok, JSON.stringify(incremental.problems)).toBe(true)
    expect(incremental.upToDate ?? false).toBe(false)
    await expectCleanBuildEqual(dir, options)
    return incremental
  }

  it('reuses the last site when nothing changed', async () => {
    const again = await build({ ...options, cwd: dir })
    expect(again.upToDate).toBe(true)
    // The same answer without loading the build pipeline, as `collage build` first asks.
    const quick = await upToDate({ ...options, cwd: dir })
    expect(quick?.upToDate).toBe(true)
    expect([quick?.pages, quick?.files, quick?.problems]).toEqual([again.pages, again.files, again.problems])
    // Other options make another site; a dry run or a build without the cache always builds.
    expect(await upToDate({ ...options, cwd: dir, searchShardSize: 3 })).toBeUndefined()
    expect(await upToDate({ ...options, cwd: dir, baseUrl: 'https://example.org/other/' })).toBeUndefined()
    expect(await upToDate({ ...options, cwd: dir, cache: false })).toBeUndefined()
    expect(await upToDate({ ...options, cwd: dir, dryRun: true })).toBeUndefined()
    expect(await upToDate({ ...options, cwd: dir, outDir: 'elsewhere' })).toBeUndefined()
  })

  it('after a paper changes', async () => {
    const result = await check(() => writeFile(path.join(dir, 'content/2021-01/alpha.md'), paperFile({ title: 'Alpha, revised', date: '2021-01-04', tags: ['x', 'z'] })))
    expect(result.searchKept).toBe(false)
    // The index comes in parts; only the part that holds the paper is made again.
    expect(result.searchIndexed).toBe(1)
    // The search page merges the other parts into the first.
    const parts = (await readdir(path.join(dir, 'dist/pagefind'))).filter((name) => name.startsWith('shard-'))
    expect(parts.length).toBeGreaterThan(0)
    const searchPage = await readFile(path.join(dir, 'dist/search/index.html'), 'utf8')
    expect(searchPage).toContain(`data-merge="${parts.map((part) => `/pagefind/${part}/`).sort().join(' ')}"`)
  })

  it('after a paper of the latest month changes, makes only that month’s part of the index again', async () => {
    const parts = async (): Promise<Map<string, Buffer>> => new Map([...(await snapshot(path.join(dir, 'dist/pagefind')))].filter(([file]) => file.startsWith('shard-')))
    const before = await parts()
    expect([...before.keys()].some((file) => file.startsWith('shard-latest/'))).toBe(true)
    const result = await check(() => writeFile(path.join(dir, 'content/2021-02/gamma.md'), paperFile({ title: 'Gamma, revised', date: '2021-02-01', tags: ['y'] })))
    expect(result.searchIndexed).toBe(1)
    const after = await parts()
    const changed = [...after.keys()].filter((file) => !before.get(file)?.equals(after.get(file)!))
    expect(changed.length).toBeGreaterThan(0)
    expect(changed.filter((file) => !file.startsWith('shard-latest/'))).toEqual([])
  })

  it('after a new month becomes the latest (the last one’s documents move to the other parts)', async () => {
    const result = await check(async () => {
      await writeContent(dir, { 'content/2021-03/delta.md': paperFile({ title: 'Delta', date: '2021-03-01', tags: ['x'] }) })
    })
    expect(result.searchIndexed).toBeGreaterThan(1)
    const latest = await readFile(path.join(dir, 'dist/pagefind/shard-latest/pagefind-entry.json'), 'utf8')
    expect(JSON.parse(latest).languages.en.page_count).toBe(2)
    await check(() => rm(path.join(dir, 'content/2021-03'), { recursive: true }))
  })

  it('after a month intro changes', async () => {
    await check(() => writeFile(path.join(dir, 'content/2021-01/index.md'), '---\nsummary: January, again\n---\nIntro two.\n'))
  })

  it('after a template changes (the search index, which holds no template output, is kept)', async () => {
    const result = await check(async () => {
      const file = path.join(dir, 'templates/partials/card.eta')
      await writeFile(file, (await readFile(file, 'utf8')) + '<!-- card template, second edition -->\n')
    })
    expect(result.searchKept).toBe(true)
  })

  it('after site.yaml changes', async () => {
    await check(() => writeFile(path.join(dir, 'content/site.yaml'), 'title: Inc 2\nbaseUrl: https://example.org/sub/\nmath:\n  macros:\n    "\\\\Q": "\\\\mathbb{Q}"\n'))
  })

  it('after the site\'s title alone changes (every share image shows it)', async () => {
    await check(() => writeFile(path.join(dir, 'content/site.yaml'), 'title: Inc 3\nbaseUrl: https://example.org/sub/\nmath:\n  macros:\n    "\\\\Q": "\\\\mathbb{Q}"\n'))
  })

  it('after the stylesheet\'s colours change (the share images are drawn in them)', async () => {
    const file = path.join(dir, 'public/assets/collage.css')
    await check(async () => writeFile(file, (await readFile(file, 'utf8')).replace('--ink: #1c1e23;', '--ink: #20252b;')))
  })

  it('after a public file changes', async () => {
    await check(() => writeFile(path.join(dir, 'public/extra.txt'), 'hello\n'))
  })

  it('after a paper changes, with only the index of the rendered-Markdown cache left', async () => {
    // A summary whose HTML is too large (and has a display formula) to be kept in the index.
    const long = `${'Words about the method, its data and its results. '.repeat(24)}\n\n$$\\int_0^1 x^2\\,dx = \\tfrac{1}{3}$$`
    await check(() => writeFile(path.join(dir, 'content/2021-01/alpha.md'), paperFile({ title: 'Alpha, revised', date: '2021-01-04', tags: ['x', 'z'], body: long })))
    // The first part of every file the last build used is also in one index file; the entries that
    // hold the HTML are gone too, so pages that show a file render it again, from the file read again.
    await rm(path.join(dir, '.collage-cache/render/entries'), { recursive: true })
    const result = await check(() => writeFile(path.join(dir, 'content/2021-01/beta.md'), paperFile({ title: 'Beta, revised', date: '2021-01-11', tags: ['x', 'y'] })))
    expect(result.rendered).toBe(1)
    // The month page, made again for Beta's new title, shows Alpha's summary, rendered again.
    const monthPage = await readFile(path.join(dir, 'dist/2021/01/index.html'), 'utf8')
    expect(monthPage).toContain('Words about the method')
    expect(monthPage).toContain('\\tfrac{1}{3}</annotation>')
  })

  it('after a paper is deleted', async () => {
    await check(() => rm(path.join(dir, 'content/2021-02/gamma.md')))
  })

  it('after a paper is renamed', async () => {
    await check(() => rename(path.join(dir, 'content/2021-01/beta.md'), path.join(dir, 'content/2021-01/beta-two.md')))
  })

  it('hands what the up-to-date check read to the next build with the same options, once', async () => {
    await writeFile(path.join(dir, 'content/2021-02/gamma.md'), paperFile({ title: 'Gamma, handed over', date: '2021-02-01', tags: ['y'] }))
    const buildOptions = { ...options, cwd: dir }
    expect(await upToDate(buildOptions)).toBeUndefined()
    // Another options object (another build) gets nothing.
    expect(takeCheck({ ...buildOptions })).toBeUndefined()
    expect(await upToDate(buildOptions)).toBeUndefined()
    const taken = takeCheck(buildOptions)
    expect(taken?.fingerprint).toMatch(/^[\w-]{43}$/)
    expect(taken?.content.files.get(path.join(dir, 'content/2021-02/gamma.md'))?.toString()).toContain('Gamma, handed over')
    expect(taken?.content.hashes.get(path.join(dir, 'content/2021-02/gamma.md'))).toMatch(/^[\w-]{43}$/)
    expect(taken?.manifest?.files).toBeTypeOf('object')
    expect(takeCheck(buildOptions)).toBeUndefined()
    // The site is then built as usual.
    expect((await build(buildOptions)).upToDate ?? false).toBe(false)
  })

  it('stops the search indexer of a build that fails after starting it', async () => {
    const gamma = path.join(dir, 'content/2021-02/gamma.md')
    const text = await readFile(gamma, 'utf8')
    // A changed summary: its part of the index goes to the indexer as soon as the graph is made,
    // before the links are checked.
    await writeFile(gamma, paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'], body: 'See [nothing](/2021/02/nowhere/).' }))
    const failed = await build({ ...options, cwd: dir })
    expect(failed.ok).toBe(false)
    expect(failed.problems.map((p) => p.ruleId)).toContain('broken-link')
    // No helper process of the indexer is left running (a stopped one takes a moment to end).
    const running = (): string[] =>
      execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('pagefind') && !line.includes('<defunct>'))
    for (let tries = 0; tries < 60 && running().length > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(running()).toEqual([])
    await writeFile(gamma, text)
  })
})

describe('a build after the content settled reads only the files whose stat changed', () => {
  let dir: string
  let cleanup: () => Promise<void>
  const options = { images: false, search: false }
  const betaTime = Math.floor(Date.now() / 1000) - 60

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    await writeContent(dir, {
      'content/site.yaml': 'title: Settled\nbaseUrl: https://example.org/\n',
      ...papers
    })
    // A whole second, which a modification time put back keeps exactly.
    await utimes(path.join(dir, 'content/2021-01/beta.md'), betaTime, betaTime)
    // A stat stands for a file's bytes only when taken two seconds after the file's last change.
    await new Promise((resolve) => setTimeout(resolve, 2100))
    expect((await build({ ...options, cwd: dir })).ok).toBe(true)
  }, 30_000)
  afterAll(async () => cleanup())

  /** What the check before a build read, then the build, compared with a clean one. */
  async function rebuild(): Promise<string[]> {
    forgetLastBuild()
    const buildOptions = { ...options, cwd: dir }
    expect(await upToDate(buildOptions)).toBeUndefined()
    const checked = takeCheck(buildOptions)!
    // Every file has its hash, read or not.
    expect(checked.content.hashes.size).toBe(4)
    const read = [...checked.content.files.keys()].map((f) => path.relative(dir, f))
    const again = { ...options, cwd: dir }
    expect(await upToDate(again)).toBeUndefined()
    const incremental = await build(again)
    expect(incremental.ok, JSON.stringify(incremental.problems)).toBe(true)
    await expectCleanBuildEqual(dir, options)
    return read
  }

  it('after a paper changes, reads that paper alone', async () => {
    await writeFile(path.join(dir, 'content/2021-01/alpha.md'), paperFile({ title: 'Alpha, revised', date: '2021-01-04', tags: ['x', 'z'] }))
    expect(await rebuild()).toEqual(['content/2021-01/alpha.md'])
    expect(await readFile(path.join(dir, 'dist/2021/01/alpha/index.html'), 'utf8')).toContain('Alpha, revised')
  })

  it('after a paper changes to the same size with its modification time put back', async () => {
    const beta = path.join(dir, 'content/2021-01/beta.md')
    const before = await stat(beta)
    const text = await readFile(beta, 'utf8')
    await writeFile(beta, text.replace('Beta', 'BETA'))
    await utimes(beta, betaTime, betaTime)
    const after = await stat(beta)
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino])
    expect(await rebuild()).toContain('content/2021-01/beta.md')
    expect(await readFile(path.join(dir, 'dist/2021/01/beta/index.html'), 'utf8')).toContain('BETA')
  })
})

describe('a long-lived process, as the dev server, reads again the files whose stat changed', () => {
  it('sees a same-size edit with the modification time put back, in content and in public', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await writeContent(dir, { 'content/site.yaml': 'title: Long-lived\nbaseUrl: https://example.org/\n', ...papers })
      await cp(path.join(root, 'public'), path.join(dir, 'public'), { recursive: true })
      const beta = path.join(dir, 'content/2021-01/beta.md')
      const note = path.join(dir, 'public/note.txt')
      await writeFile(note, 'hello\n')
      // Whole seconds, which a modification time put back keeps exactly.
      const then = Math.floor(Date.now() / 1000) - 60
      for (const file of [beta, note]) await utimes(file, then, then)
      // A stat stands for a file's bytes only when taken two seconds after the file's last change.
      await new Promise((resolve) => setTimeout(resolve, 2100))
      const options = { cwd: dir, images: false, search: false }
      const writer = new MemoryWriter()
      forgetLastBuild()
      const first = await buildToMemory(options, writer)
      expect(first.ok, JSON.stringify(first.problems)).toBe(true)
      expect(Buffer.from(first.output.get('note.txt')!).toString()).toBe('hello\n')
      const stats = await Promise.all([beta, note].map((file) => stat(file)))
      await writeFile(beta, (await readFile(beta, 'utf8')).replace('Beta', 'BETA'))
      await writeFile(note, 'HELLO\n')
      for (const file of [beta, note]) await utimes(file, then, then)
      const after = await Promise.all([beta, note].map((file) => stat(file)))
      expect(after.map((s) => [s.size, s.mtimeMs, s.ino])).toEqual(stats.map((s) => [s.size, s.mtimeMs, s.ino]))
      const again = await buildToMemory(options, writer)
      expect(again.ok, JSON.stringify(again.problems)).toBe(true)
      expect(Buffer.from(again.output.get('2021/01/beta/index.html')!).toString()).toContain('BETA')
      expect(Buffer.from(again.output.get('note.txt')!).toString()).toBe('HELLO\n')
    } finally {
      forgetLastBuild()
      await cleanup()
    }
  }, 30_000)
})

describe('a fresh checkout with the cache restored, as on a CI machine', () => {
  it('renders no Markdown and draws no image again, and equals a clean build', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const files = { 'content/site.yaml': 'title: Restored\nbaseUrl: https://example.org/\n', ...papers }
      await writeContent(dir, files)
      const options = { cwd: dir, images: true, search: true }
      forgetLastBuild()
      const first = await build(options)
      expect(first.ok, JSON.stringify(first.problems)).toBe(true)
      expect(first.rendered).toBeGreaterThan(0)
      const images = async (): Promise<string[]> => (await readdir(path.join(dir, '.collage-cache/images'), { recursive: true })).sort()
      const drawn = await images()
      expect(drawn.length).toBeGreaterThan(0)
      // A checkout writes every file anew (new times, new identity); the output is not kept.
      for (const rel of Object.keys(files)) {
        const file = path.join(dir, rel)
        const bytes = await readFile(file)
        await rm(file)
        await writeFile(file, bytes)
      }
      await rm(path.join(dir, 'dist'), { recursive: true })
      forgetLastBuild()
      const again = await build(options)
      expect(again.ok, JSON.stringify(again.problems)).toBe(true)
      expect(again.rendered).toBe(0)
      expect(await images()).toEqual(drawn)
      await expectCleanBuildEqual(dir, { images: true, search: true })
    } finally {
      forgetLastBuild()
      await cleanup()
    }
  }, 60_000)
})

describe('pages are rendered again only when something they show changed', () => {
  let dir: string
  let cleanup: () => Promise<void>
  const options = { images: false, search: true }
  const tags = [['x'], ['x', 'y'], ['y'], ['z'], ['x', 'z'], ['w']]
  const paper = (title: string, date: string, tags: string[], authors = 'Ada Lovelace, Alan Turing', body = 'A summary with $a^2$ math.'): string =>
    paperFile({ title, date, tags, body }).replace('authors: [Ada Lovelace, Alan Turing]', `authors: [${authors}]`)

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    const files: Record<string, string> = {
      'content/site.yaml': 'title: Reuse\nbaseUrl: https://example.org/\n',
      'content/2021-01/index.md': '---\nsummary: January\n---\nJanuary intro.\n',
      'content/2021-02/index.md': '---\nsummary: February\n---\nFebruary intro.\n',
      'content/2021-03/index.md': '---\nsummary: March\n---\nMarch intro.\n'
    }
    for (let m = 1; m <= 3; m++) {
      for (let i = 1; i <= 4; i++) {
        files[`content/2021-0${m}/p${m}${i}.md`] = paper(`Paper ${m}.${i}`, `2021-0${m}-0${i * 2}`, tags[(m * 4 + i) % tags.length]!, i % 2 ? 'Ada Lovelace, Alan Turing' : 'Grace Hopper')
      }
    }
    await writeContent(dir, files)
    await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true })
    const first = await build({ ...options, cwd: dir })
    expect(first.problems.filter((p) => p.severity === 'error')).toEqual([])
  })
  afterAll(async () => cleanup())

  /** Change, build, compare with a clean build; the build's result. */
  async function check(change: () => Promise<unknown>): Promise<Awaited<ReturnType<typeof build>>> {
    await change()
    const incremental = await build({ ...options, cwd: dir })
    expect(incremental.ok, JSON.stringify(incremental.problems)).toBe(true)
    const clean = await build({ ...options, cwd: dir, outDir: 'clean', cache: false })
    expect(clean.ok).toBe(true)
    expect(clean.reused).toBe(0)
    expectSameSite(await snapshot(path.join(dir, 'dist')), await snapshot(path.join(dir, 'clean')))
    await rm(path.join(dir, 'clean'), { recursive: true })
    return incremental
  }
  const edit = (file: string, text: string) => () => writeContent(dir, { [`content/${file}`]: text })

  it('keeps most pages when one paper’s summary changes', async () => {
    const result = await check(edit('2021-02/p22.md', paper('Paper 2.2', '2021-02-04', tags[(2 * 4 + 2) % tags.length]!, 'Grace Hopper', 'A new summary, $b^3$.')))
    // The paper and its month's page and slides, which show the summary, are rendered again.
    // Its neighbours, tag, author and archive pages and the papers it is related to list only
    // its title, authors and such, and are kept; so are the other months' pages.
    expect(result.pages - result.reused!).toBe(3)
    // In one process, the last build's site graph is taken on, with the paper's new record in its places.
    expect(result.graphKept).toBe(true)
  })

  it('after a paper’s title changes, the pages that list it', async () => {
    const result = await check(edit('2021-02/p22.md', paper('Paper 2.2, retitled', '2021-02-04', tags[(2 * 4 + 2) % tags.length]!, 'Grace Hopper', 'A new summary, $b^3$.')))
    // Besides the three above: its neighbours, tag, author, archive and home pages, and more.
    expect(result.pages - result.reused!).toBeGreaterThan(6)
    // A title is not what the graph is made from: it is taken on, what lists show of the paper fingerprinted again.
    expect(result.graphKept).toBe(true)
  })

  it('after a paper moves within its month (new neighbours)', async () => {
    await check(edit('2021-01/p11.md', paper('Paper 1.1', '2021-01-20', tags[5]!)))
  })

  it('after a paper’s tags change (tag pages and related papers elsewhere)', async () => {
    await check(edit('2021-03/p31.md', paper('Paper 3.1', '2021-03-02', ['x', 'new-tag'])))
  })

  it('after a paper elsewhere joins a tag (it becomes a related paper)', async () => {
    // Paper 1.3 shares `solo` with 3.3 only; then 2.3, in another month, gets `solo` too.
    await check(edit('2021-01/p13.md', paper('Paper 1.3', '2021-01-06', ['solo'])))
    await check(edit('2021-03/p33.md', paper('Paper 3.3', '2021-03-06', ['solo'])))
    const result = await check(edit('2021-02/p23.md', paper('Paper 2.3', '2021-02-06', ['solo'])))
    expect(result.reused).toBeGreaterThan(0)
  })

  it('after a paper’s authors change', async () => {
    await check(edit('2021-03/p32.md', paper('Paper 3.2', '2021-03-04', ['y'], 'Emmy Noether')))
  })

  it('after a paper is added, and after a month is added', async () => {
    await check(edit('2021-02/p25.md', paper('Paper 2.5', '2021-02-25', ['z', 'w'])))
    await check(edit('2021-04/p41.md', paper('Paper 4.1', '2021-04-01', ['x'])))
  })

  it('after a second language is added, and after a translation is added and changed', async () => {
    await check(edit('site.yaml', 'title: Reuse\nbaseUrl: https://example.org/\nlanguages: [en, ru]\n'))
    await check(edit('2021-01/p12.ru.md', '---\ntitle: Статья 1.2\ntakeaway: Важно, потому что $x$.\n---\nКраткое содержание, $c$.\n'))
    await check(edit('2021-01/p12.ru.md', '---\ntitle: Статья 1.2, вторая редакция\ntakeaway: Важно, потому что $x$.\n---\nКраткое содержание, $c$.\n'))
  })

  it('after the layout changes, every page that uses it is rendered again', async () => {
    const file = path.join(dir, 'templates/layout.eta')
    const result = await check(async () => writeFile(file, (await readFile(file, 'utf8')).replace('</body>', '<!-- second edition --></body>')))
    // Slide decks are whole documents of their own; every other page is drawn inside the layout.
    expect(result.reused).toBe(result.site!.routes.filter((r) => r.kind === 'slides').length)
    expect(result.reused).toBeGreaterThan(0)
  })

  it('renders a file again when its cached HTML is gone by the time a page needs it', async () => {
    // The cache's first entry (text, links, problems) is there; its HTML entry is not.
    await rm(path.join(dir, '.collage-cache/render/entries'), { recursive: true })
    forgetLastBuild()
    const file = path.join(dir, 'templates/partials/card.eta')
    const result = await check(async () => writeFile(file, (await readFile(file, 'utf8')) + '<!-- card, third edition -->\n'))
    expect(result.pages - result.reused!).toBeGreaterThan(10)
  })

  it('reports a paper’s warnings again in the same process, and follows a changed word budget', async () => {
    const warnings = (result: Awaited<ReturnType<typeof build>>) => result.problems.filter((p) => p.ruleId === 'summary-too-long').length
    const tight = await check(edit('site.yaml', 'title: Reuse\nbaseUrl: https://example.org/\nlanguages: [en, ru]\nsummaryWords: 3\n'))
    expect(warnings(tight)).toBeGreaterThan(10)
    // The papers did not change: their records, reused from the last build of this process, warn again.
    const file = path.join(dir, 'templates/partials/month-nav.eta')
    const again = await check(async () => writeFile(file, (await readFile(file, 'utf8')) + '<!-- month nav, budget edition -->\n'))
    expect(again.upToDate ?? false).toBe(false)
    expect(warnings(again)).toBe(warnings(tight))
    const roomy = await check(edit('site.yaml', 'title: Reuse\nbaseUrl: https://example.org/\nlanguages: [en, ru]\n'))
    expect(warnings(roomy)).toBe(0)
  })

  it('puts the graph it took on back as it was when the build fails', async () => {
    const summary = (body: string) => edit('2021-03/p33.md', paper('Paper 3.3', '2021-03-06', ['solo'], undefined, body))
    const good = await check(summary('A summary, second edition.'))
    expect(good.graphKept).toBe(true)
    const place = good.site!.papers.find((sp) => sp.paper.slug === 'p33')!
    const record = place.paper
    await summary('A summary with [a link to nowhere](/2099/01/nothing/).')()
    const failed = await build({ ...options, cwd: dir })
    expect(failed.problems.map((p) => p.ruleId)).toContain('broken-link')
    // The graph the last good build returned still holds that build's record.
    expect(place.paper).toBe(record)
    const fixed = await check(summary('A summary, third edition.'))
    expect(fixed.graphKept).toBe(false)
  })

  it('after a partial changes, only the pages that include it are rendered again', async () => {
    const file = path.join(dir, 'templates/partials/month-nav.eta')
    const result = await check(async () => writeFile(file, (await readFile(file, 'utf8')) + '<!-- month nav, second edition -->\n'))
    expect(result.reused).toBeGreaterThan(0)
    expect(result.reused).toBeLessThan(result.pages)
  })
})

describe('rebuilds told which files changed, as the dev server’s are', () => {
  it('look again only at the month folders of the files named, and equal clean builds', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      await writeContent(dir, {
        'content/site.yaml': 'title: Told\nbaseUrl: https://example.org/\n',
        'content/2021-01/alpha.md': paperFile({ title: 'Alpha', date: '2021-01-04', tags: ['x'] }),
        'content/2021-01/beta.md': paperFile({ title: 'Beta', date: '2021-01-11', tags: ['x', 'y'] }),
        'content/2021-02/gamma.md': paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'] })
      })
      await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true })
      const options = { cwd: dir, search: false, images: false }
      const writer = new MemoryWriter()
      const same = async (result: Awaited<ReturnType<typeof buildToMemory>>): Promise<void> => {
        expect(result.ok, JSON.stringify(result.problems)).toBe(true)
        const clean = await buildToMemory({ ...options, cache: false })
        expect([...result.output.keys()].sort()).toEqual([...clean.output.keys()].sort())
        for (const [file, bytes] of clean.output) expect(Buffer.from(result.output.get(file)!).equals(bytes), file).toBe(true)
      }
      forgetLastBuild()
      expect((await buildToMemory(options, writer)).ok).toBe(true)
      const gamma = path.join(dir, 'content/2021-02/gamma.md')
      await writeFile(gamma, paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'], body: 'A new summary, $g^2$.' }))
      const edited = await buildToMemory({ ...options, changedSince: new Set([gamma]) }, writer)
      expect(edited.graphKept).toBe(true)
      await same(edited)
      // A file added to January while only February was named is not seen: January was not listed again.
      const delta = path.join(dir, 'content/2021-01/delta.md')
      await writeFile(delta, paperFile({ title: 'Delta', date: '2021-01-20', tags: ['x'] }))
      const unnamed = await buildToMemory({ ...options, changedSince: new Set([gamma]) }, writer)
      expect(unnamed.site!.papers.map((sp) => sp.paper.slug)).toEqual(['alpha', 'beta', 'gamma'])
      const named = await buildToMemory({ ...options, changedSince: new Set([delta]) }, writer)
      expect(named.site!.papers.map((sp) => sp.paper.slug)).toEqual(['alpha', 'beta', 'delta', 'gamma'])
      expect(named.graphKept).toBe(false)
      await same(named)
      // Every kind of edit, each told as the watcher would, each equal to a clean build.
      const file = (rel: string) => path.join(dir, rel)
      const edits: Array<[string, string | undefined, boolean]> = [
        ['content/2021-01/alpha.md', paperFile({ title: 'Alpha', date: '2021-01-04', tags: ['x'], body: 'Alpha, $a_1$, edited.' }), true],
        ['content/2021-01/alpha.md', paperFile({ title: 'Alpha, retitled', date: '2021-01-04', tags: ['x'], body: 'Alpha, $a_1$, edited.' }), true],
        ['content/2021-01/alpha.md', paperFile({ title: 'Alpha, retitled', date: '2021-01-05', tags: ['x'], body: 'Alpha, $a_1$, edited.' }), false],
        ['content/2021-01/alpha.md', paperFile({ title: 'Alpha, retitled', date: '2021-01-05', tags: ['x', 'z'], body: 'Alpha, $a_1$, edited.' }), false],
        ['content/2021-01/index.md', '---\nsummary: January\n---\nAn intro.\n', false],
        ['content/2021-01/index.md', '---\nsummary: January\n---\nA new intro.\n', true],
        ['content/2021-01/index.md', '---\ntitle: The first month\nsummary: January\n---\nA new intro.\n', false],
        ['templates/partials/card.eta', `${await readFile(file('templates/partials/card.eta'), 'utf8')}<!-- edited -->\n`, true],
        ['content/site.yaml', 'title: Told again\nbaseUrl: https://example.org/\n', false],
        ['content/2021-01/beta.md', undefined, false],
        ['content/2021-02/gamma.md', paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'], body: 'The last summary.' }), true]
      ]
      for (const [rel, text, kept] of edits) {
        if (text === undefined) await rm(file(rel))
        else await writeFile(file(rel), text)
        const result = await buildToMemory({ ...options, changedSince: new Set([file(rel)]) }, writer)
        expect([rel, result.graphKept]).toEqual([rel, kept])
        await same(result)
      }
    } finally {
      forgetLastBuild()
      await cleanup()
    }
  })
})
