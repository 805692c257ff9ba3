import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../src/config.js'
import { RelatedIndex, relatedPapers } from '../src/render/render.js'
import { SiteTracker } from '../src/render/tracking.js'
import { feedJobs, newest } from '../src/site/feeds.js'
import { buildSite, type SitePaper } from '../src/site/graph.js'
import type { Month, Paper } from '../src/types.js'

const config = resolveConfig({ baseUrl: 'https://example.org/digest' })

function month(key: string): Month {
  return { key, path: `content/${key}/index.md`, intro: '', outro: '', outroLine: 1, textHash: '', introHtml: '', outroHtml: '', summaryText: '' }
}

function paper(month: string, slug: string, date: string, tags: string[] = []): Paper {
  return {
    slug, month, absPath: `/c/${month}/${slug}.md`, path: `content/${month}/${slug}.md`, title: slug, titleLine: 2, titleColumn: 8,
    authors: ['A B'], year: 2020, date, links: {}, tags, takeaway: '', takeawayLine: 1, takeawayColumn: 1, draft: false, textHash: '',
    summaryHtml: '', takeawayHtml: '', titleText: slug, titleHtml: slug, summaryText: '', takeawayText: '', wordCount: 0
  }
}

describe('buildSite', () => {
  const months = [month('2021-02'), month('2021-01')]
  const papers = [paper('2021-02', 'c', '2021-02-01', ['x']), paper('2021-01', 'b', '2021-01-18', ['x', 'y']), paper('2021-01', 'a', '2021-01-04', ['y'])]

  it('orders months oldest first and papers by date, whatever the input order', () => {
    const { site, problems } = buildSite(config, months, papers)
    expect(problems).toEqual([])
    expect(site.months.map((m) => m.key)).toEqual(['2021-01', '2021-02'])
    expect(site.months[0]!.papers.map((p) => p.paper.slug)).toEqual(['a', 'b'])
    expect(site.papers.map((p) => p.paper.slug)).toEqual(['a', 'b', 'c'])
    const reversed = buildSite(config, [...months].reverse(), [...papers].reverse()).site
    expect(reversed.papers.map((p) => p.route)).toEqual(site.papers.map((p) => p.route))
  })

  it('links previous and next months and papers', () => {
    const { site } = buildSite(config, months, papers)
    const [jan, feb] = site.months
    expect(jan!.previous).toBeUndefined()
    expect(jan!.next).toBe(feb)
    expect(feb!.previous).toBe(jan)
    expect(site.papers[1]!.previous!.paper.slug).toBe('a')
    expect(site.papers[1]!.next!.paper.slug).toBe('c')
    expect(site.latest).toBe(feb)
  })

  it('gives every page its route and week', () => {
    const { site } = buildSite(config, months, papers)
    expect(site.routes.map((r) => r.path)).toEqual([
      '/', '/archive/', '/404.html', '/search/', '/tags/', '/authors/', '/tags/x/', '/tags/y/', '/authors/a-b/',
      '/2021/01/', '/2021/01/slides/', '/2021/02/', '/2021/02/slides/', '/2021/01/a/', '/2021/01/b/', '/2021/02/c/'
    ])
    expect(site.papers.map((p) => p.week)).toEqual([1, 3, 1])
    expect(site.months[0]!.title).toBe('January 2021')
  })

  it('groups papers by tag', () => {
    const { site } = buildSite(config, months, papers)
    expect(site.tags.map((t) => [t.name, t.papers.map((p) => p.paper.slug)])).toEqual([
      ['x', ['b', 'c']],
      ['y', ['a', 'b']]
    ])
  })

  it('refuses a slug that collides with a page of the month', () => {
    const { problems } = buildSite(config, months, [paper('2021-01', 'slides', '2021-01-04')])
    expect(problems.map((p) => [p.file, p.ruleId])).toEqual([['content/2021-01/slides.md', 'reserved-slug']])
  })
})

describe('resolveConfig', () => {
  it('keeps the base path of the base URL', () => {
    expect(config.baseUrl).toBe('https://example.org/digest/')
    expect(config.basePath).toBe('/digest/')
    expect(resolveConfig({}).basePath).toBe('/')
  })
})

describe('relatedPapers', () => {
  it('ranks by shared tags, then newest, then address, and keeps the best three', () => {
    const all = [
      paper('2021-01', 'p', '2021-01-04', ['a', 'b', 'c']),
      paper('2021-01', 'two-old', '2021-01-05', ['a', 'b']),
      paper('2021-01', 'two-new', '2021-01-20', ['b', 'c']),
      paper('2021-01', 'one-new', '2021-01-28', ['c']),
      paper('2021-01', 'one-old', '2021-01-06', ['a']),
      paper('2021-01', 'none', '2021-01-07', ['z'])
    ]
    const { site } = buildSite(config, [month('2021-01')], all)
    const p = site.papers.find((sp) => sp.paper.slug === 'p')!
    for (const scanFirst of [0, Infinity]) {
      const index = new RelatedIndex(site, { scanFirst })
      expect(relatedPapers(p, index).map((sp) => sp.paper.slug)).toEqual(['two-new', 'two-old', 'one-new'])
      expect(relatedPapers(p, index, 10).map((sp) => sp.paper.slug)).toEqual(['two-new', 'two-old', 'one-new', 'one-old'])
    }
  })

  /** The definition, by brute force: every other paper, by shared tags, then newest, then address. */
  function bruteForce(paper: SitePaper, papers: readonly SitePaper[], limit: number): string[] {
    const own = new Set(paper.paper.tags)
    return papers
      .filter((sp) => sp !== paper)
      .map((sp) => ({ sp, shared: new Set(sp.paper.tags.filter((t) => own.has(t))).size }))
      .filter(({ shared }) => shared > 0)
      .sort((a, b) => b.shared - a.shared || (a.sp.paper.date > b.sp.paper.date ? -1 : a.sp.paper.date < b.sp.paper.date ? 1 : a.sp.route < b.sp.route ? -1 : 1))
      .slice(0, limit)
      .map(({ sp }) => sp.route)
  }

  it('chooses what looking at every paper would, for papers of up to six tags out of seven', () => {
    const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    const entry = fc.record({ day: fc.integer({ min: 1, max: 9 }), tags: fc.subarray(tags, { maxLength: 6 }) })
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (entries, limit) => {
        const all = entries.map((e, i) => paper('2021-01', `p${i}`, `2021-01-0${e.day}`, e.tags))
        const { site } = buildSite(config, [month('2021-01')], all)
        // Answered from the index, and by going through the papers of each tag: the same.
        for (const scanFirst of [0, Infinity]) {
          const index = new RelatedIndex(site, { scanFirst })
          for (const sp of site.papers) expect(relatedPapers(sp, index, limit).map((r) => r.route)).toEqual(bruteForce(sp, site.papers, limit))
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe('the site graph does not depend on the order files were read in', () => {
  it('gives the same months, papers, tags, authors and routes for any order', () => {
    const months = [month('2021-01'), month('2021-02'), month('2021-03')]
    const papers = [
      paper('2021-01', 'a', '2021-01-04', ['x']),
      paper('2021-01', 'b', '2021-01-04', ['y', 'x']),
      paper('2021-02', 'c', '2021-02-10', ['y']),
      paper('2021-03', 'd', '2021-03-01', []),
      paper('2021-03', 'e', '2021-03-01', ['x'])
    ]
    const shape = (ms: typeof months, ps: typeof papers) => {
      const { site } = buildSite(config, ms, ps)
      return {
        routes: site.routes.map((r) => r.path),
        months: site.months.map((m) => [m.key, m.papers.map((p) => p.paper.slug), m.previous?.key ?? null, m.next?.key ?? null]),
        papers: site.papers.map((p) => [p.route, p.previous?.route ?? null, p.next?.route ?? null]),
        tags: site.tags.map((t) => [t.name, t.papers.map((p) => p.paper.slug)])
      }
    }
    const expected = shape(months, papers)
    fc.assert(
      fc.property(fc.shuffledSubarray(months, { minLength: 3, maxLength: 3 }), fc.shuffledSubarray(papers, { minLength: 5, maxLength: 5 }), (ms, ps) => {
        expect(shape(ms, ps)).toEqual(expected)
      }),
      { numRuns: 100 }
    )
  })
})

describe('feeds read only the entries they show', () => {
  it('the newest of an oldest-first list are those a full sort gives, ties in list order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 28 }), { maxLength: 80 }), fc.integer({ min: 1, max: 30 }), (days, count) => {
        const list = [...days].sort((a, b) => a - b).map((day, i) => ({ i, date: `2021-01-${String(day).padStart(2, '0')}` }))
        const sorted = [...list].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0)).slice(0, count)
        expect(newest(list, count, (e) => e.date)).toEqual(sorted)
      })
    )
  })

  it('notes a paper’s content as read only when a page reads more of it than a list shows', () => {
    const { site } = buildSite(config, [month('2021-01')], [paper('2021-01', 'a', '2021-01-04', ['x'])])
    const tracker = new SiteTracker(site, { paper: () => 'all', paperHead: () => 'head', month: () => 'm' })
    const readsOf = (read: (sp: SitePaper) => unknown): string[] => {
      tracker.begin()
      read(tracker.wrap(site.editions[0]!).tags[0]!.papers[0]!)
      return tracker.end()
    }
    const place = 'p en 2021-01/a'
    const content = 'P content/2021-01/a.md'
    // What a tag page lists.
    expect(readsOf((sp) => [sp.route, sp.paper.titleHtml, sp.paper.authors, sp.paper.year, sp.paper.venue])).toEqual(expect.arrayContaining([place]))
    expect(readsOf((sp) => sp.paper.titleHtml)).not.toContain(content)
    // What a card shows; and a look at every field.
    expect(readsOf((sp) => sp.paper.summaryHtml)).toContain(content)
    expect(readsOf((sp) => sp.paper.links)).toContain(content)
    expect(readsOf((sp) => Object.keys(sp.paper))).toContain(content)
  })

  it('so an edit of an older card leaves the site feed and its tag feed as they were', () => {
    // Sixty papers of one tag, a month each: the site feed shows the newest 25 and their months'
    // digests, the tag feed the newest 50 papers.
    const keys = Array.from({ length: 60 }, (_, i) => `${2016 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, '0')}`)
    const papers = keys.map((m, i) => paper(m, `p${String(i).padStart(2, '0')}`, `${m}-15`, ['x']))
    const { site } = buildSite(config, keys.map(month), papers)
    const prints = { paper: (p: Paper) => p.slug, paperHead: (p: Paper) => p.slug, month: (m: Month) => m.key }
    const readsOf = (job: string): string[] => {
      const tracker = new SiteTracker(site, prints)
      const feed = feedJobs(tracker.wrap(site.editions[0]!)).find((j) => j.id === job)!
      tracker.begin()
      feed.render()
      return tracker.end()
    }
    const id = (i: number) => `p en ${keys[i]}/p${String(i).padStart(2, '0')}`
    const tagFeed = readsOf('tags/x/feed.xml')
    expect(tagFeed).toContain(id(59))
    expect(tagFeed).toContain(id(10))
    // The next older one is read too, to tell a tie; none older than that.
    expect(tagFeed).not.toContain(id(8))
    const siteFeed = readsOf('feed.xml')
    expect(siteFeed).toContain(id(59))
    expect(siteFeed).toContain(id(35))
    expect(siteFeed).not.toContain(id(33))
    expect(siteFeed).not.toContain(id(0))
  })
})

describe('the site feed', () => {
  it('shows the newest fifty cards and digests, as ordering all of them would', () => {
    fc.assert(
      fc.property(
        // Few months and days: many cards of one day, some at the fiftieth place.
        fc.array(fc.record({ month: fc.integer({ min: 0, max: 9 }), day: fc.integer({ min: 1, max: 4 }) }), { minLength: 40, maxLength: 90 }),
        (specs) => {
          const keyOf = (i: number) => `${2018 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, '0')}`
          const papers = specs.map((s, i) => paper(keyOf(s.month), `p${i}`, `${keyOf(s.month)}-${String(s.day).padStart(2, '0')}`))
          const { site } = buildSite(config, [...new Set(specs.map((s) => keyOf(s.month)))].map(month), papers)
          const abs = (route: string) => new URL(route.slice(1), config.baseUrl).href
          const all = [
            ...site.papers.map((sp) => ({ id: abs(sp.route), time: Date.parse(`${sp.paper.date}T00:00:00Z`) })),
            ...site.months.filter((m) => m.papers.length > 0).map((m) => ({ id: abs(m.route), time: Date.parse(`${m.papers.at(-1)!.paper.date}T00:00:00Z`) + 1000 }))
          ].sort((a, b) => b.time - a.time || (a.id < b.id ? -1 : 1))
          const json = feedJobs(site.editions[0]!)[0]!.render().find((f) => f.path === 'feed.json')!
          const items = (JSON.parse(String((json as { data: string }).data)) as { items: Array<{ id: string }> }).items
          expect(items.map((item) => item.id)).toEqual(all.slice(0, 50).map((e) => e.id))
        }
      ),
      { numRuns: 60 }
    )
  })
})
