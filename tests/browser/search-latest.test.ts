import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.js'
import { launchBrowser, localContext, searchResults, startServer, type StaticServer } from '../helpers/browser.js'
import { monitorRequests } from '../helpers/gate.js'
import { paperFile, tempDir, writeContent } from '../helpers/site.js'

describe('the latest month’s part of a search index in parts, in Chromium', () => {
  let browser: Browser
  let server: StaticServer
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    const temp = await tempDir('collage-browser-')
    cleanup = temp.cleanup
    server = await startServer('/')
    // Two pages a part: January's four pages are spread over the hashed parts, and February, the
    // latest month (its page and one paper), is a part of its own.
    await writeContent(temp.dir, {
      'content/site.yaml': 'title: Parts\nbaseUrl: https://example.org/\n',
      'content/2021-01/index.md': '---\nsummary: January\n---\nThe first month.\n',
      'content/2021-01/alpha.md': paperFile({ title: 'Alpha', date: '2021-01-04', body: 'Holography of quasicrystals.' }),
      'content/2021-01/beta.md': paperFile({ title: 'Beta', date: '2021-01-11', body: 'Tessellations of hyperbolic planes.' }),
      'content/2021-01/gamma.md': paperFile({ title: 'Gamma', date: '2021-01-18', body: 'Phonons in graphene.' }),
      'content/2021-02/index.md': '---\nsummary: February\n---\nThe second month.\n',
      'content/2021-02/delta.md': paperFile({ title: 'Delta', date: '2021-02-01', body: 'Magnetohydrodynamics of stellar winds.' })
    })
    const result = await build({ cwd: temp.dir, outDir: path.join(temp.dir, 'dist'), baseUrl: server.baseUrl, images: false, searchShardSize: 2 })
    expect(result.ok, JSON.stringify(result.problems)).toBe(true)
    server.setRoot(path.join(temp.dir, 'dist'))
    browser = await launchBrowser()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await cleanup?.()
  })

  it('is merged with the other parts: a search finds this month’s card and older ones', async () => {
    const context = await localContext(browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const monitor = monitorRequests(page)
    const found = (query: string): Promise<string[]> => searchResults(page, new URL(`search/?q=${encodeURIComponent(query)}`, server.baseUrl).href)
    await page.goto(new URL('search/', server.baseUrl).href, { waitUntil: 'load' })
    const merged = (await page.locator('#search').getAttribute('data-merge'))?.split(' ') ?? []
    expect(merged).toContain('/pagefind/shard-latest/')
    expect(merged.length).toBeGreaterThan(1)
    expect(await found('magnetohydrodynamics')).toEqual(['/2021/02/delta/'])
    expect(await found('quasicrystals')).toEqual(['/2021/01/alpha/'])
    expect(await found('tessellations')).toEqual(['/2021/01/beta/'])
    expect(monitor.problems()).toEqual([])
    await context.close()
  })
})
