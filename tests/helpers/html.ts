import type { Element, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'

/** Parse a page and query it with CSS selectors. */
export function page(html: string | Uint8Array) {
  const tree: Root = fromHtml(typeof html === 'string' ? html : Buffer.from(html).toString('utf8'))
  return {
    tree,
    one: (selector: string): Element | undefined => select(selector, tree),
    all: (selector: string): Element[] => selectAll(selector, tree),
    text: (selector: string): string => {
      const el = select(selector, tree)
      return el ? toText(el).replace(/\s+/g, ' ').trim() : ''
    }
  }
}

/** Every URL a page points at: links, images, stylesheets, scripts. */
export function urlsOf(html: string | Uint8Array): string[] {
  const p = page(html)
  const out: string[] = []
  for (const el of p.all('[href], [src]')) {
    for (const key of ['href', 'src']) {
      const value = el.properties[key]
      if (typeof value === 'string') out.push(value)
    }
  }
  return out
}
