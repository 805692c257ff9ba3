import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { slugPattern } from '../src/content/load.js'
import { createMarkdown } from '../src/markdown/processor.js'
import { isSafeUrl } from '../src/markdown/rehype-safe-urls.js'
import { assertSafePath } from '../src/output/writer.js'
import { page } from './helpers/html.js'

const md = createMarkdown()

// Pieces an attacker (or a careless paste) would combine.
const piece = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:x">', '[a](', ')', '](', '![i](', '<', '>',
  'javascript:', 'JaVaScRiPt:', 'jav&#x61;script:', 'java\tscript:', 'vbscript:', 'data:text/html,<b>', '&#106;avascript:', '&colon;',
  '\\href{javascript:alert(1)}{x}', '$', '$$', '\n', '\n\n', ' ', '`', '"', "'", '[r]: ', '[r]', '<javascript:x>', 'alert(1)', 'onload=', '<svg onload=x>'
)
const fragment = fc.oneof(piece, fc.string({ maxLength: 6 }))

describe('properties', () => {
  it('no Markdown yields a script, an event handler or an unsafe URL', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 25 }), (parts) => {
        const { html } = md.renderBlock(parts.join(''), 'p.md')
        const doc = page(html)
        expect(doc.all('script, iframe, object, embed, svg')).toEqual([])
        for (const el of doc.all('*')) {
          for (const [key, value] of Object.entries(el.properties)) {
            expect(key.toLowerCase().startsWith('on'), `${key} on <${el.tagName}>`).toBe(false)
            if (['href', 'src'].includes(key)) expect(isSafeUrl(String(value)), String(value)).toBe(true)
          }
        }
      }),
      { numRuns: 300 }
    )
  })

  it('no visible text of the source disappears', () => {
    const word = fc.stringMatching(/^[a-z]{2,10}$/)
    const wrap = fc.constantFrom((w: string) => w, (w: string) => `*${w}*`, (w: string) => `**${w}**`, (w: string) => `\`${w}\``, (w: string) => `[${w}](https://example.org)`, (w: string) => `~~${w}~~`)
    fc.assert(
      fc.property(fc.array(fc.tuple(word, wrap), { minLength: 1, maxLength: 30 }), (items) => {
        const source = items.map(([w, f]) => f(w)).join(' ')
        const { html } = md.renderBlock(source, 'p.md')
        const text = page(html).text('body')
        for (const [w] of items) expect(text).toContain(w)
      }),
      { numRuns: 200 }
    )
  })

  it('every accepted slug stays inside the output folder', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (name) => {
        if (!slugPattern.test(name)) return
        expect(assertSafePath(`2021/01/${name}/index.html`)).toBe(`2021/01/${name}/index.html`)
      }),
      { numRuns: 500 }
    )
    for (const bad of ['..', '../x', 'a/b', 'A', 'a..b', '.hidden', 'a b', 'é', 'con\u0000']) expect(slugPattern.test(bad), bad).toBe(false)
  })
})
