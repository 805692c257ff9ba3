import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import katex from 'katex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changePaper, generateSite, writeSite, type GeneratedSite } from '../src/bench/generate.js'
import { buildReference } from '../src/bench/reference.js'
import { median, summarise, type Sample } from '../src/bench/report.js'
import { buildToMemory } from '../src/build.js'

describe('the benchmark content generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const a = generateSite({ papers: 60, seed: 7 })
    const b = generateSite({ papers: 60, seed: 7 })
    const c = generateSite({ papers: 60, seed: 8 })
    expect([...a.files.entries()]).toEqual([...b.files.entries()])
    expect([...a.files.values()].join('')).not.toEqual([...c.files.values()].join(''))
  })

  it('writes the number of papers asked for, a few to thirty a month, with tables and code now and then', () => {
    const site = generateSite({ papers: 1000 })
    expect(site.papers).toHaveLength(1000)
    expect(new Set(site.papers.map((p) => p.path)).size).toBe(1000)
    const perMonth = site.months.map((m) => site.papers.filter((p) => p.month === m).length)
    expect(Math.min(...perMonth.slice(0, -1))).toBeGreaterThanOrEqual(4)
    expect(Math.max(...perMonth)).toBeLessThanOrEqual(30)
    const tables = site.papers.filter((p) => p.hasTable).length / 1000
    const code = site.papers.filter((p) => p.hasCode).length / 1000
    expect(tables).toBeGreaterThan(0.15)
    expect(tables).toBeLessThan(0.25)
    expect(code).toBeGreaterThan(0.15)
    expect(code).toBeLessThan(0.25)
    for (const p of site.papers) {
      expect(p.displayMath).toHaveLength(1)
      expect(p.inlineMath.length).toBeGreaterThanOrEqual(3) // 2-4 in the summary, one in the takeaway
    }
  })

  it('fills months a few times over when a site would otherwise run past 2100', () => {
    const site = generateSite({ papers: 400, seed: 2, firstMonth: '2099-01' })
    expect(site.papers).toHaveLength(400)
    expect(Math.max(...site.papers.map((p) => Number(p.month.slice(0, 4))))).toBeLessThanOrEqual(2100)
    // A site that fits keeps its weekly months.
    expect(generateSite({ papers: 400, seed: 2 }).months.length).toBeGreaterThan(40)
  })

  it('varies its formulas', () => {
    const site = generateSite({ papers: 200, seed: 3 })
    const display = site.papers.flatMap((p) => p.displayMath)
    expect(new Set(display).size / display.length).toBeGreaterThan(0.9)
    const inline = site.papers.flatMap((p) => p.inlineMath)
    expect(new Set(inline).size / inline.length).toBeGreaterThan(0.6)
  })

  it('writes only formulas KaTeX renders without an error or a warning', () => {
    const site = generateSite({ papers: 300, seed: 11 })
    let count = 0
    for (const paper of site.papers) {
      for (const [formula, displayMode] of [...paper.inlineMath.map((f) => [f, false] as const), ...paper.displayMath.map((f) => [f, true] as const)]) {
        expect(() => katex.renderToString(formula, { displayMode, throwOnError: true, strict: 'error', macros: { ...site.macros } }), formula).not.toThrow()
        count++
      }
    }
    expect(count).toBeGreaterThan(1000)
  })

  it('changes a paper\'s summary, not its front matter', () => {
    const site = generateSite({ papers: 5 })
    const text = site.files.get(site.papers[0]!.path)!
    const changed = changePaper(text, 'run 1')
    expect(changed).not.toBe(text)
    const front = (t: string) => t.slice(0, t.indexOf('\n---\n', 4))
    expect(front(changed)).toBe(front(text))
    expect(changed).toContain('(run 1)')
  })
})

describe('a generated site', () => {
  let dir: string
  let site: GeneratedSite
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'collage-bench-test-'))
    site = generateSite({ papers: 30, seed: 5 })
    await writeSite(site, path.join(dir, 'content'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('builds with collage without a single problem', async () => {
    const result = await buildToMemory({ contentDir: path.join(dir, 'content'), cwd: dir })
    expect(result.problems).toEqual([])
    expect(result.ok).toBe(true)
    for (const paper of site.papers) {
      const page = result.output.get(`${paper.month.slice(0, 4)}/${paper.month.slice(5, 7)}/${paper.slug}/index.html`)
      expect(page, paper.path).toBeDefined()
      expect(Buffer.from(page!).toString('utf8')).toContain('class="katex')
    }
  })

  it('builds with the reference pipeline, one page per paper', async () => {
    const out = path.join(dir, 'reference')
    const { pages } = await buildReference(path.join(dir, 'content'), out)
    expect(pages).toBe(30)
    const first = site.papers[0]!
    const html = await readFile(path.join(out, first.month.slice(0, 4), first.month.slice(5, 7), first.slug, 'index.html'), 'utf8')
    expect(html).toContain('class="katex-display"')
    expect(html).not.toContain('katex-error')
  })
})

describe('the benchmark report', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
  })

  it('computes the speedup of a cold build over the reference', () => {
    const sample = (ms: number, pages: number): Sample => ({ mode: 'collage', ms, pages, maxRssKb: 1024, errors: 0, warnings: 0, processMs: ms, treePeakRssKb: 2048 })
    const { scenarios, speedup, speedupPerPage } = summarise({
      reference: [sample(1000, 10), sample(3000, 10), sample(2000, 10)],
      cold: [sample(500, 20), sample(1000, 20), sample(700, 20)],
      unchanged: [sample(400, 20)],
      oneChanged: [sample(450, 20)],
      latestChanged: [sample(300, 20), sample(350, 20)]
    })
    expect(scenarios.map((s) => s.ms)).toEqual([2000, 700, 400, 450, 325])
    expect(speedup).toBeCloseTo(2000 / 700)
    expect(speedupPerPage).toBeCloseTo(200 / 35)
    expect(scenarios[0]!.peakRssMb).toBe(1)
    expect(scenarios[0]!.treePeakRssMb).toBe(2)
  })
})
