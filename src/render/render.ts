import path from 'node:path'
import { Eta } from 'eta'
import type { Config } from '../config.js'
import { alternatesOf, type Edition, type Route, type Site, type SiteAuthor, type SiteMonth, type SitePaper, type SiteTag, type SiteYear } from '../site/graph.js'
import { hashOf } from '../cache.js'
import { citationMeta, paperJsonLd, readingMinutes, toBibtex } from './citation.js'
import { createHelpers, type Helpers } from './helpers.js'
import { createTranslator, languageName, type Translator } from './messages/index.js'
import type { SiteTracker } from './tracking.js'
import { cardImageAlt, cardImagePath, coverImageAlt, coverImagePath, shareImageSize } from './share-image.js'

/** A language version of the current page, for `hreflang` links and the language switch. */
export interface PageLanguage {
  /** BCP 47 tag. */
  language: string
  /** The language's name in that language, such as `Русский`. */
  name: string
  /** Link with the base path. */
  url: string
  /** Absolute URL. */
  href: string
  /** Whether it is the page's own language. */
  current: boolean
  /**
   * Whether its name is in a script that the page's own fonts leave out (`Русский` on an English
   * page): set in the system's face, it fetches no font file for one word.
   */
  systemFace: boolean
}

/** Where the script a language is written in is one of the site's text-font subsets, that subset. */
function subsetOf(language: string): string | undefined {
  let script: string | undefined
  try {
    script = new Intl.Locale(language).maximize().script
  } catch {
    script = undefined
  }
  return script === 'Latn' ? 'latin' : script === 'Cyrl' ? 'cyrillic' : undefined
}

/**
 * The subsets of the text fonts (Inter and Source Serif 4 in `assets/fonts/`) that a page in a
 * language preloads: Latin always (digits, punctuation and names), and its own script's.
 *
 * @param language a BCP 47 tag
 */
export function fontSubsetsOf(language: string): string[] {
  const own = subsetOf(language)
  return own && own !== 'latin' ? ['latin', own] : ['latin']
}

/** Data every page template gets as `it`. */
export interface PageData {
  /** The site in the page's language. */
  site: Edition
  config: Config
  h: Helpers
  /** Interface text in the page's language: `it.t('card.week', { week: 3 })`. */
  t: Translator
  /** The page's language, for `<html lang>`. */
  lang: string
  /** The subsets of the text fonts the page preloads, such as `['latin', 'cyrillic']`. */
  fontSubsets: string[]
  /** The page in every language of the site, the default first; one entry on a single-language site. */
  languages: PageLanguage[]
  route: Route
  /** Text for `<title>`, plain. */
  title: string
  /** Plain-text description for meta tags. */
  description: string
  month?: SiteMonth
  paper?: SitePaper
  tag?: SiteTag
  author?: SiteAuthor
  /**
   * For the archive page: the months whose papers it lists (oldest first), and the earlier years
   * it lists by month only, each with its page.
   */
  archive?: { recent: SiteMonth[]; years: SiteYear[] }
  /** For a year's archive page: the year and its months, oldest first. */
  year?: SiteYear
  /** Papers sharing tags with `paper`, most shared first. */
  related?: SitePaper[]
  /** For a paper page: BibTeX, Highwire meta tags, JSON-LD (already safe for `<script>`). */
  citation?: { bibtex: string; meta: Array<{ name: string; content: string }>; jsonLd: string }
  /** For a paper page: minutes to read the card. */
  readingMinutes?: number
  /** Version of the assets, appended to their URLs so a new build is never served stale CSS. */
  assetVersion: string
  /** Share image of a paper, month or home page, for `og:image` and `twitter:image`. */
  image?: { url: string; alt: string; width: number; height: number }
  /** Site paths of the search index's parts in the page's language, such as `/pagefind/`: the search page loads the first and merges the others. */
  searchBundles: string[]
}

/** A template problem, naming the template and, where known, the line. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly page: string,
    message: string,
    readonly line = 1
  ) {
    super(message)
    this.name = 'TemplateError'
  }
}

/** Renders pages from the templates folder. */
export interface Renderer {
  /**
   * Render one route, and name the parts of the site it read (see {@link SiteTracker}); without
   * a tracker, the list is empty. Throws {@link TemplateError}.
   */
  renderPage(route: Route): { html: string; reads: string[] }
  /**
   * What a page renders from: the renderer's own settings, the route, and the current
   * fingerprints of the parts it read. Undefined when one of those parts is gone, or without a
   * tracker. A page whose key did not change since it was rendered renders the same.
   *
   * @param route the page
   * @param reads the parts it read, as {@link renderPage} named them
   */
  keyOf(route: Route, reads: readonly string[]): string | undefined
  /** What every key is made from besides the route and the parts read: settings, templates folder, asset version. */
  readonly scope: string
}

/** Options of {@link createRenderer}. */
export interface RendererOptions {
  /** The build makes share images, so pages point at them. Default: false. */
  images?: boolean
  /** Note what each page reads, so that unchanged pages need not be rendered again. */
  tracker?: SiteTracker
  /** Everything else pages depend on (settings, the tool's version), for {@link Renderer.keyOf}. */
  version?: string
  /** Folders of the search index's parts by language, the first being the one whose interface a search page loads. Default: `pagefind/`. */
  searchBundles?: Readonly<Record<string, readonly string[]>>
}

const templateOf: Record<Route['kind'], string> = {
  home: 'home',
  archive: 'archive',
  year: 'archive-year',
  month: 'month',
  slides: 'slides',
  paper: 'paper',
  'not-found': '404',
  search: 'search',
  tags: 'tags',
  tag: 'tag',
  authors: 'authors',
  author: 'author'
}

/** The records of an edition by what routes name them with. */
interface Lookups {
  months: Map<string, SiteMonth>
  papers: Map<string, SitePaper>
  tags: Map<string, SiteTag>
  authors: Map<string, SiteAuthor>
}

/** Lookups of the editions of this process's graphs: a graph a rebuild takes on keeps its own. */
const lookups = new WeakMap<Edition, Lookups>()

function lookupsOf(edition: Edition): Lookups {
  let found = lookups.get(edition)
  if (!found) {
    found = {
      months: new Map(edition.months.map((m) => [m.key, m])),
      papers: new Map(edition.papers.map((p) => [`${p.paper.month}/${p.paper.slug}`, p])),
      tags: new Map(edition.tags.map((t) => [t.name, t])),
      authors: new Map(edition.authors.map((a) => [a.slug, a]))
    }
    lookups.set(edition, found)
  }
  return found
}

/**
 * Create a renderer for a site.
 *
 * @param templatesDir folder of `.eta` templates
 * @param site the site graph
 * @param assetVersion short hash of the stylesheets
 * @param options see {@link RendererOptions}
 */
export function createRenderer(templatesDir: string, site: Site, assetVersion: string, options: RendererOptions = {}): Renderer {
  const { tracker } = options
  const eta = new Eta({
    views: templatesDir,
    autoEscape: true,
    autoTrim: false,
    cache: true,
    varName: 'it',
    useWith: false,
    // Line numbers in runtime errors, so a broken template names its line.
    debug: true,
    // Every interpolation goes through this: printing `undefined` or `null` is a template bug.
    autoFilter: true,
    filterFunction: strictValue
  })
  if (tracker) {
    // Every template a page uses, layout and partials included, is looked up here.
    const resolve = eta.resolvePath.bind(eta)
    eta.resolvePath = (template, resolveOptions) => {
      const file = resolve(template, resolveOptions)
      tracker.noteTemplate(file)
      return file
    }
  }
  const wrap = <T>(value: T): T => (tracker ? tracker.wrap(value) : value)
  const global = hashOf(options.version ?? '', assetVersion, String(options.images ?? false), templatesDir, JSON.stringify(options.searchBundles ?? {}))
  /** What the pages of one language share. */
  const contexts = new Map(
    site.editions.map((edition) => {
      const fontSubsets = fontSubsetsOf(edition.language)
      return [
        edition.language,
        {
          edition,
          fontSubsets,
          // The languages whose names the switch sets in the system's face on this edition's pages.
          systemFace: new Set(
            site.config.languages.filter((l) => {
              const subset = subsetOf(l)
              return !subset || !fontSubsets.includes(subset)
            })
          ),
          h: createHelpers(site.config, edition.language),
          t: createTranslator(edition.language),
          ...lookupsOf(edition)
        }
      ] as const
    })
  )
  const names = new Map(site.config.languages.map((l) => [l, languageName(l)]))
  // Share images are drawn once, from the default language's site; every language points at them.
  const { months: imageMonths, papers: imagePapers } = lookupsOf(site.editions[0]!)
  const image = (file: string, alt: string): NonNullable<PageData['image']> => ({ url: new URL(file, site.config.baseUrl).href, alt, ...shareImageSize })

  const renderRoute = (route: Route): string => {
    const context = contexts.get(route.language) ?? contexts.get(site.config.language)!
    const { h, t, months, papers, tags, authors, fontSubsets } = context
    const edition = wrap(context.edition)
    const languages = alternatesOf(site, route).map((a) => ({
      language: a.language,
      name: names.get(a.language) ?? a.language,
      url: h.url(a.path),
      href: h.absolute(a.path),
      current: a.language === context.edition.language,
      systemFace: context.systemFace.has(a.language)
    }))
    const siteTitle = site.config.title
    const data: PageData = { site: edition, config: site.config, h, t, lang: context.edition.language, fontSubsets, languages, route, title: siteTitle, description: site.config.description, assetVersion, searchBundles: (options.searchBundles?.[context.edition.language] ?? ['pagefind/']).map((bundle) => `/${bundle}`) }
    if (route.kind === 'month' || route.kind === 'slides') {
      const month = wrap(months.get(route.key ?? '')!)
      data.month = month
      data.title = `${route.kind === 'slides' ? t('title.slides', { month: month.title }) : month.title} · ${siteTitle}`
      data.description = month.source.summary ?? (month.source.summaryText || site.config.description)
      const cover = wrap(imageMonths.get(route.key ?? ''))
      if (options.images && cover) data.image = image(coverImagePath(cover), coverImageAlt(cover, site.config))
    } else if (route.kind === 'paper') {
      const raw = papers.get(route.key ?? '')!
      const paper = wrap(raw)
      data.paper = paper
      data.month = paper.month
      data.title = `${paper.paper.titleText} · ${siteTitle}`
      data.description = paper.paper.summaryText.length > 200 ? paper.paper.summaryText.slice(0, 197).replace(/\s+\S*$/, '') + '…' : paper.paper.summaryText
      // Chosen among the papers of its tags; the tags' signatures say when the choice may change.
      data.related = wrap(relatedPapers(raw, relatedIndex(context.edition)))
      for (const tag of paper.paper.tags) tracker?.noteRelated(context.edition.language, tag)
      data.citation = { bibtex: toBibtex(paper), meta: citationMeta(paper, site.config), jsonLd: paperJsonLd(paper, site.config) }
      data.readingMinutes = readingMinutes(paper.paper.wordCount)
      const card = wrap(imagePapers.get(route.key ?? ''))
      if (options.images && card) data.image = image(cardImagePath(card), cardImageAlt(card, site.config))
    } else if (route.kind === 'home' && edition.latest) {
      data.month = edition.latest
      const cover = wrap(imageMonths.get(edition.latest.key))
      if (options.images && cover) data.image = image(coverImagePath(cover), coverImageAlt(cover, site.config))
    } else if (route.kind === 'archive') {
      data.title = `${t('title.archive')} · ${siteTitle}`
      // Read through the tracked edition, whose part says which months it has and so which are
      // listed in full; each month's own reads are noted through its proxy.
      const years = edition.years
      const early = new Set(years.flatMap((y) => y.months))
      data.archive = { recent: wrap(context.edition.months.filter((m) => !early.has(m))), years: years.map((y) => ({ ...y, months: wrap(y.months) })) }
    } else if (route.kind === 'year') {
      const year = edition.years.find((y) => String(y.year) === route.key)!
      data.year = { ...year, months: wrap(year.months) }
      data.title = `${t('title.archiveYear', { year: String(year.year) })} · ${siteTitle}`
    } else if (route.kind === 'tag') {
      const tag = wrap(tags.get(route.key ?? '')!)
      data.tag = tag
      data.title = `#${tag.name} · ${siteTitle}`
      data.description = t('description.tag', { count: tag.papers.length, tag: tag.name })
    } else if (route.kind === 'author') {
      const author = wrap(authors.get(route.key ?? '')!)
      data.author = author
      data.title = `${author.name} · ${siteTitle}`
      data.description = t('description.author', { name: author.name, site: siteTitle })
    } else if (route.kind === 'tags') {
      data.title = `${t('title.tags')} · ${siteTitle}`
    } else if (route.kind === 'authors') {
      data.title = `${t('title.authors')} · ${siteTitle}`
    } else if (route.kind === 'search') {
      data.title = `${t('title.search')} · ${siteTitle}`
    } else if (route.kind === 'not-found') {
      data.title = `${t('title.notFound')} · ${siteTitle}`
    }
    const name = templateOf[route.kind]
    try {
      return eta.render(`./${name}`, data)
    } catch (error) {
      throw toTemplateError(error, `${name}.eta`, route.path, templatesDir)
    }
  }

  return {
    renderPage(route) {
      tracker?.begin()
      try {
        const html = renderRoute(route)
        return { html, reads: tracker?.end() ?? [] }
      } catch (error) {
        // A page that failed ends its record too.
        tracker?.end()
        throw error
      }
    },
    keyOf(route, reads) {
      return tracker?.keyOf([global, route.path, route.kind, route.key ?? '', route.language], reads)
    },
    scope: global
  }
}

/**
 * Papers that share tags with a paper, most shared tags first, then newest, then by address; at
 * most `limit` (see {@link RelatedIndex}).
 *
 * @param paper the paper
 * @param index the related-paper index of the paper's edition
 */
export function relatedPapers(paper: SitePaper, index: RelatedIndex, limit = 3): SitePaper[] {
  return index.related(paper, limit)
}

/** Tag sets indexed whole, up to this many tags: a paper has 2^n - 1 entries at most. */
const indexedTags = 3

/**
 * The papers of an edition by each set of up to three of their tags, newest first, to find a
 * paper's related papers without looking at every paper of its tags. With a site of thousands of
 * papers and a few dozen tags, a tag holds thousands of papers: going through all of them for
 * each paper page made rendering grow with the square of the site.
 *
 * A paper with at most three tags looks at the first few papers of each set of its tags, from the
 * sets of all its tags down to single tags: a paper that shares exactly `c` of its tags is in one
 * set of `c`, and one that shares more was already looked at. A paper with more tags goes through
 * every paper that shares three of them first (there are few on most sites).
 */
export class RelatedIndex {
  private readonly lists = new Map<string, SitePaper[]>()
  /** Each paper's tags, each once, sorted. */
  private readonly tags = new Map<SitePaper, string[]>()
  /** The papers of each tag, for the first questions: the edition's own lists. */
  private readonly byTag = new Map<string, readonly SitePaper[]>()
  private indexed = false
  private asked = 0
  private readonly scanFirst: number

  /**
   * @param edition the papers of an edition, and its tags with their papers (in the order of
   *   `papers`, each paper once)
   * @param options `scanFirst`: the first so many questions are answered by going through the
   *   papers of the paper's tags, and the index is built only for more (a build that renders a
   *   few paper pages again, after an edit, need not index the whole site). Default: 32.
   */
  constructor(
    private readonly edition: Pick<Edition, 'papers' | 'tags'>,
    { scanFirst = 32 }: { scanFirst?: number } = {}
  ) {
    this.scanFirst = scanFirst
    for (const tag of edition.tags) this.byTag.set(tag.name, tag.papers)
  }

  /** Papers that share tags with `paper`: most shared tags first, then newest, then by address. */
  related(paper: SitePaper, limit = 3): SitePaper[] {
    if (++this.asked <= this.scanFirst) return this.scan(paper, limit)
    this.index()
    return this.fromIndex(paper, limit)
  }

  /** The answer from the papers of each of the paper's tags, without the index. */
  private scan(paper: SitePaper, limit: number): SitePaper[] {
    if (limit <= 0) return []
    const shared = new Map<SitePaper, number>()
    for (const tag of new Set(paper.paper.tags)) for (const sp of this.byTag.get(tag) ?? []) if (sp !== paper) shared.set(sp, (shared.get(sp) ?? 0) + 1)
    // The best few, kept in order as the others go by: no sort of every paper of the tags.
    const before = ([a, x]: [SitePaper, number], [b, y]: [SitePaper, number]): number => (x !== y ? y - x : byRank(a, b))
    const best: Array<[SitePaper, number]> = []
    for (const entry of shared) {
      if (best.length === limit && before(entry, best[limit - 1]!) >= 0) continue
      let i = best.length
      best.push(entry)
      for (; i > 0 && before(entry, best[i - 1]!) < 0; i--) best[i] = best[i - 1]!
      best[i] = entry
      if (best.length > limit) best.pop()
    }
    return best.map(([sp]) => sp)
  }

  private index(): void {
    if (this.indexed) return
    this.indexed = true
    for (const sp of [...this.edition.papers].sort(byRank)) {
      const tags = [...new Set(sp.paper.tags)].sort()
      this.tags.set(sp, tags)
      for (let size = 1; size <= indexedTags; size++) {
        for (const key of tagSets(tags, size)) {
          const list = this.lists.get(key)
          if (list) list.push(sp)
          else this.lists.set(key, [sp])
        }
      }
    }
  }

  private fromIndex(paper: SitePaper, limit: number): SitePaper[] {
    const tags = this.tagsOf(paper)
    const own = new Set(tags)
    const shared = (other: SitePaper): number => this.tagsOf(other).filter((t) => own.has(t)).length
    const best: SitePaper[] = []
    const taken = new Set<SitePaper>([paper])
    const take = (chosen: readonly SitePaper[]): void => {
      for (const sp of chosen) {
        best.push(sp)
        taken.add(sp)
      }
    }
    let size = Math.min(tags.length, indexedTags)
    if (tags.length > indexedTags) {
      // Every paper sharing three tags or more is in a list of three of this paper's tags.
      const found = new Map<SitePaper, number>()
      for (const key of tagSets(tags, indexedTags)) for (const sp of this.lists.get(key) ?? []) if (!taken.has(sp) && !found.has(sp)) found.set(sp, shared(sp))
      take(
        [...found]
          .sort(([a, x], [b, y]) => (x !== y ? y - x : byRank(a, b)))
          .slice(0, limit)
          .map(([sp]) => sp)
      )
      size = indexedTags - 1
    }
    for (; size >= 1 && best.length < limit; size--) {
      const need = limit - best.length
      const candidates: SitePaper[] = []
      for (const key of tagSets(tags, size)) {
        let n = 0
        for (const sp of this.lists.get(key) ?? []) {
          if (taken.has(sp)) continue
          candidates.push(sp)
          if (++n === need) break
        }
      }
      take(candidates.sort(byRank).slice(0, need))
    }
    return best
  }

  /** A paper's tags, each once, sorted (as indexed, for a paper of the index). */
  private tagsOf(sp: SitePaper): string[] {
    return this.tags.get(sp) ?? [...new Set(sp.paper.tags)].sort()
  }
}

/** Newer first, then by address: a total order, so output is stable. */
function byRank(a: SitePaper, b: SitePaper): number {
  if (a.paper.date !== b.paper.date) return a.paper.date > b.paper.date ? -1 : 1
  return a.route < b.route ? -1 : a.route > b.route ? 1 : 0
}

/** Every set of `size` of the (sorted, distinct) tags, as a key. */
function tagSets(tags: readonly string[], size: number): string[] {
  const out: string[] = []
  const pick = (from: number, chosen: string[]): void => {
    if (chosen.length === size) {
      out.push(chosen.join('\n'))
      return
    }
    for (let i = from; i <= tags.length - (size - chosen.length); i++) pick(i + 1, [...chosen, tags[i]!])
  }
  pick(0, [])
  return out
}

const relatedIndexes = new WeakMap<Edition, RelatedIndex>()

/** The related-paper index of an edition (not a tracked one), built once per edition. */
function relatedIndex(edition: Edition): RelatedIndex {
  let index = relatedIndexes.get(edition)
  if (!index) {
    index = new RelatedIndex(edition)
    relatedIndexes.set(edition, index)
  }
  return index
}

function strictValue(value: unknown): string {
  if (value === undefined || value === null) throw new Error(`A template printed ${String(value)}: a variable is missing`)
  return String(value)
}

/** Find the template file and line in an Eta error (`/abs/path.eta:12` on its first line). */
function toTemplateError(error: unknown, fallback: string, page: string, templatesDir: string): TemplateError {
  const message = String((error as Error).message ?? error)
  const where = /^(.*\.eta):(\d+)$/m.exec(message)
  const reason = message.split('\n').filter((l) => l.trim() !== '').at(-1) ?? message
  if (where) {
    const file = path.relative(templatesDir, where[1]!) || fallback
    return new TemplateError(file, page, reason, Number(where[2]))
  }
  return new TemplateError(fallback, page, reason)
}
