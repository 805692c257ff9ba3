import { DiskCache } from '../cache.js'
import type { Rendered } from './processor.js'
import type { RenderedFile } from './render-job.js'

/** What a part of a file renders to, but its HTML. */
type RenderedMeta = Omit<Rendered, 'html' | 'displayMath'>

/** The HTML of a part. */
type RenderedHtml = Pick<Rendered, 'html' | 'displayMath'>

/**
 * Rendered Markdown on disk, in two entries per file: what every build needs (plain text, word
 * count, links, problems) and the HTML, which only pages rendered again need. A hit reads the first
 * entry; the HTML is read when a part's `html` or `displayMath` is first used. So a rebuild after a
 * small change reads a small part of the cache, and does not hold every file's HTML.
 */
export class RenderedCache {
  private readonly meta: DiskCache<Record<string, RenderedMeta>>
  private readonly html: DiskCache<Record<string, RenderedHtml>>

  /**
   * @param dir folder of the cache; undefined disables it
   * @param readOnly read entries but never write
   */
  constructor(dir: string | undefined, readOnly: boolean) {
    this.meta = new DiskCache(dir && `${dir}/meta`, readOnly)
    this.html = new DiskCache(dir && `${dir}/html`, readOnly)
  }

  /**
   * A file's rendering, or undefined when the cache does not hold it. Its HTML is read on first
   * use; should that entry be gone by then, `again` renders the file once more.
   *
   * @param key the file's cache key
   * @param again renders the file, synchronously
   */
  async get(key: string, again: () => RenderedFile): Promise<RenderedFile | undefined> {
    const meta = await this.meta.get(key)
    if (!meta) return undefined
    let html: Record<string, RenderedHtml> | undefined
    const htmlOf = (part: string): RenderedHtml => {
      html ??= this.html.getSync(key) ?? again()
      const found = html[part]
      if (!found) throw new Error(`Rendered part ${part} is missing from cache entry ${key}`)
      return found
    }
    const file: RenderedFile = {}
    for (const [part, rest] of Object.entries(meta)) {
      file[part] = Object.defineProperties({ ...rest } as Rendered, {
        html: { get: () => htmlOf(part).html, enumerable: true },
        displayMath: { get: () => htmlOf(part).displayMath, enumerable: true }
      })
    }
    return file
  }

  async set(key: string, file: RenderedFile): Promise<void> {
    const meta: Record<string, RenderedMeta> = {}
    const html: Record<string, RenderedHtml> = {}
    for (const [part, { html: partHtml, displayMath, ...rest }] of Object.entries(file)) {
      meta[part] = rest
      html[part] = { html: partHtml, displayMath }
    }
    // The HTML first: a reader that finds the first entry finds the second.
    await this.html.set(key, html)
    await this.meta.set(key, meta)
  }
}
