import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localContext, useBrowserAndSite, pageTypes, type PageType } from '../helpers/browser.js'
import { checkKeyboardFocus, formatViolations, runAxe } from '../helpers/gate.js'

describe('accessibility of the bundled digest in Chromium', () => {
  const env = useBrowserAndSite('/')

  async function open(type: PageType, colorScheme: 'light' | 'dark', viewport = { width: 1280, height: 720 }, reducedMotion: 'reduce' | 'no-preference' = 'no-preference'): Promise<Page> {
    const context = await localContext(env.browser, { viewport, colorScheme, reducedMotion })
    const page = await context.newPage()
    const response = await page.goto(env.site.url(type.path), { waitUntil: 'load' })
    expect(response?.status()).toBe(type.status)
    if (type.ready) await page.waitForSelector(type.ready)
    // Contrast is judged on the final fonts.
    await page.evaluate(() => document.fonts.ready)
    return page
  }

  for (const type of pageTypes) {
    describe(`${type.name} page (/${type.path})`, () => {
      const pages: Partial<Record<'light' | 'dark', Page>> = {}
      beforeAll(async () => {
        // Reduced motion: no smooth scrolling, so a focused element is in view as soon as it has focus.
        ;[pages.light, pages.dark] = await Promise.all([open(type, 'light', undefined, 'reduce'), open(type, 'dark', undefined, 'reduce')])
      })
      afterAll(async () => {
        await pages.light?.context().close()
        await pages.dark?.context().close()
      })

      for (const scheme of ['light', 'dark'] as const) {
        it(`has no WCAG 2.1 A or AA violation in ${scheme} mode`, async () => {
          const violations = await runAxe(pages[scheme]!)
          expect(violations.map((v) => v.id), `axe violations on /${type.path} (${scheme}):\n${formatViolations(violations)}`).toEqual([])
        })
      }

      it('can be used with Tab alone: every link and button gets focus in order, visibly', async () => {
        const focus = await checkKeyboardFocus(pages.light!)
        expect(focus.count, 'focusable elements').toBeGreaterThan(0)
        expect(focus.problems, focus.problems.join('\n')).toEqual([])
      })
    })
  }

  it('shows the focus indicator in dark mode and on a phone too', async () => {
    for (const [scheme, viewport] of [['dark', { width: 1280, height: 720 }], ['light', { width: 390, height: 844 }]] as const) {
      const page = await open(pageTypes.find((t) => t.name === 'month')!, scheme, viewport, 'reduce')
      try {
        const focus = await checkKeyboardFocus(page)
        expect(focus.problems, `${scheme} ${viewport.width}px:\n${focus.problems.join('\n')}`).toEqual([])
      } finally {
        await page.context().close()
      }
    }
  })
})

describe('what a screen reader gets from a long page', () => {
  const env = useBrowserAndSite('/')

  // Rendering shortcuts for content below the first screen (content-visibility: auto on the cards
  // or on KaTeX's hidden MathML) take that content out of Chromium's accessibility tree; this test
  // keeps them out of the stylesheet.
  it('has every formula as math and every card in the accessibility tree, on a phone, before scrolling', async () => {
    const context = await localContext(env.browser, { viewport: { width: 390, height: 844 } })
    const page = await context.newPage()
    try {
      await page.goto(env.site.url(pageTypes.find((t) => t.name === 'month')!.path), { waitUntil: 'load' })
      await page.evaluate(() => document.fonts.ready)
      const formulas = await page.locator('.katex').count()
      expect(formulas).toBeGreaterThan(10)
      const cards = page.locator('.card-stack > .collage-card')
      expect(await cards.count()).toBe(4)
      // The last card is far below the first screen.
      expect(await cards.last().evaluate((c) => c.getBoundingClientRect().top > 3 * window.innerHeight)).toBe(true)
      const cdp = await context.newCDPSession(page)
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value?: string }; name?: { value?: string }; ignored?: boolean }[] }
      const math = nodes.filter((n) => (n.role?.value === 'MathMLMath' || n.role?.value === 'math') && !n.ignored)
      expect(math.length, 'formulas in the accessibility tree').toBe(formulas)
      const headings = nodes.filter((n) => n.role?.value === 'heading' && !n.ignored).map((n) => n.name?.value ?? '')
      for (const title of await cards.locator('.card-title').allTextContents()) expect(headings, 'card titles among the headings').toContain(title.trim())
    } finally {
      await context.close()
    }
  })
})
