import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { paperTemplate, slugFor, yearOfArxiv } from '../src/new.js'
import { codeFrame, formatReport } from '../src/report.js'
import type { Problem } from '../src/types.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

const run = promisify(execFile)
const bin = path.join(root, 'bin', 'collage.js')

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir('collage-cli-'))
})
afterEach(async () => cleanup())

/** Run the compiled CLI in the temporary folder. */
async function cli(args: string[], env: Record<string, string> = { NO_COLOR: '1' }): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env }
  delete base.FORCE_COLOR
  delete base.NO_COLOR
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir, env: { ...base, ...env } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const site = { 'site.yaml': 'title: T\nauthor: The editors\n', '2021-01/index.md': '---\nsummary: s\n---\nIntro.\n' }

describe('collage new', () => {
  it('creates a draft paper with every field, and the month index, and prints their paths', async () => {
    await writeContent(path.join(dir, 'content'), { 'site.yaml': site['site.yaml'] })
    const result = await cli(['new', 'Attention Is All You Need', '--arxiv', '1706.03760', '--date', '2021-02-03'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Created content/2021-02/attention-is-all-you-need.md\nCreated content/2021-02/index.md\n')
    const text = await readFile(path.join(dir, 'content', '2021-02', 'attention-is-all-you-need.md'), 'utf8')
    expect(text).toContain('title: "Attention Is All You Need"')
    // Kept as typed: the argument parser would make the number 1706.0376 of it.
    expect(text).toContain('arxiv: "1706.03760"')
    expect(text).toMatch(/^year: 2017 /m)
    expect(text).toMatch(/^date: "2021-02-03" /m)
    expect(text).toMatch(/^draft: true /m)
    for (const key of ['title', 'authors', 'year', 'date', 'venue', 'arxiv', 'doi', 'links', 'paper', 'code', 'discussion', 'tags', 'takeaway', 'figure', 'src', 'alt', 'draft']) {
      expect(text, key).toMatch(new RegExp(`^(# ?)?\\s*${key}:`, 'm'))
    }
    expect(text).toMatch(/^TODO: the summary/m)
    const index = await readFile(path.join(dir, 'content', '2021-02', 'index.md'), 'utf8')
    expect(index).toContain('# title: February 2021')
  })

  it('makes a file that passes check as a draft, and is refused until its TODOs are filled in once it is not', async () => {
    await writeContent(path.join(dir, 'content'), site)
    expect((await cli(['new', 'Spectral Bias', '--date', '2021-01-20'])).code).toBe(0)
    const file = path.join(dir, 'content', '2021-01', 'spectral-bias.md')
    expect((await cli(['check', '--drafts'])).code).toBe(0)
    expect((await cli(['check'])).code).toBe(0)
    const built = await cli(['build', '--out', 'out'])
    expect(built.code).toBe(0)
    expect(await readdir(path.join(dir, 'out', '2021', '01'))).not.toContain('spectral-bias')

    await writeFile(file, (await readFile(file, 'utf8')).replace(/^draft: true.*\n/m, ''))
    const refused = await cli(['check', '--format', 'json'])
    expect(refused.code).toBe(1)
    const problems = (JSON.parse(refused.stdout) as { problems: Problem[] }).problems
    expect(problems.map((p) => `${p.line}:${p.column} ${p.ruleId}`)).toEqual([
      '3:11 placeholder-left',
      '3:33 placeholder-left',
      '10:10 placeholder-left',
      '14:11 placeholder-left',
      '19:1 placeholder-left'
    ])
    expect(problems[0]!.message).toBe('`authors.0` still holds a TODO placeholder: fill it in, or keep `draft: true` until the card is ready')
  })

  it('never overwrites: exits 1 and leaves the file as it was', async () => {
    await writeContent(path.join(dir, 'content'), site)
    expect((await cli(['new', 'A Title', '--date', '2021-01-05'])).code).toBe(0)
    const file = path.join(dir, 'content', '2021-01', 'a-title.md')
    await writeFile(file, 'mine')
    const again = await cli(['new', 'A Title', '--date', '2021-01-05'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('content/2021-01/a-title.md already exists; nothing was written')
    expect(await readFile(file, 'utf8')).toBe('mine')
    expect((await cli(['new', 'A Title', '--date', '2021-01-05', '--slug', 'a-title-2'])).code).toBe(0)
    // The month index existed: it is neither rewritten nor reported.
    expect(await readFile(path.join(dir, 'content', '2021-01', 'index.md'), 'utf8')).toBe(site['2021-01/index.md'])
  })

  it('falls back to paper-<date> for titles with no ASCII letters, and defaults the date to today (UTC)', async () => {
    await mkdir(path.join(dir, 'content'))
    const result = await cli(['new', '注意力就是一切'])
    expect(result.code).toBe(0)
    const today = new Date().toISOString().slice(0, 10)
    expect(result.stdout).toContain(`Created content/${today.slice(0, 7)}/paper-${today}.md`)
    const text = await readFile(path.join(dir, 'content', today.slice(0, 7), `paper-${today}.md`), 'utf8')
    expect(text).toContain('title: "注意力就是一切"')
    expect(text).toContain(`date: "${today}"`)
  })

  it('takes --content and joins an unquoted title', async () => {
    await mkdir(path.join(dir, 'notes'))
    const result = await cli(['new', 'Neural', 'Processes', '--content', 'notes', '--date', '2021-03-01'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Created notes/2021-03/neural-processes.md')
  })

  it('exits 2 on a bad date, arXiv id, slug or missing title, and 1 on a missing content folder', async () => {
    await mkdir(path.join(dir, 'content'))
    for (const args of [
      ['new', 'T', '--date', '2021-02-30'],
      ['new', 'T', '--date', 'tomorrow'],
      ['new', 'T', '--arxiv', 'abc'],
      ['new', 'T', '--slug', 'Not A Slug'],
      ['new', 'T', '--slug', 'index'],
      ['new'],
      ['new', '   ']
    ]) {
      const result = await cli(args)
      expect(result.code, args.join(' ')).toBe(2)
    }
    const missing = await cli(['new', 'T', '--content', 'nowhere'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('Content folder nowhere does not exist')
    expect(await readdir(dir)).toEqual(['content'])
  })
})

describe('slugs, years and the template', () => {
  it('makes ASCII slugs of at most 80 characters', () => {
    expect(slugFor('Attention Is All You Need', '2021-01-01')).toBe('attention-is-all-you-need')
    expect(slugFor('Über $\\beta$-VAE: "Ça va?"', '2021-01-01')).toBe('ueber-beta-vae-ca-va')
    expect(slugFor('∑∂ → ∞', '2021-01-02')).toBe('paper-2021-01-02')
    expect(slugFor('Index', '2021-01-02')).toBe('index-paper')
    const long = slugFor('word '.repeat(40), '2021-01-01')
    expect(long.length).toBeLessThanOrEqual(80)
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(slugFor('x'.repeat(200), '2021-01-01')).toBe('x'.repeat(80))
  })

  it('reads the year from arXiv ids', () => {
    expect(yearOfArxiv('2007.10412')).toBe(2020)
    expect(yearOfArxiv('1706.03762v5')).toBe(2017)
    expect(yearOfArxiv('hep-th/9901001')).toBe(1999)
    expect(yearOfArxiv('nonsense')).toBeUndefined()
  })

  it('quotes any title as valid YAML', () => {
    const text = paperTemplate({ title: 'a "b" \\c $x$ # not a comment: yes', date: '2021-01-01' })
    expect(text).toContain('title: "a \\"b\\" \\\\c $x$ # not a comment: yes"')
  })
})

describe('collage check', () => {
  const broken = {
    ...site,
    '2021-01/good.md': paperFile().replace('year: 2020', 'year: "twenty"'),
    '2021-01/other.md': paperFile({ body: 'Broken $\\frac{$ math.' })
  }

  it('exits 0 and says so on clean content, with the time it took', async () => {
    await writeContent(path.join(dir, 'content'), { ...site, '2021-01/good.md': paperFile() })
    const result = await cli(['check'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^No errors in (\d+ ms|\d+\.\d+ s)\n$/)
    expect(result.stderr).toBe('')
    const json = await cli(['check', '--format', 'json'])
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, problems: [] })
  })

  it('prints every problem grouped by file, with a code frame, and the count at the end; exits 1', async () => {
    await writeContent(path.join(dir, 'content'), broken)
    const result = await cli(['check'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^Found 2 errors in (\d+ ms|\d+\.\d+ s)\n$/)
    expect(result.stderr).not.toContain('\u001b[')
    expect(result.stderr.split('\n')).toEqual([
      'content/2021-01/good.md (1 error)',
      'content/2021-01/good.md:4:7: `year`: must be a year such as 2021 (invalid-year)',
      '  3 | authors: [Ada Lovelace, Alan Turing]',
      '> 4 | year: "twenty"',
      '    |       ^',
      '  5 | date: "2021-01-04"',
      '',
      'content/2021-01/other.md (1 error)',
      "content/2021-01/other.md:10:8: Cannot render math: Unexpected end of input in a macro argument, expected '}' (math-error)",
      '   9 | ---',
      '> 10 | Broken $\\frac{$ math.',
      '     |        ^',
      '',
      ''
    ])
  })

  it('prints JSON with --format json, and nothing else', async () => {
    await writeContent(path.join(dir, 'content'), broken)
    const result = await cli(['check', '--format', 'json'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('')
    const parsed = JSON.parse(result.stdout) as { ok: boolean; problems: Problem[] }
    expect(parsed.ok).toBe(false)
    expect(parsed.problems).toEqual([
      { file: 'content/2021-01/good.md', line: 4, column: 7, message: '`year`: must be a year such as 2021', ruleId: 'invalid-year', severity: 'error' },
      {
        file: 'content/2021-01/other.md',
        line: 10,
        column: 8,
        message: "Cannot render math: Unexpected end of input in a macro argument, expected '}'",
        ruleId: 'math-error',
        severity: 'error'
      }
    ])
  })

  it('colours only when asked to (FORCE_COLOR), never with NO_COLOR', async () => {
    await writeContent(path.join(dir, 'content'), broken)
    expect((await cli(['check'], { FORCE_COLOR: '1' })).stderr).toContain('\u001b[31m')
    expect((await cli(['check'], { NO_COLOR: '1' })).stderr).not.toContain('\u001b[')
    expect((await cli(['check', '--format', 'json'], { FORCE_COLOR: '1' })).stdout).not.toContain('\u001b[')
  })

  it('takes --content, reports a missing content folder, and exits 2 on a bad --format', async () => {
    await writeContent(path.join(dir, 'elsewhere'), { ...site, '2021-01/good.md': paperFile() })
    expect((await cli(['check', '--content', 'elsewhere'])).code).toBe(0)
    const missing = await cli(['check', '--content', 'nowhere'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nowhere:1:1: Content folder does not exist (missing-content)')
    expect((await cli(['check', '--content', 'elsewhere', '--format', 'xml'])).code).toBe(2)
  })
})

describe('the terminal report', () => {
  const problem = (over: Partial<Problem>): Problem => ({ file: 'a.md', line: 2, column: 3, message: 'm', ruleId: 'r', severity: 'error', ...over })

  it('neutralises control characters from content, so a file cannot drive the terminal', () => {
    const source = 'one\nx\u001b[2J\u202eevil\ttab\nthree'
    const out = formatReport([problem({ message: 'bad \u001b[31m' })], { sources: new Map([['a.md', source]]) })
    expect(out).not.toMatch(/[\u001b\u202e]/)
    expect(out).toContain('> 2 | x\uFFFD[2J\uFFFDevil tab')
  })

  it('puts the caret under the column, also in a long line, and skips the frame outside the file', () => {
    const long = 'a'.repeat(300) + 'X' + 'b'.repeat(300)
    const frame = codeFrame(long, 1, 301)
    expect(frame).toHaveLength(1)
    expect(frame[0]!.text[frame[0]!.caret!]).toBe('X')
    expect(frame[0]!.text.length).toBeLessThanOrEqual(122)
    expect(codeFrame('one line', 5, 1)).toEqual([])
    expect(formatReport([problem({ line: 9 })], { sources: new Map([['a.md', 'x\n']]) })).toBe('a.md (1 error)\na.md:9:3: m (r)')
  })

  it('counts errors and warnings per file, in the order given', () => {
    const out = formatReport([problem({}), problem({ severity: 'warning', line: 3 }), problem({ file: 'b.md' })])
    expect(out.split('\n')).toEqual(['a.md (1 error, 1 warning)', 'a.md:2:3: m (r)', 'a.md:3:3: warning: m (r)', '', 'b.md (1 error)', 'b.md:2:3: m (r)'])
  })
})
