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
  /** Everything else every key was made from (settings, templates folder, tool versions). */
  scope?: string
}

/**
 * The keys of one build: what the previous build made each file from, to tell which files can be
 * kept, and what this build makes them from, for the next one.
 */
export class BuildKeys {
  /** This build's keys, as {@link remember} records them. */
  readonly next: PageKeys
  private readonly partIndex = new Map<string, number>()
  /** Whether a part of the previous build has the fingerprint it had then, by its index there. */
  private readonly sameParts = new Map<number, boolean>()
  private readonly sameScope: boolean

  /**
   * @param tracker fingerprints the parts; without one, nothing is ever kept
   * @param previous the previous build's keys
   * @param scope everything else this build's keys are made from
   */
  constructor(
    private readonly tracker: SiteTracker | undefined,
    private readonly previous: PageKeys | undefined,
    scope: string
  ) {
    this.next = { parts: [], pages: {}, prints: [], scope }
    this.sameScope = previous?.scope === scope
  }

  /** Record what a file was made from: its key and the parts it read. */
  remember(id: string, key: string, reads: readonly string[]): void {
    const indexes = reads.map((part) => {
      let i = this.partIndex.get(part)
      if (i === undefined) {
        i = this.next.parts.push(part) - 1
        this.next.prints!.push(this.tracker?.fingerprint(part) ?? '')
        this.partIndex.set(part, i)
      }
      return i
    })
    this.next.pages[id] = [key, ...indexes]
  }

  /**
   * What a file read last time, when the key made from it now is the key it had then.
   *
   * @param id the file's name among the keys
   * @param keyOf the key now, from the parts it read last time
   * @param fromParts the key is made by the tracker from the scope and the parts read: when
   *   neither changed, it is known without hashing
   */
  unchanged(id: string, keyOf: (reads: readonly string[]) => string | undefined, fromParts = false): { key: string; reads: string[] } | undefined {
    const before = this.previous?.pages[id]
    if (!this.tracker || !before) return undefined
    const indexes = before.slice(1) as number[]
    const reads = indexes.map((i) => this.previous!.parts[i]!)
    if (fromParts && this.sameScope && indexes.every((i) => this.partSame(i))) return { key: before[0], reads }
    const key = keyOf(reads)
    return key !== undefined && key === before[0] ? { key, reads } : undefined
  }

  private partSame(i: number): boolean {
    let same = this.sameParts.get(i)
    if (same === undefined) {
      const print = this.previous?.prints?.[i]
      same = print !== undefined && print !== '' && this.tracker?.fingerprint(this.previous!.parts[i]!) === print
      this.sameParts.set(i, same)
    }
    return same
  }
}
