import type { Config } from '../config.js'
import type { SitePaper } from '../site/graph.js'

/**
 * A BibTeX entry for a paper, from its front matter. arXiv papers get `eprint`,
 * `archivePrefix` and `primaryClass`-free fields as arXiv recommends; a venue becomes `booktitle`
 * (conference) or `journal`.
 *
 * @param sp the paper
 */
export function toBibtex(sp: SitePaper): string {
  const p = sp.paper
  const first = familyName(p.authors[0] ?? 'anon')
  const word = p.titleText.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w) && !/^(with|from|that|this|over|into|the|and|for)$/i.test(w)) ?? 'paper'
  const key = `${ascii(first).toLowerCase()}${p.year}${ascii(word).toLowerCase()}`
  const venue = p.venue?.replace(/\s+\d{4}$/, '')
  const isJournal = venue !== undefined && /journal|transactions|nature|science|letters|review/i.test(venue)
  const type = venue ? (isJournal ? 'article' : 'inproceedings') : 'misc'
  const fields: Array<[string, string]> = [
    ['title', `{${bibEscape(p.titleText)}}`],
    ['author', bibEscape(p.authors.join(' and '))],
    ['year', String(p.year)]
  ]
  if (venue) fields.push([isJournal ? 'journal' : 'booktitle', bibEscape(venue)])
  if (p.doi) fields.push(['doi', bibEscape(p.doi)])
  if (p.arxiv) {
    fields.push(['eprint', p.arxiv], ['archivePrefix', 'arXiv'])
  }
  if (p.links.paper) fields.push(['url', p.links.paper])
  const width = Math.max(...fields.map(([k]) => k.length))
  return `@${type}{${key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(',\n')}\n}`
}

/**
 * Highwire Press `citation_*` meta tags, which reference managers and scholarly indexes read.
 *
 * @param sp the paper
 * @param config resolved settings, for absolute URLs
 */
export function citationMeta(sp: SitePaper, config: Config): Array<{ name: string; content: string }> {
  const p = sp.paper
  const meta: Array<{ name: string; content: string }> = [{ name: 'citation_title', content: p.titleText }]
  for (const author of p.authors) meta.push({ name: 'citation_author', content: author })
  meta.push({ name: 'citation_publication_date', content: String(p.year) })
  if (p.venue) meta.push({ name: /journal|nature|transactions/i.test(p.venue) ? 'citation_journal_title' : 'citation_conference_title', content: p.venue.replace(/\s+\d{4}$/, '') })
  if (p.doi) meta.push({ name: 'citation_doi', content: p.doi })
  if (p.arxiv) {
    meta.push({ name: 'citation_arxiv_id', content: p.arxiv })
    meta.push({ name: 'citation_pdf_url', content: `https://arxiv.org/pdf/${p.arxiv}` })
  }
  meta.push({ name: 'citation_abstract_html_url', content: new URL(sp.route.slice(1), config.baseUrl).href })
  return meta
}

/**
 * JSON-LD for a paper (`ScholarlyArticle`), safe inside `<script>`: `<`, `>`, `&` and the line
 * separators are written as `\u` escapes, so no value can close the element.
 *
 * @param sp the paper
 * @param config resolved settings
 */
export function paperJsonLd(sp: SitePaper, config: Config): string {
  const p = sp.paper
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'ScholarlyArticle',
    headline: p.titleText,
    name: p.titleText,
    author: p.authors.map((name) => ({ '@type': 'Person', name })),
    datePublished: String(p.year),
    abstract: p.summaryText,
    url: p.links.paper ?? new URL(sp.route.slice(1), config.baseUrl).href,
    mainEntityOfPage: new URL(sp.route.slice(1), config.baseUrl).href,
    keywords: p.tags.join(', ')
  }
  if (p.doi) data.identifier = { '@type': 'PropertyValue', propertyID: 'DOI', value: p.doi }
  else if (p.arxiv) data.identifier = { '@type': 'PropertyValue', propertyID: 'arXiv', value: p.arxiv }
  if (p.venue) data.isPartOf = { '@type': 'PublicationEvent', name: p.venue }
  return safeJson(data)
}

/** JSON that can sit inside a `<script>` element. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Minutes a reader needs for a text of `words` words, at least one. */
export function readingMinutes(words: number): number {
  return Math.max(1, Math.round(words / 200))
}

function familyName(name: string): string {
  return name.trim().split(/\s+/).at(-1) ?? name
}

function ascii(value: string): string {
  return value.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '')
}

const bibSpecial: Record<string, string> = { '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' }

function bibEscape(value: string): string {
  return value.replace(/[\\~^&%$#_{}]/g, (ch) => bibSpecial[ch] ?? `\\${ch}`)
}
