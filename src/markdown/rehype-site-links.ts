import type { Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/** Options of {@link rehypeSiteLinks}. */
export interface Options {
  /** Path the site is served from, starting and ending with `/`. Default: `/`. */
  basePath?: string
}

/** A link or image inside the site, to check once every page is known. */
export interface InternalLink {
  /** The URL as written. */
  url: string
  line: number
  column: number
}

declare module 'vfile' {
  interface DataMap {
    internalLinks: InternalLink[]
  }
}

const emptyOptions: Options = Object.freeze({})

/**
 * Make links inside the site work under a base path, and collect them for checking.
 *
 * A site-absolute link written as `/2021/01/spectral-bias/` gets the base path in front (so it
 * still works when the site is served from `/digest/`). Site-absolute and relative links and
 * images land in `file.data.internalLinks` with their places.
 *
 * @param options see {@link Options}
 */
export function rehypeSiteLinks(options?: Options | null) {
  const settings = options || emptyOptions
  const basePath = settings.basePath ?? '/'
  return function (tree: Root, file: VFile): void {
    const internal: InternalLink[] = []
    file.data.internalLinks = internal
    visit(tree, 'element', (node) => {
      for (const key of ['href', 'src'] as const) {
        const value = node.properties[key]
        if (typeof value !== 'string') continue
        const url = value.trim()
        if (url === '' || url.startsWith('#') || url.startsWith('//') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) continue
        internal.push({ url, line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 })
        if (url.startsWith('/')) node.properties[key] = basePath + url.slice(1)
      }
    })
  }
}
