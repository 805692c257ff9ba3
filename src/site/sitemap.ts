import { SitemapStream, streamToPromise } from 'sitemap'
import type { OutputFile } from '../output/writer.js'
import type { Site } from './graph.js'

/**
 * `sitemap.xml` with every page of the site (the 404 page aside) and `robots.txt` pointing at it.
 *
 * @param site the site graph
 */
export async function renderSitemap(site: Site): Promise<OutputFile[]> {
  const stream = new SitemapStream()
  const lastmod = new Map<string, string>()
  for (const sp of site.papers) lastmod.set(sp.route, sp.paper.date)
  for (const m of site.months) {
    const last = m.papers.at(-1)
    if (last) lastmod.set(m.route, last.paper.date)
  }
  for (const route of site.routes) {
    if (route.kind === 'not-found') continue
    const mod = lastmod.get(route.path)
    stream.write({ url: new URL(route.path.slice(1), site.config.baseUrl).href, ...(mod ? { lastmod: mod } : {}) })
  }
  stream.end()
  const xml = (await streamToPromise(stream)).toString('utf8')
  const robots = `User-agent: *\nAllow: /\n\nSitemap: ${new URL('sitemap.xml', site.config.baseUrl).href}\n`
  return [
    { path: 'sitemap.xml', data: xml },
    { path: 'robots.txt', data: robots }
  ]
}
