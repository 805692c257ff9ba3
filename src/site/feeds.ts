import { Feed } from 'feed'
import type { OutputFile } from '../output/writer.js'
import { toFeedHtml } from './feed-html.js'
import type { Site, SitePaper } from './graph.js'

/** Entries in a feed: newest first, at most this many. */
const maxEntries = 50

/**
 * Atom (`/feed.xml`), RSS 2.0 (`/rss.xml`) and JSON Feed (`/feed.json`) of the whole site, with one
 * entry per month's digest and one per card, and an Atom feed per tag (`/tags/<tag>/feed.xml`).
 * Full content, math as MathML, every URL absolute.
 *
 * @param site the site graph
 */
export function renderFeeds(site: Site): OutputFile[] {
  const { config } = site
  const abs = (p: string): string => new URL(p.replace(/^\//, ''), config.baseUrl).href
  const updated = latestDate(site)

  const make = (title: string, description: string, selfPath: string, linkPath: string) =>
    new Feed({
      title,
      description,
      id: abs(linkPath),
      link: abs(linkPath),
      language: config.language,
      updated,
      generator: 'Collage',
      copyright: config.author ? `© ${config.author}` : '',
      feedLinks: { atom: abs('/feed.xml'), rss: abs('/rss.xml'), json: abs('/feed.json'), ...(selfPath ? { self: abs(selfPath) } : {}) },
      ...(config.author ? { author: { name: config.author } } : {})
    })

  const paperEntry = (sp: SitePaper) => {
    const p = sp.paper
    const links = [
      p.links.paper ? `<a href="${escapeAttr(p.links.paper)}">Paper</a>` : '',
      p.links.code ? `<a href="${escapeAttr(p.links.code)}">Code</a>` : '',
      p.links.discussion ? `<a href="${escapeAttr(p.links.discussion)}">Discussion</a>` : ''
    ].filter(Boolean)
    const content =
      `<p><em>${escapeText(p.authors.join(', '))} · ${p.year}${p.venue ? ` · ${escapeText(p.venue)}` : ''}</em></p>` +
      toFeedHtml(p.summaryHtml) +
      (p.keyEquationHtml ? toFeedHtml(p.keyEquationHtml) : '') +
      `<p><strong>Why it matters:</strong> ${toFeedHtml(p.takeawayHtml)}</p>` +
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
        title: `${m.title}: the digest`,
        id: abs(m.route),
        link: abs(m.route),
        date: new Date(dateOf(last).getTime() + 1000),
        published: new Date(dateOf(last).getTime() + 1000),
        description: m.source.summary ?? m.source.summaryText,
        content: toFeedHtml(m.source.introHtml) + `<ol>${list}</ol>` + toFeedHtml(m.source.outroHtml),
        // feed's JSON writer reads author[0] whenever the key is present: leave it out when empty.
        ...(config.author ? { author: [{ name: config.author }] } : {}),
        category: []
      }
    })
  }
  entries.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.item.id < b.item.id ? -1 : 1))

  const main = make(config.title, config.description || config.title, '/feed.xml', '/')
  for (const e of entries.slice(0, maxEntries)) main.addItem(e.item)
  const files: OutputFile[] = [
    { path: 'feed.xml', data: main.atom1() },
    { path: 'rss.xml', data: main.rss2() },
    { path: 'feed.json', data: main.json1() }
  ]
  for (const tag of site.tags) {
    const feed = make(`${config.title}: #${tag.name}`, `Papers tagged ${tag.name}`, `${tag.route}feed.xml`, tag.route)
    const items = [...tag.papers].sort((a, b) => (a.paper.date < b.paper.date ? 1 : a.paper.date > b.paper.date ? -1 : 0)).slice(0, maxEntries)
    for (const sp of items) feed.addItem(paperEntry(sp))
    files.push({ path: `${tag.route.slice(1)}feed.xml`, data: feed.atom1() })
  }
  return files
}

function dateOf(value: string): Date {
  return new Date(`${value}T00:00:00Z`)
}

function latestDate(site: Site): Date {
  const last = site.papers.reduce((max, sp) => (sp.paper.date > max ? sp.paper.date : max), '1970-01-01')
  return dateOf(last)
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;')
}
