import { execFile } from 'node:child_process'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { toText } from 'hast-util-to-text'
import katex from 'katex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, buildToMemory } from '../src/build.js'
import { validateHtml } from './helpers/gate.js'
import { page, urlsOf } from './helpers/html.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

const run = promisify(execFile)
const bin = path.join(root, 'bin', 'collage.js')

describe('the bundled January 2021 digest', () => {
  let output: Map<string, Uint8Array>
  const get = (p: string): string => Buffer.from(output.get(p) ?? '').toString('utf8')

  beforeAll(async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root })
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(result.ok).toBe(true)
    output = result.output
  })

  it('writes every page of the URL contract', () => {
    const pages = [...output.keys()].filter((p) => p.endsWith('.html') && !/^(ru\/)?(tags|authors|search)\//.test(p)).sort()
    const english = [
      '2021/01/attentive-neural-processes/index.html',
      '2021/01/face-patch-disentanglement/index.html',
      '2021/01/index.html',
      '2021/01/randomized-autodiff/index.html',
      '2021/01/slides/index.html',
      '2021/01/spectral-bias/index.html',
      '404.html',
      'archive/index.html',
      'index.html'
    ]
    // The bundled content is in English and Russian: every page again under /ru/.
    expect(pages).toEqual([...english, ...english.map((p) => `ru/${p}`)])
  })

  it('shows the month\'s cards in date order, with intro and closing words', () => {
    const month = page(get('2021/01/index.html'))
    expect(month.all('article.collage-card').map((a) => a.properties.id)).toEqual(['face-patch-disentanglement', 'randomized-autodiff', 'spectral-bias', 'attentive-neural-processes'])
    expect(month.text('.month-intro')).toMatch(/\w+/)
    expect(month.text('.month-outro')).toContain('#mlcollage')
    expect(month.text('h1')).toBe('January 2021')
  })

  it('renders each card from the same partial on home, month and paper pages', () => {
    const cardOf = (file: string, id: string) => {
      const card = page(get(file)).one(`article.collage-card#${id}`)
      expect(card, `${id} on ${file}`).toBeDefined()
      return card!
    }
    for (const id of ['randomized-autodiff', 'spectral-bias']) {
      const onMonth = cardOf('2021/01/index.html', id)
      const onHome = cardOf('index.html', id)
      const onPaper = cardOf(`2021/01/${id}/index.html`, id)
      for (const card of [onMonth, onHome, onPaper]) {
        expect(page(get('2021/01/index.html')).all(`#${id} .card-takeaway`)).toHaveLength(1)
        expect(card.properties.className).toContain('collage-card')
      }
    }
  })

  it('renders math at build time with HTML and MathML, and ships no math JavaScript', () => {
    const html = get('2021/01/attentive-neural-processes/index.html')
    expect(html).toContain('class="katex-display"')
    expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">')
    expect(html).not.toContain('$$')
    expect([...output.keys()].filter((f) => /katex.*\.js$|mathjax/i.test(f))).toEqual([])
    // Month and home pages need no script at all; a paper page only the copy button's.
    for (const file of ['index.html', '2021/01/index.html', 'archive/index.html']) expect(get(file)).not.toMatch(/<script(?! type="application\/ld\+json")/)
    expect(page(get('2021/01/spectral-bias/index.html')).all('script[src]').map((s) => s.properties.src)).toEqual(['/assets/copy.js'])
  })

  it('ships KaTeX\'s CSS and only its woff2 fonts, from the version that rendered the math', async () => {
    const fonts = [...output.keys()].filter((p) => p.startsWith('assets/katex/fonts/'))
    expect(fonts.length).toBeGreaterThan(10)
    expect(fonts.every((f) => f.endsWith('.woff2'))).toBe(true)
    const css = get('assets/katex/katex.min.css')
    expect(css).not.toMatch(/\.woff\)|\.ttf\)/)
    const shipped = await readFile(path.join(root, 'node_modules', 'katex', 'dist', 'katex.min.css'), 'utf8')
    expect(css.slice(0, 60)).toBe(shipped.slice(0, 60))
    for (const url of css.match(/url\(([^)]+)\)/g) ?? []) expect(output.has(`assets/katex/${url.slice(4, -1)}`), url).toBe(true)
    expect(katex.version.startsWith('0.16')).toBe(true)
  })

  it('links one stylesheet, KaTeX\'s and the site\'s together, every font in it found', () => {
    for (const file of ['index.html', '2021/01/index.html', '2021/01/slides/index.html', '2021/01/spectral-bias/index.html']) {
      const links = page(get(file)).all('link[rel="stylesheet"]').map((l) => String(l.properties.href).replace(/\?v=.*$/, ''))
      expect(links.filter((href) => href !== '/assets/deck.css'), file).toEqual(['/assets/collage.bundle.css'])
    }
    const bundle = get('assets/collage.bundle.css')
    expect(bundle.startsWith(get('assets/katex/katex.min.css').replace(/url\(fonts\//g, 'url(katex/fonts/'))).toBe(true)
    expect(bundle.endsWith(get('assets/collage.css'))).toBe(true)
    for (const url of bundle.match(/url\(([^)]+)\)/g) ?? []) {
      const target = url.slice(4, -1).replace(/^["']|["']$/g, '')
      if (!target.startsWith('data:')) expect(output.has(path.posix.join('assets', target)), url).toBe(true)
    }
  })

  it('gives a paper page full details and a permanent link', () => {
    const p = page(get('2021/01/randomized-autodiff/index.html'))
    expect(p.text('title')).toBe('Randomized Automatic Differentiation · ML Collage')
    expect(p.all('.author-list li')).toHaveLength(5)
    expect(p.text('.author-list')).toBe('Deniz Oktay Nick McGreivy Joshua Aduol Alex Beatson Ryan P. Adams')
    expect(p.text('.details-list')).toContain('ICLR 2021')
    expect(p.one('link[rel=canonical]')!.properties.href).toBe('https://example.org/2021/01/randomized-autodiff/')
    expect(p.all('.card-links a').map((a) => a.properties.href)).toEqual([
      'https://arxiv.org/abs/2007.10412',
      'https://github.com/PrincetonLIPS/RandomizedAutomaticDifferentiation',
      'https://openreview.net/forum?id=xpx9zj7CUlY'
    ])
  })

  it('links every month from the home page and the archive', () => {
    expect(urlsOf(get('index.html'))).toContain('/2021/01/')
    const archive = urlsOf(get('archive/index.html'))
    for (const slug of ['face-patch-disentanglement', 'randomized-autodiff', 'spectral-bias', 'attentive-neural-processes']) expect(archive).toContain(`/2021/01/${slug}/`)
  })

  it('resolves every internal link to a file of the site', () => {
    for (const [file, bytes] of output) {
      if (!file.endsWith('.html')) continue
      for (const url of urlsOf(bytes)) {
        if (/^[a-z]+:/.test(url) || url.startsWith('#')) continue
        const target = url.split(/[?#]/)[0]!.replace(/^\//, '')
        const exists = output.has(target) || output.has(`${target}index.html`)
        expect(exists, `${file} → ${url}`).toBe(true)
      }
    }
  })
})

describe('templates', () => {
  it('escape every value from content', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const content = await writeContent(path.join(dir, 'content'), {
        'site.yaml': 'title: "<b>Site</b>"\n',
        '2021-01/a.md': paperFile({ title: '<script>alert(1)</script> & "q"' }).replace('A B', 'x').replace('[Ada Lovelace, Alan Turing]', '["<img src=x onerror=alert(1)>"]')
      })
      const result = await buildToMemory({ contentDir: content, cwd: dir })
      expect(result.ok).toBe(true)
      for (const [file, bytes] of result.output) {
        if (!file.endsWith('.html')) continue
        const html = Buffer.from(bytes).toString()
        expect(html, file).not.toMatch(/<script>alert|<img src=x|<b>Site/)
      }
      const paper = Buffer.from(result.output.get('2021/01/a/index.html')!).toString()
      expect(paper).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(page(paper).text('h1')).toBe('<script>alert(1)</script> & "q"')
    } finally {
      await cleanup()
    }
  })
})

describe('the home and archive pages of a site of many months', () => {
  it('show the latest year of papers and link the rest: the home page its months, the archive a page per earlier year', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const files: Record<string, string> = { 'site.yaml': 'title: Long\n' }
      // Thirty months: January 2019 to June 2021.
      const months = Array.from({ length: 30 }, (_, i) => `${2019 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)
      for (const m of months) files[`${m}/p${m.replace('-', '')}.md`] = paperFile({ title: `Paper of ${m}`, date: `${m}-03` })
      const content = await writeContent(path.join(dir, 'content'), files)
      const { MemoryWriter } = await import('../src/output/writer.js')
      // A writer that notes which files a build wrote anew (the others it kept).
      const writer = new MemoryWriter()
      const open = writer.open.bind(writer)
      let written: string[] = []
      writer.open = async () => {
        const session = await open()
        written = []
        return { ...session, write: async (f) => (written.push(f.path), session.write(f)) }
      }
      const options = { contentDir: content, cwd: dir, images: false, search: false }
      const html = (file: string): string => Buffer.from(writer.files.get(file)!).toString()
      expect((await buildToMemory(options, writer)).ok).toBe(true)

      const home = page(html('index.html'))
      const grid = home.all('.month-grid > li .month-cover-title').map((e) => toText(e).trim())
      expect(grid).toHaveLength(12)
      expect(grid[0]).toBe('June 2021')
      expect(grid.at(-1)).toBe('July 2020')
      expect(home.text('#all-months')).toBe('Recent months')
      const more = home.all('.more-months a')
      expect(more.map((a) => [a.properties.href, toText(a).trim()])).toEqual([['/archive/', 'All 30 months in the archive']])

      // The archive lists the papers of the years of the latest twelve months (2020 and 2021), and
      // 2019 month by month, with a page of its own that lists its papers.
      const archive = page(html('archive/index.html'))
      const listed = archive.all('.archive-month h2').map((e) => toText(e).trim())
      expect(listed).toHaveLength(18)
      expect([listed[0], listed.at(-1)]).toEqual(['June 2021', 'January 2020'])
      expect(archive.all('.archive-list a').map((a) => a.properties.href)).not.toContain('/2019/01/p201901/')
      expect(archive.all('.archive-years h3 a').map((a) => [a.properties.href, toText(a).trim()])).toEqual([['/archive/2019/', '2019']])
      expect(archive.all('.archive-year-months a').map((a) => a.properties.href)).toEqual(months.slice(0, 12).map((m) => `/${m.replace('-', '/')}/`))
      const year = page(html('archive/2019/index.html'))
      expect(year.text('h1')).toBe('Archive, 2019')
      expect(year.all('.archive-list a').map((a) => a.properties.href)).toEqual(months.slice(0, 12).reverse().map((m) => `/${m.replace('-', '/')}/p${m.replace('-', '')}/`))
      expect(writer.files.has('archive/2020/index.html')).toBe(false)
      // Valid HTML, as every page of the bundled site is.
      for (const file of ['index.html', 'archive/index.html', 'archive/2019/index.html']) expect(await validateHtml(html(file), file), file).toEqual([])

      // An edit of the oldest paper: its month and its year's page change; the archive and home pages do not.
      await writeFile(path.join(content, '2019-01/p201901.md'), paperFile({ title: 'Paper of 2019-01, renamed', date: '2019-01-03' }))
      expect((await buildToMemory(options, writer)).ok).toBe(true)
      expect(written).toContain('2019/01/index.html')
      expect(written).toContain('archive/2019/index.html')
      expect(written).not.toContain('archive/index.html')
      expect(written).not.toContain('index.html')
      expect(html('archive/2019/index.html')).toContain('Paper of 2019-01, renamed')

      // An edit of a paper of 2021: the archive changes, the page of 2019 does not.
      await writeFile(path.join(content, '2021-02/p202102.md'), paperFile({ title: 'Paper of 2021-02, renamed', date: '2021-02-03' }))
      expect((await buildToMemory(options, writer)).ok).toBe(true)
      expect(written).toContain('archive/index.html')
      expect(written).not.toContain('archive/2019/index.html')
    } finally {
      await cleanup()
    }
  })
})

describe('a search index in parts', () => {
  it('gives each part its data, and only the first part of a language the scripts and styles that search', async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, images: false, searchShardSize: 2 })
    expect(result.ok).toBe(true)
    const files = [...result.output.keys()].filter((f) => f.startsWith('pagefind/'))
    const merged = [...new Set(files.map((f) => /^(pagefind\/(?:[a-z]{2}\/)?shard-(?:\d+|latest)\/)/.exec(f)?.[1]).filter((b): b is string => b !== undefined))]
    expect(merged.length).toBeGreaterThan(1)
    for (const bundle of merged) {
      const own = files.filter((f) => f.startsWith(bundle)).map((f) => f.slice(bundle.length))
      expect(own, bundle).toContain('pagefind-entry.json')
      expect(own.some((f) => /^wasm\.[a-z]+\.pagefind$/.test(f)), bundle).toBe(true)
      expect(own.some((f) => f.startsWith('fragment/')), bundle).toBe(true)
      expect(own.filter((f) => /\.(js|css)$/.test(f)), bundle).toEqual([])
    }
    for (const first of ['pagefind/', 'pagefind/ru/']) for (const script of ['pagefind.js', 'pagefind-ui.js', 'pagefind-ui.css']) expect(files).toContain(first + script)
  })
})

describe('base URL with a path prefix', () => {
  it('keeps every internal link and asset under the prefix', async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, baseUrl: 'https://example.org/digest/' })
    expect(result.ok).toBe(true)
    let checked = 0
    for (const [file, bytes] of result.output) {
      if (!file.endsWith('.html')) continue
      for (const url of urlsOf(bytes)) {
        if (url.startsWith('#')) continue
        if (url.startsWith('https://example.org')) {
          expect(url, file).toMatch(/^https:\/\/example\.org\/digest\//)
        } else if (!/^[a-z]+:/.test(url)) {
          expect(url, file).toMatch(/^\/digest\//)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(50)
  })
})

describe('collage build (CLI)', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
  })
  afterAll(async () => cleanup())

  const cli = async (args: string[]) => {
    try {
      // A command that never ends is stopped, and fails its test.
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('builds, then on a broken file reports every problem and leaves the previous site untouched', async () => {
    await writeContent(path.join(dir, 'content'), { 'site.yaml': 'title: T\n', '2021-01/good.md': paperFile(), '2021-01/index.md': '---\nsummary: s\n---\nIntro.\n' })
    const ok = await cli(['build'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/Built \d+ pages \(\d+ files\) into dist in \d+/)
    const before = await snapshot(path.join(dir, 'dist'))
    expect(before.get('2021/01/good/index.html')).toContain('A Paper')

    await writeContent(path.join(dir, 'content'), {
      '2021-01/good.md': paperFile().replace('year: 2020', 'year: "twenty"'),
      '2021-01/other.md': paperFile({ body: 'Broken $\\frac{$ math.' })
    })
    const failed = await cli(['build'])
    expect(failed.code).toBe(1)
    const lines = failed.stderr.trim().split('\n')
    expect(lines).toContain('content/2021-01/good.md:4:7: `year`: must be a year such as 2021 (invalid-year)')
    expect(lines).toContain("content/2021-01/other.md:10:8: Cannot render math: Unexpected end of input in a macro argument, expected '}' (math-error)")
    expect(lines.at(-1)).toBe('Build failed: 2 errors; dist was left as it was.')
    expect(await snapshot(path.join(dir, 'dist'))).toEqual(before)
  })

  it('reports a broken link found after the search indexer started, and leaves the previous site', async () => {
    await writeContent(path.join(dir, 'content'), { 'site.yaml': 'title: T\n', '2021-01/good.md': paperFile(), '2021-01/index.md': '---\nsummary: s\n---\nIntro.\n' })
    await rm(path.join(dir, 'content', '2021-01', 'other.md'), { force: true })
    expect((await cli(['build'])).code).toBe(0)
    const before = await snapshot(path.join(dir, 'dist'))
    // The summary changes, so its part of the search index is being made when the link is found broken.
    await writeFile(path.join(dir, 'content', '2021-01', 'good.md'), paperFile({ body: 'See [the other one](/2021/01/nowhere/).' }))
    const failed = await cli(['build'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('(broken-link)')
    expect(await snapshot(path.join(dir, 'dist'))).toEqual(before)
  }, 60_000)

  it('exits 2 on wrong usage', async () => {
    expect((await cli(['build', '--base-url', 'not a url'])).code).toBe(2)
    expect((await cli(['build', '--nope'])).code).toBe(2)
    expect((await cli(['frobnicate'])).code).toBe(2)
  })

  it('refuses an output folder that is the working folder or the content folder', async () => {
    for (const out of ['.', 'content']) {
      const result = await cli(['build', '--out', out])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('(unsafe-output)')
    }
  })

  it('removes files of an earlier build that the new one does not make', async () => {
    await writeContent(path.join(dir, 'content'), { '2021-01/good.md': paperFile(), '2021-01/other.md': paperFile() })
    expect((await cli(['build'])).code).toBe(0)
    expect((await snapshot(path.join(dir, 'dist'))).has('2021/01/other/index.html')).toBe(true)
    await writeFile(path.join(dir, 'content', '2021-01', 'other.md'), paperFile({ extra: 'draft: true' }))
    expect((await cli(['build'])).code).toBe(0)
    expect((await snapshot(path.join(dir, 'dist'))).has('2021/01/other/index.html')).toBe(false)
  })

  it('puts right a page changed by hand in the output with --no-cache', async () => {
    await writeContent(path.join(dir, 'content'), { '2021-01/good.md': paperFile() })
    expect((await cli(['build'])).code).toBe(0)
    const page = path.join(dir, 'dist', '2021', '01', 'good', 'index.html')
    const built = await readFile(page, 'utf8')
    await writeFile(page, 'edited by hand')
    expect((await cli(['build', '--no-cache'])).code).toBe(0)
    expect(await readFile(page, 'utf8')).toBe(built)
  })

  it('builds in a process whose heap grows less with --low-memory, and passes on its exit code', async () => {
    await writeContent(path.join(dir, 'content'), { '2021-01/good.md': paperFile({ title: 'Low memory' }) })
    const ok = await cli(['build', '--low-memory', '--no-cache'])
    expect(ok.code).toBe(0)
    // Only a build in the process started with the flag says so.
    expect(ok.stdout).toContain('(low memory)')
    expect(await readFile(path.join(dir, 'dist', '2021', '01', 'good', 'index.html'), 'utf8')).toContain('Low memory')
    await writeContent(path.join(dir, 'content'), { '2021-01/bad.md': '---\ntitle: [\n---\n' })
    const failed = await cli(['build', '--low-memory'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('bad.md')
    await rm(path.join(dir, 'content', '2021-01', 'bad.md'))
  })
})

describe('build()', () => {
  it('writes nothing in a dry run and reports the problems', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const content = await writeContent(path.join(dir, 'content'), { '2021-01/a.md': paperFile({ date: '2021-02-02' }) })
      const result = await build({ contentDir: content, cwd: dir, dryRun: true })
      expect(result.ok).toBe(false)
      expect(result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.ruleId}`)).toEqual(['content/2021-01/a.md:5:7 date-outside-month'])
      expect(await readdir(dir)).toEqual(['content'])
    } finally {
      await cleanup()
    }
  })
})

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const walk = async (abs: string, rel: string) => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(path.join(abs, e.name), childRel)
      else out.set(childRel, await readFile(path.join(abs, e.name), 'utf8'))
    }
  }
  await walk(dir, '')
  return out
}
