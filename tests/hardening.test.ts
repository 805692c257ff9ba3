import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build, buildToMemory } from '../src/build.js'
import { createMarkdown } from '../src/markdown/processor.js'
import { assertSafePath, DiskWriter, OutputError, writeSite } from '../src/output/writer.js'
import { paperFile, root, useTempDirs, writeContent } from './helpers/site.js'

const temp = useTempDirs()

describe('Markdown edge cases', () => {
  const md = createMarkdown()

  it('keeps dollar amounts in prose as text, with a warning', () => {
    const { html, problems } = md.renderBlock('It costs $5 and $10 per run.', 'a.md')
    expect(html).toBe('<p>It costs $5 and $10 per run.</p>')
    expect(problems.map((p) => [p.line, p.column, p.ruleId])).toEqual([[1, 10, 'dollar-not-math']])
  })

  it('reports an unclosed code fence and an unclosed $$ block at their opening line', () => {
    expect(md.renderBlock('Text.\n\n```js\nlet a = 1\n', 'a.md').problems.map((p) => [p.line, p.ruleId])).toEqual([[3, 'unclosed-code-fence']])
    expect(md.renderBlock('Text.\n\n$$\nx + y\n', 'a.md').problems.map((p) => [p.line, p.ruleId])).toEqual([[3, 'unclosed-math-block']])
    expect(md.renderBlock('```\nclosed\n```\n\n$$\nx\n$$\n', 'a.md').problems).toEqual([])
  })

  it('bounds the math of one file, all formulas together', () => {
    const formula = `$${'x+'.repeat(1000)}x$`
    const { problems } = md.renderBlock(Array.from({ length: 25 }, () => formula).join('\n\n'), 'a.md')
    expect(problems.map((p) => [p.line, p.ruleId])).toEqual([[39, 'math-too-large']])
  })

  it('refuses a formula past the size cap', () => {
    const { problems } = md.renderBlock(`$${'x+'.repeat(3000)}x$`, 'a.md')
    expect(problems.map((p) => p.ruleId)).toEqual(['math-too-large'])
  })
})

describe('templates', () => {
  it('report an undefined value with the template and its line', async () => {
    const dir = await temp()
    await writeContent(dir, { 'content/2021-01/a.md': paperFile() })
    const templates = path.join(dir, 'templates')
    await mkdir(path.join(templates, 'partials'), { recursive: true })
    for (const name of await readdir(path.join(root, 'templates'))) {
      if (name.endsWith('.eta')) await writeFile(path.join(templates, name), await readFile(path.join(root, 'templates', name)))
    }
    for (const name of await readdir(path.join(root, 'templates', 'partials'))) {
      await writeFile(path.join(templates, 'partials', name), await readFile(path.join(root, 'templates', 'partials', name)))
    }
    await writeFile(path.join(templates, 'archive.eta'), "<% layout('./layout') %>\n<h1>Archive</h1>\n<p><%= it.nothingHere %></p>\n")
    const result = await buildToMemory({ contentDir: 'content', templatesDir: 'templates', cwd: dir })
    expect(result.ok).toBe(false)
    expect(result.problems.map((p) => [p.file, p.line, p.ruleId])).toEqual([['templates/archive.eta', 3, 'template-error']])
    expect(result.problems[0]!.message).toContain('/archive/')
  })
})

describe('output', () => {
  it('refuses paths that leave the output folder', () => {
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', 'a\\..\\b', '', 'a/./b', 'x\0y']) expect(() => assertSafePath(bad), bad).toThrow(OutputError)
    expect(assertSafePath('2021/01/a/index.html')).toBe('2021/01/a/index.html')
  })

  it('refuses to replace a non-empty folder it did not create', async () => {
    const dir = await temp()
    await writeContent(dir, { 'content/2021-01/a.md': paperFile(), 'mine/notes.txt': 'keep me' })
    const result = await build({ contentDir: 'content', outDir: 'mine', cwd: dir })
    expect(result.ok).toBe(false)
    expect(result.problems.map((p) => p.ruleId)).toEqual(['unsafe-output'])
    expect(await readFile(path.join(dir, 'mine', 'notes.txt'), 'utf8')).toBe('keep me')
  })

  it('leaves the previous site byte-identical when writing fails midway', async () => {
    const dir = await temp()
    await writeContent(dir, { 'content/2021-01/a.md': paperFile() })
    expect((await build({ contentDir: 'content', outDir: 'dist', cwd: dir })).ok).toBe(true)
    const before = await readFile(path.join(dir, 'dist', 'index.html'))
    const writer = new DiskWriter(path.join(dir, 'dist'))
    await expect(writeSite(writer, [{ path: 'index.html', data: 'new' }, { path: 'gone.png', copyFrom: path.join(dir, 'missing.png') }])).rejects.toThrow()
    expect(await readFile(path.join(dir, 'dist', 'index.html'))).toEqual(before)
    expect((await readdir(dir)).filter((n) => n !== '.collage-cache').sort()).toEqual(['content', 'dist'])
  })
})

describe('links written in content', () => {
  it('get the base path when site-absolute, and a broken one is an error with its place', async () => {
    const dir = await temp()
    await writeContent(dir, {
      'content/2021-01/a.md': paperFile({ body: 'See [b](/2021/01/b/) and [c](../c/) and [x](/2021/01/missing/).' }),
      'content/2021-01/b.md': paperFile(),
      'content/2021-01/c.md': paperFile()
    })
    const result = await buildToMemory({ contentDir: 'content', cwd: dir, baseUrl: 'https://example.org/digest/', search: false })
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}:${p.line}:${p.column} ${p.ruleId}`)).toEqual([
      'content/2021-01/a.md:10:41 broken-link'
    ])
    await writeContent(dir, { 'content/2021-01/a.md': paperFile({ body: 'See [b](/2021/01/b/) and [c](../c/).' }) })
    const ok = await buildToMemory({ contentDir: 'content', cwd: dir, baseUrl: 'https://example.org/digest/', search: false })
    expect(ok.ok).toBe(true)
    const html = Buffer.from(ok.output.get('2021/01/a/index.html')!).toString()
    expect(html).toContain('<a href="/digest/2021/01/b/">b</a>')
    expect(html).toContain('<a href="../c/">c</a>')
  })
})

describe('figures', () => {
  it('are copied next to the paper page with their width and height, and take the key figure slot', async () => {
    const dir = await temp()
    await writeContent(dir, {
      'content/2021-01/a.md': paperFile({ extra: 'figure: { src: plots/loss.png, alt: Training loss falls with width }', body: 'Text.\n\n$$\nx = 1\n$$\n' }),
      'content/2021-01/plots/loss.png': await readFile(path.join(root, 'tests', 'fixtures', 'figure.png'))
    })
    const result = await buildToMemory({ contentDir: 'content', cwd: dir, search: false, images: false })
    expect(result.ok, JSON.stringify(result.problems)).toBe(true)
    expect(result.output.get('2021/01/a/loss.png')).toEqual(await readFile(path.join(root, 'tests', 'fixtures', 'figure.png')))
    const html = Buffer.from(result.output.get('2021/01/a/index.html')!).toString()
    expect(html).toMatch(/<img src="\/2021\/01\/a\/loss\.png" alt="Training loss falls with width" width="64" height="36"/)
    // With a figure, the display formula stays in the summary instead of moving to the aside.
    expect(html).not.toContain('card-equation')
    expect(html).toContain('katex-display')
  })

  it('that are missing, or point outside the content folder, are errors naming the file', async () => {
    const dir = await temp()
    await writeContent(dir, {
      'content/2021-01/a.md': paperFile({ extra: 'figure: { src: nope.png, alt: A plot }' }),
      'content/2021-01/b.md': paperFile({ extra: 'figure: { src: ../../outside.png, alt: A plot }' }),
      'outside.png': await readFile(path.join(root, 'tests', 'fixtures', 'figure.png'))
    })
    const result = await buildToMemory({ contentDir: 'content', cwd: dir, search: false, images: false })
    expect(result.problems.map((p) => [p.file, p.ruleId])).toEqual([
      ['content/2021-01/a.md', 'missing-figure'],
      ['content/2021-01/b.md', 'figure-outside-content']
    ])
  })
})
