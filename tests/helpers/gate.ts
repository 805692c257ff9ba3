/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The checks of the browser quality gate, shared by the tests of the site and the test of the gate
// itself (tests/browser/gate.test.ts), so a check that cannot fail is caught. Functions passed to
// `page.evaluate` run in the page, hence the DOM library above.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { AxeResults, RunOptions } from 'axe-core'
import { HtmlValidate, type ConfigData } from 'html-validate'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)

// ---------------------------------------------------------------------------------------------
// Requests and console

/** What went wrong while a page loaded. */
export interface RequestMonitor {
  /** Requests that failed or answered 400 or more, as `STATUS url` or `FAILED url (reason)`. */
  failures: string[]
  /** Console errors and uncaught exceptions. */
  consoleErrors: string[]
  /** Everything above, for one `expect(...).toEqual([])`. */
  problems: () => string[]
  /** Stop listening. */
  stop: () => void
}

/**
 * Watch a page for failed requests (network errors, and responses of 400 or more: stylesheets,
 * fonts, images, documents), console errors and uncaught exceptions. Start it before `goto`.
 * Requests the browser cancelled because the page moved on are not failures.
 *
 * @param allow a response that is expected to fail, such as the 404 page's own document
 */
export function monitorRequests(page: Page, allow: (url: string, status: number) => boolean = () => false): RequestMonitor {
  const failures: string[] = []
  const consoleErrors: string[] = []
  const allowedUrls = new Set<string>()
  const onFailed = (request: import('playwright-core').Request): void => {
    const reason = request.failure()?.errorText ?? 'unknown'
    // Cancelled by the browser: the page went on before the request finished (a favicon, when a
    // test clicks from page to page). That says nothing about the site; a missing or refused file
    // answers with a status or fails with another error.
    if (reason === 'net::ERR_ABORTED') return
    failures.push(`FAILED ${request.url()} (${reason})`)
  }
  const onResponse = (response: import('playwright-core').Response): void => {
    const status = response.status()
    if (status < 400) return
    if (allow(response.url(), status)) {
      allowedUrls.add(response.url())
      return
    }
    failures.push(`${status} ${response.url()}`)
  }
  const onConsole = (message: import('playwright-core').ConsoleMessage): void => {
    if (message.type() !== 'error') return
    const where = message.location().url
    // Chromium logs every failed load as a console error too: the allowed one is not an error.
    if (/^Failed to load resource/.test(message.text()) && allowedUrls.has(where)) return
    consoleErrors.push(`console: ${message.text()}${where ? ` (${where})` : ''}`)
  }
  const onError = (error: Error): void => {
    consoleErrors.push(`exception: ${error.message}`)
  }
  page.on('requestfailed', onFailed)
  page.on('response', onResponse)
  page.on('console', onConsole)
  page.on('pageerror', onError)
  return {
    failures,
    consoleErrors,
    problems: () => [...failures, ...consoleErrors],
    stop: () => {
      page.off('requestfailed', onFailed)
      page.off('response', onResponse)
      page.off('console', onConsole)
      page.off('pageerror', onError)
    }
  }
}

/** A web font of the page. */
export interface FontReport {
  family: string
  style: string
  weight: string
  status: string
}

/**
 * Wait for `document.fonts.ready`, then report every font face, the families the page's shown
 * text asks for first (body, headings, code, math) and whether each of those is loaded.
 */
export async function fontStatus(page: Page): Promise<{ faces: FontReport[]; used: { family: string; declared: boolean; loaded: boolean }[] }> {
  return page.evaluate(async () => {
    await document.fonts.ready
    const faces: FontReport[] = []
    document.fonts.forEach((f) => faces.push({ family: f.family.replace(/^["']|["']$/g, ''), style: f.style, weight: f.weight, status: f.status }))
    const families = new Set<string>()
    for (const el of document.querySelectorAll('body, h1, h2, p, .katex')) {
      // Text that is not rendered (a deck's other slides) makes the browser load no font for it.
      if (el.getClientRects().length === 0) continue
      const first = getComputedStyle(el).fontFamily.split(',')[0]?.trim().replace(/^["']|["']$/g, '')
      if (first) families.add(first)
    }
    const used = [...families].map((family) => {
      const declared = faces.some((f) => f.family === family)
      return { family, declared, loaded: declared && document.fonts.check(`16px "${family}"`) && faces.some((f) => f.family === family && f.status === 'loaded') }
    })
    return { faces, used }
  })
}

// ---------------------------------------------------------------------------------------------
// Accessibility

let axeSource: string | undefined

/** The WCAG 2.0 and 2.1, A and AA rules. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** One axe violation, short enough to print. */
export interface AxeViolation {
  id: string
  impact: string | null | undefined
  help: string
  targets: string[]
}

/**
 * Inject axe-core into the page and run it.
 *
 * @param options default: the WCAG 2.x A and AA rules only
 */
export async function runAxe(page: Page, options: RunOptions = { runOnly: { type: 'tag', values: wcagTags }, resultTypes: ['violations'] }): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core'), 'utf8')
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource })
  const results = await page.evaluate(async (opts) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: RunOptions) => Promise<AxeResults> } }).axe
    const r = await axe.run(document, opts)
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`) }))
  }, options)
  return results
}

/** Violations as text for an assertion message. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.targets.map((t) => `    ${t}`).join('\n')}`).join('\n')
}

/**
 * Press Tab through the page from the top and check that every focusable element (links, buttons,
 * form fields, positive or zero tabindex) gets focus in document order, is on screen when it has
 * it, and shows a focus indicator: an outline, or a box shadow, border or background unlike its
 * unfocused one.
 *
 * @returns every stop where something is wrong, and how many elements were visited
 */
export async function checkKeyboardFocus(page: Page): Promise<{ count: number; problems: string[] }> {
  const expected = await page.evaluate(() => {
    const selector = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, summary, iframe, [tabindex], [contenteditable="true"]'
    const describe = (el: Element): string => {
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)
      const href = el.getAttribute('href')
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${href ? ` href="${href}"` : ''}>${text}`
    }
    const list = [...document.querySelectorAll<HTMLElement>(selector)].filter((el) => {
      if (el.tabIndex < 0 || el.matches(':disabled')) return false
      const style = getComputedStyle(el)
      if (style.visibility === 'hidden' || style.display === 'none') return false
      return el.getClientRects().length > 0
    })
    const w = window as unknown as { __gateFocusList: HTMLElement[] }
    w.__gateFocusList = list
    const look = (el: HTMLElement) => {
      const s = getComputedStyle(el)
      return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow, border: s.borderColor, background: s.backgroundColor }
    }
    ;(document.activeElement as HTMLElement | null)?.blur()
    return list.map((el) => ({ name: describe(el), unfocused: look(el) }))
  })
  // Start from the top of the document, as a keyboard user arriving on the page does, even when a
  // script moved focus (blur alone leaves the browser's starting point where focus was): focus a
  // throwaway element placed before everything, outside the Tab order, removed after the first Tab.
  await page.evaluate(() => {
    const start = document.createElement('span')
    start.tabIndex = -1
    start.id = '__gate-focus-start'
    start.style.position = 'absolute'
    document.body.prepend(start)
    start.focus({ preventScroll: true })
    window.scrollTo(0, 0)
  })
  const problems: string[] = []
  for (let i = 0; i < expected.length; i++) {
    await page.keyboard.press('Tab')
    if (i === 0) await page.evaluate(() => document.getElementById('__gate-focus-start')?.remove())
    const stop = await page.evaluate(async (index) => {
      const list = (window as unknown as { __gateFocusList: HTMLElement[] }).__gateFocusList
      const el = document.activeElement as HTMLElement | null
      const target = list[index]
      const describe = (e: Element | null): string => {
        if (!e) return 'nothing'
        const text = (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)
        const href = e.getAttribute('href')
        return `<${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${href ? ` href="${href}"` : ''}>${text}`
      }
      if (!el || el !== target) return { same: false, actual: describe(el) }
      const s = getComputedStyle(el)
      // Scrolling the focused element into view may be animated: give it a moment.
      const onScreen = (r: DOMRect) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth
      const started = performance.now()
      while (!onScreen(el.getBoundingClientRect()) && performance.now() - started < 1000) await new Promise((resolve) => requestAnimationFrame(resolve))
      return {
        same: true,
        actual: describe(el),
        look: { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow, border: s.borderColor, background: s.backgroundColor },
        outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth),
        onScreen: onScreen(el.getBoundingClientRect())
      }
    }, i)
    const want = expected[i]!
    if (!stop.same) {
      problems.push(`Tab stop ${i + 1}: expected ${want.name}, focus is on ${stop.actual}`)
      break
    }
    const look = stop.look!
    const outlined = stop.outlineStyle !== 'none' && (stop.outlineWidth ?? 0) > 0
    const changed = look.shadow !== want.unfocused.shadow || look.border !== want.unfocused.border || look.background !== want.unfocused.background
    if (!outlined && !changed) problems.push(`Tab stop ${i + 1}: ${want.name} has no visible focus indicator (outline ${look.outline}, box-shadow ${look.shadow})`)
    if (!stop.onScreen) problems.push(`Tab stop ${i + 1}: ${want.name} is not on screen when focused`)
  }
  return { count: expected.length, problems }
}

// ---------------------------------------------------------------------------------------------
// Layout

/** Every `.katex` has MathML, and every shown `.katex-html` box has a size (math inside a part
 * of the page that is not displayed, such as a deck's other slides, is not laid out by design). */
export async function checkMath(page: Page): Promise<{ count: number; problems: string[] }> {
  return page.evaluate(() => {
    const problems: string[] = []
    const all = [...document.querySelectorAll('.katex')].filter((k) => !k.closest('[inert]'))
    all.forEach((k, i) => {
      const where = `.katex #${i + 1} ("${(k.querySelector('annotation')?.textContent ?? '').slice(0, 40)}")`
      if (!k.querySelector('.katex-mathml math')) problems.push(`${where} has no MathML`)
      const html = k.querySelector('.katex-html')
      if (!html) {
        problems.push(`${where} has no .katex-html`)
        return
      }
      const r = html.getBoundingClientRect()
      if (!(r.width > 0 && r.height > 0)) problems.push(`${where} .katex-html is ${r.width}×${r.height}`)
      // KaTeX's stylesheet hides the MathML copy; without it the math shows twice.
      const m = k.querySelector('.katex-mathml')
      if (m) {
        const mr = m.getBoundingClientRect()
        if (mr.width > 1 || mr.height > 1) problems.push(`${where} .katex-mathml is visible (${Math.round(mr.width)}×${Math.round(mr.height)}): KaTeX CSS missing?`)
      }
    })
    return { count: all.length, problems }
  })
}

/**
 * Whether the page scrolls sideways; when it does, the elements that stick out furthest.
 */
export async function checkHorizontalScroll(page: Page): Promise<{ scrollWidth: number; clientWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const doc = document.documentElement
    const clientWidth = doc.clientWidth
    const scrollWidth = doc.scrollWidth
    const culprits: string[] = []
    if (scrollWidth > clientWidth) {
      const rows: { right: number; name: string }[] = []
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect()
        if (r.right > clientWidth + 0.5 && r.width > 0) rows.push({ right: r.right, name: describeElement(el) })
      }
      // Those that stick out furthest first.
      rows.sort((a, b) => b.right - a.right)
      for (const row of rows.slice(0, 8)) culprits.push(`${row.name} right edge at ${Math.round(row.right)}px`)
    }
    return { scrollWidth, clientWidth, culprits }

    function describeElement(el: Element): string {
      const parts: string[] = []
      for (let e: Element | null = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
        const cls = [...e.classList].slice(0, 2).map((c) => `.${c}`).join('')
        parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${cls}`)
      }
      return parts.join(' > ')
    }
  })
}

/**
 * Whether every `article.collage-card` holds its content: no descendant box outside the card's
 * box (1px tolerance), and no hidden overflow (`scrollHeight <= clientHeight + 1`). Boxes clipped
 * by a scrolling or clipping container inside the card are judged by that container instead.
 */
export async function checkCards(page: Page): Promise<{ count: number; problems: string[] }> {
  return page.evaluate(() => {
    const problems: string[] = []
    const cards = [...document.querySelectorAll<HTMLElement>('article.collage-card')]
    const round = (n: number) => Math.round(n * 10) / 10
    const describeElement = (el: Element, card: Element): string => {
      const parts: string[] = []
      for (let e: Element | null = el; e && e !== card && parts.length < 4; e = e.parentElement) {
        const cls = [...e.classList].slice(0, 2).map((c) => `.${c}`).join('')
        parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${cls}`)
      }
      return parts.join(' > ')
    }
    const clips = (el: Element): boolean => {
      const s = getComputedStyle(el)
      return s.overflowX !== 'visible' || s.overflowY !== 'visible'
    }
    for (const card of cards) {
      const name = `#${card.id || '(card)'}`
      const box = card.getBoundingClientRect()
      if (card.scrollHeight > card.clientHeight + 1) problems.push(`${name}: content is ${card.scrollHeight}px tall in a ${card.clientHeight}px card (${card.scrollHeight - card.clientHeight}px overflow)`)
      if (card.scrollWidth > card.clientWidth + 1) problems.push(`${name}: content is ${card.scrollWidth}px wide in a ${card.clientWidth}px card`)
      for (const el of card.querySelectorAll('*')) {
        // The hidden MathML copy and visually hidden text are clipped on purpose.
        if (el.closest('.katex-mathml, .visually-hidden, .sr-only')) continue
        const r = el.getBoundingClientRect()
        if (r.width === 0 && r.height === 0) continue
        let clipped = false
        for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
          if (clips(a)) {
            clipped = true
            break
          }
        }
        if (clipped) continue
        const out = { top: box.top - r.top, left: box.left - r.left, bottom: r.bottom - box.bottom, right: r.right - box.right }
        const worst = Object.entries(out).filter(([, v]) => v > 1)
        if (worst.length > 0) problems.push(`${name}: ${describeElement(el, card)} sticks out ${worst.map(([side, v]) => `${round(v)}px at the ${side}`).join(', ')} (box ${round(r.left)},${round(r.top)} ${round(r.width)}×${round(r.height)}; card ${round(box.left)},${round(box.top)} ${round(box.width)}×${round(box.height)})`)
      }
      // Clipping containers inside the card must not hide content either. Sideways scrolling of a
      // wide equation is allowed (the reader can scroll it), and so is clipping less than a quarter
      // em: the room fonts and KaTeX's line boxes keep beyond the glyphs' ink, which is why
      // `.katex-display` clips vertically in the first place.
      for (const el of card.querySelectorAll<HTMLElement>('*')) {
        if (el.closest('.katex-mathml, .visually-hidden, .sr-only') || !clips(el)) continue
        const s = getComputedStyle(el)
        const slack = Math.max(1, 0.25 * parseFloat(s.fontSize))
        if (el.scrollHeight > el.clientHeight + slack && s.overflowY !== 'auto' && s.overflowY !== 'scroll') problems.push(`${name}: ${describeElement(el, card)} hides ${el.scrollHeight - el.clientHeight}px of content (overflow-y: ${s.overflowY})`)
        if (el.scrollWidth > el.clientWidth + slack && s.overflowX !== 'auto' && s.overflowX !== 'scroll') problems.push(`${name}: ${describeElement(el, card)} hides ${el.scrollWidth - el.clientWidth}px of content sideways (overflow-x: ${s.overflowX})`)
      }
    }
    return { count: cards.length, problems }
  })
}

// ---------------------------------------------------------------------------------------------
// HTML

/**
 * The html-validate configuration of the gate: the recommended rules, with the fewest exceptions.
 */
export const htmlValidateConfig: ConfigData = {
  extends: ['html-validate:recommended'],
  rules: {
    // KaTeX positions its glyphs with inline styles (heights, margins, vertical alignment).
    'no-inline-style': 'off',
    // The templates write `<!doctype html>`; the HTML standard makes the doctype case-insensitive.
    'doctype-style': 'off',
    // Whitespace left by template control flow in generated output is harmless and invisible.
    'no-trailing-whitespace': 'off',
    // A paper's <title> is its full title: reference managers, bookmarks and search results need
    // it whole, and scholarly titles routinely run past the rule's 70 characters.
    'long-title': 'off',
    // Deck slides are addressed as `#3` (the URL contract): a valid HTML id, and the link works
    // without JavaScript. Relaxed mode checks the HTML standard's rules, not the CSS-friendly style.
    'valid-id': ['error', { relaxed: true }],
    // Labelled lists ("Links", "Tags") are deliberate: ARIA allows naming the list role.
    'aria-label-misuse': ['error', { allowAnyNamable: true }]
  }
}

let validator: HtmlValidate | undefined

/** One html-validate error. */
export interface HtmlError {
  ruleId: string
  message: string
  line: number
  column: number
  selector: string | null
}

/**
 * Validate a document with html-validate.
 *
 * @param filename used in messages only
 */
export async function validateHtml(html: string, filename = 'page.html'): Promise<HtmlError[]> {
  validator ??= new HtmlValidate(htmlValidateConfig)
  const report = await validator.validateString(html, filename)
  return report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => ({ ruleId: m.ruleId, message: m.message, line: m.line, column: m.column, selector: m.selector })))
}

/** Errors as text for an assertion message. */
export function formatHtmlErrors(file: string, errors: HtmlError[]): string {
  return errors.map((e) => `${file}:${e.line}:${e.column} ${e.ruleId}: ${e.message}${e.selector ? ` (${e.selector})` : ''}`).join('\n')
}
