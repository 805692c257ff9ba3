import { languagePrefix, type Config } from '../config.js'
import { authorSlug } from '../site/graph.js'
import { createTranslator } from './messages/index.js'

/** Functions every template can call as `it.h.name(…)`. */
export interface Helpers {
  /** Language of the pages these helpers serve. */
  language: string
  /** Link to a site path (`/2021/01/`, `/assets/collage.css`), with the base path in front. */
  url(path: string): string
  /** Link to a page of this language (`/archive/` → `/ru/archive/` on Russian pages), with the base path. */
  page(path: string): string
  /** Absolute URL of a site path, for canonical links and feeds. */
  absolute(path: string): string
  /** A date `YYYY-MM-DD` in the page's language, such as `18 January 2021`. */
  date(value: string, style?: 'long' | 'short'): string
  /** Authors for a card: family names, `et al.` past five. */
  shortAuthors(authors: readonly string[]): string
  /** Authors in full, joined for reading. */
  fullAuthors(authors: readonly string[]): string
  /** Site path of an author's index page in this language. */
  authorRoute(name: string): string
  /**
   * ` lang="en"` when text in `language` sits on a page of another language, else nothing; write
   * it raw (`<%~ %>`) inside a start tag. `undefined` is the site's default language.
   */
  langAttr(language: string | undefined): string
}

/**
 * Helpers bound to one configuration and page language.
 *
 * @param config resolved settings
 * @param language the pages' language (default: the site's default language)
 */
export function createHelpers(config: Config, language: string = config.language): Helpers {
  // Intl formatters are costly to make: one set per configuration and language.
  let byLanguage = made.get(config)
  if (!byLanguage) {
    byLanguage = new Map()
    made.set(config, byLanguage)
  }
  let helpers = byLanguage.get(language)
  if (!helpers) {
    helpers = makeHelpers(config, language)
    byLanguage.set(language, helpers)
  }
  return helpers
}

const made = new WeakMap<Config, Map<string, Helpers>>()

function makeHelpers(config: Config, language: string): Helpers {
  const long = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
  const short = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
  const list = new Intl.ListFormat(language, { style: 'long', type: 'conjunction' })
  const etAl = createTranslator(language)('authors.etAl')
  const prefix = languagePrefix(config, language)
  const toDate = (value: string): Date => new Date(`${value}T00:00:00Z`)
  const url = (p: string): string => config.basePath + p.replace(/^\//, '')
  return {
    language,
    url,
    page: (p) => url(prefix + p.replace(/^\//, '')),
    absolute: (p) => new URL(p.replace(/^\//, ''), config.baseUrl).href,
    date: (value, style = 'long') => (style === 'long' ? long : short).format(toDate(value)),
    shortAuthors(authors) {
      const names = authors.map(familyName)
      return names.length > 5 ? `${names.slice(0, 3).join(', ')} ${etAl}` : names.join(', ')
    },
    fullAuthors: (authors) => list.format(authors),
    authorRoute: (name) => `${prefix}authors/${authorSlug(name)}/`,
    langAttr(text) {
      const tag = text ?? config.language
      return tag === language ? '' : ` lang="${escapeAttr(tag)}"`
    }
  }
}

function familyName(name: string): string {
  const parts = name.trim().split(/\s+/)
  return parts.at(-1) ?? name
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}
