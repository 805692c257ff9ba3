import type { Config } from '../config.js'
import { authorSlug } from '../site/graph.js'

/** Functions every template can call as `it.h.name(…)`. */
export interface Helpers {
  /** Link to a site path (`/2021/01/`), with the base path in front. */
  url(path: string): string
  /** Absolute URL of a site path, for canonical links and feeds. */
  absolute(path: string): string
  /** A date `YYYY-MM-DD` in the site's language, such as `18 January 2021`. */
  date(value: string, style?: 'long' | 'short'): string
  /** Authors for a card: family names, `et al.` past five. */
  shortAuthors(authors: readonly string[]): string
  /** Authors in full, joined for reading. */
  fullAuthors(authors: readonly string[]): string
  /** Site path of an author's index page. */
  authorRoute(name: string): string
}

/**
 * Helpers bound to one configuration.
 *
 * @param config resolved settings
 */
export function createHelpers(config: Config): Helpers {
  const long = new Intl.DateTimeFormat(config.language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  const short = new Intl.DateTimeFormat(config.language, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
  const list = new Intl.ListFormat(config.language, { style: 'long', type: 'conjunction' })
  const toDate = (value: string): Date => new Date(`${value}T00:00:00Z`)
  return {
    url: (p) => config.basePath + p.replace(/^\//, ''),
    absolute: (p) => new URL(p.replace(/^\//, ''), config.baseUrl).href,
    date: (value, style = 'long') => (style === 'long' ? long : short).format(toDate(value)),
    shortAuthors(authors) {
      const names = authors.map(familyName)
      return names.length > 5 ? `${names.slice(0, 3).join(', ')} et al.` : names.join(', ')
    },
    fullAuthors: (authors) => list.format(authors),
    authorRoute: (name) => `/authors/${authorSlug(name)}/`
  }
}

function familyName(name: string): string {
  const parts = name.trim().split(/\s+/)
  return parts.at(-1) ?? name
}
