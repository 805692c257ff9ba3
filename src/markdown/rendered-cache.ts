import { BucketedMap, DiskTextsCache, DiskValueCache, hashOf } from '../cache.js'
import type { Rendered } from './processor.js'
import type { RenderedFile } from './render-job.js'

/** What a part of a file renders to, but its HTML and long text; or all of it, for a small part such as a title. */
type RenderedMeta = Omit<Rendered, 'html' | 'displayMath' | 'text'> & { text?: string }

/** A part whose HTML is at most this long is kept whole in the first part: lists of titles read no entry. */
const smallPart = 1024

/** The HTML of a part, and its plain text when that is not small. */
type RenderedHtml = Pick<Rendered, 'html' | 'displayMath'> & { text?: string }

/**
 * Files whose HTML stays in memory after it was read. Pages read a file's HTML a few times close
 * together (its month's page, its own page, its feed entry); holding every file's would make a
 * build's memory grow with the site.
 */
const htmlKept = 128

/**
 * One file's entry on disk: its first part (`meta`, as JSON) and its HTML and long text.
 * One file per entry, not two: a cold build writes thousands of them.
 */
type Entry = { meta: string; html: Record<string, RenderedHtml> }

/** How a part of a file from the cache reads its HTML when first asked for it. */
const readHtml = Symbol('readHtml')

type LazyPart = Rendered & { [readHtml]: () => RenderedHtml }

// The getters of one prototype for every part read from the cache: getters defined on each part
// would give each a shape of its own, and every field read from thousands of them V8's slow path.
const lazyPart = {
  get html(): string {
    return (this as unknown as LazyPart)[readHtml]().html
  },
  get displayMath(): string[] {
    return (this as unknown as LazyPart)[readHtml]().displayMath
  },
  get text(): string {
    return (this as unknown as LazyPart)[readHtml]().text!
  }
}

/**
 * Rendered Markdown on disk, in two parts per file: what every build needs (word count, links,
 * problems, short plain text) and the HTML and long plain text, which only pages rendered again
 * need. The first parts of every file of the last build are also kept together in one index, so
 * a hit reads no file of its own; a file's entry is read when a page uses a part's `html`,
 * `displayMath` or long `text`, and only the last few files' HTML stays in memory. So a rebuild
 * after a small change reads a small part of the cache, and no build holds every file's HTML or
 * every summary's text. A small part, such as a title, is kept whole in the first part, so a list
 * of titles reads no entries.
 */
export class RenderedCache {
  private readonly entries: DiskTextsCache<Entry>
  /** The first parts of every file of the last build, in a few files: read at once, not file by file. */
  private readonly indexes: BucketedMap<Record<string, RenderedMeta>>
  private index: Map<string, Record<string, RenderedMeta>> | undefined
  /** First parts this build used, for the next index. */
  private readonly used = new Map<string, Record<string, RenderedMeta>>()
  /** First parts of the files this cache made or gave, for {@link touch}. */
  private readonly metas = new WeakMap<RenderedFile, Record<string, RenderedMeta>>()
  /** The HTML read last, by key, the most recent last: at most {@link htmlKept} files. */
  private readonly recentHtml = new Map<string, Record<string, RenderedHtml>>()
  private readonly writes: boolean

  /**
   * @param dir folder of the cache; undefined disables it
   * @param readOnly read entries but never write
   * @param site what the build renders (such as its content folder), to name its index
   */
  constructor(dir: string | undefined, readOnly: boolean, site = '') {
    this.entries = new DiskTextsCache(dir && `${dir}/entries`, readOnly)
    // Spread over a few files: a build after a few edits rewrites the few that list those files.
    this.indexes = new BucketedMap(new DiskValueCache(dir && `${dir}/index`, readOnly), hashOf(site, process.version))
    this.writes = dir !== undefined && !readOnly
  }

  /** Read the index of the last build: call once before {@link get}. */
  async open(): Promise<void> {
    this.index = await this.indexes.read()
  }

  /** Note that this build uses a file this cache gave or kept earlier, found elsewhere (in memory). */
  touch(key: string, file: RenderedFile): void {
    const meta = this.metas.get(file)
    if (meta) this.used.set(key, meta)
  }

  /** The names of what this build uses in the cache's folders: its entries, and its index. */
  inUse(): { entries: Set<string>; index: Set<string> } {
    return { entries: new Set(this.used.keys()), index: this.indexes.fileKeys() }
  }

  /** Write the parts of the index that differ from the last build's. */
  async close(): Promise<void> {
    await this.indexes.write(this.used)
  }

  /**
   * A file's rendering, or undefined when the cache does not hold it. Its HTML is read when used
   * (and stays at hand while it is among the last few files read); should that entry be gone by
   * then, `again` renders the file once more.
   *
   * @param key the file's cache key
   * @param again renders the file, synchronously
   */
  async get(key: string, again: () => RenderedFile): Promise<RenderedFile | undefined> {
    const meta = this.index?.get(key) ?? metaOf(await this.entries.get(key))
    if (!meta) return undefined
    this.used.set(key, meta)
    return this.lazy(key, meta, again)
  }

  /**
   * Keep a file just rendered, and give it back with its HTML on disk: read again when a page
   * needs it, so a build that renders every file does not hold all their HTML. A cache that does
   * not write gives the file back as it is.
   *
   * @param key the file's cache key
   * @param file the rendering
   * @param again renders the file, synchronously, should its entry be gone when its HTML is read
   */
  async store(key: string, file: RenderedFile, again: () => RenderedFile): Promise<RenderedFile> {
    await this.set(key, file)
    if (!this.writes) return file
    const lazy = this.lazy(key, this.metas.get(file)!, again)
    // The HTML is at hand now, and the pages of a month ask for the files rendered together.
    this.remember(key, htmlOfFile(file))
    return lazy
  }

  /** A file from its first part, whose larger parts read their HTML when used. */
  private lazy(key: string, meta: Record<string, RenderedMeta>, again: () => RenderedFile): RenderedFile {
    const htmlOf = (part: string): RenderedHtml => {
      let html = this.recentHtml.get(key)
      if (html) {
        // Most recent last.
        this.recentHtml.delete(key)
        this.recentHtml.set(key, html)
      } else {
        html = this.entries.getSync(key)?.html ?? htmlOfFile(again())
        this.remember(key, html)
      }
      const found = html[part]
      if (!found) throw new Error(`Rendered part ${part} is missing from cache entry ${key}`)
      return found
    }
    const file: RenderedFile = {}
    for (const [part, rest] of Object.entries(meta)) {
      if ('html' in rest) {
        file[part] = rest as Rendered
        continue
      }
      // Short text kept in the first part is a field of its own, which hides the getter.
      file[part] = { __proto__: lazyPart, ...rest, [readHtml]: () => htmlOf(part) } as unknown as Rendered
    }
    this.metas.set(file, meta)
    return file
  }

  private remember(key: string, html: Record<string, RenderedHtml>): void {
    this.recentHtml.set(key, html)
    if (this.recentHtml.size > htmlKept) this.recentHtml.delete(this.recentHtml.keys().next().value!)
  }

  async set(key: string, file: RenderedFile): Promise<void> {
    const meta: Record<string, RenderedMeta> = {}
    const html: Record<string, RenderedHtml> = {}
    for (const [part, whole] of Object.entries(file)) {
      const { html: partHtml, displayMath, text, ...rest } = whole
      if (partHtml.length <= smallPart && displayMath.length === 0) {
        meta[part] = whole
        continue
      }
      // Short text, such as a takeaway's, is read by lists and feeds: it stays in the first part.
      meta[part] = text.length <= smallPart ? { ...rest, text } : rest
      html[part] = text.length <= smallPart ? { html: partHtml, displayMath } : { html: partHtml, displayMath, text }
    }
    await this.entries.set(key, { meta: JSON.stringify(meta), html })
    this.used.set(key, meta)
    this.metas.set(file, meta)
  }
}

/** The first part of an entry read from disk; undefined for a miss or an entry not of this shape. */
function metaOf(entry: Entry | undefined): Record<string, RenderedMeta> | undefined {
  if (typeof entry?.meta !== 'string' || typeof entry.html !== 'object') return undefined
  try {
    return JSON.parse(entry.meta) as Record<string, RenderedMeta>
  } catch {
    return undefined
  }
}

/** The HTML of every part of a rendering. */
function htmlOfFile(file: RenderedFile): Record<string, RenderedHtml> {
  const out: Record<string, RenderedHtml> = {}
  for (const [part, { html, displayMath, text }] of Object.entries(file)) out[part] = { html, displayMath, text }
  return out
}
