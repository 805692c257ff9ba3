import type { Root as HastRoot } from 'hast'
import type { Root as MdastRoot } from 'mdast'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified, type Processor } from 'unified'
import { VFile } from 'vfile'
import type { Problem } from '../types.js'
import { rehypeKatexString } from './rehype-katex-string.js'
import { rehypeSafeUrls } from './rehype-safe-urls.js'
import { rehypeSiteLinks, type InternalLink } from './rehype-site-links.js'
import { remarkHtmlSubset } from './remark-html-subset.js'
import { remarkMathGuard } from './remark-math-guard.js'
import { remarkReportHtml } from './remark-report-html.js'
import { toPlainText } from './plain-text.js'
import { stripInlineMath } from './tex-to-text.js'

/** Options of {@link createMarkdown}. */
export interface Options {
  /** KaTeX macros for every file. Default: none. */
  macros?: Readonly<Record<string, string>>
  /** Path the site is served from, for site-absolute links. Default: `/`. */
  basePath?: string
}

/** The result of rendering one piece of Markdown. */
export interface Rendered {
  html: string
  /** Plain text, math as readable text: for descriptions, feeds and the search index. */
  text: string
  /** Words in the text, a formula counting as one. */
  words: number
  /** HTML of each display formula, in order. */
  displayMath: string[]
  /** Relative and site-absolute links and images, with their places. */
  internalLinks: InternalLink[]
  problems: Problem[]
}

/** Renders Markdown with the one processor of the build. */
export interface Markdown {
  /**
   * Render a block of Markdown (a summary, an intro).
   *
   * @param source Markdown, padded so that its lines are the lines of `path`
   * @param path the file, for messages
   */
  renderBlock(source: string, path: string): Rendered
  /**
   * Render one line of inline Markdown (a takeaway), without the wrapping paragraph.
   *
   * @param line the line in `path` the text starts on, for messages
   * @param column the column it starts at
   */
  renderInline(source: string, path: string, line: number, column?: number): Rendered
  /**
   * Render a title: plain text (never Markdown or HTML) with `$…$` math.
   *
   * @param line the line in `path` the title starts on
   * @param column the column it starts at
   */
  renderTitle(source: string, path: string, line: number, column?: number): Rendered
}

/**
 * Build the unified processor once and return functions that reuse it for every file.
 *
 * Plugin order matters: raw HTML is reported before remark-rehype drops it; unsafe URLs are
 * removed before KaTeX output (already safe) goes in as raw strings; stringify lets only those
 * raw strings through, since remark-rehype never produced raw nodes from Markdown.
 *
 * @param options see {@link Options}
 */
export function createMarkdown(options: Options = {}): Markdown {
  const processor = unified()
    // Markdown → mdast, with tables, strikethrough, autolinks, footnotes.
    .use(remarkParse)
    .use(remarkGfm)
    // `$…$` and `$$…$$`; single dollars only as math when closed on the same line.
    .use(remarkMath)
    // Dollar amounts back to prose; unclosed fences reported at their opening line.
    .use(remarkMathGuard)
    // A few bare inline tags (`<sub>`, `<sup>`, `<kbd>`, `<mark>`, `<br>`) become elements; any
    // other raw HTML is reported here and dropped by remark-rehype.
    .use(remarkHtmlSubset)
    .use(remarkReportHtml)
    // mdast → hast; raw HTML from Markdown is dropped here (no `allowDangerousHtml`).
    .use(remarkRehype)
    .use(rehypeSafeUrls)
    // Site-absolute links get the base path; links inside the site are collected for checking.
    .use(rehypeSiteLinks, { basePath: options.basePath ?? '/' })
    .use(rehypeKatexString, options.macros ? { macros: options.macros } : {})
    // The only raw nodes left are KaTeX's own markup.
    .use(rehypeStringify, { allowDangerousHtml: true }) as unknown as Processor<MdastRoot, MdastRoot, HastRoot, HastRoot, string>

  function render(source: string, path: string): Rendered {
    const file = new VFile({ path, value: source })
    const mdast = processor.parse(file)
    const text = toPlainText(mdast)
    const hast = processor.runSync(mdast, file)
    const html = processor.stringify(hast, file)
    const problems: Problem[] = file.messages.map((m) => ({
      file: path,
      line: m.line ?? 1,
      column: m.column ?? 1,
      message: m.reason,
      ruleId: m.ruleId ?? 'markdown',
      severity: m.fatal ? 'error' : 'warning'
    }))
    return { html, text: text.text, words: text.words, displayMath: file.data.displayMath ?? [], internalLinks: file.data.internalLinks ?? [], problems }
  }

  function renderInline(source: string, path: string, line: number, column = 1): Rendered {
    // Pad so that positions land on the right line, then shift columns: the text is one line.
    const rendered = render('\n'.repeat(Math.max(0, line - 1)) + source.replace(/\n+/g, ' '), path)
    const html = rendered.html.trim().replace(/^<p>([\s\S]*)<\/p>$/, '$1')
    const problems = rendered.problems.map((p) => (p.line === line ? { ...p, column: p.column + column - 1 } : p))
    return { ...rendered, html, problems }
  }

  return {
    renderBlock: render,
    renderInline,
    renderTitle(source, path, line, column = 1) {
      let html = ''
      let offset = 0
      const problems: Problem[] = []
      for (const part of source.split(/(\$[^$]+\$)/)) {
        if (part.startsWith('$') && part.endsWith('$') && part.length > 2) {
          const math = renderInline(part, path, line, column + offset)
          html += math.html
          problems.push(...math.problems)
        } else {
          html += escapeHtml(part)
        }
        offset += part.length
      }
      const text = stripInlineMath(source)
      return { html, text, words: text.split(/\s+/).filter(Boolean).length, displayMath: [], internalLinks: [], problems }
    }
  }
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
