import { codeFrame } from '../report.js'
import type { Problem } from '../types.js'

/** Path of the server-sent events stream. */
export const eventsPath = '/__collage/events'

/** `id` of the error overlay element. */
export const overlayId = 'collage-dev-overlay'

/** Escape text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The error overlay: for each error its file, line, column, message and rule, and the source line
 * with a caret under the column. Every piece of text is HTML-escaped.
 *
 * @param problems the errors of the failed build
 * @param sources file texts by problem `file`, for the code frames
 */
export function renderOverlay(problems: readonly Problem[], sources: ReadonlyMap<string, string>): string {
  const errors = problems.filter((p) => p.severity === 'error')
  const items = errors.map((p) => {
    const source = sources.get(p.file)
    const frame = source === undefined ? [] : codeFrame(source, p.line, p.column, 1)
    const width = frame.length > 0 ? String(frame.at(-1)!.number).length : 0
    const pre = frame
      .map((f) => {
        const gutter = `${f.marked ? '>' : ' '} ${String(f.number).padStart(width)} | `
        const line = `<span class="${f.marked ? 'cdo-marked' : 'cdo-context'}">${escapeHtml(gutter + f.text)}</span>`
        if (!f.marked || f.caret === undefined) return line
        return `${line}\n<span class="cdo-caret">${escapeHtml(`  ${' '.repeat(width)} | ${' '.repeat(f.caret)}^`)}</span>`
      })
      .join('\n')
    return (
      '<li class="cdo-problem">' +
      `<p class="cdo-place"><span class="cdo-file">${escapeHtml(p.file)}</span>:<span class="cdo-line">${p.line}</span>:<span class="cdo-column">${p.column}</span></p>` +
      `<p class="cdo-message">${escapeHtml(p.message)} <span class="cdo-rule">(${escapeHtml(p.ruleId)})</span></p>` +
      (pre ? `<pre class="cdo-frame">${pre}</pre>` : '') +
      '</li>'
    )
  })
  const n = errors.length
  return (
    `<div id="${overlayId}" role="alertdialog" aria-modal="false" aria-labelledby="${overlayId}-title">` +
    '<div class="cdo-box">' +
    `<p class="cdo-title" id="${overlayId}-title">Build failed: ${n} error${n === 1 ? '' : 's'}. The last good build is shown; save a fix and this goes away.</p>` +
    `<ol class="cdo-list">${items.join('')}</ol>` +
    `<button type="button" class="cdo-close" onclick="this.closest('#${overlayId}').remove()">Hide</button>` +
    '</div></div>'
  )
}

/** Styles of the overlay and the draft markers; dev only, never part of a build. */
export const devStyle = `<style id="collage-dev-style">
#${overlayId}{position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.82);color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:4vh 4vw;text-align:left}
#${overlayId} .cdo-box{max-width:72rem;margin:0 auto;background:#18181b;border:2px solid #f87171;border-radius:8px;padding:1.25rem 1.5rem}
#${overlayId} .cdo-title{margin:0 0 1rem;font-weight:700;color:#fca5a5}
#${overlayId} .cdo-list{margin:0;padding:0 0 0 1.5rem}
#${overlayId} .cdo-problem{margin:0 0 1.25rem}
#${overlayId} p{margin:0}
#${overlayId} .cdo-file{color:#93c5fd}
#${overlayId} .cdo-rule{color:#a1a1aa}
#${overlayId} .cdo-frame{margin:.5rem 0 0;padding:.5rem .75rem;background:#09090b;border-radius:4px;overflow:auto;white-space:pre}
#${overlayId} .cdo-context{color:#a1a1aa}
#${overlayId} .cdo-caret{color:#f87171;font-weight:700}
#${overlayId} .cdo-close{font:inherit;color:inherit;background:#27272a;border:1px solid #52525b;border-radius:4px;padding:.25rem .75rem;cursor:pointer}
.draft-badge{display:inline-block;vertical-align:middle;margin-inline-end:.4em;padding:.1em .45em;border-radius:.3em;background:#b45309;color:#fff;font:700 .45em/1.4 system-ui,sans-serif;letter-spacing:.06em;text-transform:uppercase}
.dev-draft-banner{margin:0;padding:.5rem 1rem;background:#fef3c7;color:#78350f;border-bottom:2px solid #b45309;font:600 .95rem/1.4 system-ui,sans-serif;text-align:center}
</style>`

/**
 * The live-reload client: listens to the event stream, reloads the page when it changed, shows and
 * hides the overlay. Its settings are JSON with `<` escaped, so nothing can close the script early.
 *
 * @param settings `version` the page was built at, `page` its file in the site (null: reload on any change)
 */
export function clientScript(settings: { version: string; page: string | null }): string {
  const json = JSON.stringify({ ...settings, events: eventsPath, overlay: overlayId }).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
  return `<script id="collage-dev-client">
(() => {
  const s = ${json}
  if (!window.EventSource) return
  let version = s.version
  const es = new EventSource(s.events)
  const overlay = (html) => {
    const el = document.getElementById(s.overlay)
    if (!html) { if (el) el.remove(); return }
    if (el) el.outerHTML = html
    else document.body.insertAdjacentHTML('beforeend', html)
  }
  es.addEventListener('hello', (e) => { if (JSON.parse(e.data).version !== version) location.reload() })
  es.addEventListener('overlay', (e) => overlay(JSON.parse(e.data).html))
  es.addEventListener('reload', (e) => {
    const d = JSON.parse(e.data)
    if (s.page === null || d.all || d.paths.includes(s.page)) location.reload()
    else version = d.version
  })
})()
</script>`
}

/** Insert HTML before the last `</body>`, or at the end when there is none. */
export function injectBeforeBodyEnd(html: string, insert: string): string {
  const at = html.toLowerCase().lastIndexOf('</body')
  return at === -1 ? html + insert : html.slice(0, at) + insert + html.slice(at)
}

/** Insert HTML before the first `</head>`, or at the start when there is none. */
export function injectInHead(html: string, insert: string): string {
  const at = html.toLowerCase().indexOf('</head')
  return at === -1 ? insert + html : html.slice(0, at) + insert + html.slice(at)
}

const articleTag = /<article\b[^>]*>/gi
const titleTag = /<h[1-6]\b[^>]*\bclass\s*=\s*"[^"]*\bcard-title\b[^"]*"[^>]*>/i
const badge = '<span class="draft-badge">Draft</span> '

/**
 * Put a "Draft" badge on the cards of draft papers: in the card's title, or at the start of the
 * card when it has no `card-title` heading.
 *
 * @param html a page
 * @param draftSlugs slugs of draft papers (cards are `<article class="collage-card…" id="<slug>">`)
 */
export function markDraftCards(html: string, draftSlugs: ReadonlySet<string>): string {
  if (draftSlugs.size === 0) return html
  let out = ''
  let last = 0
  for (const m of html.matchAll(articleTag)) {
    const tag = m[0]
    const id = /\bid\s*=\s*"([^"]*)"/i.exec(tag)?.[1]
    const cls = /\bclass\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? ''
    if (id === undefined || !draftSlugs.has(id) || !/(^|\s)collage-card(\s|$)/.test(cls)) continue
    const after = m.index + tag.length
    const end = html.indexOf('</article', after)
    const region = html.slice(after, end === -1 ? html.length : end)
    const title = titleTag.exec(region)
    const at = title ? after + title.index + title[0].length : after
    out += html.slice(last, at) + badge
    last = at
  }
  return out + html.slice(last)
}

/** The banner at the top of a draft paper's page. */
export const draftBanner =
  '<p class="dev-draft-banner" role="note">Draft: shown by <code>collage dev</code>; <code>collage build</code> leaves it out until you remove <code>draft: true</code>.</p>'

/** Insert the draft banner at the start of `<main>`, or of `<body>`. */
export function addDraftBanner(html: string): string {
  const main = /<main\b[^>]*>/i.exec(html) ?? /<body\b[^>]*>/i.exec(html)
  if (!main) return draftBanner + html
  const at = main.index + main[0].length
  return html.slice(0, at) + draftBanner + html.slice(at)
}
