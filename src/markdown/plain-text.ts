import type { Nodes } from 'mdast'
import { texToText } from './tex-to-text.js'

/**
 * Plain text of a Markdown tree: text as written, math as readable text, blocks separated by a
 * space. Also counts words, each formula as one.
 *
 * @param tree an mdast tree
 */
export function toPlainText(tree: Nodes): { text: string; words: number } {
  const parts: string[] = []
  let words = 0
  const walk = (node: Nodes): void => {
    switch (node.type) {
      case 'text':
      case 'inlineCode':
        parts.push(node.value)
        words += countWords(node.value)
        return
      case 'inlineMath':
      case 'math':
        parts.push(texToText(node.value))
        words += 1
        return
      case 'code':
        parts.push(node.value)
        return
      case 'html':
        return
      default:
        if ('children' in node) {
          for (const child of node.children) walk(child as Nodes)
          if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listItem' || node.type === 'tableCell') parts.push(' ')
        }
    }
  }
  walk(tree)
  return { text: parts.join('').replace(/\s+/g, ' ').trim(), words }
}

function countWords(value: string): number {
  const m = value.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)
  return m ? m.length : 0
}
