import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { localContext, useBrowserAndSite } from '../helpers/browser.js'
import { checkCards } from '../helpers/gate.js'

describe('deck mode and search in Chromium', () => {
  const env = useBrowserAndSite('/digest/')

  async function openDeck(hash = '', options: { javaScriptEnabled?: boolean; width?: number; height?: number } = {}): Promise<Page> {
    const context = await localContext(env.browser, { viewport: { width: options.width ?? 1280, height: options.height ?? 720 }, javaScriptEnabled: options.javaScriptEnabled ?? true })
    const page = await context.newPage()
    await page.goto(env.site.url(`2021/01/slides/${hash}`), { waitUntil: 'load' })
    return page
  }

  const current = (page: Page) => page.evaluate(() => document.querySelector('.deck-slide.is-current')?.id ?? null)
  const visibleSlides = (page: Page) =>
    page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.deck-slide')].filter((s) => s.getBoundingClientRect().height > 0).map((s) => s.id))

  it('shows one slide at a time and moves with the keys, the hash following', async () => {
    const page = await openDeck()
    expect(await current(page)).toBe('1')
    expect(await visibleSlides(page)).toEqual(['1'])
    await page.keyboard.press('ArrowRight')
    expect(await current(page)).toBe('2')
    expect(new URL(page.url()).hash).toBe('#2')
    await page.keyboard.press('Space')
    await page.keyboard.press('PageDown')
    expect(await current(page)).toBe('4')
    await page.keyboard.press('ArrowLeft')
    expect(await current(page)).toBe('3')
    await page.keyboard.press('End')
    expect(await current(page)).toBe('6')
    await page.keyboard.press('ArrowRight')
    expect(await current(page)).toBe('6')
    await page.keyboard.press('Home')
    expect(await current(page)).toBe('1')
    await page.context().close()
  })

  it('opens the slide named in the hash, and fits each card in its 16:9 slide', async () => {
    const page = await openDeck('#3')
    expect(await current(page)).toBe('3')
    expect(await page.locator('[id="3"] .collage-card').getAttribute('id')).toBe('randomized-autodiff')
    const box = await page.locator('[id="3"] .collage-card').boundingBox()
    expect(box!.width / box!.height).toBeCloseTo(16 / 9, 1)
    expect(box!.width).toBeLessThanOrEqual(1280)
    expect(box!.height).toBeLessThanOrEqual(720)
    expect((await checkCards(page)).problems).toEqual([])
    await page.context().close()
  })

  it('is a readable vertical sequence of slides without JavaScript', async () => {
    const page = await openDeck('', { javaScriptEnabled: false })
    expect(await visibleSlides(page)).toEqual(['1', '2', '3', '4', '5', '6'])
    await page.context().close()
  })

  it('prints one 16:9 page per slide', async () => {
    const page = await openDeck()
    await page.emulateMedia({ media: 'print' })
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []
    expect(pages).toHaveLength(6)
    const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'))
    expect(Number(box![1]) / Number(box![2])).toBeCloseTo(16 / 9, 2)
    await page.context().close()
  })

  it('search finds the right paper', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(env.site.url('search/?q=spectral'), { waitUntil: 'load' })
    const first = page.locator('.pagefind-ui__result-link').first()
    await first.waitFor({ timeout: 15_000 })
    expect(await first.getAttribute('href')).toBe(new URL('2021/01/spectral-bias/', env.site.baseUrl).pathname)
    // Typing a new query in the same field works from the keyboard alone.
    const input = page.locator('.pagefind-ui__search-input')
    await input.fill('')
    await input.type('attention')
    await page.waitForFunction(() => document.querySelector('.pagefind-ui__result-link')?.getAttribute('href')?.includes('attentive-neural-processes'), null, { timeout: 15_000 })
    await context.close()
  })

  it('search finds a paper once, on its own page, and a month by its intro', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const hrefs = async (query: string): Promise<string[]> => {
      await page.goto(env.site.url(`search/?q=${encodeURIComponent(query)}`), { waitUntil: 'load' })
      await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 })
      return page.locator('.pagefind-ui__result-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
    }
    const month = new URL('2021/01/', env.site.baseUrl).pathname
    // Words of one card's summary: the paper's page, not the month page that shows the card too.
    expect(await hrefs('inferotemporal')).toContain(new URL('2021/01/face-patch-disentanglement/', env.site.baseUrl).pathname)
    expect(await hrefs('inferotemporal')).not.toContain(month)
    // Words of the month's intro only.
    expect(await hrefs('underfitting averaging')).toContain(month)
    // Excerpts read formulas as text, once: `$\hat f(k)$` shows as f̂(k), not as TeX or KaTeX's markup twice.
    await hrefs('fourier transform')
    const excerpt = await page.locator('.pagefind-ui__result-excerpt').first().innerText()
    expect(excerpt).toContain('f\u0302(k)')
    expect(excerpt).not.toMatch(/\bhat|\\|f\u0302\(k\)\s*f\u0302/)
    await context.close()
  })
})
