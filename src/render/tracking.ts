import { readFileSync } from 'node:fs'
import { hashOf } from '../cache.js'
import type { Edition, Replacements, Site, SiteAuthor, SiteMonth, SitePaper, SiteTag } from '../site/graph.js'
import type { Month, Paper } from '../types.js'

/**
 * Fingerprints of the rendered content records, made by the build from what produced them (the
 * source file's bytes and everything else its rendering depends on), so that a large record is
 * never hashed whole.
 */
export interface ContentFingerprints {
  paper(paper: Paper): string
  /** A fingerprint of the paper's {@link paperHeadFields} alone. */
  paperHead(paper: Paper): string
  month(month: Month): string
}

/**
 * What lists of papers (tag, author and archive pages, a paper's neighbours and related papers)
 * and share images show of a paper. A page that reads only these fields of a paper is not made
 * again when its summary or takeaway changes: they are part of the paper's place in the graph
 * (its `p` part), and every other field of the record is in a part of its own (`P`).
 */
export const paperHeadFields = ['slug', 'month', 'path', 'lang', 'title', 'titleText', 'titleHtml', 'authors', 'year', 'date', 'venue', 'tags', 'draft'] as const

const headFields: ReadonlySet<string | symbol> = new Set(paperHeadFields)

/**
 * Records which parts of the site graph a page reads while it is rendered, and fingerprints those
 * parts, so that the next build can tell, without rendering, whether a page would come out the
 * same: it does when every part it read last time still has the same fingerprint.
 *
 * The parts are the graph's records (each paper, month, tag and author of each language, and each
 * language's whole edition), the content of each paper record beyond {@link paperHeadFields}, a
 * signature per tag for the related papers, and the template files.
 * Pages see the records through proxies that note every read; what a record holds by value (a
 * paper's rendered text, a month's intro) is covered by its fingerprint, and records it links to
 * (the month of a paper, the papers of a tag) are noted when the page reads them in turn.
 */
export class SiteTracker {
  private readonly ids = new WeakMap<object, string>()
  /** Paper records (one record may be in several editions), by the part of their content. */
  private readonly paperIds = new WeakMap<object, string>()
  private readonly records = new Map<string, object>()
  private readonly fingerprints = new Map<string, string>()
  private readonly proxies = new WeakMap<object, object>()
  private readonly lists = new WeakMap<readonly unknown[], unknown[]>()
  private readonly tagLists = new Map<string, readonly SitePaper[]>()
  /** What of each paper its tags' related-paper signatures hold (a paper is in a few tags). */
  private readonly ranks = new WeakMap<SitePaper, string>()
  private readonly constants = new Map<string, string>()
  /** The template files' parts whose fingerprints were worked out (from the files as they were then). */
  private readonly templateParts = new Set<string>()
  /** The languages of the site's editions. */
  private readonly languages: string[]
  private reads: Set<string> | undefined
  private readonly handler: ProxyHandler<object>
  private readonly paperHandler: ProxyHandler<object>

  /**
   * @param site the site graph
   * @param content fingerprints of the content records
   */
  constructor(
    site: Site,
    private content: ContentFingerprints
  ) {
    this.languages = site.editions.map((edition) => edition.language)
    for (const edition of site.editions) {
      const l = edition.language
      this.register(edition, `e ${l}`)
      for (const m of edition.months) this.register(m, `m ${l} ${m.key}`)
      for (const sp of edition.papers) {
        this.register(sp, `p ${l} ${sp.paper.month}/${sp.paper.slug}`)
        const id = `P ${sp.paper.path}`
        this.paperIds.set(sp.paper, id)
        this.records.set(id, sp.paper)
      }
      for (const t of edition.tags) {
        this.register(t, `t ${l} ${t.name}`)
        this.tagLists.set(`${l} ${t.name}`, t.papers)
      }
      for (const a of edition.authors) this.register(a, `a ${l} ${a.slug}`)
    }
    // The default language's records are also the site's own (`site.months`…).
    this.register(site, `e ${site.language}`)
    this.handler = this.noting((target) => this.reads?.add(this.ids.get(target)!))
    // A paper record: reading one of its head fields is covered by the part of its place in the
    // graph, noted when the page got the record; reading anything else notes its content's part.
    this.paperHandler = this.noting((target, key) => {
      if (key === undefined || !headFields.has(key)) this.reads?.add(this.paperIds.get(target)!)
    })
  }

  /**
   * Proxy traps that call `note` on every read of a record: with the key read, or with none when
   * the read looks at every field (its keys, a field's descriptor).
   */
  private noting(note: (target: object, key?: string | symbol) => void): ProxyHandler<object> {
    return {
      get: (target, key) => {
        note(target, key)
        return this.wrap(Reflect.get(target, key) as unknown)
      },
      has: (target, key) => {
        note(target, key)
        return Reflect.has(target, key)
      },
      ownKeys: (target) => {
        note(target)
        return Reflect.ownKeys(target)
      },
      getOwnPropertyDescriptor: (target, key) => {
        note(target)
        return Reflect.getOwnPropertyDescriptor(target, key)
      }
    }
  }

  /**
   * Take the tracker on to the next build of the same graph, after `replaceRecords` of the site
   * graph: the parts keep their fingerprints, except those of the records replaced (a paper's
   * place and content, a month) and of the template files, which are worked out again.
   *
   * @param content fingerprints of the next build's records
   * @param replaced the records put in the places of others
   */
  carryOver(content: ContentFingerprints, replaced: Replacements): void {
    this.content = content
    for (const [old, paper] of replaced.papers) {
      const id = this.paperIds.get(old)
      if (id === undefined) continue
      this.paperIds.set(paper, id)
      this.records.set(id, paper)
      this.fingerprints.delete(id)
      // What lists show of it may have changed (its title), in every language.
      for (const language of this.languages) this.fingerprints.delete(`p ${language} ${paper.month}/${paper.slug}`)
    }
    for (const month of replaced.months.values()) for (const language of this.languages) this.fingerprints.delete(`m ${language} ${month.key}`)
    for (const id of this.templateParts) this.fingerprints.delete(id)
    this.templateParts.clear()
    this.reads = undefined
  }

  /** Start recording the reads of one page. */
  begin(): void {
    this.reads = new Set()
  }

  /** Stop recording; the parts read, sorted. */
  end(): string[] {
    const reads = [...(this.reads ?? [])].sort()
    this.reads = undefined
    return reads
  }

  /** Note a read that went around the proxies, by its part's name. */
  noteRead(id: string): void {
    this.reads?.add(id)
  }

  /** Note that a page used a template file (by absolute path). */
  noteTemplate(file: string): void {
    this.reads?.add(`f ${file}`)
  }

  /** Note that a page's related papers were chosen among the papers of a tag. */
  noteRelated(language: string, tag: string): void {
    this.reads?.add(`r ${language} ${tag}`)
  }

  /**
   * A part that is a value of this build, such as what every share image is drawn with: its
   * fingerprint is the value, so what read it is made again when the value changes.
   *
   * @param name names the value among the build's
   * @param value the value now
   * @returns the part's name, to list among what something read
   */
  constant(name: string, value: string): string {
    const id = `c ${name}`
    if (this.constants.get(id) !== value) {
      this.constants.set(id, value)
      this.fingerprints.delete(id)
    }
    return id
  }

  /**
   * The parts of records of the graph, sorted, as {@link end} gives them: for what is made from
   * the records outside a page, such as an image.
   *
   * @param records records of the site graph
   */
  partsOf(records: readonly object[]): string[] {
    return [...new Set(records.map((r) => this.idOf(r)))].sort()
  }

  /**
   * A record of the graph as the templates should see it: through a proxy that notes reads.
   * Anything else comes back as it is.
   */
  wrap<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value
    const paper = this.paperIds.has(value)
    if (paper || this.ids.has(value)) {
      let proxy = this.proxies.get(value)
      if (!proxy) {
        proxy = new Proxy(value, paper ? this.paperHandler : this.handler)
        this.proxies.set(value, proxy)
      }
      return proxy as T
    }
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null && (this.ids.has(value[0] as object) || this.paperIds.has(value[0] as object))) {
      // A list of records (a month's papers): its order and members are in its owner's
      // fingerprint; each member notes its own reads.
      let list = this.lists.get(value)
      if (!list) {
        list = value.map((v: unknown) => this.wrap(v))
        this.lists.set(value, list)
      }
      return list as T
    }
    return value
  }

  /**
   * The current fingerprint of a part, or undefined when the site no longer has it.
   *
   * @param id a part's name, as {@link end} returns them
   */
  fingerprint(id: string): string | undefined {
    let value = this.fingerprints.get(id)
    if (value !== undefined) return value
    value = this.compute(id)
    if (value !== undefined) this.fingerprints.set(id, value)
    return value
  }

  /**
   * A key of what something made under tracking depends on: `scope` (what it is, and everything
   * else it depends on), and the current fingerprints of the parts it read. Undefined when one of
   * those parts is gone.
   *
   * @param scope strings that name the thing and its other inputs
   * @param reads the parts it read, as {@link end} returned them
   */
  keyOf(scope: readonly string[], reads: readonly string[]): string | undefined {
    const parts = [...scope]
    for (const id of reads) {
      const fingerprint = this.fingerprint(id)
      if (fingerprint === undefined) return undefined
      parts.push(id, fingerprint)
    }
    return hashOf(...parts)
  }

  /**
   * What a part's fingerprint is made from besides the graph's structure: the print of a paper's
   * head (`p`) or whole record (`P`), or of a month's record (`m`). No hashing: the prints are the
   * build's. Undefined for other parts, and for a part the site no longer has.
   *
   * @param id a part's name, as {@link end} returns them
   */
  input(id: string): string | undefined {
    const kind = id[0]
    if (kind !== 'p' && kind !== 'P' && kind !== 'm') return undefined
    const record = this.records.get(id)
    if (!record) return undefined
    if (kind === 'p') return this.content.paperHead((record as SitePaper).paper)
    if (kind === 'P') return this.content.paper(record as Paper)
    return this.content.month((record as SiteMonth).source)
  }

  private rankOf(sp: SitePaper): string {
    let rank = this.ranks.get(sp)
    if (rank === undefined) {
      rank = `${sp.route} ${sp.paper.date} ${sp.paper.tags.join(' ')}`
      this.ranks.set(sp, rank)
    }
    return rank
  }

  private register(record: object, id: string): void {
    this.ids.set(record, id)
    this.records.set(id, record)
  }

  private idOf(record: object | undefined): string {
    return record ? (this.ids.get(record) ?? '?') : ''
  }

  private compute(id: string): string | undefined {
    const kind = id[0]
    if (kind === 'f') {
      this.templateParts.add(id)
      try {
        return hashOf('f', readFileSync(id.slice(2)))
      } catch {
        return undefined
      }
    }
    if (kind === 'c') return this.constants.get(id)
    if (kind === 'r') {
      // Related papers are ranked by shared tags, then date, then address.
      const papers = this.tagLists.get(id.slice(2))
      return papers && hashOf('r', ...papers.map((sp) => this.rankOf(sp)))
    }
    const record = this.records.get(id)
    if (!record) return undefined
    const ids = (list: readonly object[]): string => list.map((r) => this.idOf(r)).join('\n')
    switch (kind) {
      case 'p': {
        const sp = record as SitePaper
        return hashOf('p', this.content.paperHead(sp.paper), sp.route, String(sp.week), this.idOf(sp.month), this.idOf(sp.previous), this.idOf(sp.next))
      }
      case 'P':
        return hashOf('P', this.content.paper(record as Paper))
      case 'm': {
        const m = record as SiteMonth
        return hashOf('m', this.content.month(m.source), m.key, m.route, m.title, `${m.year}-${m.number}`, ids(m.papers), this.idOf(m.previous), this.idOf(m.next))
      }
      case 't': {
        const t = record as SiteTag
        return hashOf('t', t.name, t.route, ids(t.papers))
      }
      case 'a': {
        const a = record as SiteAuthor
        return hashOf('a', a.name, a.slug, a.route, ids(a.papers))
      }
      case 'e': {
        const e = record as Edition
        return hashOf('e', e.language, e.prefix, ids(e.months), ids(e.papers), ids(e.tags), ids(e.authors), this.idOf(e.latest), e.routes.map((r) => r.path).join('\n'))
      }
      default:
        return undefined
    }
  }
}
