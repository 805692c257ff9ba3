import { copyFile } from 'node:fs/promises'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, localContext, startServer, type StaticServer } from '../helpers/browser.js'
import { checkCards, checkHorizontalScroll, checkKeyboardFocus, checkMath, fontStatus, monitorRequests, runAxe, validateHtml } from '../helpers/gate.js'
import { tempDir, writeContent } from '../helpers/site.js'

const require = createRequire(import.meta.url)

/** A small valid, accessible document around `body`. */
function doc(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
${head}</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`
}

const fontCss = (src: string) => `@font-face { font-family: 'Gate Sans'; font-style: normal; font-weight: 100 900; src: url(${src}) format('woff2'); }
body { font-family: 'Gate Sans', sans-serif; }
`

/** Pages that each break one check, and one that breaks none. */
const pages = {
  'good.html': doc('A good page', '<p>Plain text in a font that loads, with <a href="good.html">a link</a>.</p>\n<img src="dot.svg" alt="A dot" width="10" height="10">', '<link rel="stylesheet" href="good.css">'),
  'good.css': fontCss('inter.woff2'),
  'dot.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="5"/></svg>',
  'no-alt.html': doc('An image without alt', '<img src="dot.svg" width="10" height="10">'),
  'dup-id.html': doc('A duplicate id', '<p id="twice">One</p>\n<p id="twice">Two</p>'),
  'missing-font.html': doc('A font that is not there', '<p>Text in a font whose file is missing.</p>', '<link rel="stylesheet" href="missing-font.css">'),
  'missing-font.css': fontCss('fonts/missing.woff2'),
  'console-error.html': doc('A console error', '<p>Scripted.</p>\n<script>console.error("boom")</script>'),
  'overflow.html': doc(
    'Overflowing card and page',
    `<article class="collage-card" id="full" style="height: 100px; width: 200px; overflow: hidden"><p style="height: 300px">Too much text for one slide.</p></article>
<article class="collage-card" id="poking" style="height: 100px; width: 200px"><p style="position: relative; left: 150px; width: 120px">Sticks out.</p></article>
<div style="width: 1000px">Wider than a phone.</div>
<span class="katex"><span class="katex-html" style="display: inline-block; width: 0; height: 0"></span></span>`
  ),
  'focus.html': doc(
    'Invisible and jumbled focus',
    `<style>a:focus, a:focus-visible { outline: none; }</style>
<p><a href="focus.html#one">One</a> <a href="focus.html#two">Two</a></p>`
  ),
  'order.html': doc('Jumbled focus order', '<p><a href="order.html#first">First</a> <a href="order.html#second" tabindex="1">Second</a></p>'),
  'autofocus.html': doc('Focus moved by the page', '<p><a href="autofocus.html#before">Before</a></p>\n<input type="search" aria-label="Search" autofocus>\n<p><a href="autofocus.html#after">After</a></p>')
}

describe('the quality gate catches broken pages', () => {
  let browser: Browser
  let server: StaticServer
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    const temp = await tempDir('collage-gate-')
    cleanup = temp.cleanup
    await writeContent(temp.dir, pages)
    await copyFile(require.resolve('@fontsource-variable/inter/files/inter-latin-wght-normal.woff2'), path.join(temp.dir, 'inter.woff2'))
    ;[browser, server] = await Promise.all([launchBrowser(), startServer('/', temp.dir)])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await cleanup?.()
  })

  async function open(file: string, options: BrowserContextOptions = {}): Promise<{ page: Page; monitor: ReturnType<typeof monitorRequests> }> {
    const context = await localContext(browser, { viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce', ...options })
    const page = await context.newPage()
    const monitor = monitorRequests(page)
    await page.goto(server.baseUrl + file, { waitUntil: 'load' })
    await page.evaluate(() => document.fonts.ready)
    return { page, monitor }
  }

  it('passes a good page: no violation, no HTML error, no failed request, its font loaded', async () => {
    const { page, monitor } = await open('good.html')
    try {
      expect(await runAxe(page)).toEqual([])
      expect(await validateHtml(pages['good.html'])).toEqual([])
      const fonts = await fontStatus(page)
      expect(fonts.used.find((f) => f.family === 'Gate Sans')).toMatchObject({ declared: true, loaded: true })
      expect((await checkKeyboardFocus(page)).problems).toEqual([])
      await page.waitForLoadState('networkidle')
      expect(monitor.problems()).toEqual([])
    } finally {
      await page.context().close()
    }
  })

  it('axe reports an image without alt text (image-alt)', async () => {
    const { page } = await open('no-alt.html')
    try {
      const violations = await runAxe(page)
      expect(violations.map((v) => v.id)).toContain('image-alt')
      expect(violations.find((v) => v.id === 'image-alt')?.targets.join()).toContain('img')
    } finally {
      await page.context().close()
    }
  })

  it('html-validate reports a duplicate id (no-dup-id)', async () => {
    const errors = await validateHtml(pages['dup-id.html'], 'dup-id.html')
    expect(errors.map((e) => e.ruleId)).toContain('no-dup-id')
  })

  it('the request monitor reports the missing font file, and the font check sees it failed', async () => {
    const { page, monitor } = await open('missing-font.html')
    try {
      const fonts = await fontStatus(page)
      await page.waitForLoadState('networkidle')
      expect(monitor.failures).toContain(`404 ${server.baseUrl}fonts/missing.woff2`)
      expect(fonts.faces.filter((f) => f.status === 'error').map((f) => f.family)).toEqual(['Gate Sans'])
      expect(fonts.used.find((f) => f.family === 'Gate Sans')).toMatchObject({ declared: true, loaded: false })
    } finally {
      await page.context().close()
    }
  })

  it('the request monitor reports console errors, and lets through only the 404 it is told to expect', async () => {
    const { page, monitor } = await open('console-error.html')
    try {
      expect(monitor.consoleErrors.join()).toContain('boom')
    } finally {
      await page.context().close()
    }
    const context = await localContext(browser)
    const missing = await context.newPage()
    const allowed = monitorRequests(missing, (url, status) => status === 404 && url === `${server.baseUrl}nowhere/`)
    const response = await missing.goto(`${server.baseUrl}nowhere/`)
    expect(response?.status()).toBe(404)
    expect(allowed.problems()).toEqual([])
    const strict = monitorRequests(missing)
    await missing.goto(`${server.baseUrl}elsewhere/`)
    expect(strict.failures).toEqual([`404 ${server.baseUrl}elsewhere/`])
    await context.close()
  })

  it('the server refuses to leave the site folder', async () => {
    // Raw request paths: fetch() would normalize the dot segments away before sending them.
    const get = (rawPath: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path: rawPath }, (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (body += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
          .on('error', reject)
          .end()
      })
    for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5cetc%5cpasswd', '/%00', '/good.html%00.txt']) {
      const response = await get(p)
      expect(response.status, p).toBe(404)
      expect(response.body, p).not.toContain('root:')
    }
    expect((await get('/good.html')).status).toBe(200)
  })

  it('the layout checks report a card that hides or spills its content, a page wider than a phone and math with no size', async () => {
    const { page } = await open('overflow.html')
    try {
      const cards = await checkCards(page)
      expect(cards.count).toBe(2)
      expect(cards.problems.join('\n')).toMatch(/#full: content is \d+px tall in a 100px card/)
      expect(cards.problems.join('\n')).toMatch(/#poking: p sticks out [\d.]+px at the right/)
      const math = await checkMath(page)
      expect(math.problems.join('\n')).toMatch(/has no MathML/)
      expect(math.problems.join('\n')).toMatch(/\.katex-html is 0×0/)
      await page.setViewportSize({ width: 320, height: 640 })
      const scroll = await checkHorizontalScroll(page)
      expect(scroll.scrollWidth).toBeGreaterThan(scroll.clientWidth)
      expect(scroll.culprits.join('\n')).toContain('div')
    } finally {
      await page.context().close()
    }
  })

  it('the keyboard check reports focus with no indicator, and focus out of order', async () => {
    const invisible = await open('focus.html')
    try {
      const focus = await checkKeyboardFocus(invisible.page)
      expect(focus.count).toBe(2)
      expect(focus.problems.join('\n')).toMatch(/Tab stop 1: <a href="focus.html#one">One has no visible focus indicator/)
    } finally {
      await invisible.page.context().close()
    }
    const jumbled = await open('order.html')
    try {
      const focus = await checkKeyboardFocus(jumbled.page)
      // A positive tabindex takes the link out of reading order: Tab never reaches it where it reads.
      expect(focus.problems.join('\n')).toMatch(/Tab stop \d: expected <a href="order.html#second">Second, focus is on /)
    } finally {
      await jumbled.page.context().close()
    }
    // A page that moves focus itself is still walked from the top.
    const moved = await open('autofocus.html')
    try {
      expect(await moved.page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT')
      const focus = await checkKeyboardFocus(moved.page)
      expect(focus).toEqual({ count: 3, problems: [] })
    } finally {
      await moved.page.context().close()
    }
  })
})
