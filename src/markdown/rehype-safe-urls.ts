import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/** Options of {@link rehypeSafeUrls}. */
export interface Options {
  /** Schemes allowed in links and images. Default: `http`, `https`, `mailto`. */
  protocols?: readonly string[]
}

const emptyOptions: Options = Object.freeze({})
const urlProperties = ['href', 'src', 'cite', 'action', 'formAction', 'poster', 'srcSet', 'data', 'background']

/**
 * Whether a URL is safe to put on a page: relative, or with an allowed scheme. Control characters
 * and white space that browsers ignore inside a scheme are ignored here too.
 *
 * @param value the URL as it will be written
 * @param protocols allowed schemes, without the colon
 */
export function isSafeUrl(value: string, protocols: readonly string[] = ['http', 'https', 'mailto']): boolean {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  // Only a well-formed scheme makes a URL absolute; anything else is resolved as a relative path.
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)
  if (!scheme) return true
  return protocols.includes(scheme[1]!.toLowerCase())
}

/**
 * Drop URLs with schemes such as `javascript:`, `vbscript:` or `data:` from every element, and
 * warn once per dropped URL with its place.
 *
 * @param options see {@link Options}
 */
export function rehypeSafeUrls(options?: Options | null) {
  const settings = options || emptyOptions
  const protocols = settings.protocols ?? ['http', 'https', 'mailto']
  return function (tree: Root, file: VFile): void {
    visit(tree, 'element', (node) => {
      for (const key of urlProperties) {
        const value = node.properties[key]
        if (value === undefined || value === null) continue
        const text = Array.isArray(value) ? value.join(' ') : String(value)
        if (isSafeUrl(text, protocols)) continue
        delete node.properties[key]
        const shown = text.length > 40 ? text.slice(0, 40) + '…' : text
        file.message(`Unsafe URL \`${shown}\` removed from <${node.tagName}>`, { place: node.position?.start, ruleId: 'unsafe-url', source: 'collage' })
      }
    })
  }
}
