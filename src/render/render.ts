import path from 'node:path'
import { Eta } from 'eta'
import type { Config } from '../config.js'
import type { Route, Site, SiteAuthor, SiteMonth, SitePaper, SiteTag } from '../site/graph.js'
import { citationMeta, paperJsonLd, readingMinutes, toBibtex } from './citation.js'
import { createHelpers, type Helpers } from './helpers.js'
import { cardImageAlt, cardImagePath, coverImageAlt, coverImagePath, shareImageSize } from './share-image.js'

/** Data every page template gets as `it`. */
export interface PageData {
  site: Site
  config: Config
  h: Helpers
  route: Route
  /** Text for `<title>`, plain. */
  title: string
  /** Plain-text description for meta tags. */
  description: string
  month?: SiteMonth
  paper?: SitePaper
  tag?: SiteTag
  author?: SiteAuthor
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
  /** Render one route to HTML. Throws {@link TemplateError}. */
  renderRoute(route: Route): string
}

const templateOf: Record<Route['kind'], string> = {
  home: 'home',
  archive: 'archive',
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

/**
 * Create a renderer for a site.
 *
 * @param templatesDir folder of `.eta` templates
 * @param site the site graph
 * @param assetVersion short hash of the stylesheets
 * @param options `images`: the build makes share images, so pages point at them (default false)
 */
export function createRenderer(templatesDir: string, site: Site, assetVersion: string, options: { images?: boolean } = {}): Renderer {
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
  const h = createHelpers(site.config)
  const months = new Map(site.months.map((m) => [m.key, m]))
  const papers = new Map(site.papers.map((p) => [`${p.paper.month}/${p.paper.slug}`, p]))
  const tags = new Map(site.tags.map((t) => [t.name, t]))
  const authors = new Map(site.authors.map((a) => [a.slug, a]))
  const image = (file: string, alt: string): NonNullable<PageData['image']> => ({ url: new URL(file, site.config.baseUrl).href, alt, ...shareImageSize })

  return {
    renderRoute(route) {
      const data: PageData = { site, config: site.config, h, route, title: site.config.title, description: site.config.description, assetVersion }
      if (route.kind === 'month' || route.kind === 'slides') {
        const month = months.get(route.key ?? '')!
        data.month = month
        data.title = `${route.kind === 'slides' ? 'Slides: ' : ''}${month.title} · ${site.config.title}`
        data.description = month.source.summary ?? (month.source.summaryText || site.config.description)
        if (options.images) data.image = image(coverImagePath(month), coverImageAlt(month, site.config))
      } else if (route.kind === 'paper') {
        const paper = papers.get(route.key ?? '')!
        data.paper = paper
        data.month = paper.month
        data.title = `${paper.paper.titleText} · ${site.config.title}`
        data.description = paper.paper.summaryText.length > 200 ? paper.paper.summaryText.slice(0, 197).replace(/\s+\S*$/, '') + '…' : paper.paper.summaryText
        data.related = relatedPapers(paper, site.papers)
        data.citation = { bibtex: toBibtex(paper), meta: citationMeta(paper, site.config), jsonLd: paperJsonLd(paper, site.config) }
        data.readingMinutes = readingMinutes(paper.paper.wordCount)
        if (options.images) data.image = image(cardImagePath(paper), cardImageAlt(paper, site.config))
      } else if (route.kind === 'home' && site.latest) {
        data.month = site.latest
        if (options.images) data.image = image(coverImagePath(site.latest), coverImageAlt(site.latest, site.config))
      } else if (route.kind === 'archive') {
        data.title = `Archive · ${site.config.title}`
      } else if (route.kind === 'tag') {
        const tag = tags.get(route.key ?? '')!
        data.tag = tag
        data.title = `#${tag.name} · ${site.config.title}`
        data.description = `${tag.papers.length} paper${tag.papers.length === 1 ? '' : 's'} tagged ${tag.name}`
      } else if (route.kind === 'author') {
        const author = authors.get(route.key ?? '')!
        data.author = author
        data.title = `${author.name} · ${site.config.title}`
        data.description = `Papers by ${author.name} in ${site.config.title}`
      } else if (route.kind === 'tags') {
        data.title = `Tags · ${site.config.title}`
      } else if (route.kind === 'authors') {
        data.title = `Authors · ${site.config.title}`
      } else if (route.kind === 'search') {
        data.title = `Search · ${site.config.title}`
      } else if (route.kind === 'not-found') {
        data.title = `Page not found · ${site.config.title}`
      }
      const name = templateOf[route.kind]
      try {
        return eta.render(`./${name}`, data)
      } catch (error) {
        throw toTemplateError(error, `${name}.eta`, route.path, templatesDir)
      }
    }
  }
}

/**
 * Papers that share tags with a paper, most shared tags first, then newest; at most `limit`.
 *
 * @param paper the paper
 * @param all every paper of the site
 */
export function relatedPapers(paper: SitePaper, all: readonly SitePaper[], limit = 3): SitePaper[] {
  const tags = new Set(paper.paper.tags)
  if (tags.size === 0) return []
  return all
    .filter((p) => p !== paper)
    .map((p) => ({ p, shared: p.paper.tags.filter((t) => tags.has(t)).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared || (a.p.paper.date < b.p.paper.date ? 1 : -1))
    .slice(0, limit)
    .map((x) => x.p)
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
