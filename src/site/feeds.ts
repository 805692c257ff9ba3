import { Feed } from 'feed'
import type { OutputFile } from '../output/writer.js'
import { toFeedHtml } from './feed-html.js'
import type { Edition, Site, SitePaper } from './graph.js'

/** Interface text of a feed in one language (the render layer's catalogues, passed in by the build). */
export type FeedText = (language: string) => (key: 'card.paper' | 'card.code' | 'card.discussion' | 'feed.takeaway' | 'feed.digest' | 'feed.tag', params?: Record<string, string>) => string

const englishText: FeedText = () => (key, params = {}) =>
  ({
    'card.paper': 'Paper',
    'card.code': 'Code',
    'card.discussion': 'Discussion',
    'feed.takeaway': 'Why it matters:',
    'feed.digest': `${params.month ?? ''}: the digest`,
    'feed.tag': `Papers tagged ${params.tag ?? ''}`
  })[key]

/** Entries in a feed: newest first, at most this many. */
const maxEntries = 50

/**
 * Site paths of every feed, in every language: `/feed.xml`, `/rss.xml`, `/feed.json`, one per tag
 * (`/tags/<tag>/feed.xml`), and the same under each other language's prefix (`/ru/feed.xml`).
 *
 * @param site the site graph
 */
export function feedPaths(site: Site): string[] {
  return site.editions.flatMap((e) => [...['feed.xml', 'rss.xml', 'feed.json'].map((name) => e.prefix + name), ...e.tags.map((t) => `${t.route}feed.xml`)])
}

/**
 * Atom (`/feed.xml`), RSS 2.0 (`/rss.xml`) and JSON Feed (`/feed.json`) of the whole site, with one
 * entry per month's digest and one per card, and an Atom feed per tag (`/tags/<tag>/feed.xml`).
 * Full content, math as MathML, every URL absolute. Each language gets its own feeds under its
 * prefix (`/ru/feed.xml`), with its text and links to its pages.
 *
 * @param site the site graph
 * @param text interface text by language (default: English)
 */
export function renderFeeds(site: Site, text: FeedText = englishText): OutputFile[] {
  return site.editions.flatMap((edition) => renderEditionFeeds(edition, text(edition.language)))
}

function renderEditionFeeds(site: Edition, t: ReturnType<FeedText>): OutputFile[] {
  const { config } = site
  const prefix = site.prefix
  const abs = (p: string): string => new URL(p.replace(/^\//, ''), config.baseUrl).href
  const updated = latestDate(site)

  const make = (title: string, description: string, selfPath: string, linkPath: string) =>
    new Feed({
      title,
      description,
      id: abs(linkPath),
      link: abs(linkPath),
      language: site.language,
      updated,
      generator: 'Collage',
      copyright: config.author ? `© ${config.author}` : '',
      feedLinks: { atom: abs(`${prefix}feed.xml`), rss: abs(`${prefix}rss.xml`), json: abs(`${prefix}feed.json`), ...(selfPath ? { self: abs(selfPath) } : {}) },
      ...(config.author ? { author: { name: config.author } } : {})
    })

  const paperEntry = (sp: SitePaper) => {
    const p = sp.paper
    const links = [
      p.links.paper ? `<a href="${escapeAttr(p.links.paper)}">${escapeText(t('card.paper'))}</a>` : '',
      p.links.code ? `<a href="${escapeAttr(p.links.code)}">${escapeText(t('card.code'))}</a>` : '',
      p.links.discussion ? `<a href="${escapeAttr(p.links.discussion)}">${escapeText(t('card.discussion'))}</a>` : ''
    ].filter(Boolean)
    // An untranslated card keeps its original text: say which language it is in.
    const lang = (p.lang ?? config.language) === site.language ? '' : ` lang="${escapeAttr(p.lang ?? config.language)}"`
    const content =
      `<p><em>${escapeText(p.authors.join(', '))} · ${p.year}${p.venue ? ` · ${escapeText(p.venue)}` : ''}</em></p>` +
      (lang ? `<div${lang}>` : '') +
      toFeedHtml(p.summaryHtml) +
      (p.keyEquationHtml ? toFeedHtml(p.keyEquationHtml) : '') +
      (lang ? '</div>' : '') +
      `<p><strong>${escapeText(t('feed.takeaway'))}</strong> <span${lang}>${toFeedHtml(p.takeawayHtml)}</span></p>` +
      (links.length > 0 ? `<p>${links.join(' · ')}</p>` : '')
    return {
      title: p.titleText,
      id: abs(sp.route),
      link: abs(sp.route),
      date: dateOf(p.date),
      published: dateOf(p.date),
      description: p.summaryText.length > 280 ? p.summaryText.slice(0, 277).replace(/\s+\S*$/, '') + '…' : p.summaryText,
      content,
      ...(p.authors.length > 0 ? { author: p.authors.map((name) => ({ name })) } : {}),
      category: p.tags.map((name) => ({ name, term: name }))
    }
  }

  /** Original text on a page of another language, marked with its language. */
  const wrapLang = (html: string, lang: string | undefined): string => {
    const tag = lang ?? config.language
    return html === '' || tag === site.language ? html : `<div lang="${escapeAttr(tag)}">${html}</div>`
  }

  const entries: Array<{ date: Date; item: ReturnType<typeof paperEntry> }> = []
  for (const sp of site.papers) entries.push({ date: dateOf(sp.paper.date), item: paperEntry(sp) })
  for (const m of site.months) {
    if (m.papers.length === 0) continue
    const last = m.papers.at(-1)!.paper.date
    const list = m.papers.map((sp) => `<li><a href="${escapeAttr(abs(sp.route))}">${escapeText(sp.paper.titleText)}</a></li>`).join('')
    entries.push({
      // A digest is complete once its last card is out; it sorts just after that card.
      date: new Date(dateOf(last).getTime() + 1000),
      item: {
        title: t('feed.digest', { month: m.title }),
        id: abs(m.route),
        link: abs(m.route),
        date: new Date(dateOf(last).getTime() + 1000),
        published: new Date(dateOf(last).getTime() + 1000),
        description: m.source.summary ?? m.source.summaryText,
        content: wrapLang(toFeedHtml(m.source.introHtml), m.source.lang) + `<ol>${list}</ol>` + wrapLang(toFeedHtml(m.source.outroHtml), m.source.lang),
        // feed's JSON writer reads author[0] whenever the key is present: leave it out when empty.
        ...(config.author ? { author: [{ name: config.author }] } : {}),
        category: []
      }
    })
  }
  entries.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.item.id < b.item.id ? -1 : 1))

  const main = make(config.title, config.description || config.title, `${prefix}feed.xml`, prefix)
  for (const e of entries.slice(0, maxEntries)) main.addItem(e.item)
  const files: OutputFile[] = [
    { path: `${prefix.slice(1)}feed.xml`, data: withLanguage(main.atom1(), site.language) },
    { path: `${prefix.slice(1)}rss.xml`, data: main.rss2() },
    { path: `${prefix.slice(1)}feed.json`, data: main.json1() }
  ]
  for (const tag of site.tags) {
    const feed = make(`${config.title}: #${tag.name}`, t('feed.tag', { tag: tag.name }), `${tag.route}feed.xml`, tag.route)
    const items = [...tag.papers].sort((a, b) => (a.paper.date < b.paper.date ? 1 : a.paper.date > b.paper.date ? -1 : 0)).slice(0, maxEntries)
    for (const sp of items) feed.addItem(paperEntry(sp))
    files.push({ path: `${tag.route.slice(1)}feed.xml`, data: withLanguage(feed.atom1(), site.language) })
  }
  return files
}

/** Atom has no language element: the feed's language is `xml:lang` on its root (the feed library writes none). */
function withLanguage(atom: string, language: string): string {
  return atom.replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeAttr(language)}">`)
}

function dateOf(value: string): Date {
  return new Date(`${value}T00:00:00Z`)
}

function latestDate(site: Edition): Date {
  const last = site.papers.reduce((max, sp) => (sp.paper.date > max ? sp.paper.date : max), '1970-01-01')
  return dateOf(last)
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;')
}
