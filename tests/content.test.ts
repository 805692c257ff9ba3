import { readdir, readFile, symlink } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { ContentChangedError, forgetParses, loadContent, readBodyAgain, storeParse } from '../src/content/load.js'
import { hashOf } from '../src/cache.js'
import { rm, utimes, writeFile } from 'node:fs/promises'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

const invalidDir = path.join(root, 'tests', 'fixtures', 'invalid')
const cases = JSON.parse(await readFile(path.join(invalidDir, 'cases.json'), 'utf8')) as Record<string, { ruleId: string; line: number; column: number }>
let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()))
  cleanups = []
})

async function contentWith(files: Record<string, string | Uint8Array>): Promise<string> {
  const { dir, cleanup } = await tempDir()
  cleanups.push(cleanup)
  return writeContent(path.join(dir, 'content'), { 'site.yaml': 'title: Test\n', ...files })
}

describe('invalid fixtures: one problem each, at the right place', () => {
  it('has an expectation for every fixture file', async () => {
    const files = (await readdir(invalidDir)).filter((f) => f.endsWith('.md')).sort()
    expect(files).toEqual(Object.keys(cases).sort())
  })

  for (const [name, expected] of Object.entries(cases)) {
    it(`${name} → ${expected.ruleId} at ${expected.line}:${expected.column}`, async () => {
      const bytes = await readFile(path.join(invalidDir, name))
      const dir = await contentWith({ [`2021-01/${name.replace(/\.md$/, '')}.md`]: bytes })
      const result = await build({ contentDir: dir, dryRun: true, cwd: path.dirname(dir) })
      expect(result.ok).toBe(false)
      const errors = result.problems.filter((p) => p.severity === 'error')
      expect(errors.map((p) => ({ ruleId: p.ruleId, line: p.line, column: p.column }))).toContainEqual(expected)
      for (const p of errors) expect(p.file).toBe(`content/2021-01/${name}`)
    })
  }
})

describe('loadContent', () => {
  it('in a long-lived process, reads again files whose stat changed (a time put back included), or changed just before they were read', async () => {
    const body = (word: string) => paperFile({ date: '2021-01-04', body: `Summary ${word}.` })
    const dir = await contentWith({ '2021-01/a-paper.md': body('one') })
    const file = path.join(dir, '2021-01/a-paper.md')
    const options = { cwd: path.dirname(dir) }
    const summary = async () => (await loadContent(dir, options)).papers[0]!.body.trim().split('\n').at(-1)
    forgetParses()
    // Write the file (or not), then give it a modification time.
    const save = async (time: Date, word?: string) => {
      if (word) await writeFile(file, body(word))
      await utimes(file, time, time)
    }
    // Last changed long before it is read: its stat stands for its text.
    const past = new Date(Date.now() - 60_000)
    await save(past)
    expect(await summary()).toBe('Summary one.')
    // The same size, modification time and file, other bytes: the write changed the file's change
    // time, so it is read again.
    await save(past, 'two')
    expect(await summary()).toBe('Summary two.')
    // Another size: read again.
    await save(past, 'three')
    expect(await summary()).toBe('Summary three.')
    // Changed just before it was read, as on a file system with coarse times: always read again.
    const recent = new Date(Date.now() - 500)
    await save(recent)
    expect(await summary()).toBe('Summary three.')
    await save(recent, 'thrEE')
    expect(await summary()).toBe('Summary thrEE.')
    forgetParses()
  })

  it('with the files that may have changed named, reads only those and a new file, and takes the others as the last load did', async () => {
    const body = (word: string) => paperFile({ date: '2021-01-04', body: `Summary ${word}.` })
    const dir = await contentWith({ '2021-01/a-paper.md': body('a1'), '2021-01/b-paper.md': body('b1') })
    const [a, b, c] = ['a', 'b', 'c'].map((x) => path.join(dir, `2021-01/${x}-paper.md`)) as [string, string, string]
    const options = { cwd: path.dirname(dir) }
    const summaries = async (changedSince?: Set<string>) =>
      (await loadContent(dir, { ...options, ...(changedSince ? { changedSince } : {}) })).papers.map((p) => `${p.slug}: ${p.body.trim().split('\n').at(-1)}`)
    forgetParses()
    expect(await summaries()).toEqual(['a-paper: Summary a1.', 'b-paper: Summary b1.'])
    // Both change, with other sizes; a third appears. Only `a` is named: `b` is not even looked at.
    await writeFile(a, body('a22'))
    await writeFile(b, body('b22'))
    await writeFile(c, body('c1'))
    expect(await summaries(new Set([a]))).toEqual(['a-paper: Summary a22.', 'b-paper: Summary b1.', 'c-paper: Summary c1.'])
    // Without names, every file is checked again.
    expect(await summaries()).toEqual(['a-paper: Summary a22.', 'b-paper: Summary b22.', 'c-paper: Summary c1.'])
    forgetParses()
  })

  it('with the files that may have changed named, takes a month folder none of them is in as the last load did, without listing it', async () => {
    const paper = (date: string, word: string) => paperFile({ date, body: `Summary ${word}.` })
    const dir = await contentWith({
      '2021-01/a-paper.md': paper('2021-01-04', 'a1'),
      // A warning of the month that is kept is reported again.
      '2021-01/b-paper.ru.md': '---\ntitle: B\n---\nB.\n',
      '2021-02/c-paper.md': paper('2021-02-04', 'c1')
    })
    const [a, c, d] = ['2021-01/a-paper.md', '2021-02/c-paper.md', '2021-01/d-paper.md'].map((f) => path.join(dir, f)) as [string, string, string]
    const options = { cwd: path.dirname(dir) }
    forgetParses()
    const first = await loadContent(dir, options)
    expect(first.problems.map((p) => p.ruleId)).toEqual(['unknown-language'])
    await writeFile(c, paper('2021-02-04', 'c2'))
    // A file appears in January, but the watcher is said to have seen a change in February only.
    await writeFile(d, paper('2021-01-05', 'd1'))
    const second = await loadContent(dir, { ...options, changedSince: new Set([c]) })
    expect(second.papers.map((p) => `${p.slug}: ${p.body.trim().split('\n').at(-1)}`)).toEqual(['a-paper: Summary a1.', 'c-paper: Summary c2.'])
    expect(second.papers[0]).toBe(first.papers[0])
    expect(second.months[0]).toBe(first.months[0])
    expect(second.problems).toEqual(first.problems)
    // Named, the new file is found; and the load is what a load of every file makes.
    await writeFile(a, paper('2021-01-04', 'a2'))
    const third = await loadContent(dir, { ...options, changedSince: new Set([a, d]) })
    forgetParses()
    const fresh = await loadContent(dir, options)
    expect(third.papers.map((p) => p.slug)).toEqual(['a-paper', 'd-paper', 'c-paper'])
    expect(JSON.stringify([third.months, third.papers, third.translations, third.problems])).toBe(JSON.stringify([fresh.months, fresh.papers, fresh.translations, fresh.problems]))
    forgetParses()
  })

  it('takes a stored parse for a file whose text is the same, equal to a fresh one, and parses a changed file again', async () => {
    const dir = await contentWith({
      '2021-01/index.md': '---\nsummary: January\n---\nThe month, introduced at some length.\n',
      '2021-01/a-paper.md': paperFile({ date: '2021-01-04', body: 'A summary with $a^2$ math.' }),
      '2021-01/b-paper.md': paperFile({ date: '2021-01-11' })
    })
    const options = { cwd: path.dirname(dir), remember: false }
    const first = await loadContent(dir, options)
    // As a cache on disk keeps them: through a structured clone.
    const stored = structuredClone(new Map([...first.parses].map(([key, parse]) => [key, storeParse(parse)])))
    const second = await loadContent(dir, { ...options, parses: stored })
    expect(second.restored).toBe(first.parses.size)
    // Equal field for field, and in the same order: records made from them hash the same.
    expect(JSON.stringify(second.papers)).toBe(JSON.stringify(first.papers))
    expect(JSON.stringify(second.months)).toBe(JSON.stringify(first.months))

    await writeFile(path.join(dir, '2021-01/a-paper.md'), paperFile({ date: '2021-01-04', body: 'Another summary.' }))
    const third = await loadContent(dir, { ...options, parses: stored })
    expect(third.restored).toBe(first.parses.size - 1)
    expect(third.papers.find((p) => p.slug === 'a-paper')!.body).toContain('Another summary.')
  })

  it('does not read a file whose hash is given and whose stored parse has that hash, and reads one whose hash differs', async () => {
    const dir = await contentWith({
      '2021-01/index.md': '---\nsummary: January\n---\nThe month.\n',
      '2021-01/a-paper.md': paperFile({ date: '2021-01-04', title: 'As Hashed' }),
      '2021-01/b-paper.md': paperFile({ date: '2021-01-11', title: 'B As Hashed' })
    })
    const a = path.join(dir, '2021-01/a-paper.md')
    const b = path.join(dir, '2021-01/b-paper.md')
    const options = { cwd: path.dirname(dir), remember: false }
    const first = await loadContent(dir, options)
    const stored = structuredClone(new Map([...first.parses].map(([key, parse]) => [key, storeParse(parse)])))
    const hashes = new Map([...stored.values()].map((parse) => [(parse.value as { absPath: string }).absPath, parse.hash]))
    expect(hashes.get(a)).toBe(hashOf(await readFile(a)))
    // Both files change on disk, but the hashes given say `a` did not (as a fingerprint that
    // trusted its stat would): its stored parse is taken without reading it; `b` is read.
    await writeFile(a, paperFile({ date: '2021-01-04', title: 'Changed Behind The Hash' }))
    await writeFile(b, paperFile({ date: '2021-01-11', title: 'B Changed' }))
    hashes.set(b, 'not-its-hash')
    const second = await loadContent(dir, { ...options, parses: stored, hashes })
    expect(second.papers.map((p) => p.title)).toEqual(['As Hashed', 'B Changed'])
    expect(second.restored).toBe(first.parses.size - 1)
    // Without a stored parse, a file is read whatever its hash.
    const third = await loadContent(dir, { ...options, hashes })
    expect(third.papers.map((p) => p.title)).toEqual(['Changed Behind The Hash', 'B Changed'])
  })

  it('reads a paper body again as its parse has it, and refuses a file that changed since', async () => {
    const dir = await contentWith({ '2021-01/a-paper.md': paperFile({ date: '2021-01-04', body: 'A summary with $a^2$ math.' }) })
    const { papers } = await loadContent(dir, { cwd: path.dirname(dir), remember: false })
    const paper = papers[0]!
    expect(readBodyAgain(paper.absPath, paper.textHash)).toBe(paper.body)
    await writeFile(paper.absPath, paperFile({ date: '2021-01-04', body: 'Another summary.' }))
    expect(() => readBodyAgain(paper.absPath, paper.textHash)).toThrow(ContentChangedError)
    await rm(paper.absPath)
    expect(() => readBodyAgain(paper.absPath, paper.textHash)).toThrow(ContentChangedError)
  })

  it('loads a valid paper with its fields as written', async () => {
    const dir = await contentWith({ '2021-01/a-paper.md': paperFile({ date: '2021-01-31' }) })
    const { papers, problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems).toEqual([])
    expect(papers).toHaveLength(1)
    const paper = papers[0]!
    expect(paper.slug).toBe('a-paper')
    expect(paper.date).toBe('2021-01-31')
    expect(paper.authors).toEqual(['Ada Lovelace', 'Alan Turing'])
    expect(paper.links.paper).toBe('https://arxiv.org/abs/2007.10412')
    // The body keeps its line numbers: the summary is on line 10 of the file.
    expect(paper.body.split('\n')[9]).toBe('A summary with $a^2$ math.')
  })

  it('reports every problem of a build at once', async () => {
    const dir = await contentWith({
      '2021-01/one.md': paperFile({ date: '2021-02-01' }),
      '2021-01/two.md': '---\ntitle: x\n---\nbody\n',
      '2021-01/Bad_Name.md': paperFile()
    })
    const { problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems.map((p) => p.ruleId).sort()).toEqual(['date-outside-month', 'invalid-slug', 'missing-authors', 'missing-takeaway', 'missing-year', 'missing-date'].sort())
  })

  it('suggests the nearest key for a typo', async () => {
    const dir = await contentWith({ '2021-01/a.md': paperFile({ extra: 'venu: ICLR 2021' }) })
    const { problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems).toHaveLength(1)
    expect(problems[0]!.message).toContain('did you mean `venue`?')
  })

  it('keeps dates as written, without a time-zone shift', async () => {
    const dir = await contentWith({ '2021-01/a.md': paperFile({ date: '2021-01-01' }).replace('"2021-01-01"', '2021-01-01') })
    const { papers, problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems).toEqual([])
    expect(papers[0]!.date).toBe('2021-01-01')
  })

  it('accepts CRLF line endings and a BOM with the same places', async () => {
    const text = '\uFEFF' + paperFile().replace('year: 2020', 'year: soon').replace(/\n/g, '\r\n')
    const dir = await contentWith({ '2021-01/a.md': text })
    const { problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems.map((p) => [p.ruleId, p.line, p.column])).toEqual([['invalid-year', 4, 7]])
  })

  it('never evaluates JavaScript front matter', async () => {
    const marker = path.join(path.dirname(await contentWith({})), 'pwned')
    const dir = await contentWith({ '2021-01/a.md': `---js\n{ title: (require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 'T') }\n---\nBody\n` })
    const { problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems[0]!.ruleId).toBe('front-matter-language')
    await expect(readFile(marker)).rejects.toThrow()
  })

  it('leaves drafts out unless asked', async () => {
    const dir = await contentWith({ '2021-01/a.md': paperFile({ extra: 'draft: true' }) })
    expect((await loadContent(dir)).papers).toHaveLength(0)
    expect((await loadContent(dir, { drafts: true })).papers).toHaveLength(1)
  })

  it('refuses a symbolic link that leads out of the content folder', async () => {
    const dir = await contentWith({ '2021-01/a.md': paperFile() })
    const outside = path.join(path.dirname(dir), 'outside.md')
    await writeContent(path.dirname(dir), { 'outside.md': paperFile() })
    await symlink(outside, path.join(dir, '2021-01', 'b.md'))
    const { problems, papers } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(papers.map((p) => p.slug)).toEqual(['a'])
    expect(problems.map((p) => [p.file, p.ruleId])).toEqual([['content/2021-01/b.md', 'symlink-outside-content']])
  })

  it('validates site.yaml with places and hints', async () => {
    const dir = await contentWith({ 'site.yaml': 'title: T\nbaseUrl: /relative/\nlanguge: en\n' })
    const { problems } = await loadContent(dir, { cwd: path.dirname(dir) })
    expect(problems.map((p) => ({ file: p.file, line: p.line, ruleId: p.ruleId }))).toEqual([
      { file: 'content/site.yaml', line: 2, ruleId: 'invalid-setting-base-url' },
      { file: 'content/site.yaml', line: 3, ruleId: 'unknown-key' }
    ])
    expect(problems[1]!.message).toContain('did you mean `language`?')
  })
})
