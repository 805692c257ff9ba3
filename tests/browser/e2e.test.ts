import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localContext, useBrowserAndSite, pageTypes, type PageType } from '../helpers/browser.js'
import { checkCards, checkHorizontalScroll, checkMath, fontStatus, monitorRequests, type RequestMonitor } from '../helpers/gate.js'
import { root } from '../helpers/site.js'

/** Sizes the site is looked at: a phone, a laptop and a projector. */
const screens = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'projector', width: 1920, height: 1080 }
] as const

const screenshotDir = path.join(root, 'screenshots')

describe('the bundled digest in Chromium, served under /digest/', () => {
  const env = useBrowserAndSite('/digest/')

  beforeAll(async () => {
    await mkdir(screenshotDir, { recursive: true })
  })

  /** Open a page type in a fresh context, watching its requests; the caller closes the page's context. */
  async function open(type: PageType, options: BrowserContextOptions = {}): Promise<{ page: Page; monitor: RequestMonitor }> {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 720 }, ...options })
    const page = await context.newPage()
    const url = env.site.url(type.path)
    // The 404 page is the one document allowed to answer 404.
    const monitor = monitorRequests(page, (u, status) => type.status === 404 && status === 404 && u === url)
    const response = await page.goto(url, { waitUntil: 'load' })
    expect(response?.status(), `status of ${url}`).toBe(type.status)
    if (type.ready) await page.waitForSelector(type.ready)
    await page.evaluate(() => document.fonts.ready)
    return { page, monitor }
  }

  for (const type of pageTypes) {
    describe(`${type.name} page (/${type.path})`, () => {
      // One load at 1280×720 for the checks that only read the page, and one at 320px wide, which
      // the screenshots then resize.
      let page: Page
      let monitor: RequestMonitor
      let narrow: Page
      beforeAll(async () => {
        const [wide, small] = await Promise.all([open(type), open(type, { viewport: { width: 320, height: 640 } })])
        ;({ page, monitor } = wide)
        narrow = small.page
      })
      afterAll(async () => {
        await page?.context().close()
        await narrow?.context().close()
      })

      it('loads its stylesheets and fonts with no failed request and no console error', async () => {
        expect.soft(await page.locator('h1').first().textContent().then((t) => (t ?? '').replace(/\s+/g, ' ').trim()), 'h1').toBe(type.h1)
        const fonts = await fontStatus(page)
        expect.soft(fonts.faces.filter((f) => f.status === 'error'), 'font faces that failed to load').toEqual([])
        expect.soft(fonts.faces.filter((f) => f.status === 'loaded').length, 'font faces loaded').toBeGreaterThan(0)
        expect.soft(fonts.used.filter((f) => f.declared && !f.loaded), 'font families the text uses but are not loaded').toEqual([])
        expect.soft(fonts.used.find((f) => f.family === 'Inter'), 'Inter, the text font').toMatchObject({ declared: true, loaded: true })
        // The site's own stylesheet applied: its colour tokens are defined.
        const styled = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim())
        expect.soft(styled, 'collage.css applied').not.toBe('')
        await page.waitForLoadState('networkidle')
        expect(monitor.problems()).toEqual([])
      })

      it('lays out its math (MathML present, every KaTeX box with a size) and its cards fit their slides at 1280×720', async () => {
        const math = await checkMath(page)
        if (type.math) expect.soft(math.count, 'math on the page').toBeGreaterThan(0)
        expect.soft(math.problems, 'math layout').toEqual([])
        const cards = await checkCards(page)
        if (type.cards) expect.soft(cards.count, 'cards on the page').toBeGreaterThan(0)
        expect(cards.problems, 'cards overflowing at 1280×720').toEqual([])
      })

      it('links only to pages and anchors that exist', async () => {
        const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href))
        const local = [...new Set(links.filter((l) => new URL(l).origin === new URL(env.site.baseUrl).origin))]
        expect(local.length).toBeGreaterThan(0)
        const here = new URL(page.url())
        here.hash = ''
        const broken: string[] = []
        for (const link of local) {
          const url = new URL(link)
          const hash = decodeURIComponent(url.hash.slice(1))
          url.hash = ''
          if (url.href === here.href && hash) {
            // A link within the page: its target is in this document.
            if (!(await page.evaluate((id) => document.getElementById(id) !== null, hash))) broken.push(`${link}: no element with id "${hash}"`)
            continue
          }
          if (!url.pathname.startsWith('/digest/')) broken.push(`${link}: outside the base URL`)
          const response = await page.request.get(url.href)
          if (response.status() !== 200) broken.push(`${link}: ${response.status()}`)
          else if (hash && !(await response.text()).includes(`id="${hash}"`)) broken.push(`${link}: no element with id "${hash}"`)
        }
        expect(broken).toEqual([])
      })

      it('does not scroll sideways at 320px wide', async () => {
        const scroll = await checkHorizontalScroll(narrow)
        expect(scroll.scrollWidth, `page is ${scroll.scrollWidth}px wide at ${scroll.clientWidth}px:\n${scroll.culprits.join('\n')}`).toBeLessThanOrEqual(scroll.clientWidth)
      })

      it('is photographed on a phone, a laptop and a projector', async () => {
        for (const screen of screens) {
          await narrow.setViewportSize({ width: screen.width, height: screen.height })
          const file = path.join(screenshotDir, `${type.name}-${screen.name}-${screen.width}x${screen.height}.png`)
          const png = await narrow.screenshot({ path: file, fullPage: true, animations: 'disabled' })
          expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
        }
      })
    })
  }

  it('follows real links home → month → paper → archive → home under the prefix', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 720 } })
    const page = await context.newPage()
    const monitor = monitorRequests(page)
    try {
      const h1 = () => page.locator('h1').first().textContent().then((t) => (t ?? '').replace(/\s+/g, ' ').trim())
      await page.goto(env.site.url(''))
      expect(await h1()).toBe('ML Collage')

      await page.locator('main a[href$="/2021/01/"]').first().click()
      await page.waitForURL(env.site.url('2021/01/'))
      expect(await h1()).toBe('January 2021')

      await page.locator('main a[href$="/2021/01/randomized-autodiff/"]').first().click()
      await page.waitForURL(env.site.url('2021/01/randomized-autodiff/'))
      expect(await h1()).toBe('Randomized Automatic Differentiation')

      await page.locator('.site-nav a', { hasText: 'Archive' }).click()
      await page.waitForURL(env.site.url('archive/'))
      expect(await h1()).toBe('Archive')

      await page.locator('a.site-title').click()
      await page.waitForURL(env.site.url(''))
      expect(await h1()).toBe('ML Collage')
      expect(monitor.problems()).toEqual([])
    } finally {
      await context.close()
    }
  })

  /** The font files (names) a page fetches, and the ones it preloads, once its fonts are ready. */
  async function fontsOf(pagePath: string, viewport: { width: number; height: number }): Promise<{ fetched: string[]; preloaded: string[]; used: string[]; headerShifts: string[] }> {
    const context = await localContext(env.browser, { viewport })
    const page = await context.newPage()
    const fetched: string[] = []
    page.on('request', (request) => {
      if (request.resourceType() === 'font') fetched.push(new URL(request.url()).pathname.split('/').pop() ?? '')
    })
    try {
      await page.goto(env.site.url(pagePath), { waitUntil: 'load' })
      await page.evaluate(() => document.fonts.ready)
      await page.waitForTimeout(300)
      const preloaded = await page.locator('link[rel="preload"][as="font"]').evaluateAll((links) => links.map((l) => new URL((l as HTMLLinkElement).href).pathname.split('/').pop() ?? ''))
      // Every layout shift so far (nothing was clicked) that moved something in the header.
      const headerShifts = await page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const found: string[] = []
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; sources?: Array<{ node?: Node | null }> }>) {
                for (const source of entry.sources ?? []) {
                  const el = source.node instanceof Element ? source.node : source.node?.parentElement
                  if (el?.closest('.site-header')) found.push(`${entry.value.toFixed(4)} ${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}"`)
                }
              }
            }).observe({ type: 'layout-shift', buffered: true })
            setTimeout(() => resolve(found), 50)
          })
      )
      // The text faces the page drew with (a preload alone loads no face), named like their files.
      const used = await page.evaluate(() => {
        const names: string[] = []
        document.fonts.forEach((face) => {
          const family = face.family.replace(/^["']|["']$/g, '')
          if (face.status !== 'loaded' || (family !== 'Inter' && family !== 'Source Serif 4') || face.style !== 'normal') return
          // The browser writes ranges without leading zeros: U+0-FF, U+400-45F.
          const subset = /U\+0*400-/i.test(face.unicodeRange) ? 'cyrillic' : /U\+0+-0*FF\b/i.test(face.unicodeRange) ? 'latin' : 'other'
          names.push(`${family === 'Inter' ? 'inter' : 'source-serif-4'}-${subset}-wght-normal.woff2`)
        })
        return names.sort()
      })
      return { fetched, preloaded: preloaded.sort(), used, headerShifts }
    } finally {
      await context.close()
    }
  }

  it('the home page on a phone fetches no font file beyond the two it preloads and KaTeX', async () => {
    // A font that the first layout finds (rather than a preload) holds the first paint back on a slow
    // network: the italic serif of the site's line once cost the home page 0.03 of its Lighthouse
    // score. The bundled home page needs no other face; the language switch's Русский is set in
    // the system's face, so the Cyrillic file is not fetched for that one word.
    const { fetched, preloaded, used } = await fontsOf('', { width: 412, height: 823 })
    expect(preloaded).toEqual(['inter-latin-wght-normal.woff2', 'source-serif-4-latin-wght-normal.woff2'])
    expect(used, 'text faces drawn with').toEqual(preloaded)
    expect(fetched, 'fonts fetched').toEqual(expect.arrayContaining(preloaded))
    expect(fetched.filter((f) => !preloaded.includes(f) && !f.startsWith('KaTeX_')), 'other font files fetched').toEqual([])
  })

  it('a Russian page preloads the Cyrillic and Latin text fonts, and fetches no other text font', async () => {
    const { fetched, preloaded, used } = await fontsOf('ru/', { width: 412, height: 823 })
    expect(preloaded).toEqual(['inter-cyrillic-wght-normal.woff2', 'inter-latin-wght-normal.woff2', 'source-serif-4-cyrillic-wght-normal.woff2', 'source-serif-4-latin-wght-normal.woff2'])
    // Each preload is drawn with (one the page never uses is a wasted download and a console warning).
    expect(used, 'text faces drawn with').toEqual(preloaded)
    expect(fetched).toEqual(expect.arrayContaining(preloaded))
    expect(fetched.filter((f) => !preloaded.includes(f) && !f.startsWith('KaTeX_'))).toEqual([])
  })

  it('the header does not move as fonts arrive, in English and in Russian', async () => {
    // Русский in Inter's Cyrillic, arriving after the first paint, once moved the whole site menu.
    for (const pagePath of ['', '2021/01/', '2021/01/randomized-autodiff/', 'ru/', 'ru/2021/01/']) {
      for (const viewport of [{ width: 1366, height: 768 }, { width: 412, height: 823 }]) {
        const { headerShifts } = await fontsOf(pagePath, viewport)
        expect(headerShifts, `/${pagePath} at ${viewport.width}px`).toEqual([])
      }
    }
  })
})
