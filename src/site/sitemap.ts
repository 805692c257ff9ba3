import { SitemapStream, streamToPromise, type SitemapItemLoose } from 'sitemap'
import type { OutputFile } from '../output/writer.js'
import { alternatesOf, type Site } from './graph.js'

/** A site path that a URL parser leaves as it is. */
const plainRoute = /^\/[A-Za-z0-9\-._~%/]*$/

/** The files {@link renderSitemap} makes. */
export const sitemapFiles = ['sitemap.xml', 'robots.txt'] as const

/**
 * What `sitemap.xml` lists: every page of the site in every language (the 404 pages aside), with
 * its last change where known. On a site of several languages each page lists its translations as
 * alternates, the default language also as `x-default`. Plain data: equal entries make an equal
 * sitemap.
 *
 * @param site the site graph
 */
export function sitemapEntries(site: Site): SitemapItemLoose[] {
  const base = new URL(site.config.baseUrl).href
  // A route of plain characters resolves to itself after the base: no URL to parse for each.
  const abs = (p: string): string => (base.endsWith('/') && plainRoute.test(p) && !p.includes('/.') && !p.startsWith('//') ? base + p.slice(1) : new URL(p.slice(1), base).href)
  const lastmod = new Map<string, string>()
  for (const edition of site.editions) {
    for (const sp of edition.papers) lastmod.set(sp.route, sp.paper.date)
    for (const m of edition.months) {
      const last = m.papers.at(-1)
      if (last) lastmod.set(m.route, last.paper.date)
    }
  }
  const entries: SitemapItemLoose[] = []
  for (const route of site.routes) {
    if (route.kind === 'not-found') continue
    const mod = lastmod.get(route.path)
    const links =
      site.editions.length > 1
        ? (() => {
            const alternates = alternatesOf(site, route)
            return [...alternates.map((a) => ({ lang: a.language, hreflang: a.language, url: abs(a.path) })), { lang: 'x-default', hreflang: 'x-default', url: abs(alternates[0]!.path) }]
          })()
        : undefined
    entries.push({ url: abs(route.path), ...(mod ? { lastmod: mod } : {}), ...(links ? { links } : {}) })
  }
  return entries
}

/**
 * `sitemap.xml` with the {@link sitemapEntries} and `robots.txt` pointing at it.
 *
 * @param site the site graph
 * @param entries its sitemap entries, when already made
 */
export async function renderSitemap(site: Site, entries = sitemapEntries(site)): Promise<OutputFile[]> {
  const stream = new SitemapStream()
  for (const entry of entries) stream.write(entry)
  stream.end()
  const xml = (await streamToPromise(stream)).toString('utf8')
  const robots = `User-agent: *\nAllow: /\n\nSitemap: ${new URL('sitemap.xml', site.config.baseUrl).href}\n`
  return [
    { path: 'sitemap.xml', data: xml },
    { path: 'robots.txt', data: robots }
  ]
}
