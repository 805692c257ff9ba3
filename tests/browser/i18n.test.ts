import { describe, expect, it } from 'vitest'
import { localContext, useBrowserAndSite } from '../helpers/browser.js'

describe('languages in Chromium', () => {
  const env = useBrowserAndSite('/digest/')

  it('the Russian search page finds Russian pages, the English one English pages', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(env.site.url('ru/search/?q=спектральном'), { waitUntil: 'load' })
    const first = page.locator('.pagefind-ui__result-link').first()
    await first.waitFor({ timeout: 15_000 })
    expect(await first.getAttribute('href')).toBe(new URL('ru/2021/01/spectral-bias/', env.site.baseUrl).pathname)
    const hrefs = await page.locator('.pagefind-ui__result-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
    for (const href of hrefs) expect(href).toMatch(/^\/digest\/ru\//)

    await page.goto(env.site.url('search/?q=spectral'), { waitUntil: 'load' })
    await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 })
    const english = await page.locator('.pagefind-ui__result-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
    expect(english.length).toBeGreaterThan(0)
    for (const href of english) expect(href).not.toContain('/ru/')
    await context.close()
  })

  it('switches language from the header and lands on the same page', async () => {
    const context = await localContext(env.browser, { viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await page.goto(env.site.url('2021/01/spectral-bias/'), { waitUntil: 'load' })
    await page.locator('.language-switch a[hreflang="ru"]').click()
    await page.waitForURL(/\/digest\/ru\/2021\/01\/spectral-bias\/$/)
    expect(await page.locator('html').getAttribute('lang')).toBe('ru')
    expect(await page.locator('h1').textContent()).toBe('О спектральном смещении нейронных сетей')
    await context.close()
  })
})
