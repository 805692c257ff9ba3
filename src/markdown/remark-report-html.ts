import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/**
 * Warn about raw HTML in Markdown, which the pipeline drops: an author must hear that text is not
 * shown. Comments are dropped silently.
 */
export function remarkReportHtml() {
  return function (tree: Root, file: VFile): void {
    visit(tree, 'html', (node) => {
      const value = node.value.trim()
      if (value.startsWith('<!--')) return
      const shown = value.length > 40 ? value.slice(0, 40) + '…' : value
      file.message(`Raw HTML is not allowed and was dropped: \`${shown}\``, { place: node.position?.start, ruleId: 'raw-html', source: 'collage' })
    })
  }
}
