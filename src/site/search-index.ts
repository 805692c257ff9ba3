import * as pagefind from 'pagefind'
import type { OutputFile } from '../output/writer.js'
import { dropTexAnnotations } from './feed-html.js'
import type { Site, SiteMonth, SitePaper } from './graph.js'

/** A rendered page to index. */
export interface IndexPage {
  /** Site path without the base path, such as `/2021/01/rad/`: Pagefind's interface adds the base path it was loaded from. */
  url: string
  html: string
}

/** A search index being filled page by page. */
export interface SearchIndexer {
  /** Index one page (only its `data-pagefind-body` part). */
  add(page: IndexPage): Promise<void>
  /** The index as files under `pagefind/`, and any problems Pagefind reported. */
  finish(): Promise<{ files: OutputFile[]; errors: string[] }>
  /** Stop without output. */
  close(): Promise<void>
}

/**
 * Start a Pagefind index. TeX sources of formulas are left out of the index, so a search shows
 * symbols, not `\beta`.
 *
 * A site of one language is indexed in that language. On a site of several, Pagefind reads each
 * page's `<html lang>` and keeps one index per language in the same bundle; the search interface
 * loads the index of its own page's language, so `/ru/search/` finds the Russian pages.
 *
 * @param languages the site's languages (or its one language)
 */
export async function openSearchIndex(languages: string | readonly string[]): Promise<SearchIndexer> {
  const list = typeof languages === 'string' ? [languages] : languages
  const { index, errors } = await pagefind.createIndex(list.length === 1 ? { forceLanguage: list[0]! } : {})
  const problems: string[] = [...errors]
  const close = async (): Promise<void> => {
    if (index) await index.deleteIndex()
    await pagefind.close()
  }
  return {
    async add(page) {
      if (!index) return
      const result = await index.addHTMLFile({ url: page.url, content: dropTexAnnotations(page.html) })
      problems.push(...result.errors)
    },
    async finish() {
      if (!index) return { files: [], errors: problems }
      try {
        const { files, errors: writeErrors } = await index.getFiles()
        problems.push(...writeErrors)
        return { files: files.map((f) => ({ path: `pagefind/${f.path}`, data: f.content })), errors: problems }
      } finally {
        await close()
      }
    },
    close
  }
}

/**
 * What a month is indexed as: its title, intro and closing words. Its cards are indexed once, as
 * their papers, so a search finds each paper once and the month page by its own text; and the
 * indexer reads a fraction of the month page's bytes (the cards' math is most of them).
 *
 * @param month the month in a language
 * @param language that language
 */
export function monthSearchDocument(month: SiteMonth, language: string): string {
  return searchDocument(language, month.title, `${month.source.introHtml}${month.source.outroHtml}`)
}

/**
 * What a paper is indexed as: its title, the plain text of its summary and takeaway, its authors
 * and venue (or year), and its tags. Plain text keeps formulas readable in the excerpts a search
 * shows (an indexed KaTeX rendering reads as each symbol twice), and is a fraction of the page's
 * bytes.
 *
 * @param sp the paper in a language
 * @param language that language
 */
export function paperSearchDocument(sp: SitePaper, language: string): string {
  const p = sp.paper
  // The summary first: the excerpt a search shows is the text around the words found.
  const byline = [p.authors.join(', '), p.venue ?? String(p.year)].join(' · ')
  const paragraphs = [p.summaryText, p.takeawayText, byline, p.tags.map((t) => `#${t}`).join(' ')]
  return searchDocument(language, p.titleText, paragraphs.map((text) => `<p>${escapeText(text)}</p>`).join(''))
}

function searchDocument(language: string, title: string, bodyHtml: string): string {
  const heading = escapeText(title)
  return `<!doctype html><html lang="${escapeText(language)}"><head><title>${heading}</title></head><body><main data-pagefind-body><h1>${heading}</h1>${bodyHtml}</main></body></html>`
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * What the search index holds of a site: each month page as its {@link monthSearchDocument}, each
 * paper page as its {@link paperSearchDocument}, in every language, and nothing of the other
 * pages. Made from the site graph alone, so a page kept from the previous build is indexed without
 * reading it.
 *
 * @param site the site graph
 */
export function searchDocuments(site: Site): IndexPage[] {
  return site.editions.flatMap((e) => [
    ...e.months.map((m) => ({ url: m.route, html: monthSearchDocument(m, e.language) })),
    ...e.papers.map((sp) => ({ url: sp.route, html: paperSearchDocument(sp, e.language) }))
  ])
}
