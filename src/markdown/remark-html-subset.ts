import type { Html, Parent, PhrasingContent, Root } from 'mdast'
import { visit } from 'unist-util-visit'

/** Inline HTML elements that pass through, written without attributes: `<sub>`, `<sup>`, `<kbd>`, `<mark>`, and `<br>`. */
export const allowedHtmlElements: readonly string[] = ['sub', 'sup', 'kbd', 'mark', 'br']

const paired = new Set(['sub', 'sup', 'kbd', 'mark'])

/**
 * Let a small, safe subset of inline HTML through: an opening tag such as `<sub>` and its closing
 * `</sub>` in the same paragraph become that element around what lies between (Markdown inside
 * stays Markdown); `<br>` becomes a line break. Only bare tags count: a tag with any attribute is
 * left as raw HTML, which the pipeline drops with a warning.
 */
export function remarkHtmlSubset() {
  return function (tree: Root): void {
    visit(tree, (node) => {
      if (!('children' in node)) return
      const parent = node as Parent
      let i = 0
      while (i < parent.children.length) {
        const child = parent.children[i]!
        const tag = child.type === 'html' ? bareTag((child as Html).value) : undefined
        if (tag && tag.name === 'br' && !tag.closing) {
          parent.children[i] = { type: 'break', ...(child.position ? { position: child.position } : {}) }
          i++
          continue
        }
        if (tag && paired.has(tag.name) && !tag.closing) {
          const end = findClosing(parent, i + 1, tag.name)
          if (end !== -1) {
            const inner = parent.children.slice(i + 1, end) as PhrasingContent[]
            const element = {
              type: 'emphasis' as const,
              data: { hName: tag.name, hProperties: {} },
              children: inner,
              ...(child.position ? { position: { start: child.position.start, end: parent.children[end]!.position?.end ?? child.position.end } } : {})
            }
            parent.children.splice(i, end - i + 1, element)
          }
        }
        i++
      }
    })
  }
}

function bareTag(value: string): { name: string; closing: boolean } | undefined {
  const m = /^<(\/?)([a-z]+)\s*\/?>$/i.exec(value.trim())
  if (!m) return undefined
  const name = m[2]!.toLowerCase()
  return allowedHtmlElements.includes(name) ? { name, closing: m[1] === '/' } : undefined
}

function findClosing(parent: Parent, from: number, name: string): number {
  let depth = 0
  for (let j = from; j < parent.children.length; j++) {
    const c = parent.children[j]!
    if (c.type !== 'html') continue
    const tag = bareTag((c as Html).value)
    if (!tag || tag.name !== name) continue
    if (!tag.closing) depth++
    else if (depth === 0) return j
    else depth--
  }
  return -1
}
