import { describe, expect, it } from 'vitest'
import { localContext, searchResults, useBrowserAndSite } from '../helpers/browser.js'

describe('a search index in parts, in Chromium', () => {
  // Two documents a part: the bundled site's ten documents (two languages) come in several parts.
  const env = useBrowserAndSite('/digest/', { searchShardSize: 2, images: false })

  it('finds every paper, whichever part holds it, in both languages, with no failed request', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const failures: string[] = []
    // Requests of the index; others (the favicon) may be cut short by the next navigation.
    page.on('requestfailed', (request) => {
      if (request.url().includes('/pagefind/')) failures.push(request.url())
    })
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`)
    })
    page.on('pageerror', (error) => failures.push(error.message))
    const hrefs = (path: string, query: string): Promise<string[]> => searchResults(page, env.site.url(`${path}?q=${encodeURIComponent(query)}`))
    await page.goto(env.site.url('search/'), { waitUntil: 'load' })
    const merged = (await page.locator('#search').getAttribute('data-merge'))?.split(' ') ?? []
    expect(merged.length).toBeGreaterThan(1)
    for (const bundle of merged) expect(bundle).toMatch(/^\/digest\/pagefind\/shard-\d+\/$/)

    const found = new Set<string>()
    for (const query of ['spectral', 'attention', 'inferotemporal', 'randomized']) for (const href of await hrefs('search/', query)) found.add(href)
    for (const slug of ['spectral-bias', 'attentive-neural-processes', 'face-patch-disentanglement', 'randomized-autodiff']) expect(found).toContain(`/digest/2021/01/${slug}/`)
    for (const href of found) expect(href).not.toContain('/ru/')

    const russian = await hrefs('ru/search/', 'спектральном')
    expect(russian).toContain('/digest/ru/2021/01/spectral-bias/')
    for (const href of russian) expect(href).toMatch(/^\/digest\/ru\//)
    expect(failures).toEqual([])
    await context.close()
  })
})
