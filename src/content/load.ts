import { readFileSync, statSync, type Dirent, type Stats } from 'node:fs'
import { readdir, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.js'
import { hashOf, statStamp, statStandsForBytes } from '../cache.js'
import { limitConcurrency } from '../throttle.js'
import { loadConfig } from '../config.js'
import type { MonthSource, PaperSource, Problem } from '../types.js'
import { describeIssues } from '../validate.js'
import { decodeText } from './decode.js'
import { splitFrontMatter } from './front-matter.js'
import { findPlaceholders, placeholderMark } from './placeholders.js'
import {
  monthKeys,
  monthSchema,
  monthTranslationKeys,
  monthTranslationSchema,
  paperKeys,
  paperSchema,
  paperTranslationKeys,
  paperTranslationSchema,
  type PaperFrontMatter
} from './schema.js'

/** Everything read from a content folder. */
export interface LoadedContent {
  config: Config
  /** Months in the default language. */
  months: MonthSource[]
  /** Papers in the default language. */
  papers: PaperSource[]
  /** Translations of months and papers (`index.ru.md`, `<slug>.ru.md`), merged with their originals, each with its `lang`. */
  translations: { months: MonthSource[]; papers: PaperSource[] }
  problems: Problem[]
  /** The parse of every file, to give the next load (see {@link storeParse}). */
  parses: Map<string, Parsed>
  /** Parses taken from {@link LoadOptions.parses}: when all are, those need not be stored again. */
  restored: number
}

/** Options for {@link loadContent}. */
export interface LoadOptions {
  /** Folder that paths in messages are relative to. Default: `process.cwd()`. */
  cwd?: string
  /** Overrides of `site.yaml` values from the command line. */
  baseUrl?: string
  /** Keep papers marked `draft: true`. Default: false. */
  drafts?: boolean
  /**
   * Parses of an earlier load (see {@link LoadedContent.parses} and {@link storeParse}), such as
   * a cache on disk: a file whose text is the same is not parsed again. The last load of this
   * process is always used.
   */
  parses?: ReadonlyMap<string, StoredParse>
  /** Use and update the parses of the last load of this process. Default: true. */
  remember?: boolean
  /** Bytes of files already read (such as to fingerprint the folder), by absolute path. */
  files?: ReadonlyMap<string, Uint8Array>
  /**
   * {@link hashOf} the bytes of files, by absolute path, as a fingerprint of the folder found
   * them: a file whose parse in {@link parses} has that hash is not read. Files given in
   * {@link files} are hashed here too.
   */
  hashes?: ReadonlyMap<string, string>
  /**
   * The files that may have changed since the last load of this process began, by absolute path:
   * a file of that load not named here is taken as it was, without even a stat. For a caller
   * that watches the folder and saw every change since then (the dev server). Default: every
   * file is checked.
   */
  changedSince?: ReadonlySet<string>
}

const monthFolder = /^(\d{4})-(0[1-9]|1[0-2])$/
/** A slug is lower-case ASCII words joined by single dashes: safe in every file system and URL. */
export const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const maxSlugLength = 80
/** The language part of a translation's file name, such as `ru` in `rad.ru.md` or `pt-BR`. */
const languageSuffix = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/
/** Names Windows refuses as files, whatever the extension. */
const windowsReserved = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/
/** Largest Markdown file accepted, in bytes. */
export const maxFileBytes = 512 * 1024

/**
 * Load and validate every file of a content folder.
 *
 * @param contentDir the folder holding `site.yaml` and the `YYYY-MM` folders
 * @param options see {@link LoadOptions}
 */
export async function loadContent(contentDir: string, options: LoadOptions = {}): Promise<LoadedContent> {
  const cwd = options.cwd ?? process.cwd()
  const root = path.resolve(cwd, contentDir)
  const base = path.resolve(cwd)
  const under = base.endsWith(path.sep) ? base : base + path.sep
  const display = (abs: string): string => {
    // A file of the folder (paths here are made by joining, so normal): no path arithmetic.
    if (abs.startsWith(under)) return path.sep === '/' ? abs.slice(under.length) : abs.slice(under.length).split(path.sep).join('/')
    const rel = path.relative(cwd, abs)
    return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/')
  }
  const problems: Problem[] = []
  const overrides = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }
  const { config, problems: configProblems } = await loadConfig(root, display(path.join(root, 'site.yaml')), overrides)
  problems.push(...configProblems)
  const realRoot = await realpath(root)

  const months: MonthSource[] = []
  const papers: PaperSource[] = []
  const translations: LoadedContent['translations'] = { months: [], papers: [] }
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))
  const remember = options.remember ?? true
  // A month folder none of whose files changed since the last load of this process (as the
  // caller's watcher saw) comes out as it did then: it is not even listed.
  const monthsKey = JSON.stringify([root, realRoot, cwd, config.language, config.languages, options.drafts ?? false])
  const touched = new Set<string>()
  for (const changed of options.changedSince ?? []) {
    const rel = path.relative(root, changed)
    touched.add(rel === '' ? '' : rel.split(path.sep)[0]!)
  }
  const carried = remember && options.changedSince && !options.files?.size && !touched.has('') && lastMonths.key === monthsKey ? lastMonths.loads : undefined
  const keptMonth = (name: string): MonthLoad | undefined => {
    const last = carried?.get(name)
    return last && !last.links && !touched.has(name) ? last : undefined
  }
  // Every file is read ahead, many at a time; they are checked and parsed in order below.
  const listings = new Map<string, Promise<Dirent[]>>()
  for (const entry of entries) {
    if (entry.isDirectory() && monthFolder.test(entry.name) && !keptMonth(entry.name)) listings.set(entry.name, readdir(path.join(root, entry.name), { withFileTypes: true }))
  }
  const reads = new Map<string, Promise<FileRead>>()
  /** Files not read ahead: their parse may be in the cache. */
  const later = new Map<string, string>()
  const reading = limitConcurrency(64)
  const nextRead = new Map<string, ReadFile>()
  for (const [name, listing] of listings) {
    for (const f of await listing) {
      if (!f.name.endsWith('.md')) continue
      const fileAbs = path.join(root, name, f.name)
      // A file whose hash is known (a fingerprint of the folder found it, without reading it
      // when its stat was as before) is read only if its parse is not in the cache.
      const knownHash = options.hashes?.get(fileAbs)
      if (knownHash !== undefined && !options.files?.has(fileAbs) && !f.isSymbolicLink() && options.parses?.size) {
        later.set(fileAbs, knownHash)
        continue
      }
      const result = reading(async (): Promise<FileRead> => {
        const fileProblems: Problem[] = []
        const known = options.files?.get(fileAbs)
        const unseen = remember && !known && !f.isSymbolicLink() && options.changedSince && !options.changedSince.has(fileAbs) ? lastRead.get(fileAbs) : undefined
        if (unseen) {
          nextRead.set(fileAbs, unseen)
          return { text: unseen.text, hash: unseen.hash, problems: [] }
        }
        // A long-lived process (the dev server) reads again only the files whose stat changed since
        // its last load (see statStamp): a stat instead of a read. (Synchronous: a stat is
        // a few microseconds, a round trip to the thread pool several times that.)
        const seenAt = Date.now()
        const seen = remember && !known && !f.isSymbolicLink() ? statOrUndefined(fileAbs) : undefined
        if (seen) {
          const last = lastRead.get(fileAbs)
          if (last && last.settled && last.stamp === statStamp(seen)) {
            nextRead.set(fileAbs, last)
            return { text: last.text, hash: last.hash, problems: [] }
          }
        }
        const read = await readContentFile(fileAbs, realRoot, display(fileAbs), fileProblems, f.isSymbolicLink(), known, known && options.hashes?.get(fileAbs))
        if (seen && read && fileProblems.length === 0) nextRead.set(fileAbs, { stamp: statStamp(seen), settled: statStandsForBytes(seen, seenAt), ...read })
        return { ...read, problems: fileProblems }
      })
      // A file that is never looked at (a translation into an unknown language) must not fail the process.
      result.catch(() => {})
      reads.set(fileAbs, result)
    }
  }
  // Parsing is a pure function of a file's text and place: a file unchanged since the last load of
  // this process (the dev server's previous build) is not parsed again.
  const parsed = new Map<string, Parsed>()
  let restored = 0
  const loads = new Map<string, MonthLoad>()
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'site.yaml') continue
    const abs = path.join(root, entry.name)
    if (!entry.isDirectory()) {
      if (entry.name.endsWith('.md')) {
        problems.push(problem(display(abs), 1, 1, 'A Markdown file belongs in a month folder such as `2021-01/`', 'misplaced-file', 'warning'))
      }
      continue
    }
    if (!monthFolder.test(entry.name)) {
      problems.push(problem(display(abs), 1, 1, `Folder \`${entry.name}\` is not a month: name it YYYY-MM`, 'invalid-month-folder', 'warning'))
      continue
    }
    const month = entry.name
    let load = keptMonth(month)
    if (!load) {
      const into: Problem[] = []
      const made: MonthLoad = { papers: [], translations: { months: [], papers: [] }, problems: into, parsed: [], read: [], links: false }
      /** The file's parse: the last one of this process or the cache's when its bytes are the same, else a new one. */
      const parseOnce = async <T>(kind: string, fileAbs: string, shown: string, file: HashedFile, parse: (text: string, into: Problem[], hash: string) => T): Promise<T | undefined> => {
        const key = `${kind}\0${fileAbs}\0${shown}`
        let entry = remember ? lastParsed.get(key) : undefined
        if (entry?.hash !== file.hash) {
          // One hash of the bytes: to find the parse in the cache, to store it, and for its records' keys.
          const kept = options.parses?.get(key)
          entry = kept && restoreParse(kept, file.hash)
          if (entry) restored++
          else {
            const read = file.text === undefined ? await readLater(fileAbs) : file
            if (read?.text === undefined) return undefined
            const problems: Problem[] = []
            entry = { hash: read.hash, value: parse(read.text, problems, read.hash), problems }
          }
        }
        made.parsed.push([key, entry])
        into.push(...entry.problems)
        return entry.value as T
      }
      /** A file's hash, and its text when it was read (a file not read ahead is read only if its parse is not in the cache). */
      const read = async (fileAbs: string): Promise<HashedFile | undefined> => {
        const known = later.get(fileAbs)
        if (known !== undefined) return { hash: known }
        const { text, hash, problems: fileProblems } = await reads.get(fileAbs)!
        into.push(...fileProblems)
        const kept = nextRead.get(fileAbs)
        if (kept) made.read.push([fileAbs, kept])
        return text === undefined || hash === undefined ? undefined : { text, hash }
      }
      /** Read a file that was not read ahead. */
      const readLater = async (fileAbs: string): Promise<HashedFile | undefined> => {
        const fileProblems: Problem[] = []
        const done = await readContentFile(fileAbs, realRoot, display(fileAbs), fileProblems, false)
        into.push(...fileProblems)
        return done
      }
      /** A file's text and hash, read now if it was not read ahead. */
      const textOf = async (fileAbs: string): Promise<{ text: string; hash: string } | undefined> => {
        const file = await read(fileAbs)
        const done = file?.text === undefined ? file && (await readLater(fileAbs)) : file
        return done?.text === undefined ? undefined : { text: done.text, hash: done.hash }
      }
      const files = (await listings.get(month)!).filter((f) => f.name.endsWith('.md')).sort((a, b) => (a.name < b.name ? -1 : 1))
      made.links = files.some((f) => f.isSymbolicLink())
      let monthSource: MonthSource | undefined
      /** Every paper file of the month by slug, parsed or not (a draft or an invalid file has no paper). */
      const originals = new Map<string, PaperSource | undefined>()
      const pending: Array<{ base: string; language: string; abs: string; shown: string; text: string; hash: string }> = []
      for (const f of files) {
        const fileAbs = path.join(abs, f.name)
        const shown = display(fileAbs)
        const stem = f.name.slice(0, -3)
        const dot = stem.indexOf('.')
        if (dot !== -1 && (slugPattern.test(stem.slice(0, dot)) || stem.slice(0, dot) === 'index') && languageSuffix.test(stem.slice(dot + 1))) {
          // A translation: `<slug>.<lang>.md` or `index.<lang>.md`.
          const tag = stem.slice(dot + 1)
          const language = config.languages.find((l) => l.toLowerCase() === tag.toLowerCase())
          if (language === undefined) {
            into.push(problem(shown, 1, 1, `\`${f.name}\` is a translation into \`${tag}\`, which is not one of \`languages\` in site.yaml (${config.languages.join(', ')})`, 'unknown-language'))
            continue
          }
          if (language === config.language) {
            into.push(problem(shown, 1, 1, `\`${f.name}\` is a translation into the default language \`${language}\`; the original, \`${stem.slice(0, dot)}.md\`, is already in it`, 'translation-into-default-language'))
            continue
          }
          const file = await textOf(fileAbs)
          if (file !== undefined) pending.push({ base: stem.slice(0, dot), language, abs: fileAbs, shown, ...file })
          continue
        }
        const file = await read(fileAbs)
        if (file === undefined) continue
        if (f.name === 'index.md') {
          monthSource = await parseOnce(`month ${month}`, fileAbs, shown, file, (text, into, hash) => parseMonth(text, hash, month, fileAbs, shown, into))
          continue
        }
        const slug = stem
        if (windowsReserved.test(slug)) {
          into.push(problem(shown, 1, 1, `File name \`${f.name}\` is a reserved device name on Windows; rename the file`, 'invalid-slug'))
          continue
        }
        if (!slugPattern.test(slug) || slug.length > maxSlugLength) {
          into.push(problem(shown, 1, 1, `File name \`${f.name}\` is not a valid slug: use lower-case letters, digits and single dashes, at most ${maxSlugLength} characters`, 'invalid-slug'))
          continue
        }
        const paper = await parseOnce(`paper ${month} ${slug}`, fileAbs, shown, file, (text, into, hash) => parsePaper(text, hash, month, slug, fileAbs, shown, into))
        originals.set(slug, paper)
        if (paper && (!paper.draft || options.drafts)) made.papers.push(paper)
      }
      const hasIndex = files.some((f) => f.name === 'index.md')
      for (const t of pending) {
        if (t.base === 'index') {
          if (!hasIndex) {
            into.push(problem(t.shown, 1, 1, `A translation needs its original: there is no \`index.md\` in ${month}/`, 'translation-without-original'))
            continue
          }
          const translated = parseMonthTranslation(t.text, t.hash, month, t.language, t.abs, t.shown, monthSource, into)
          if (translated) made.translations.months.push(translated)
          continue
        }
        if (!originals.has(t.base)) {
          into.push(problem(t.shown, 1, 1, `A translation needs its original: there is no \`${t.base}.md\` in ${month}/`, 'translation-without-original'))
          continue
        }
        const original = originals.get(t.base)
        const translated = parsePaperTranslation(t.text, t.hash, t.language, t.abs, t.shown, original, into)
        // An invalid original reports its own problems; a draft's translation goes with the draft.
        if (translated && original && (!original.draft || options.drafts)) made.translations.papers.push(translated)
      }
      made.source = monthSource ?? { key: month, intro: '', outro: '', outroLine: 1, textHash: '' }
      load = made
    }
    loads.set(month, load)
    problems.push(...load.problems)
    papers.push(...load.papers)
    translations.months.push(...load.translations.months)
    translations.papers.push(...load.translations.papers)
    months.push(load.source!)
    for (const [key, entry] of load.parsed) parsed.set(key, entry)
  }
  if (remember) {
    lastParsed = parsed
    for (const load of loads.values()) for (const [file, read] of load.read) nextRead.set(file, read)
    lastRead = nextRead
    lastMonths = { key: monthsKey, loads }
  }
  return { config, months, papers, translations, problems, parses: parsed, restored }
}

/** A file's parse: a hash of its bytes, what came of it, and the problems found. */
export interface Parsed {
  /** {@link hashOf} the file's bytes. */
  hash: string
  value: unknown
  problems: Problem[]
}

/**
 * A parse as a cache keeps it: the parse itself, body and all, so that a file whose bytes are
 * the same (as the fingerprint of the folder found from its stat) is not even read.
 */
export type StoredParse = Parsed

/** A parse as a cache keeps it (see {@link StoredParse}). */
export function storeParse(parse: Parsed): StoredParse {
  return parse
}

/** The parse a cache kept, when it was made from a file with these bytes. */
function restoreParse(stored: StoredParse, hash: string): Parsed | undefined {
  return stored.hash === hash ? stored : undefined
}

/** A file's hash ({@link hashOf} its bytes), and its text when it was read. */
interface HashedFile {
  hash: string
  text?: string
}

/** A file read ahead: its text and hash, unless it could not be read (see the problems). */
interface FileRead {
  text?: string
  hash?: string
  problems: Problem[]
}

/** What one month folder of a load came to. */
interface MonthLoad {
  source?: MonthSource
  papers: PaperSource[]
  translations: { months: MonthSource[]; papers: PaperSource[] }
  problems: Problem[]
  /** The parses of its files, by their keys. */
  parsed: Array<[string, Parsed]>
  /** Its files as read, by absolute path. */
  read: Array<[string, ReadFile]>
  /** A file of the folder is a symbolic link, whose target may change with no change seen in the folder. */
  links: boolean
}

/** The month folders of the last load in this process, and what else they came from. */
let lastMonths: { key: string; loads: Map<string, MonthLoad> } = { key: '', loads: new Map() }

/** The parses of the last load in this process, by kind, file and shown path. */
let lastParsed = new Map<string, Parsed>()

/** A file as the last load of this process read it, by absolute path. */
interface ReadFile {
  /** Its {@link statStamp} before it was read. */
  stamp: string
  /** Whether that stat can stand for the text read (see {@link statStandsForBytes}). */
  settled: boolean
  text: string
  hash: string
}
let lastRead = new Map<string, ReadFile>()

/** A content file that changed while a build that had read it was running. */
export class ContentChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed while the site was being built`)
  }
}

/**
 * The body of a paper's file (the Markdown after its front matter, padded as a parse pads it),
 * read again: for a rendering that is needed again after the build let go of the bodies.
 *
 * @param abs the file
 * @param hash {@link hashOf} its bytes when it was loaded
 * @throws {ContentChangedError} when its bytes are not those any more
 */
export function readBodyAgain(abs: string, hash: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(abs)
  } catch {
    throw new ContentChangedError(abs)
  }
  const decoded = hashOf(bytes) === hash ? decodeContent(bytes) : undefined
  const split = decoded?.ok ? splitFrontMatter(decoded.text).split : undefined
  if (!split) throw new ContentChangedError(abs)
  return split.body
}

/** A content file's text, without a byte order mark (see {@link decodeText}). */
function decodeContent(bytes: Uint8Array): ReturnType<typeof decodeText> {
  const decoded = decodeText(bytes)
  return decoded.ok ? { ...decoded, text: decoded.text.replace(/^\uFEFF/, '') } : decoded
}

/**
 * A content file's text and {@link hashOf} its bytes, or undefined when it cannot be used (see
 * the problems: a link out of the folder, too large, not text).
 */
async function readContentFile(abs: string, realRoot: string, shown: string, problems: Problem[], symbolicLink: boolean, known?: Uint8Array, knownHash?: string): Promise<{ text: string; hash: string } | undefined> {
  // The folder listing tells a link from a file: no stat per file.
  if (symbolicLink) {
    let target: string
    try {
      target = await realpath(abs)
    } catch {
      problems.push(problem(shown, 1, 1, 'Symbolic link points to nothing', 'broken-symlink'))
      return undefined
    }
    if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
      problems.push(problem(shown, 1, 1, 'Symbolic link leads outside the content folder', 'symlink-outside-content'))
      return undefined
    }
  }
  let bytes: Uint8Array
  try {
    bytes = known ?? (await readFile(abs))
  } catch {
    problems.push(problem(shown, 1, 1, 'File cannot be read', 'unreadable-file'))
    return undefined
  }
  if (bytes.byteLength > maxFileBytes) {
    problems.push(problem(shown, 1, 1, `File is ${bytes.byteLength} bytes; the limit is ${maxFileBytes}`, 'file-too-large'))
    return undefined
  }
  const decoded = decodeContent(bytes)
  if (!decoded.ok) {
    problems.push(problem(shown, decoded.line, decoded.column, decoded.message, decoded.ruleId))
    return undefined
  }
  return { text: decoded.text, hash: knownHash ?? hashOf(bytes) }
}

function parseFront<T>(
  text: string,
  shown: string,
  schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: import('zod').z.ZodError } },
  keys: Record<string, readonly string[]>,
  problems: Problem[],
  translatable?: string
): { data: T; body: string; placeOf: (key: string, atKey?: boolean) => { line: number; column: number } } | undefined {
  const { split, problems: splitProblems } = splitFrontMatter(text)
  for (const p of splitProblems) problems.push(problem(shown, p.line, p.column, p.message, p.ruleId))
  if (!split) return undefined
  for (const e of split.yaml.errors) problems.push(problem(shown, e.line, e.column, e.message, e.ruleId))
  if (split.yaml.errors.length > 0) return undefined
  const data = split.yaml.data ?? {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(problem(shown, 2, 1, 'Front matter must be a set of `key: value` fields', 'invalid-front-matter'))
    return undefined
  }
  if (translatable !== undefined) {
    // A translation holds text only: any other key would silently differ from the original.
    let foreign = false
    for (const [base, allowed] of Object.entries(keys)) {
      const node = base === '' ? data : (data as Record<string, unknown>)[base]
      if (node === null || typeof node !== 'object' || Array.isArray(node)) continue
      for (const key of Object.keys(node)) {
        if (allowed.includes(key)) continue
        const full = base ? `${base}.${key}` : key
        const place = split.yaml.placeOf(full, true)
        problems.push(problem(shown, place.line, place.column, `\`${full}\` cannot be set in a translation: only ${translatable} can be translated; everything else comes from the original`, 'untranslatable-key'))
        foreign = true
      }
    }
    if (foreign) return undefined
  }
  const result = schema.safeParse(data)
  if (!result.success) {
    for (const issue of describeIssues(result.error, keys, data)) {
      const place = split.yaml.placeOf(issue.path, issue.atKey)
      // A missing field has no place of its own: point at the opening fence.
      const where = issue.ruleId.startsWith('missing-') && !issue.path.includes('.') ? { line: 1, column: 1 } : place
      problems.push(problem(shown, where.line, where.column, issue.message, issue.ruleId))
    }
    return undefined
  }
  return { data: result.data, body: split.body, placeOf: split.yaml.placeOf }
}

function parsePaper(text: string, textHash: string, month: string, slug: string, abs: string, shown: string, problems: Problem[]): PaperSource | undefined {
  const parsed = parseFront(text, shown, paperSchema, paperKeys, problems)
  if (!parsed) return undefined
  const { data, body, placeOf } = parsed
  let ok = true
  if (!data.date.startsWith(month + '-')) {
    const place = placeOf('date')
    problems.push(problem(shown, place.line, place.column, `\`date\` ${data.date} is not in the folder's month ${month}`, 'date-outside-month'))
    ok = false
  }
  if (!data.links?.paper && !data.arxiv && !data.doi) {
    const place = data.links ? placeOf('links', true) : { line: 1, column: 1 }
    problems.push(problem(shown, place.line, place.column, 'A paper needs a link: give `links.paper`, `arxiv` or `doi`', 'missing-paper-link'))
    ok = false
  }
  if (body.trim() === '') {
    problems.push(problem(shown, text.split('\n').length, 1, 'The summary (the text after the front matter) is empty', 'empty-summary'))
    ok = false
  }
  if (!data.draft) {
    for (const p of findPlaceholders(data, body)) {
      const place = p.line === undefined ? placeOf(p.key) : { line: p.line, column: 1 }
      const what = p.key === 'summary' ? 'The summary' : `\`${p.key}\``
      problems.push(problem(shown, place.line, place.column, `${what} still holds a ${placeholderMark} placeholder: fill it in, or keep \`draft: true\` until the card is ready`, 'placeholder-left'))
      ok = false
    }
  }
  if (!ok) return undefined
  const links: PaperSource['links'] = {}
  if (data.links?.paper) links.paper = data.links.paper
  else if (data.arxiv) links.paper = `https://arxiv.org/abs/${data.arxiv}`
  else if (data.doi) links.paper = `https://doi.org/${data.doi}`
  if (data.links?.code) links.code = data.links.code
  if (data.links?.discussion) links.discussion = data.links.discussion
  const paper: PaperSource = {
    slug,
    month,
    absPath: abs,
    path: shown,
    title: data.title,
    ...textStart('title', placeOf('title'), text),
    authors: data.authors,
    year: data.year,
    date: data.date,
    links,
    tags: [...new Set((data.tags ?? []).map((t) => t.toLowerCase()))],
    takeaway: data.takeaway,
    ...textStart('takeaway', placeOf('takeaway'), text),
    draft: data.draft ?? false,
    body,
    textHash
  }
  if (data.venue) paper.venue = data.venue
  if (data.arxiv) paper.arxiv = data.arxiv
  if (data.doi) paper.doi = data.doi
  if (data.figure) paper.figure = { src: data.figure.src, alt: data.figure.alt }
  return paper
}

function parseMonth(text: string, textHash: string, month: string, abs: string, shown: string, problems: Problem[]): MonthSource | undefined {
  const parsed = parseFront(text, shown, monthSchema, monthKeys, problems)
  if (!parsed) return undefined
  const { data, body, placeOf } = parsed
  const source: MonthSource = { key: month, absPath: abs, path: shown, intro: body, outro: data.outro ?? '', outroLine: placeOf('outro').line, textHash }
  if (data.title) source.title = data.title
  if (data.summary) source.summary = data.summary
  return source
}

/**
 * A paper's translation, merged with its original: the translation's title, takeaway, figure alt
 * text and summary, the original's everything else.
 *
 * @param original the parsed original; undefined when it was invalid (its problems are reported)
 */
function parsePaperTranslation(text: string, textHash: string, language: string, abs: string, shown: string, original: PaperSource | undefined, problems: Problem[]): PaperSource | undefined {
  const parsed = parseFront(text, shown, paperTranslationSchema, paperTranslationKeys, problems, 'title, takeaway, figure.alt and the summary')
  if (!parsed) return undefined
  const { data, body, placeOf } = parsed
  let ok = true
  if (body.trim() === '') {
    problems.push(problem(shown, text.split('\n').length, 1, 'The summary (the text after the front matter) is empty: translate the original\'s summary', 'empty-summary'))
    ok = false
  }
  if (original?.figure && !data.figure) {
    problems.push(problem(shown, 1, 1, 'The original has a figure: translate its alt text as `figure: { alt: … }`', 'incomplete-translation'))
    ok = false
  }
  if (original && !original.figure && data.figure) {
    const place = placeOf('figure', true)
    problems.push(problem(shown, place.line, place.column, '`figure.alt`: the original has no figure', 'untranslatable-key'))
    ok = false
  }
  if (original && !original.draft) {
    const asPaper = { ...data, authors: [] } as unknown as PaperFrontMatter
    for (const p of findPlaceholders(asPaper, body)) {
      const place = p.line === undefined ? placeOf(p.key) : { line: p.line, column: 1 }
      const what = p.key === 'summary' ? 'The summary' : `\`${p.key}\``
      problems.push(problem(shown, place.line, place.column, `${what} still holds a ${placeholderMark} placeholder: fill it in before the original is published`, 'placeholder-left'))
      ok = false
    }
  }
  if (!ok || !original) return undefined
  const paper: PaperSource = {
    ...original,
    lang: language,
    absPath: abs,
    path: shown,
    title: data.title,
    ...textStart('title', placeOf('title'), text),
    takeaway: data.takeaway,
    ...textStart('takeaway', placeOf('takeaway'), text),
    body,
    textHash
  }
  if (original.figure && data.figure) paper.figure = { src: original.figure.src, alt: data.figure.alt }
  return paper
}

/**
 * A month's translation. It must translate every part the original has (summary, intro, closing
 * words); a title is optional, the default being the month's name in the translation's language.
 *
 * @param original the parsed original `index.md`; undefined when it was invalid
 */
function parseMonthTranslation(text: string, textHash: string, month: string, language: string, abs: string, shown: string, original: MonthSource | undefined, problems: Problem[]): MonthSource | undefined {
  const parsed = parseFront(text, shown, monthTranslationSchema, monthTranslationKeys, problems, 'title, summary, outro and the intro')
  if (!parsed) return undefined
  const { data, body, placeOf } = parsed
  if (!original) return undefined
  let ok = true
  const missing = (what: string) => {
    problems.push(problem(shown, 1, 1, `The original has ${what}: translate it too`, 'incomplete-translation'))
    ok = false
  }
  if (original.summary && !data.summary) missing('a `summary`')
  if (original.outro.trim() !== '' && !data.outro) missing('closing words (`outro`)')
  if (original.intro.trim() !== '' && body.trim() === '') missing('an intro (the text after the front matter)')
  if (!ok) return undefined
  const source: MonthSource = { key: month, lang: language, absPath: abs, path: shown, intro: body, outro: data.outro ?? '', outroLine: placeOf('outro').line, textHash }
  if (data.title) source.title = data.title
  if (data.summary) source.summary = data.summary
  return source
}

/** Where a scalar's text starts: after its opening quote, if it has one. */
function textStart<K extends string>(key: K, place: { line: number; column: number }, text: string) {
  const lineText = text.split('\n')[place.line - 1] ?? ''
  const quoted = lineText[place.column - 1] === '"' || lineText[place.column - 1] === "'"
  return { [`${key}Line`]: place.line, [`${key}Column`]: place.column + (quoted ? 1 : 0) } as Record<`${K}Line` | `${K}Column`, number>
}

function problem(file: string, line: number, column: number, message: string, ruleId: string, severity: Problem['severity'] = 'error'): Problem {
  return { file, line: Math.max(1, line), column: Math.max(1, column), message, ruleId, severity }
}

/** Forget the parses of the last load, as a new process would start: for tests. */
export function forgetParses(): void {
  lastParsed = new Map()
  lastRead = new Map()
  lastMonths = { key: '', loads: new Map() }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}
