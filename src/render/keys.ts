import type { SiteTracker } from './tracking.js'

/**
 * What each page, feed and share image of a build was made from: its key, and the parts of the
 * site it read (see {@link SiteTracker}). The parts' names are listed once in `parts` and referred
 * to by their index. Plain data, kept with the output for the next build.
 */
export interface PageKeys {
  parts: string[]
  /** Site path (or another name, such as `feed feed.xml`) → [key, index of each part read…]. */
  pages: Record<string, [string, ...number[]]>
  /** The fingerprint each part had, in the order of `parts`. */
  prints?: string[]
  /**
   * What each part's fingerprint was made from besides the graph's structure (see
   * {@link SiteTracker.input}), shortened; empty for the others. In the order of `parts`.
   */
  inputs?: string[]
  /** Everything else every key was made from (settings, templates folder, tool versions). */
  scope?: string
  /** A fingerprint of the site graph's structure (see {@link BuildKeys}). */
  structure?: string
}

/** Characters of an input kept (see {@link PageKeys.inputs}): 96 bits of a hash. */
const inputLength = 16

/** Parts whose fingerprints follow from the graph's structure alone: tags, authors, editions, related papers. */
const structural = new Set(['t', 'a', 'e', 'r'])

/** The index of each part of keys a build of this process finished with, by part. */
const partIndexes = new WeakMap<PageKeys, Map<string, number>>()

/** A file whose key is what it was last time (see {@link BuildKeys.unchanged}). */
export interface Unchanged {
  /** Its entry of the previous build: its key, then the parts it read, by their index in the previous build's (and this build's) `parts`. */
  entry: readonly [string, ...number[]]
}

/**
 * The keys of one build: what the previous build made each file from, to tell which files can be
 * kept, and what this build makes them from, for the next one.
 *
 * The parts of the previous build keep their indexes in this build's list, so that a file kept
 * as it was keeps its entry as it was: most files of a build are, and that costs no lookups.
 */
export class BuildKeys {
  private readonly next: PageKeys
  private partIndex = new Map<string, number>()
  /** Whether each part of this build's list was read by a file of this build (1) or not yet (0). */
  private used: Uint8Array
  /** Whether a part of the previous build has the fingerprint it had then: 0 unknown, 1 same, 2 changed. */
  private readonly sameParts: Uint8Array
  private readonly sameScope: boolean
  /** The graph's structure is the previous build's, with the same scope. */
  private readonly sameStructure: boolean

  /**
   * Most parts' fingerprints need not be worked out to know they did not change. When the graph's
   * structure is the previous build's (every paper's and month's place in it, see
   * `paperPlaceFields`, with the same settings), a part that follows from the structure alone
   * (a tag, an author, an edition, related papers) is the same, and a paper's or month's part is
   * the same when its record's print is (see {@link SiteTracker.input}). A paper's content part
   * depends on its record's print alone, whatever the structure.
   *
   * @param tracker fingerprints the parts; without one, nothing is ever kept
   * @param previous the previous build's keys
   * @param scope everything else this build's keys are made from
   * @param structure a fingerprint of the graph's structure, when the caller has one
   */
  constructor(
    private readonly tracker: SiteTracker | undefined,
    private readonly previous: PageKeys | undefined,
    scope: string,
    structure?: string
  ) {
    const parts = tracker && previous ? [...previous.parts] : []
    this.next = { parts, pages: {}, prints: new Array<string>(parts.length).fill(''), inputs: new Array<string>(parts.length).fill(''), scope, ...(structure === undefined ? {} : { structure }) }
    // The parts' indexes, as the build that made `previous` left them, when it was of this process.
    const index = previous && partIndexes.get(previous)
    if (index && index.size === parts.length) this.partIndex = index
    else parts.forEach((part, i) => this.partIndex.set(part, i))
    this.used = new Uint8Array(Math.max(16, parts.length * 2))
    this.sameParts = new Uint8Array(parts.length)
    this.sameScope = previous?.scope === scope
    this.sameStructure = this.sameScope && structure !== undefined && previous?.structure === structure && previous.inputs?.length === previous.parts.length
  }

  /** Record what a file was made from: its key and the parts it read. */
  remember(id: string, key: string, reads: readonly string[]): void {
    const indexes = reads.map((part) => {
      let i = this.partIndex.get(part)
      if (i === undefined) {
        i = this.next.parts.push(part) - 1
        this.next.prints!.push('')
        this.next.inputs!.push('')
        this.partIndex.set(part, i)
      }
      this.use(i)
      return i
    })
    this.next.pages[id] = [key, ...indexes]
  }

  /** Record that a file is what it was last time (as {@link unchanged} found): its entry stays. */
  keep(id: string, same: Unchanged): void {
    const entry = same.entry
    const used = this.used
    for (let n = 1; n < entry.length; n++) {
      const i = entry[n] as number
      // Most parts are used by many files: only the first use of each does more.
      if (i >= used.length || !used[i]) this.use(i)
    }
    // The same array: entries are never changed once made.
    this.next.pages[id] = entry as [string, ...number[]]
  }

  /**
   * What a file read last time, when the key made from it now is the key it had then.
   *
   * @param id the file's name among the keys
   * @param keyOf the key now, from the parts it read last time
   * @param fromParts the key is made by the tracker from the scope and the parts read: when
   *   neither changed, it is known without hashing
   */
  unchanged(id: string, keyOf: (reads: readonly string[]) => string | undefined, fromParts = false): Unchanged | undefined {
    const before = this.previous?.pages[id]
    if (!this.tracker || !before) return undefined
    if (fromParts && this.sameScope) {
      const known = this.sameParts
      let same = true
      for (let n = 1; n < before.length && same; n++) {
        const i = before[n] as number
        same = known[i] === 1 || (known[i] === 0 && this.partSame(i))
      }
      if (same) return { entry: before }
    }
    const key = keyOf((before.slice(1) as number[]).map((i) => this.previous!.parts[i]!))
    return key !== undefined && key === before[0] ? { entry: before } : undefined
  }

  /** This build's keys, for the next build: parts no file read any more are left out. */
  finish(): PageKeys {
    const { parts, prints, inputs, pages } = this.next
    const count = parts.length
    let kept = 0
    for (let i = 0; i < count; i++) if (this.used[i]) kept++
    if (kept === count) {
      // The next build of this process starts from these parts: it takes their index on.
      partIndexes.set(this.next, this.partIndex)
      return this.next
    }
    const moved = new Int32Array(count).fill(-1)
    const out: PageKeys = { ...this.next, parts: [], pages: {}, prints: [], inputs: [] }
    for (let i = 0; i < count; i++) {
      if (!this.used[i]) continue
      moved[i] = out.parts.push(parts[i]!) - 1
      out.prints!.push(prints![i]!)
      out.inputs!.push(inputs![i]!)
    }
    for (const [id, [key, ...indexes]] of Object.entries(pages)) out.pages[id] = [key, ...indexes.map((i) => moved[i]!)]
    return out
  }

  /** Note that a file of this build read part `i`, and take its fingerprint the first time. */
  private use(i: number): void {
    if (i >= this.used.length) {
      const grown = new Uint8Array(Math.max(i + 1, this.used.length * 2))
      grown.set(this.used)
      this.used = grown
    }
    if (this.used[i]) return
    this.used[i] = 1
    const previous = this.previous?.prints?.[i]
    if (i < this.sameParts.length && this.partSame(i) && previous !== undefined) {
      this.next.prints![i] = previous
      this.next.inputs![i] = this.previous!.inputs?.[i] ?? ''
    } else {
      const part = this.next.parts[i]!
      this.next.prints![i] = this.tracker?.fingerprint(part) ?? ''
      this.next.inputs![i] = this.tracker?.input(part)?.slice(0, inputLength) ?? ''
    }
  }

  private partSame(i: number): boolean {
    let same = this.sameParts[i]
    if (!same) {
      const previous = this.previous!
      const part = previous.parts[i]!
      const print = previous.prints?.[i]
      const input = previous.inputs?.[i]
      const kind = part[0]!
      if (print === undefined || print === '') same = 2
      else if (this.sameStructure && structural.has(kind)) same = 1
      else if (input && (kind === 'P' || (this.sameStructure && (kind === 'p' || kind === 'm')))) {
        // The part's fingerprint is made from this input and the structure: it is the same exactly when the input is.
        same = this.tracker?.input(part)?.slice(0, inputLength) === input ? 1 : 2
      } else same = this.tracker?.fingerprint(part) === print ? 1 : 2
      this.sameParts[i] = same
    }
    return same === 1
  }
}
