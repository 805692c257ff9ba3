import katex from 'katex'
import { describe, expect, it } from 'vitest'
import { createMarkdown } from '../src/markdown/processor.js'
import { isSafeUrl } from '../src/markdown/rehype-safe-urls.js'
import { stripInlineMath, texToText } from '../src/markdown/tex-to-text.js'

const katexOptions = { output: 'htmlAndMathml', trust: false, throwOnError: true } as const

describe('math', () => {
  const md = createMarkdown({ macros: { '\\R': '\\mathbb{R}' } })

  it('renders inline math exactly as KaTeX does, with MathML', () => {
    const { html, problems } = md.renderBlock('Let $x^2$ be.', 'a.md')
    expect(problems).toEqual([])
    expect(html).toBe(`<p>Let ${katex.renderToString('x^2', katexOptions)} be.</p>`)
    expect(html).toContain('<math xmlns="http://www.w3.org/1998/Math/MathML">')
  })

  it('renders display math in display mode and reports it as a display formula', () => {
    const { html, displayMath } = md.renderBlock('$$\n\\frac{a}{b}\n$$', 'a.md')
    const expected = katex.renderToString('\\frac{a}{b}', { ...katexOptions, displayMode: true })
    expect(html).toBe(expected)
    expect(displayMath).toEqual([expected])
  })

  it('applies site macros to every file', () => {
    expect(md.renderBlock('$\\R$', 'a.md').html).toBe(`<p>${katex.renderToString('\\R', { ...katexOptions, macros: { '\\R': '\\mathbb{R}' } })}</p>`)
    expect(md.renderBlock('$\\R^n$', 'b.md').problems).toEqual([])
  })

  it('never leaks a macro defined in one file into the next', () => {
    const first = md.renderBlock('$\\gdef\\myop{Q} \\myop$ and $\\myop$', 'a.md')
    expect(first.problems).toEqual([])
    const second = md.renderBlock('$\\myop$', 'b.md')
    expect(second.problems.map((p) => [p.file, p.line, p.column, p.ruleId])).toEqual([['b.md', 1, 1, 'math-error']])
    expect(second.html).toContain('class="math-error"')
  })

  it('refuses \\href and friends (trust: false) and bounds macro expansion', () => {
    const href = md.renderBlock('$\\href{javascript:alert(1)}{x}$ $\\htmlClass{x}{y}$', 'a.md')
    expect(href.html).not.toMatch(/href=|class="x"/)
    expect(href.problems.map((p) => [p.column, p.ruleId])).toEqual([[1, 'untrusted-math'], [33, 'katex-htmlextension'], [33, 'untrusted-math']])
    const bomb = md.renderBlock('$\\def\\a{\\a\\a}\\a$', 'a.md')
    expect(bomb.problems.map((p) => p.ruleId)).toEqual(['math-error'])
  })

  it('reports a broken formula with its place and keeps the rest of the page', () => {
    const { html, problems } = md.renderBlock('Good $a$.\n\nBad $\\frac{a}{$ here.', 'a.md')
    expect(problems).toEqual([{ file: 'a.md', line: 3, column: 5, message: expect.stringContaining('Cannot render math'), ruleId: 'math-error', severity: 'error' }])
    expect(html).toContain(katex.renderToString('a', katexOptions))
    expect(html).toContain('<code class="math-error">\\frac{a}{</code>')
  })
})

describe('Markdown', () => {
  const md = createMarkdown()

  it('supports GFM tables, strikethrough and autolinks', () => {
    const { html } = md.renderBlock('| a | b |\n| - | - |\n| 1 | 2 |\n\n~~old~~ https://example.org', 'a.md')
    expect(html).toContain('<table>')
    expect(html).toContain('<del>old</del>')
    expect(html).toContain('<a href="https://example.org">https://example.org</a>')
  })

  it('drops raw HTML with a warning per element', () => {
    const { html, problems } = md.renderBlock('Hi <script>alert(1)</script> there\n\n<div onclick="x()">block</div>', 'a.md')
    expect(html).not.toMatch(/<script|<div|onclick/)
    expect(problems.map((p) => [p.line, p.ruleId, p.severity])).toEqual([
      [1, 'raw-html', 'warning'],
      [1, 'raw-html', 'warning'],
      [3, 'raw-html', 'warning']
    ])
  })

  it('lets a safe subset of bare inline tags through, and drops any tag with attributes', () => {
    const ok = md.renderBlock('H<sub>2</sub>O, x<sup>*2*</sup>, <kbd>Ctrl</kbd>, <mark>key</mark>,<br>next', 'a.md')
    expect(ok.problems).toEqual([])
    expect(ok.html).toBe('<p>H<sub>2</sub>O, x<sup><em>2</em></sup>, <kbd>Ctrl</kbd>, <mark>key</mark>,<br>\nnext</p>')
    const bad = md.renderBlock('<sub onclick="x()">a</sub> <sup>open', 'a.md')
    expect(bad.html).toBe('<p>a open</p>')
    expect(bad.problems.map((p) => [p.column, p.ruleId])).toEqual([[1, 'raw-html'], [21, 'raw-html'], [28, 'raw-html']])
  })

  it('removes javascript: and other unsafe URLs from links, images and definitions', () => {
    const source = '[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](jav&#x61;script:x) ![d](data:text/html,x) [e][r] <vbscript:x>\n\n[r]: javascript:y'
    const { html, problems } = md.renderBlock(source, 'a.md')
    expect(html).toBe('<p><a>a</a> <a>b</a> <a>c</a> <img alt="d"> <a>e</a> <a>vbscript:x</a></p>')
    expect(problems.filter((p) => p.ruleId === 'unsafe-url')).toHaveLength(6)
  })

  it('keeps relative, http(s) and mailto links', () => {
    for (const url of ['https://a.org', 'http://a.org', 'mailto:a@b.org', '/x', '../y', '#z', 'a/b:c']) expect(isSafeUrl(url)).toBe(true)
    for (const url of ['javascript:x', ' javascript:x', 'java\tscript:x', 'data:text/html,x', 'vbscript:x']) expect(isSafeUrl(url)).toBe(false)
  })

  it('renders a takeaway inline, without a paragraph', () => {
    const { html } = md.renderInline('It *matters*.', 'a.md', 7)
    expect(html).toBe('It <em>matters</em>.')
  })

  it('counts words with a formula as one word', () => {
    expect(md.renderBlock('One two $a + b = c$ three.', 'a.md').words).toBe(4)
  })
})

describe('plain text of math', () => {
  it('turns TeX into readable text for titles and descriptions', () => {
    expect(texToText('\\beta')).toBe('β')
    expect(texToText('\\hat f(k)')).toBe('f\u0302(k)')
    expect(texToText('\\hat{g}')).toBe('g\u0302')
    expect(texToText('x \\leq \\epsilon')).toBe('x ≤ ε')
    expect(stripInlineMath('The $\\beta$-VAE and $\\mathbb{E}[x]$')).toBe('The β-VAE and E[x]')
  })

  it('knows the operators, arrows and brackets of machine-learning papers', () => {
    expect(texToText('x_\\ast')).toBe('x_∗')
    expect(texToText('W^\\top x')).toBe('W^⊤x')
    expect(texToText('\\langle u, v \\rangle')).toBe('⟨u, v⟩')
    expect(texToText('f \\circ g')).toBe('f ∘ g')
    expect(texToText('a\\times b')).toBe('a × b')
    expect(texToText('A \\subseteq B')).toBe('A ⊆ B')
    expect(texToText('x_1, \\ldots, x_n')).toBe('x_1, …, x_n')
    expect(texToText('\\forall x \\exists y')).toBe('∀x ∃y')
  })
})
