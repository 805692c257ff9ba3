import katex from 'katex'
import type { Element, ElementContent, Root } from 'hast'
import type { Raw } from 'mdast-util-to-hast'
import { toText } from 'hast-util-to-text'
import { SKIP, visitParents } from 'unist-util-visit-parents'
import type { VFile } from 'vfile'

/** Options of {@link rehypeKatexString}. */
export interface Options {
  /** Macros available in every file; each file gets its own copy, so `\gdef` never leaks. Default: none. */
  macros?: Readonly<Record<string, string>>
  /** Longest formula accepted, in characters. Default: 4000. */
  maxSource?: number
  /** KaTeX's `maxExpand`: how many macro expansions a formula may take. Default: 500. */
  maxExpand?: number
  /**
   * Most characters of math one file may hold, all formulas together: a bound on the time KaTeX
   * (which cannot be interrupted) spends on one file. Default: 40000.
   */
  maxSourcePerFile?: number
}

const emptyOptions: Options = Object.freeze({})

/** What the plugin leaves in `file.data`. */
export interface KatexData {
  /** HTML of each display formula, in order. */
  displayMath?: string[]
}

declare module 'vfile' {
  interface DataMap {
    displayMath: string[]
  }
}

/**
 * Render math at build time with KaTeX (HTML and MathML), keeping KaTeX's output as a raw string
 * instead of parsing it back into a tree: the same markup, a fraction of the work.
 *
 * Formulas come from remark-math (`code.math-inline`, `pre > code.math-display`). A formula KaTeX
 * rejects is reported on the file with its place and shown as its escaped source.
 *
 * @param options see {@link Options}
 */
export function rehypeKatexString(options?: Options | null) {
  const settings = options || emptyOptions
  const maxSource = settings.maxSource ?? 4000
  const maxExpand = settings.maxExpand ?? 500
  const maxPerFile = settings.maxSourcePerFile ?? 40000
  return function (tree: Root, file: VFile): void {
    // A fresh macro table per file: KaTeX writes `\gdef` definitions into the object it is given.
    const macros: Record<string, string> = { ...(settings.macros ?? {}) }
    const displayMath: string[] = []
    let budget = maxPerFile
    let overBudget = false
    visitParents(tree, 'element', (node, ancestors) => {
      const classes = node.properties.className
      if (node.tagName !== 'code' || !Array.isArray(classes)) return
      const inline = classes.includes('math-inline')
      const display = classes.includes('math-display')
      if (!inline && !display) return
      const parent = ancestors.at(-1)
      // Display math is `pre > code`: replace the `pre`.
      const target: Element | undefined = display && parent?.type === 'element' && parent.tagName === 'pre' ? parent : node
      const holder = target === node ? parent : ancestors.at(-2)
      if (!holder || !('children' in holder)) return
      const place = node.position?.start ?? target.position?.start ?? findPlace(ancestors)
      const source = toText(node, { whitespace: 'pre' })
      let html: string
      budget -= source.length
      if (budget < 0) {
        if (!overBudget) {
          const message = file.message(`This file holds more than ${maxPerFile} characters of math; the rest is shown as source`, { place, ruleId: 'math-too-large', source: 'collage' })
          message.fatal = true
          overBudget = true
        }
        html = fallback(source, display)
      } else if (source.length > maxSource) {
        const message = file.message(`Formula is ${source.length} characters long; the limit is ${maxSource}`, { place, ruleId: 'math-too-large', source: 'collage' })
        message.fatal = true
        html = fallback(source, display)
      } else {
        try {
          html = katex.renderToString(source, {
            displayMode: display,
            throwOnError: true,
            output: 'htmlAndMathml',
            // Never trusted; the function only lets the author hear which command was refused.
            trust: (context: { command: string }) => {
              file.message(`Math: \`${context.command}\` is not allowed and is shown as text`, { place, ruleId: 'untrusted-math', source: 'katex' })
              return false
            },
            maxExpand,
            maxSize: 20,
            macros,
            strict: (code: string, text: string) => {
              file.message(`Math: ${text}`, { place, ruleId: `katex-${code.toLowerCase()}`, source: 'katex' })
              return 'ignore'
            }
          })
        } catch (error) {
          const reason = error instanceof katex.ParseError ? error.rawMessage : String((error as Error).message ?? error)
          const message = file.message(`Cannot render math: ${reason}`, { place, ruleId: 'math-error', source: 'katex' })
          message.fatal = true
          html = fallback(source, display)
        }
      }
      if (display) displayMath.push(html)
      const raw: Raw = { type: 'raw', value: html }
      const index = holder.children.indexOf(target as ElementContent)
      holder.children[index] = raw as unknown as ElementContent
      return SKIP
    })
    file.data.displayMath = displayMath
  }
}

function findPlace(ancestors: Array<{ position?: { start: { line: number; column: number } } | undefined }>) {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const p = ancestors[i]?.position
    if (p) return p.start
  }
  return undefined
}

function fallback(source: string, display: boolean): string {
  const escaped = source.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return display ? `<pre class="math-error">${escaped}</pre>` : `<code class="math-error">${escaped}</code>`
}
