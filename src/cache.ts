import { createHash, hash as hashOnce, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs'
import { mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { deserialize, serialize } from 'node:v8'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

/**
 * Version of an installed package, found from its entry point (some packages do not export
 * their `package.json`, and some only an `import` entry).
 */
export function versionOf(name: string): string {
  let entry: string
  try {
    entry = require.resolve(name)
  } catch {
    entry = fileURLToPath(import.meta.resolve(name))
  }
  let dir = path.dirname(entry)
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === name) return pkg.version ?? '0'
    } catch {
      // No package.json here: look further up.
    }
    const parent = path.dirname(dir)
    if (parent === dir) return '0'
    dir = parent
  }
}

/** Versions of everything that shapes rendered output; part of every cache key. */
export const toolVersions: string = [
  'collage-cache-1',
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  ...['katex', 'unified', 'remark-parse', 'remark-math', 'remark-gfm', 'remark-rehype', 'rehype-stringify'].map((name) => `${name}@${versionOf(name)}`)
].join('\0')

/**
 * Whether a file's stat can stand for its bytes, read after the stat was taken at `statAt`: only
 * when the file was last changed well before, since a file system with coarse times could give a
 * change right after the read the same time. The later of the modification and change times
 * counts, so a tool that puts a file's modification time back does not make it look settled.
 *
 * @param stat the file's stat
 * @param statAt when the stat was taken, in milliseconds since the epoch
 * @param settleMs how long after the change the stat must be
 */
export function statStandsForBytes(stat: Pick<Stats, 'mtimeMs' | 'ctimeMs'>, statAt: number, settleMs = statSettleMs): boolean {
  return Math.max(stat.mtimeMs, stat.ctimeMs) + settleMs < statAt
}

/**
 * What of a file's stat tells whether it was written: size, modification and change times, and
 * identity, as one string. Two equal stamps of a path, the first of which could stand for the
 * bytes (see {@link statStandsForBytes}), mean the bytes are the same. The change time is in it:
 * a tool that writes a file and puts its modification time back still changes that.
 *
 * @param stat the file's stat
 */
export function statStamp(stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): string {
  return `${stat.size} ${stat.mtimeMs} ${stat.ctimeMs} ${stat.ino}`
}

/** How long after a file's last change its stat can stand for its bytes (see {@link statStandsForBytes}). */
const statSettleMs = 2000

/** A hash of strings and bytes, as a file-name-safe string. */
export function hashOf(...parts: Array<string | Uint8Array>): string {
  // Strings are joined and hashed in one call: half the time of a hash object for the short
  // inputs of most keys, and one update is cheaper than thousands (a page's key names every part it read).
  if (parts.every((p) => typeof p === 'string')) return hashOnce('sha256', parts.join('\0') + '\0', 'base64url')
  const hash = createHash('sha256')
  for (const p of parts) {
    hash.update(p)
    hash.update('\0')
  }
  return hash.digest('base64url')
}

/** How a cache turns values into file bytes and back. */
interface Codec<T> {
  encode(value: T): string | Uint8Array
  decode(bytes: Buffer): T
}

const jsonCodec: Codec<never> = {
  encode: (value) => JSON.stringify(value),
  decode: (bytes) => JSON.parse(bytes.toString('utf8')) as never
}

const bytesCodec: Codec<Uint8Array> = { encode: (value) => value, decode: (bytes) => bytes }

/** Plain data whose leaves are all strings, such as rendered HTML by part and field. */
export type Texts = string | Texts[] | { [key: string]: Texts }

/**
 * Strings as their UTF-8 bytes, after a line of JSON that gives the value's shape with each
 * string's length in bytes in its place. Reading back decodes each string from its bytes, with no
 * escapes to undo: several times faster than JSON for long HTML, and as small.
 */
const textsCodec: Codec<Texts> = {
  encode: (value) => {
    const chunks: Buffer[] = []
    const shape = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v !== 'string') return v
      const bytes = Buffer.from(v)
      chunks.push(bytes)
      return bytes.length
    })
    return Buffer.concat([Buffer.from(shape + '\n'), ...chunks])
  },
  decode: (bytes) => {
    const end = bytes.indexOf(10)
    if (end === -1) throw new Error('No shape line')
    let at = end + 1
    const value = JSON.parse(bytes.toString('utf8', 0, end), (_key, v: unknown) => (typeof v === 'number' ? bytes.toString('utf8', at, (at += v)) : v)) as Texts
    if (at !== bytes.length) throw new Error('Entry is cut short or too long')
    return value
  }
}

// V8's own format reads back several times faster than JSON for large values of many strings.
const v8Codec: Codec<never> = {
  encode: (value) => serialize(value),
  decode: (bytes) => deserialize(bytes) as never
}

/**
 * A persistent key-value cache on disk: one file per entry, keyed by a content hash, so an entry
 * is correct by construction (a changed input is a different key) and never needs to be
 * invalidated. A missing or unreadable entry is a miss; a cache that cannot be written only costs
 * speed.
 */
class FileCache<T> {
  /** Folders of entries this cache made, or found, when it wrote to them. */
  private readonly folders = new Set<string>()

  /**
   * @param dir folder of the cache, such as `.collage-cache/render`; undefined disables the cache
   * @param readOnly read entries but never write (for runs that must not write, such as `check`)
   * @param codec how values are stored
   * @param noteReads a read sets the entry's time, as a write does: for a cache whose entries a
   *   build may read without knowing their keys ahead (see {@link sweepCache})
   */
  constructor(
    readonly dir: string | undefined,
    readonly readOnly: boolean,
    private readonly codec: Codec<T>,
    private readonly noteReads = false
  ) {}

  async get(key: string): Promise<T | undefined> {
    if (!this.dir) return undefined
    try {
      const file = this.fileOf(key)
      const value = this.codec.decode(await readFile(file))
      // A read is a use: the entry's time says when it was last used (see {@link sweepCache}).
      if (this.noteReads && !this.readOnly) utimes(file, new Date(), new Date()).catch(() => {})
      return value
    } catch {
      return undefined
    }
  }

  /** {@link get}, reading the file synchronously: for values needed inside synchronous code. */
  getSync(key: string): T | undefined {
    if (!this.dir) return undefined
    try {
      return this.codec.decode(readFileSync(this.fileOf(key)))
    } catch {
      return undefined
    }
  }

  async set(key: string, value: T): Promise<void> {
    if (!this.dir || this.readOnly) return
    const file = this.fileOf(key)
    try {
      // Write then rename: a killed build never leaves a half entry behind.
      const temp = `${file}.${process.pid}.tmp`
      const bytes = this.codec.encode(value)
      // An entry's folder is made the first time this cache writes to it, whether or not it exists:
      // a cold build writes to thousands of new folders, and a write that fails first costs twice
      // what a folder made ahead does (an error made and thrown, and a second write).
      const folder = path.dirname(file)
      if (!this.folders.has(folder)) {
        await mkdir(folder, { recursive: true })
        this.folders.add(folder)
      }
      try {
        await writeFile(temp, bytes)
      } catch (error) {
        // Its folder was removed since (as by a sweep of another process).
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        await mkdir(folder, { recursive: true })
        await writeFile(temp, bytes)
      }
      await rename(temp, file)
    } catch {
      // Only speed is lost.
    }
  }

  private fileOf(key: string): string {
    return path.join(this.dir!, key.slice(0, 2), key)
  }
}

/**
 * A map of many small entries (one per content file, say) kept in a few files of a
 * {@link DiskValueCache}, each entry in the file its key hashes to: a build that changed a few
 * entries writes the few files that hold them, not the whole map.
 */
export class BucketedMap<V> {
  /** What each file held when read or last written, by bucket. */
  private readonly held = new Map<number, Map<string, V>>()

  /**
   * @param cache where the files go
   * @param name names the map among the cache's entries, such as a hash of what made its values
   * @param same whether two values of one key are the same (for values a function of their key: always)
   * @param buckets files the map is spread over; a map must always be read with the same number
   */
  constructor(
    private readonly cache: DiskValueCache<Array<[string, V]>>,
    private readonly name: string,
    private readonly same: (a: V, b: V) => boolean = () => true,
    private readonly buckets = 16
  ) {}

  /** The cache keys of the map's files, such as for {@link sweepCache}. */
  fileKeys(): Set<string> {
    return new Set(Array.from({ length: this.buckets }, (_, i) => this.fileKey(i)))
  }

  /** Every entry the files hold; a file that is missing or unreadable holds none. */
  async read(): Promise<Map<string, V>> {
    const files = await Promise.all(Array.from({ length: this.buckets }, (_, i) => this.cache.get(this.fileKey(i))))
    const all = new Map<string, V>()
    files.forEach((entries, i) => {
      const held = new Map(entries ?? [])
      this.held.set(i, held)
      for (const [key, value] of held) all.set(key, value)
    })
    return all
  }

  /**
   * Make the map these entries, writing the files whose entries differ from what they held.
   *
   * @returns the number of files written
   */
  async write(entries: Iterable<readonly [string, V]>): Promise<number> {
    const next = Array.from({ length: this.buckets }, () => [] as Array<[string, V]>)
    for (const [key, value] of entries) next[bucketOf(key, this.buckets)]!.push([key, value])
    const changed = next.flatMap((list, i) => {
      const before = this.held.get(i) ?? new Map<string, V>()
      const same = list.length === before.size && list.every(([key, value]) => before.has(key) && this.same(before.get(key)!, value))
      return same ? [] : [i]
    })
    await Promise.all(
      changed.map(async (i) => {
        await this.cache.set(this.fileKey(i), next[i]!)
        this.held.set(i, new Map(next[i]))
      })
    )
    return changed.length
  }

  private fileKey(bucket: number): string {
    return hashOf(this.name, 'bucket', String(bucket))
  }
}

/** The bucket of a key among `buckets`: a 32-bit FNV-1a hash of its UTF-16 units. */
function bucketOf(key: string, buckets: number): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % buckets
}

/** A {@link FileCache} of JSON values. */
export class DiskCache<T> extends FileCache<T> {
  constructor(dir: string | undefined, readOnly = false) {
    super(dir, readOnly, jsonCodec as Codec<T>)
  }
}

/**
 * A {@link FileCache} of large structured values (plain data), in V8's serialization format. The
 * format belongs to the Node.js version: keys should include `process.version`.
 */
export class DiskValueCache<T> extends FileCache<T> {
  constructor(dir: string | undefined, readOnly = false) {
    super(dir, readOnly, v8Codec as Codec<T>)
  }
}

/** A {@link FileCache} of values whose leaves are all strings (see {@link Texts}), such as rendered HTML. */
export class DiskTextsCache<T extends Texts> extends FileCache<T> {
  constructor(dir: string | undefined, readOnly = false) {
    super(dir, readOnly, textsCodec as unknown as Codec<T>)
  }
}

/** A {@link FileCache} of raw bytes, such as images. A read marks the entry used (see {@link sweepCache}). */
export class DiskBytesCache extends FileCache<Uint8Array> {
  constructor(dir: string | undefined, readOnly = false) {
    super(dir, readOnly, bytesCodec, true)
  }
}

/** Entries of the cache neither written, nor read when reads are noted, for this long are deleted. */
export const cacheMaxAge = 30 * 24 * 3600 * 1000

/** The cache is swept at most once in this long: a sweep looks at every entry. */
const sweepEvery = 24 * 3600 * 1000

/** Folders of earlier layouts of the cache, removed whole. */
const formerFolders = ['render/meta', 'render/html']

/**
 * Delete what a cache holds for nothing: its entries (in `folder/xx/key` files) that are not in
 * `keep` and were last written, or read when reads are noted, more than {@link cacheMaxAge} ago,
 * and folders of earlier layouts. Entries of other content folders or other settings that share
 * the cache, such as the dev server's, are kept while they are in use. At most once a day (a file
 * `swept` in the cache says when): for thousands of entries a sweep takes a fraction of a second.
 *
 * Without it, a cache would keep every rendering ever made: each edit, each new version of
 * Collage and each changed setting adds entries, and none is ever read again.
 *
 * @param root the cache's folder, such as `.collage-cache`
 * @param keep by folder under `root` (`render/entries`…): the keys the build just used, made only
 *   when a sweep is due
 * @param now the time, in milliseconds since the epoch
 * @returns the files deleted and their bytes, or undefined when no sweep was due
 */
export function sweepCache(root: string, keep: Record<string, () => ReadonlySet<string>>, now = Date.now()): { files: number; bytes: number } | undefined {
  const marker = path.join(root, 'swept')
  try {
    if (statSync(marker).mtimeMs > now - sweepEvery) return undefined
  } catch {
    // Never swept.
  }
  const swept = { files: 0, bytes: 0 }
  const before = now - cacheMaxAge
  for (const [folder, keysOf] of Object.entries(keep)) {
    const dir = path.join(root, folder)
    let shards: string[]
    try {
      shards = readdirSync(dir)
    } catch {
      continue
    }
    const keys = keysOf()
    for (const shard of shards) {
      let names: string[]
      try {
        names = readdirSync(path.join(dir, shard))
      } catch {
        continue
      }
      for (const name of names) {
        if (keys.has(name)) continue
        const file = path.join(dir, shard, name)
        try {
          const stat = statSync(file)
          if (stat.mtimeMs > before) continue
          rmSync(file, { force: true })
          swept.files++
          swept.bytes += stat.size
        } catch {
          // Gone already, or not ours to delete: only space is lost.
        }
      }
    }
  }
  for (const former of formerFolders) rmSync(path.join(root, former), { recursive: true, force: true })
  try {
    writeFileSync(marker, '')
    utimesSync(marker, new Date(now), new Date(now))
  } catch {
    // A cache that cannot be written is swept again next time.
  }
  return swept
}

/**
 * Hashes of files' bytes, kept from one build to the next by the files' stats, as git's index
 * keeps them: a file whose size, times and identity are what they were when it was hashed is not
 * read again. Only a stat taken well after the file's last change is kept (see
 * {@link statStandsForBytes}), and the change time is part of it, so a tool that puts a file's
 * modification time back does not hide an edit. Kept in one file of the cache, for every folder
 * a build fingerprints; a table that cannot be read or written only costs reading the files.
 */
export class FileHashes {
  /** By absolute path: the file's {@link statStamp}, a space, the hash. */
  private readonly known = new Map<string, string>()
  private readonly seen = new Map<string, string>()
  private readonly folders: string[] = []
  private changed = false

  /**
   * @param file where the table is kept, such as `.collage-cache/stats`; undefined keeps it in memory only
   * @param settleMs how long after a file's last change its stat can stand for its bytes
   */
  constructor(
    private readonly file: string | undefined,
    private readonly settleMs = statSettleMs
  ) {
    if (!file) return
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      // No table yet: every file is read.
      return
    }
    // A line per file: its path, a tab, its stat and hash. Lines are split only when looked up.
    if (!text.startsWith(tableHeader)) return
    for (const line of text.slice(tableHeader.length).split('\n')) {
      const tab = line.indexOf('\t')
      if (tab > 0) this.known.set(line.slice(0, tab), line.slice(tab + 1))
    }
  }

  /**
   * The hash of a file's bytes, when its stat is the one noted with that hash.
   *
   * @param abs the file's absolute path
   * @param stat its stat now
   */
  lookup(abs: string, stat: Stats): string | undefined {
    const known = this.known.get(abs)
    if (known === undefined) return undefined
    const now = statStamp(stat)
    if (known.length !== now.length + 44 || !known.startsWith(now)) return undefined
    this.seen.set(abs, known)
    return known.slice(now.length + 1)
  }

  /**
   * Note a file's hash with its stat, when the stat can stand for the bytes read after it.
   *
   * @param abs the file's absolute path
   * @param stat its stat, taken before its bytes were read
   * @param statAt when the stat was taken, in milliseconds since the epoch
   * @param hash {@link hashOf} its bytes
   */
  note(abs: string, stat: Stats, statAt: number, hash: string): void {
    if (!statStandsForBytes(stat, statAt, this.settleMs) || /[\t\n]/.test(abs)) return
    this.seen.set(abs, `${statStamp(stat)} ${hash}`)
    this.changed = true
  }

  /** Note that a folder was walked: entries under it that were not seen are dropped on {@link save}. */
  walked(dir: string): void {
    this.folders.push(dir.endsWith(path.sep) ? dir : dir + path.sep)
  }

  /** Write the table, when a file was hashed or one that was known is gone. */
  save(): void {
    if (!this.file) return
    const lines: string[] = []
    for (const [abs, known] of this.seen) lines.push(`${abs}\t${known}`)
    for (const [abs, known] of this.known) {
      if (this.seen.has(abs)) continue
      if (this.folders.some((dir) => abs.startsWith(dir))) this.changed = true
      // Another folder's (another content folder sharing the cache): kept.
      else lines.push(`${abs}\t${known}`)
    }
    if (!this.changed) return
    try {
      mkdirSync(path.dirname(this.file), { recursive: true })
      const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}`
      writeFileSync(temp, tableHeader + lines.join('\n'))
      renameSync(temp, this.file)
      this.changed = false
    } catch {
      // Not written: the next build reads the files again.
    }
  }
}

/** The first line of a table of {@link FileHashes}. */
const tableHeader = 'collage-file-hashes-1\n'

/**
 * Fingerprint of a folder's files: names and a hash of each file's bytes, in a stable order. A
 * missing folder has a fingerprint too.
 *
 * @param dir the folder
 * @param options `files` receives the bytes of every file read, by absolute path, so that a
 *   caller about to read them too need not; `hashes` receives every file's hash ({@link hashOf}
 *   its bytes); with `known`, a file whose stat is the one noted there is not read
 */
export function fingerprintFolder(dir: string, options: { files?: Map<string, Buffer>; hashes?: Map<string, string>; known?: FileHashes } = {}): string {
  // Read synchronously: for thousands of small files (a content folder) that is about five times
  // faster than fs/promises, whose readFile makes four round trips to the thread pool per file,
  // and a build has nothing else to do until it knows whether anything changed.
  const { files, hashes, known } = options
  known?.walked(dir)
  const hash = createHash('sha256')
  const walk = (abs: string, rel: string): void => {
    let entries
    try {
      entries = readdirSync(abs, { withFileTypes: true })
    } catch {
      hash.update(`missing:${rel}\0`)
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      // Names from a listing of a normal path: joined, not normalised again.
      const childAbs = abs + path.sep + e.name
      const childRel = `${rel}/${e.name}`
      if (e.isDirectory()) walk(childAbs, childRel)
      else if (e.isFile() || e.isSymbolicLink()) {
        let fileHash: string
        try {
          // A stat is a few microseconds; a read and a hash of a few kilobytes, several times that.
          const statAt = known ? Date.now() : 0
          const stat = known ? statSync(childAbs) : undefined
          const kept = stat && known!.lookup(childAbs, stat)
          if (kept) fileHash = kept
          else {
            const bytes = readFileSync(childAbs)
            files?.set(childAbs, bytes)
            fileHash = hashOf(bytes)
            if (stat) known!.note(childAbs, stat, statAt, fileHash)
          }
          hashes?.set(childAbs, fileHash)
        } catch {
          fileHash = 'unreadable'
        }
        hash.update(childRel)
        hash.update('\0')
        hash.update(fileHash)
        hash.update('\0')
      }
    }
  }
  walk(path.resolve(dir), '')
  return hash.digest('base64url')
}

let code: Promise<string> | undefined

/**
 * Fingerprint of collage's own code (the folder of its modules), once per process.
 *
 * @param known hashes of files by their stats, for the first call
 */
export function codeVersion(known?: FileHashes): Promise<string> {
  code ??= Promise.resolve(fingerprintFolder(path.dirname(fileURLToPath(import.meta.url)), known ? { known } : {}))
  return code
}
