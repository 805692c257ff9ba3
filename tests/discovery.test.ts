import path from 'node:path'
import { parse as parseBibtex } from '@retorquere/bibtex-parser'
import { parseFeed } from '@rowanmanning/feed-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildToMemory } from '../src/build.js'
import { safeJson } from '../src/render/citation.js'
import { page } from './helpers/html.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

let output: Map<string, Uint8Array>
const get = (p: string): string => Buffer.from(output.get(p) ?? '').toString('utf8')
const base = 'https://example.org/digest/'

beforeAll(async () => {
  const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, baseUrl: base })
  expect(result.ok).toBe(true)
  output = result.output
})

describe('feeds', () => {
  it('Atom, RSS and JSON Feed carry every card and the month, newest first, with absolute links', () => {
    for (const file of ['feed.xml', 'rss.xml']) {
      const feed = parseFeed(get(file))
      expect(feed.items.map((i) => i.url)).toEqual([
        `${base}2021/01/`,
        `${base}2021/01/attentive-neural-processes/`,
        `${base}2021/01/spectral-bias/`,
        `${base}2021/01/randomized-autodiff/`,
        `${base}2021/01/face-patch-disentanglement/`
      ])
      const card = feed.items.find((i) => i.url?.endsWith('spectral-bias/'))!
      expect(card.title).toBe('On the Spectral Bias of Neural Networks')
      expect(card.published?.toISOString() ?? card.updated?.toISOString()).toBe('2021-01-18T00:00:00.000Z')
      // Math as MathML: readers load no KaTeX stylesheet.
      expect(card.content).toContain('<math')
      expect(card.content).not.toContain('katex-html')
      for (const href of card.content!.match(/href="([^"]+)"/g) ?? []) expect(href).toMatch(/^href="https?:\/\//)
    }
    const json = JSON.parse(get('feed.json')) as { version: string; items: Array<{ url: string; content_html: string }> }
    expect(json.version).toMatch(/jsonfeed\.org\/version\/1/)
    expect(json.items).toHaveLength(5)
    expect(json.items[1]!.content_html).toContain('<math')
  })

  it('has a feed per tag', () => {
    const feed = parseFeed(get('tags/attention/feed.xml'))
    expect(feed.items.map((i) => i.url)).toEqual([`${base}2021/01/attentive-neural-processes/`])
  })
})

describe('sitemap and robots', () => {
  it('lists every page and nothing else', () => {
    const listed = [...get('sitemap.xml').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!).sort()
    const pages = [...output.keys()]
      .filter((f) => f.endsWith('index.html'))
      .map((f) => base + f.replace(/index\.html$/, ''))
      .sort()
    expect(listed).toEqual(pages)
    expect(get('robots.txt')).toContain(`Sitemap: ${base}sitemap.xml`)
  })
})

describe('tags and authors', () => {
  it('link cards to tag pages and paper pages to author pages', () => {
    const paper = page(get('2021/01/attentive-neural-processes/index.html'))
    expect(paper.all('.card-tags a').map((a) => a.properties.href)).toContain('/digest/tags/attention/')
    expect(paper.all('.author-list a').map((a) => a.properties.href)).toContain('/digest/authors/yee-whye-teh/')
    const author = page(get('authors/yee-whye-teh/index.html'))
    expect(author.text('h1')).toBe('Yee Whye Teh')
    expect(author.all('.archive-list > li > a').map((a) => a.properties.href)).toEqual(['/digest/2021/01/attentive-neural-processes/'])
    const tags = page(get('tags/index.html'))
    expect(tags.all('.tag-cloud a').length).toBeGreaterThan(5)
  })
})

describe('citations', () => {
  it('gives BibTeX that a BibTeX parser reads, with arXiv fields', () => {
    const paper = page(get('2021/01/randomized-autodiff/index.html'))
    const bib = paper.text('pre.bibtex')
    const parsed = parseBibtex(bib, { sentenceCase: false })
    expect(parsed.errors).toEqual([])
    const entry = parsed.entries[0]!
    expect(entry.type).toBe('inproceedings')
    expect(entry.fields.title).toBe('Randomized Automatic Differentiation')
    expect(entry.fields.author).toHaveLength(5)
    expect(entry.fields.eprint).toBe('2007.10412')
    expect(entry.fields.archiveprefix).toBe('arXiv')
  })

  it('emits Highwire citation meta tags and JSON-LD', () => {
    const paper = page(get('2021/01/face-patch-disentanglement/index.html'))
    const meta = (name: string) => paper.all(`meta[name=${name}]`).map((m) => m.properties.content)
    expect(meta('citation_title')).toEqual(['Unsupervised deep learning identifies semantic disentanglement in single inferotemporal face patch neurons'])
    expect(meta('citation_author')).toHaveLength(7)
    expect(meta('citation_doi')).toEqual(['10.1038/s41467-021-26751-5'])
    const ld = JSON.parse(paper.text('script[type="application/ld+json"]')) as { '@type': string; author: unknown[] }
    expect(ld['@type']).toBe('ScholarlyArticle')
    expect(ld.author).toHaveLength(7)
  })

  it('writes JSON-LD that cannot close its script element', () => {
    const json = safeJson({ title: '</script><script>alert(1)</script> & \u2028' })
    expect(json).not.toMatch(/<|>|&|\u2028/)
    expect(JSON.parse(json)).toEqual({ title: '</script><script>alert(1)</script> & \u2028' })
  })
})

describe('titles and descriptions with math', () => {
  it('show plain text, never raw TeX, in <title>, meta tags and feeds', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      const content = await writeContent(path.join(dir, 'content'), {
        '2021-01/beta.md': paperFile({ title: 'Why $\\beta$-VAEs disentangle', body: 'We study $\\beta > 1$ in depth.' })
      })
      const result = await buildToMemory({ contentDir: content, cwd: dir })
      expect(result.ok).toBe(true)
      const html = Buffer.from(result.output.get('2021/01/beta/index.html')!).toString()
      const doc = page(html)
      expect(doc.text('title')).toBe('Why β-VAEs disentangle · Collage')
      for (const m of doc.all('meta[content]')) expect(String(m.properties.content)).not.toMatch(/\$|\\beta/)
      expect(doc.one('h1 .katex')).toBeDefined()
      const feed = parseFeed(Buffer.from(result.output.get('feed.xml')!).toString())
      expect(feed.items.map((i) => i.title)).toContain('Why β-VAEs disentangle')
    } finally {
      await cleanup()
    }
  })
})
