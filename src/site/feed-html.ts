/**
 * Make rendered HTML fit for feed readers, which load no stylesheet: keep KaTeX's MathML and drop
 * its visual HTML layer (`.katex-html`), which only makes sense with KaTeX's CSS.
 *
 * @param html HTML from the Markdown processor
 */
export function toFeedHtml(html: string): string {
  const open = '<span class="katex-html" aria-hidden="true">'
  let out = ''
  let from = 0
  for (;;) {
    const start = html.indexOf(open, from)
    if (start === -1) break
    out += html.slice(from, start)
    // Skip to the matching `</span>`, counting nested spans.
    let depth = 0
    let i = start
    while (i < html.length) {
      const nextOpen = html.indexOf('<span', i + 1)
      const nextClose = html.indexOf('</span>', i + 1)
      if (nextClose === -1) {
        i = html.length
        break
      }
      if (nextOpen !== -1 && nextOpen < nextClose) {
        depth++
        i = nextOpen
      } else {
        if (depth === 0) {
          i = nextClose + '</span>'.length
          break
        }
        depth--
        i = nextClose
      }
    }
    from = i
  }
  return out + html.slice(from)
}

/**
 * Remove TeX sources that KaTeX keeps in MathML annotations: search indexes and plain-text
 * readers should see the rendered symbols, not `\beta`.
 *
 * @param html HTML with KaTeX output
 */
export function dropTexAnnotations(html: string): string {
  return html.replace(/<annotation encoding="application\/x-tex">[\s\S]*?<\/annotation>/g, '')
}
