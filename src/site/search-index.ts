import * as pagefind from 'pagefind'
import type { OutputFile } from '../output/writer.js'
import { dropTexAnnotations } from './feed-html.js'
import type { Edition, Site, SiteMonth, SitePaper } from './graph.js'

/** A rendered page to index. */
export interface IndexPage {
  /** Site path without the base path, such as `/2021/01/rad/`: Pagefind's interface adds the base path it was loaded from. */
  url: string
  html: string
}

/** A search index being filled page by page. */
interface SearchIndexer {
  /** Index one page (only its `data-pagefind-body` part). */
  add(page: IndexPage): Promise<void>
  /** The index as files under `pagefind/`, and any problems Pagefind reported. */
  finish(): Promise<{ files: OutputFile[]; errors: string[] }>
  /** Stop without output. */
  close(): Promise<void>
}

/**
 * Start a Pagefind index of pages in one language (see {@link searchShards}). TeX sources of
 * formulas are left out of the index, so a search shows symbols, not `\beta`.
 *
 * Indexes share one helper process: call {@link stopSearchIndexer} once every index is finished.
 *
 * @param language the language of its pages
 * @param bundle folder of the index's files in the site, such as `pagefind/`
 * @param options `merged`: the part is merged into another in the browser (see
 *   {@link SearchShard.merged}), and gets no scripts or styles of its own
 */
async function openSearchIndex(language: string, bundle = 'pagefind/', { merged = false }: { merged?: boolean } = {}): Promise<SearchIndexer> {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: language })
  const problems: string[] = [...errors]
  const close = async (): Promise<void> => {
    if (index) await index.deleteIndex()
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
        // A part merged into the first is read with the first part's scripts: it needs only its
        // data (entry, metadata, index, fragments, filters and the WebAssembly that reads them).
        const wanted = merged ? files.filter((f) => !/\.(js|css)$/.test(f.path)) : files
        return { files: wanted.map((f) => ({ path: `${bundle}${f.path}`, data: f.content })), errors: problems }
      } finally {
        await close()
      }
    },
    close
  }
}

/**
 * Make one part of the search index (see {@link searchShards}): its documents go to the indexer
 * all at once (a few megabytes at most), which works through them on its own, and then writes the
 * part out. The index is closed whatever happens; call {@link stopSearchIndexer} once every part
 * is made.
 *
 * @param shard the part
 */
export async function indexShard(shard: SearchShard): Promise<{ files: OutputFile[]; errors: string[] }> {
  const index = await openSearchIndex(shard.language, shard.bundle, { merged: shard.merged })
  try {
    await Promise.all(shard.documents().map((document) => index.add(document)))
  } catch (error) {
    await index.close()
    throw error
  }
  return index.finish()
}

/** Stop the indexer's helper process. */
export async function stopSearchIndexer(): Promise<void> {
  await pagefind.close()
}

/**
 * Documents a part of the search index aims to hold. Indexing takes about a millisecond per
 * document, and every part changed by an edit is indexed again whole; a search in the browser
 * fetches a little of every part.
 */
export const searchShardSize = 400

/** One part of the search index: a Pagefind bundle of its own, merged with the others in the browser. */
export interface SearchShard {
  /** Folder of its files in the site (see {@link searchShards}). */
  bundle: string
  /** The language of its documents. */
  language: string
  /** Whether the search page merges it into the first part of its language, whose scripts it uses. */
  merged: boolean
  /** Its documents, made afresh on each call: a build holds one part's at a time, not the site's. */
  documents(): IndexPage[]
  /** What each document is made from, by its URL: for a key of the part, without making them. */
  sources: SearchSource[]
}

/** What a document of the index is made from: a paper, or a month (its title, intro and closing words). */
export interface SearchSource {
  url: string
  paper?: SitePaper
  month?: SiteMonth
  /** The document, made afresh. */
  html(): string
}

/**
 * How many parts an index of `documents` documents is split into: a power of two, so it changes
 * seldom as a site grows; one up to `size` documents.
 */
function searchShardCount(documents: number, size = searchShardSize): number {
  let count = 1
  while (count * size < documents) count *= 2
  return count
}

/**
 * The search index of a site in parts (see {@link editionDocuments}), so that an edit makes one
 * part again and leaves the others as they were.
 *
 * Each language has parts of its own, and the search page of a language loads those, so
 * `/ru/search/` finds the Russian pages. When a language needs more than one part, its latest
 * month (the page and its papers, when fewer than a part holds) is a part of its own,
 * `shard-latest/`: that is where an author adds and edits this month's cards, and a part of a
 * few documents is indexed again in a fraction of the time of a full one. Every other document's
 * part follows from its URL alone; when a new month becomes the latest, the last one's documents
 * move to those parts. Empty parts are left out. The first part of the site's language has the
 * folder `pagefind/`, of another language `pagefind/<language>/`; the others are `shard-N/` and
 * `shard-latest/` below it.
 *
 * @param site the site graph
 * @param size documents a part aims to hold
 */
export function searchShards(site: Site, size = searchShardSize): SearchShard[] {
  return site.editions.flatMap((edition, e) => {
    const sources = editionDocuments(edition)
    const root = e === 0 ? 'pagefind/' : `pagefind/${edition.language}/`
    const count = searchShardCount(sources.length, size)
    // (A latest month larger than a part, as in a site of one month, is spread like the rest.)
    const latest = count > 1 && edition.latest && edition.latest.papers.length < size ? edition.latest.key : undefined
    const parts: Array<{ name: string; docs: SearchSource[] }> = Array.from({ length: count }, (_, i) => ({ name: `shard-${i}/`, docs: [] }))
    const newest: SearchSource[] = []
    for (const source of sources) {
      const month = source.month ?? source.paper!.month
      if (month.key === latest) newest.push(source)
      else parts[hashUrl(source.url) % count]!.docs.push(source)
    }
    const filled = [...parts, { name: 'shard-latest/', docs: newest }].filter(({ docs }) => docs.length > 0)
    if (filled.length === 0) return [{ bundle: root, language: edition.language, merged: false, documents: () => [], sources: [] }]
    // Documents are made when asked for: the parts' folders alone (for the search page) need none.
    return filled.map(({ name, docs }, n): SearchShard => ({
      bundle: n === 0 ? root : `${root}${name}`,
      language: edition.language,
      merged: n > 0,
      documents: () => docs.map((d) => ({ url: d.url, html: d.html() })),
      sources: docs
    }))
  })
}

/** Folders of the search index's parts by language, the first of each being the one a search page loads. */
export function searchBundles(shards: readonly SearchShard[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const shard of shards) (out[shard.language] ??= []).push(shard.bundle)
  return out
}

/** FNV-1a over the URL's UTF-16 code units: stable across runs and platforms. */
function hashUrl(url: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < url.length; i++) {
    hash ^= url.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
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
 * What the search index holds of one language of a site: each month page as its
 * {@link monthSearchDocument}, each paper page as its {@link paperSearchDocument}, and nothing of
 * the other pages. Made from the site graph alone, so a page kept from the previous build is
 * indexed without reading it.
 *
 * @param e the site in one language
 */
function editionDocuments(e: Edition): SearchSource[] {
  return [
    ...e.months.map((month) => ({ url: month.route, month, html: () => monthSearchDocument(month, e.language) })),
    ...e.papers.map((paper) => ({ url: paper.route, paper, html: () => paperSearchDocument(paper, e.language) }))
  ]
}
