import { SitemapStream, streamToPromise } from 'sitemap'
import type { OutputFile } from '../output/writer.js'
import { alternatesOf, type Site } from './graph.js'

/**
 * `sitemap.xml` with every page of the site in every language (the 404 pages aside) and
 * `robots.txt` pointing at it. On a site of several languages each page lists its translations as
 * `xhtml:link` alternates, the default language also as `x-default`.
 *
 * @param site the site graph
 */
export async function renderSitemap(site: Site): Promise<OutputFile[]> {
  const stream = new SitemapStream()
  const abs = (p: string): string => new URL(p.slice(1), site.config.baseUrl).href
  const lastmod = new Map<string, string>()
  for (const edition of site.editions) {
    for (const sp of edition.papers) lastmod.set(sp.route, sp.paper.date)
    for (const m of edition.months) {
      const last = m.papers.at(-1)
      if (last) lastmod.set(m.route, last.paper.date)
    }
  }
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
    stream.write({ url: abs(route.path), ...(mod ? { lastmod: mod } : {}), ...(links ? { links } : {}) })
  }
  stream.end()
  const xml = (await streamToPromise(stream)).toString('utf8')
  const robots = `User-agent: *\nAllow: /\n\nSitemap: ${new URL('sitemap.xml', site.config.baseUrl).href}\n`
  return [
    { path: 'sitemap.xml', data: xml },
    { path: 'robots.txt', data: robots }
  ]
}
