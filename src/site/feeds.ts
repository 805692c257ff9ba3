import { Feed, type Item } from 'feed'
import type { OutputFile } from '../output/writer.js'
import { toFeedHtml } from './feed-html.js'
import type { Edition, Site, SiteMonth, SitePaper } from './graph.js'

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

/** One feed, or the three formats of a site's main feed: what it is, where it goes, and how to make it. */
export interface FeedJob {
  /** Names the feed among all of a site's: its first file's site path. */
  id: string
  /** Site paths of its files. */
  paths: string[]
  render(): OutputFile[]
}

/**
 * Entries of cards made by earlier calls, to be used again for a card whose record is the same
 * object (see {@link feedJobs}). Only for calls with the same settings and interface text.
 */
export type FeedEntryMemo = WeakMap<object, Map<string, Item>>

/**
 * The feeds of one language, each made only when asked (a build that knows a feed's entries did
 * not change keeps the files it made before): Atom (`/feed.xml`), RSS 2.0 (`/rss.xml`) and JSON
 * Feed (`/feed.json`) of the whole site, with one entry per month's digest and one per card among
 * the newest, and an Atom feed per tag (`/tags/<tag>/feed.xml`). Full content, math as MathML,
 * every URL absolute. Another language's feeds live under its prefix (`/ru/feed.xml`), with its
 * text and links to its pages.
 *
 * @param site the site in that language
 * @param text interface text by language (default: English)
 * @param memo entries made before, by the paper record they show: a process that builds the
 *   same site again (the dev server) makes only the entries of papers that changed. The caller
 *   keeps one memo per settings and text: an entry is made from the record, its address and
 *   the language, and from those alone.
 */
export function feedJobs(site: Edition, text: FeedText = englishText, memo?: FeedEntryMemo): FeedJob[] {
  const t = text(site.language)
  const { config } = site
  const prefix = site.prefix
  const abs = (p: string): string => new URL(p.replace(/^\//, ''), config.baseUrl).href

  /** A feed is as recent as its newest entry. */
  const make = (title: string, description: string, selfPath: string, linkPath: string, updated: Date) =>
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

  // A card's entry is the same in every feed it appears in: made once, and only for feeds that show it.
  const madeEntries = new Map<SitePaper, Item>()
  const paperEntry = (sp: SitePaper): Item => {
    // An entry shows the paper's summary, not only what lists of papers show of it: reading a
    // field of that content through a tracked record notes it as read, whether the entry is made
    // now or comes from a memo, so each feed that shows it is made again when the summary changes.
    void sp.paper.wordCount
    let entry = madeEntries.get(sp)
    if (!entry) {
      // Read through the site's records, as a tracked build needs: the memo holds the text only.
      // An untranslated paper is the same record in every language: an entry per language and address.
      const paper = sp.paper
      const key = `${site.language}\0${sp.route}`
      let made = memo?.get(paper)
      entry = made?.get(key)
      if (!entry) {
        entry = makePaperEntry(sp)
        if (memo) {
          if (!made) memo.set(paper, (made = new Map()))
          made.set(key, entry)
        }
      }
      madeEntries.set(sp, entry)
    }
    return entry
  }
  const makePaperEntry = (sp: SitePaper): Item => {
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

  const monthEntry = (m: SiteMonth, date: Date) => {
    const list = m.papers.map((sp) => `<li><a href="${escapeAttr(abs(sp.route))}">${escapeText(sp.paper.titleText)}</a></li>`).join('')
    return {
      title: t('feed.digest', { month: m.title }),
      id: abs(m.route),
      link: abs(m.route),
      date,
      published: date,
      description: m.source.summary ?? m.source.summaryText,
      content: wrapLang(toFeedHtml(m.source.introHtml), m.source.lang) + `<ol>${list}</ol>` + wrapLang(toFeedHtml(m.source.outroHtml), m.source.lang),
      // feed's JSON writer reads author[0] whenever the key is present: leave it out when empty.
      ...(config.author ? { author: [{ name: config.author }] } : {}),
      category: []
    }
  }

  const mainPaths = ['feed.xml', 'rss.xml', 'feed.json'].map((name) => `${prefix.slice(1)}${name}`) as [string, string, string]
  const jobs: FeedJob[] = [
    {
      id: mainPaths[0],
      paths: mainPaths,
      render() {
        // Entries are ordered first, and only the newest are made. Papers and months are oldest
        // first: they are walked from the newest end, so an edit of an older card or month leaves
        // the feed as it was. A digest is complete once its last card is out; it sorts just after
        // that card.
        const entries: Array<{ date: Date; id: string; item: () => ReturnType<typeof paperEntry> }> = []
        const lastDate = (m: SiteMonth): string | undefined => m.papers.at(-1)?.paper.date
        let p = site.papers.length - 1
        let m = site.months.length - 1
        for (;;) {
          while (m >= 0 && lastDate(site.months[m]!) === undefined) m--
          const paper = p >= 0 ? site.papers[p]! : undefined
          const month = m >= 0 ? site.months[m]! : undefined
          if (!paper && !month) break
          // A digest of a day sorts before that day's cards.
          const takeMonth = month !== undefined && (!paper || lastDate(month)! >= paper.paper.date)
          const date = takeMonth ? new Date(dateOf(lastDate(month!)!).getTime() + 1000) : dateOf(paper!.paper.date)
          // Enough, unless this one ties with the last taken (cards of one day are ordered by address).
          if (entries.length >= maxEntries && date.getTime() !== entries.at(-1)!.date.getTime()) break
          if (takeMonth) {
            const digest = month!
            entries.push({ date, id: abs(digest.route), item: () => monthEntry(digest, date) })
            m--
          } else {
            const card = paper!
            entries.push({ date, id: abs(card.route), item: () => paperEntry(card) })
            p--
          }
        }
        entries.sort((a, b) => b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : 1))
        const shown = entries.slice(0, maxEntries)
        const main = make(config.title, config.description || config.title, `${prefix}feed.xml`, prefix, shown[0]?.date ?? dateOf('1970-01-01'))
        for (const e of shown) main.addItem(e.item())
        return [
          { path: mainPaths[0], data: withLanguage(main.atom1(), site.language) },
          { path: mainPaths[1], data: main.rss2() },
          { path: mainPaths[2], data: main.json1() }
        ]
      }
    }
  ]
  for (const tag of site.tags) {
    const file = `${tag.route.slice(1)}feed.xml`
    jobs.push({
      id: file,
      paths: [file],
      render() {
        const items = newest(tag.papers, maxEntries, (sp) => sp.paper.date)
        const feed = make(`${config.title}: #${tag.name}`, t('feed.tag', { tag: tag.name }), `${tag.route}feed.xml`, tag.route, dateOf(items[0]?.paper.date ?? '1970-01-01'))
        for (const sp of items) feed.addItem(paperEntry(sp))
        return [{ path: file, data: withLanguage(feed.atom1(), site.language) }]
      }
    })
  }
  return jobs
}

/**
 * The newest `count` items of a list that is oldest first, newest first; of equal dates, the one
 * earlier in the list first. Only the end of the list is looked at (up to `count` items and those
 * tied with the last), so a feed depends on the entries it shows and no others. Items without a
 * date are left out.
 *
 * @param list oldest first
 * @param count how many
 * @param dateOf an item's `YYYY-MM-DD` date
 */
export function newest<T>(list: readonly T[], count: number, dateOf: (item: T) => string | undefined): T[] {
  const tail: Array<{ item: T; date: string }> = []
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!
    const date = dateOf(item)
    if (date === undefined) continue
    if (tail.length >= count && date !== tail[count - 1]!.date) break
    tail.push({ item, date })
  }
  // Back in list order, then newest first: a stable sort keeps ties in list order.
  tail.reverse()
  tail.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
  return tail.slice(0, count).map((e) => e.item)
}

/** Atom has no language element: the feed's language is `xml:lang` on its root (the feed library writes none). */
function withLanguage(atom: string, language: string): string {
  return atom.replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeAttr(language)}">`)
}

function dateOf(value: string): Date {
  return new Date(`${value}T00:00:00Z`)
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;')
}
