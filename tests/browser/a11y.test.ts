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
