import type { Root, Text } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/**
 * Tell prose from math and report blocks that never close.
 *
 * - Single-dollar math whose content starts or ends with white space, or whose closing dollar is
 *   followed by a digit (`$5 and $10`), is prose with dollar amounts: it goes back to text, with a
 *   warning (write `\$` for a literal dollar).
 * - A fenced code block or a `$$` block that runs to the end of the text without its closing fence
 *   is reported at its opening line: everything after it would silently become code or math.
 */
export function remarkMathGuard() {
  return function (tree: Root, file: VFile): void {
    const source = String(file.value)
    const lines = source.split('\n')
    visit(tree, 'inlineMath', (node, index, parent) => {
      if (!parent || index === undefined || !node.position) return
      const start = node.position.start.offset ?? 0
      const end = node.position.end.offset ?? 0
      const raw = source.slice(start, end)
      if (raw.startsWith('$$')) return
      const after = source.charAt(end)
      if (/^\S/.test(node.value) && /\S$/.test(node.value) && !/[0-9]/.test(after)) return
      const text: Text = { type: 'text', value: raw, position: node.position }
      parent.children[index] = text
      file.message('Dollar signs read as prose, not math: write `\\$` for a literal dollar, or remove the spaces inside `$…$`', {
        place: node.position.start,
        ruleId: 'dollar-not-math',
        source: 'collage'
      })
    })
    visit(tree, (node) => {
      if ((node.type !== 'code' && node.type !== 'math') || !node.position) return
      const first = lines[node.position.start.line - 1] ?? ''
      const fence = /^\s*(`{3,}|~{3,}|\${2,})/.exec(first)
      if (!fence) return
      const last = lines[node.position.end.line - 1] ?? ''
      const marker = fence[1]!
      const closed = node.position.end.line > node.position.start.line && last.trim().startsWith(marker[0]!.repeat(marker.length))
      if (!closed) {
        const kind = node.type === 'code' ? 'Code block' : 'Math block'
        file.message(`${kind} opened here is never closed: add a line \`${marker}\` after it`, {
          place: node.position.start,
          ruleId: node.type === 'code' ? 'unclosed-code-fence' : 'unclosed-math-block',
          source: 'collage'
        })
      }
    })
  }
}
