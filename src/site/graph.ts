import slugify from '@sindresorhus/slugify'
import { languagePrefix, type Config } from '../config.js'
import type { Month, Paper, Problem } from '../types.js'

/** A paper placed in the site. */
export interface SitePaper {
  paper: Paper
  /** Site path such as `/2021/01/rad/` (without the base path). */
  route: string
  month: SiteMonth
  /** Week of the month the card was published in, 1-5. */
  week: number
  previous?: SitePaper
  next?: SitePaper
}

/** A month placed in the site. */
export interface SiteMonth {
  key: string
  year: number
  /** 1-12. */
  number: number
  route: string
  /** Display title: the front matter's, or the month's name and year. */
  title: string
  source: Month
  papers: SitePaper[]
  previous?: SiteMonth
  next?: SiteMonth
}

/** A tag and its papers. */
export interface SiteTag {
  name: string
  route: string
  /** Oldest first, in the edition's order. */
  papers: SitePaper[]
}

/** An author and their papers across months. */
export interface SiteAuthor {
  name: string
  slug: string
  route: string
  papers: SitePaper[]
}

/** A year of the archive with a page of its own (see {@link Edition.years}). */
export interface SiteYear {
  year: number
  route: string
  /** Oldest first. */
  months: SiteMonth[]
}

/** Months whose papers the archive page lists: the latest year's, with the rest of their years. */
export const archiveRecentMonths = 12

/** One page of the site. */
export interface Route {
  /** Path inside the site, such as `/2021/01/`; `/404.html` for the error page. */
  path: string
  kind: 'home' | 'archive' | 'year' | 'month' | 'slides' | 'paper' | 'not-found' | 'tags' | 'tag' | 'authors' | 'author' | 'search'
  /** The month or paper the page shows. */
  key?: string
  /** The file that produced the page, for messages. */
  source?: string
  /** Language of the page: one of `config.languages`. */
  language: string
}

/**
 * The site in one language: every page of the site graph, with the text of that language where a
 * translation exists and the original's elsewhere (a paper's or month's `lang` says which).
 */
export interface Edition {
  config: Config
  /** Language of the pages. */
  language: string
  /** Path prefix of the pages, without the base path: `/` for the default language, `/ru/` for Russian. */
  prefix: string
  /** Oldest first. */
  months: SiteMonth[]
  /** In month order, then date, then slug: oldest first (a paper's date is in its month). */
  papers: SitePaper[]
  tags: SiteTag[]
  /** Sorted by name. */
  authors: SiteAuthor[]
  /** The pages of this language. */
  routes: Route[]
  latest?: SiteMonth
  /**
   * Years the archive page lists by month only, oldest first, each with a page of its own
   * (`/archive/2019/`) that lists their papers: every year none of whose months is among the
   * latest {@link archiveRecentMonths}. So the archive page does not grow with every paper.
   */
  years: SiteYear[]
}

/**
 * The whole site as data: what every page needs to know about the others. Its own months, papers,
 * tags and authors are those of the default language; `routes` lists the pages of every language.
 */
export interface Site extends Edition {
  /** One edition per language, the default language's first. */
  editions: Edition[]
}

/** Slugs that would collide with pages of a month. */
export const reservedSlugs = new Set(['index', 'slides', 'feed', 'tags', 'archive', 'cover'])

/**
 * Build the site graph: months in order with their papers by date, previous/next links, tags and
 * every route, once per language of `config.languages`. Pure: same input, same output, whatever
 * the order of the input.
 *
 * @param config resolved settings
 * @param months rendered months, translations (with `lang`) included
 * @param papers rendered papers, translations (with `lang`) included
 */
export function buildSite(config: Config, months: readonly Month[], papers: readonly Paper[]): { site: Site; problems: Problem[] } {
  const isOriginal = (x: { lang?: string }): boolean => x.lang === undefined || x.lang === config.language
  const originalMonths = months.filter(isOriginal)
  const originalPapers = papers.filter(isOriginal)
  const editions: Edition[] = []
  let problems: Problem[] = []
  for (const language of config.languages) {
    const isLocal = (x: { lang?: string }): boolean => x.lang === language
    const monthTranslations = new Map(months.filter(isLocal).map((m) => [m.key, m]))
    const paperTranslations = new Map(papers.filter(isLocal).map((p) => [`${p.month}/${p.slug}`, p]))
    const localMonths = monthTranslations.size === 0 ? originalMonths : originalMonths.map((m) => monthTranslations.get(m.key) ?? m)
    const localPapers = paperTranslations.size === 0 ? originalPapers : originalPapers.map((p) => paperTranslations.get(`${p.month}/${p.slug}`) ?? p)
    const built = buildEdition(config, language, localMonths, localPapers)
    // Every edition has the same pages: the default one reports problems for all.
    if (language === config.language) problems = built.problems
    editions.push(built.edition)
  }
  const first = editions[0]!
  const site: Site = { ...first, routes: editions.flatMap((e) => e.routes), editions }
  return { site, problems }
}

/** The fields of a paper record the site graph is made from: a paper whose other fields change keeps its place. */
export const paperPlaceFields = ['month', 'slug', 'date', 'tags', 'authors', 'lang', 'path'] as const

/** The fields of a month record the site graph is made from. */
export const monthPlaceFields = ['key', 'title', 'lang', 'path'] as const

/**
 * Whether two records have the same values of some fields (such as {@link paperPlaceFields}).
 *
 * @param fields the fields to compare
 */
export function samePlace<T extends object>(fields: readonly (keyof T)[], a: T, b: T): boolean {
  return placeOf(fields, a) === placeOf(fields, b)
}

/**
 * A record's values of some fields (such as {@link paperPlaceFields}) as one string: equal for
 * two records exactly when {@link samePlace}.
 *
 * @param fields the fields
 * @param record the record
 */
export function placeOf<T extends object>(fields: readonly (keyof T)[], record: T): string {
  return JSON.stringify(fields.map((field) => record[field]))
}

/** New records to put in the places of old ones (see {@link replaceRecords}), by the record each replaces. */
export interface Replacements {
  papers: ReadonlyMap<Paper, Paper>
  months: ReadonlyMap<Month, Month>
}

/**
 * Put new records in the places of old ones, in every edition: for a rebuild in which these
 * papers and months changed only in fields the graph is not made from (see
 * {@link paperPlaceFields} and {@link monthPlaceFields}), so that the graph need not be built
 * again. The graph is changed in place.
 *
 * @param site the site graph
 * @param replacements the records to put in
 * @returns a function that puts the old records back
 */
export function replaceRecords(site: Site, replacements: Replacements): () => void {
  const undo: Array<() => void> = []
  for (const edition of site.editions) {
    swapIn(edition.papers, 'paper', replacements.papers, undo)
    swapIn(edition.months, 'source', replacements.months, undo)
  }
  return () => {
    for (const put of undo) put()
  }
}

/** Give each holder whose `field` is a key of `by` that key's value instead, noting in `undo` how to put the old one back. */
function swapIn<H extends object, F extends keyof H>(holders: readonly H[], field: F, by: ReadonlyMap<H[F], H[F]>, undo: Array<() => void>): void {
  if (by.size === 0) return
  for (const holder of holders) {
    const old = holder[field]
    const next = by.get(old)
    if (next === undefined) continue
    holder[field] = next
    undo.push(() => {
      holder[field] = old
    })
  }
}

/**
 * Where a page of one language is in every language: the same page under each language's prefix.
 *
 * @param site the site
 * @param route a page of any language
 */
export function alternatesOf(site: Site, route: Route): Array<{ language: string; path: string }> {
  const own = site.editions.find((e) => e.language === route.language)
  const inner = own ? route.path.slice(own.prefix.length - 1) : route.path
  return site.editions.map((e) => ({ language: e.language, path: e.prefix.slice(0, -1) + inner }))
}

function buildEdition(config: Config, language: string, months: readonly Month[], papers: readonly Paper[]): { edition: Edition; problems: Problem[] } {
  const problems: Problem[] = []
  const prefix = languagePrefix(config, language)
  const monthFormat = new Intl.DateTimeFormat(language, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const monthName = (date: Date): string => {
    const name = monthFormat.format(date)
    return name.charAt(0).toLocaleUpperCase(language) + name.slice(1)
  }
  const byKey = new Map<string, SiteMonth>()
  for (const m of [...months].sort((a, b) => compare(a.key, b.key))) {
    const [y, n] = m.key.split('-').map(Number) as [number, number]
    // A title is kept only in its own language: an untranslated month gets its name in this one.
    const title = m.title !== undefined && (m.lang ?? config.language) === language ? m.title : monthName(new Date(Date.UTC(y, n - 1, 1)))
    byKey.set(m.key, {
      key: m.key,
      year: y,
      number: n,
      route: `${prefix}${m.key.slice(0, 4)}/${m.key.slice(5, 7)}/`,
      title,
      source: m,
      papers: []
    })
  }
  const sorted = [...papers].sort((a, b) => compare(a.month, b.month) || compare(a.date, b.date) || compare(a.slug, b.slug))
  const sitePapers: SitePaper[] = []
  for (const paper of sorted) {
    const month = byKey.get(paper.month)
    if (!month) continue
    if (reservedSlugs.has(paper.slug)) {
      problems.push({ file: paper.path, line: 1, column: 1, message: `Slug \`${paper.slug}\` is reserved for a page of the month; rename the file`, ruleId: 'reserved-slug', severity: 'error' })
      continue
    }
    const day = Number(paper.date.slice(8, 10))
    const sp: SitePaper = { paper, route: `${month.route}${paper.slug}/`, month, week: Math.ceil(day / 7) }
    month.papers.push(sp)
    sitePapers.push(sp)
  }
  const monthList = [...byKey.values()].filter((m) => m.papers.length > 0 || m.source.path !== undefined)
  link(monthList)
  link(sitePapers)

  const tagMap = new Map<string, SitePaper[]>()
  for (const sp of sitePapers) {
    for (const tag of sp.paper.tags) {
      const list = tagMap.get(tag)
      // Papers come in order: a tag written twice finds its paper last in the list.
      if (!list) tagMap.set(tag, [sp])
      else if (list.at(-1) !== sp) list.push(sp)
    }
  }
  const tags = [...tagMap.entries()].sort(([a], [b]) => compare(a, b)).map(([name, list]) => ({ name, route: `${prefix}tags/${encodeURIComponent(name)}/`, papers: list }))

  const authorMap = new Map<string, SiteAuthor>()
  for (const sp of sitePapers) {
    for (const name of sp.paper.authors) {
      const slug = authorSlug(name)
      const author = authorMap.get(slug) ?? { name, slug, route: `${prefix}authors/${slug}/`, papers: [] }
      author.papers.push(sp)
      authorMap.set(slug, author)
    }
  }
  const authors = [...authorMap.values()].sort((a, b) => compare(a.slug, b.slug))

  const routes: Route[] = [
    { path: prefix, kind: 'home', language },
    { path: `${prefix}archive/`, kind: 'archive', language },
    { path: `${prefix}404.html`, kind: 'not-found', language },
    { path: `${prefix}search/`, kind: 'search', language },
    { path: `${prefix}tags/`, kind: 'tags', language },
    { path: `${prefix}authors/`, kind: 'authors', language }
  ]
  const recentYears = new Set(monthList.slice(-archiveRecentMonths).map((m) => m.year))
  const years: SiteYear[] = []
  for (const m of monthList) {
    if (recentYears.has(m.year)) continue
    if (years.at(-1)?.year !== m.year) years.push({ year: m.year, route: `${prefix}archive/${m.year}/`, months: [] })
    years.at(-1)!.months.push(m)
  }
  for (const y of years) routes.push({ path: y.route, kind: 'year', key: String(y.year), language })
  for (const t of tags) routes.push({ path: t.route, kind: 'tag', key: t.name, language })
  for (const a of authors) routes.push({ path: a.route, kind: 'author', key: a.slug, language })
  for (const m of monthList) {
    const source = m.source.path ? { source: m.source.path } : {}
    routes.push({ path: m.route, kind: 'month', key: m.key, ...source, language })
    if (m.papers.length > 0) routes.push({ path: `${m.route}slides/`, kind: 'slides', key: m.key, ...source, language })
  }
  for (const sp of sitePapers) routes.push({ path: sp.route, kind: 'paper', key: `${sp.paper.month}/${sp.paper.slug}`, source: sp.paper.path, language })
  const seen = new Map<string, Route>()
  for (const r of routes) {
    // Two spellings of one path clash on a file system that folds case or normalises names.
    const key = (ascii.test(r.path) ? r.path : r.path.normalize('NFC')).toLowerCase()
    const other = seen.get(key)
    if (other) {
      for (const [a, b] of [[r, other], [other, r]] as const) {
        problems.push({ file: a.source ?? '(site)', line: 1, column: 1, message: `Page ${r.path} is also produced by ${b.source ?? 'the site'}`, ruleId: 'duplicate-route', severity: 'error' })
      }
    } else {
      seen.set(key, r)
    }
  }
  const edition: Edition = { config, language, prefix, months: monthList, papers: sitePapers, tags, authors, routes, years }
  const latest = [...monthList].reverse().find((m) => m.papers.length > 0) ?? monthList.at(-1)
  if (latest) edition.latest = latest
  return { edition, problems }
}

/**
 * URL slug of an author's name: ASCII, transliterated (`Юрий` → `yurii`); a name with no letters
 * that transliterate gets a stable hash instead of an empty slug.
 *
 * @param name the author's name as written
 */
export function authorSlug(name: string): string {
  let slug = authorSlugs.get(name)
  if (slug === undefined) {
    slug = slugify(name, { decamelize: false }).slice(0, 80)
    if (slug === '') {
      let hash = 0
      for (const ch of name) hash = (Math.imul(hash, 31) + ch.codePointAt(0)!) >>> 0
      slug = `author-${hash.toString(36)}`
    }
    // Names recur across papers and builds; transliterating is the slow part of the site graph.
    if (authorSlugs.size >= 100_000) authorSlugs.clear()
    authorSlugs.set(name, slug)
  }
  return slug
}

const authorSlugs = new Map<string, string>()

function link<T extends { previous?: T; next?: T }>(items: T[]): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const prev = items[i - 1]
    const next = items[i + 1]
    if (prev) item.previous = prev
    if (next) item.next = next
  }
}

/** Text that Unicode normalisation leaves as it is. */
const ascii = /^[\x00-\x7f]*$/

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
