import { createHash } from 'node:crypto'
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { statStamp, statStandsForBytes } from '../cache.js'
import { Throttle } from '../throttle.js'

/** One file of the built site: its bytes, or a file to copy. */
export type OutputFile = { path: string; data: string | Uint8Array } | { path: string; copyFrom: string }

/** An open build: files go in one by one; nothing is visible until `commit`. */
export interface SiteSession {
  /** Add a file. A path given twice is an error. */
  write(file: OutputFile): Promise<void>
  /**
   * Keep a file of the previous site as it is. False when there is no such file (then write it).
   * Synchronous when nothing needs to wait, as for most files of a rebuild: a site of thousands
   * of pages keeps thousands.
   */
  keep(path: string): boolean | Promise<boolean>
  /** Make the written files the site, replacing the previous one whole; `meta` is kept with it (see {@link Writer.readMeta}). */
  commit(meta?: unknown): Promise<void>
  /** Drop everything written; the previous site stays as it was. */
  abort(): Promise<void>
}

/** Where a build's files go. */
export interface Writer {
  /** Start writing a new version of the site. */
  open(): Promise<SiteSession>
  /** What the last commit kept with the site, if anything. */
  readMeta(): Promise<unknown>
}

/** Raised when an output path or folder is refused. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OutputError'
  }
}

/**
 * Write a complete site through a writer in one go.
 *
 * @param writer where to write
 * @param files every file of the site
 */
export async function writeSite(writer: Writer, files: readonly OutputFile[]): Promise<void> {
  const session = await writer.open()
  try {
    for (const f of files) await session.write(f)
  } catch (error) {
    await session.abort()
    throw error
  }
  await session.commit()
}

/** A relative path whose segments each start with a letter, digit or `_~%-`: already normal, and inside. */
const plainPath = /^[\w~%-][\w.~%-]*(?:\/[\w~%-][\w.~%-]*)*$/

/**
 * Check that a site path is a plain relative path that stays inside the output folder.
 *
 * @param sitePath such as `2021/01/rad/index.html`
 */
export function assertSafePath(sitePath: string): string {
  // Most paths are plain: segments of safe characters, none of them `.` or `..` or empty.
  if (plainPath.test(sitePath)) return sitePath
  const normal = path.posix.normalize(sitePath)
  if (
    sitePath === '' ||
    path.posix.isAbsolute(sitePath) ||
    normal.startsWith('../') ||
    normal === '..' ||
    sitePath.includes('\\') ||
    sitePath.includes('\0') ||
    sitePath.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new OutputError(`Refusing to write outside the output folder: ${JSON.stringify(sitePath)}`)
  }
  return normal
}

/** Keeps the site in memory: for tests and the dev server. */
export class MemoryWriter implements Writer {
  files = new Map<string, Uint8Array>()
  meta: unknown
  /**
   * Files copied into the site, as read, with the stat they had (see {@link statStamp}): a build
   * after an edit copies the same fonts and stylesheets again, and a file that has not changed is
   * not read again (and is the very same bytes, which tells a reader of `files` it did not change).
   */
  private readonly copies = new Map<string, { stamp: string; data: Uint8Array }>()

  private async copy(from: string): Promise<Uint8Array> {
    const statAt = Date.now()
    const seen = await stat(from)
    const known = this.copies.get(from)
    if (known && known.stamp === statStamp(seen)) return known.data
    const data = await readFile(from)
    if (statStandsForBytes(seen, statAt)) this.copies.set(from, { stamp: statStamp(seen), data })
    else this.copies.delete(from)
    return data
  }

  async readMeta(): Promise<unknown> {
    return this.meta
  }

  async open(): Promise<SiteSession> {
    const next = new Map<string, Uint8Array>()
    const claim = (key: string, data: Uint8Array = new Uint8Array()): void => {
      if (next.has(key)) throw new OutputError(`Two files of the site would be written to ${key}`)
      next.set(key, data)
    }
    return {
      write: async (f) => {
        const key = assertSafePath(f.path)
        // Claim the path before any await: writes may run side by side.
        claim(key)
        next.set(key, 'copyFrom' in f ? await this.copy(f.copyFrom) : typeof f.data === 'string' ? Buffer.from(f.data) : f.data)
      },
      keep: (file) => {
        // Every path held was checked when it was written: one found as it is needs no check.
        const key = this.files.has(file) ? file : assertSafePath(file)
        const data = this.files.get(key)
        if (!data) return false
        claim(key, data)
        return true
      },
      commit: async (meta) => {
        this.files = next
        this.meta = meta
      },
      abort: async () => {
        next.clear()
      }
    }
  }
}

/** Name of the file that marks a folder as written by collage, and lists its files' hashes. */
export const manifestName = '.collage-output'

/** What a build records about its output, in the manifest file. */
export interface Manifest {
  /** Marker text for people who open the file. */
  note: string
  /** Site path → hash of its bytes. */
  files: Record<string, string>
  /** Free-form data a build keeps with its output (such as the inputs' fingerprint). */
  meta?: unknown
}

/**
 * Writes the site to a folder so that a failed build never touches the previous site.
 *
 * Nothing is written until `commit`. Then one of two ways:
 * - **Patch.** When a previous site is there and the files that differ from it are few (their
 *   bytes fit in {@link DiskWriter.patchLimit}), only those are written, each to a temporary
 *   name and renamed over the old one; files the site no longer has are removed; the manifest is
 *   written last. While this runs the manifest lists no files, so a build cut short is followed by
 *   a full one. The time is that of the changes, not of the site.
 * - **Replace.** Otherwise everything goes into a fresh sibling folder, which replaces the old one
 *   whole once complete. Unchanged files are hard-linked from the old one.
 *
 * Either way an unchanged file keeps its identity and modification time. The manifest is trusted:
 * a file changed or deleted by hand in the output folder is put right by a {@link fresh} build.
 */
export class DiskWriter implements Writer {
  readonly outDir: string
  /** Most bytes a build may hold in memory to patch the previous site rather than replace it. */
  patchLimit = 32 * 1024 * 1024
  /** Trust nothing of the previous site: write every file afresh into a folder that replaces it. */
  fresh = false
  /** The manifest as this build read it (see {@link readManifest}). */
  private manifest: Promise<Manifest | undefined> | undefined

  /**
   * @param outDir the output folder; refused when it is a file system root, is or holds one of
   *   `protect` or the working folder, or lies inside one of `protect`
   * @param protect source folders (content, templates, public) the output must stay clear of
   */
  constructor(outDir: string, protect: readonly string[] = []) {
    this.outDir = path.resolve(outDir)
    if (this.outDir === path.parse(this.outDir).root) throw new OutputError('Refusing to use the file system root as the output folder')
    for (const folder of [process.cwd(), ...protect]) {
      const other = path.resolve(folder)
      if (this.outDir === other || other.startsWith(this.outDir + path.sep)) {
        throw new OutputError(`Refusing to use ${outDir} as the output folder: it is or holds ${path.relative(process.cwd(), other) || '.'}`)
      }
    }
    for (const folder of protect) {
      const other = path.resolve(folder)
      if (this.outDir.startsWith(other + path.sep)) {
        throw new OutputError(`Refusing to use ${outDir} as the output folder: it is inside ${path.relative(process.cwd(), other)}`)
      }
    }
  }

  /** Throw unless the folder is missing, empty, or was made by an earlier build. */
  async assertOwned(): Promise<void> {
    let entries: string[]
    try {
      entries = await readdir(this.outDir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new OutputError(`${this.outDir} is a file, not a folder`)
      throw error
    }
    if (entries.length > 0 && !entries.includes(manifestName)) {
      throw new OutputError(`Refusing to replace ${this.outDir}: it is not empty and was not made by collage (no ${manifestName} file)`)
    }
  }

  async readMeta(): Promise<unknown> {
    return (await this.readManifest())?.meta
  }

  /**
   * The manifest of the current output, if there is one. It is read once per build: a build that
   * checks it (is the site up to date?) and then opens a session reads the file once, and the
   * session forgets it, so the next build reads it afresh.
   */
  readManifest(): Promise<Manifest | undefined> {
    this.manifest ??= readManifestFile(path.join(this.outDir, manifestName))
    return this.manifest
  }

  /** Take the manifest as read moments ago (by a check of whether anything changed), instead of reading it again. */
  knownManifest(manifest: Manifest | undefined): void {
    this.manifest = Promise.resolve(manifest)
  }

  async open(): Promise<SiteSession> {
    await this.assertOwned()
    const outDir = this.outDir
    const previous = this.fresh ? {} : ((await this.readManifest())?.files ?? {})
    this.manifest = undefined
    const parent = path.dirname(outDir)
    const base = path.basename(outDir)
    await mkdir(parent, { recursive: true })
    const token = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const staging = path.join(parent, `.${base}.staging-${token}`)
    const retired = path.join(parent, `.${base}.old-${token}`)
    // Site path → hash of the bytes it will have; '' while a write of it is under way.
    const hashes: Record<string, string> = Object.create(null) as Record<string, string>
    // Patching: the files that differ from the previous site, held until commit.
    const pending = new Map<string, string | Uint8Array | { copyFrom: string }>()
    let pendingBytes = 0
    // Set once the build replaces the site instead (it started empty, or grew past the limit).
    let replacing: Promise<void> | undefined
    let closed = false
    const limit = this.patchLimit
    // One mkdir per folder, even when writes run side by side.
    const made = new Map<string, Promise<unknown>>()
    const ensureDir = async (dir: string): Promise<void> => {
      let done = made.get(dir)
      if (!done) {
        done = mkdir(dir, { recursive: true })
        made.set(dir, done)
      }
      await done
    }
    const links = new Throttle(32)

    /** Put a file into the staging folder: linked from the previous site when its bytes are the same. */
    const stage = async (rel: string, hash: string, data: string | Uint8Array | { copyFrom: string } | undefined): Promise<boolean> => {
      const target = path.join(staging, rel)
      await ensureDir(path.dirname(target))
      if (previous[rel] === hash) {
        try {
          await link(path.join(outDir, rel), target)
          return true
        } catch {
          // The old file is gone or on another device: write it, if the bytes are at hand.
        }
      }
      if (data === undefined) return false
      if (typeof data === 'object' && 'copyFrom' in data) await copyFile(data.copyFrom, target)
      else await writeFile(target, data)
      return true
    }
    /** Stop patching: everything so far goes into the staging folder, and so will the rest. */
    const replace = (): Promise<void> =>
      (replacing ??= (async () => {
        await mkdir(staging)
        made.set(staging, Promise.resolve())
        for (const [rel, hash] of Object.entries(hashes)) {
          if (hash === '') continue
          const data = pending.get(rel)
          await links.run(async () => {
            if (!(await stage(rel, hash, data))) throw new OutputError(`${path.join(outDir, rel)} went missing during the build; build again`)
          })
        }
        pending.clear()
        pendingBytes = 0
        await links.drain()
      })())
    if (Object.keys(previous).length === 0) await replace()

    const writeManifest = async (dir: string, files: Record<string, string>, meta?: unknown): Promise<void> => {
      const manifest: Manifest = { note: 'Written by collage build; this folder is rewritten on every build.', files, ...(meta === undefined ? {} : { meta }) }
      const temp = path.join(dir, `${manifestName}.${token}`)
      await writeFile(temp, JSON.stringify(manifest))
      await rename(temp, path.join(dir, manifestName))
    }

    const commitReplace = async (meta: unknown): Promise<void> => {
      try {
        await replace()
        await writeManifest(staging, hashes, meta)
        let hadOld = false
        try {
          await stat(outDir)
          hadOld = true
        } catch {
          hadOld = false
        }
        if (hadOld) await rename(outDir, retired)
        await rename(staging, outDir)
        if (hadOld) await rm(retired, { recursive: true, force: true })
      } catch (error) {
        await rm(staging, { recursive: true, force: true })
        throw error
      }
    }

    const commitPatch = async (meta: unknown): Promise<void> => {
      const removed = Object.keys(previous).filter((rel) => !(rel in hashes))
      // A file where a folder was, or the other way round: replace the site whole.
      const folders = new Set<string>()
      for (const rel of Object.keys(hashes)) for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) folders.add(d)
      const oldFolders = new Set<string>()
      for (const rel of removed) for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) oldFolders.add(d)
      if (removed.some((rel) => folders.has(rel)) || [...pending.keys()].some((rel) => oldFolders.has(rel))) return commitReplace(meta)
      // Until the new manifest is written, the folder claims no files: a build cut short here is
      // followed by a full one.
      await writeManifest(outDir, {})
      const writes = new Throttle(32)
      for (const [rel, data] of pending) {
        await writes.run(async () => {
          const target = path.join(outDir, rel)
          await ensureDir(path.dirname(target))
          const temp = `${target}.${token}.tmp`
          if (typeof data === 'object' && 'copyFrom' in data) await copyFile(data.copyFrom, temp)
          else await writeFile(temp, data)
          await rename(temp, target)
        })
      }
      await writes.drain()
      const emptied = new Set<string>()
      for (const rel of removed) {
        await writes.run(() => rm(path.join(outDir, rel), { force: true }))
      }
      for (const d of oldFolders) if (!folders.has(d)) emptied.add(d)
      await writes.drain()
      // Folders left empty, deepest first.
      for (const dir of [...emptied].sort((a, b) => b.length - a.length)) await rm(path.join(outDir, dir), { recursive: true, force: true })
      await writeManifest(outDir, hashes, meta)
    }

    return {
      write: async (f) => {
        const rel = assertSafePath(f.path)
        if (rel in hashes) throw new OutputError(`Two files of the site would be written to ${rel}`)
        // Claim the path before any await: writes may run side by side.
        hashes[rel] = ''
        // Text is encoded once, for the hash and the file alike.
        const bytes = 'copyFrom' in f ? await readFile(f.copyFrom) : typeof f.data === 'string' ? Buffer.from(f.data) : f.data
        const hash = hashBytes(bytes)
        if (!replacing) {
          hashes[rel] = hash
          if (previous[rel] === hash) return
          pending.set(rel, 'copyFrom' in f ? { copyFrom: f.copyFrom } : bytes)
          pendingBytes += bytes.byteLength
          if (pendingBytes > limit) await replace()
          return
        }
        await replace()
        hashes[rel] = hash
        await stage(rel, hash, 'copyFrom' in f ? { copyFrom: f.copyFrom } : bytes)
      },
      keep: (file) => {
        const rel = assertSafePath(file)
        const hash = previous[rel]
        if (!hash || rel in hashes) return false
        hashes[rel] = hash
        if (!replacing) return true
        return (async () => {
          await replace()
          if (await stage(rel, hash, undefined)) return true
          // The old file is gone: the caller writes it.
          delete hashes[rel]
          return false
        })()
      },
      commit: async (meta) => {
        if (closed) throw new OutputError('This build was already committed or aborted')
        closed = true
        if (replacing) await commitReplace(meta)
        else await commitPatch(meta)
      },
      abort: async () => {
        closed = true
        pending.clear()
        if (replacing) {
          await replacing.catch(() => {})
          await rm(staging, { recursive: true, force: true })
        }
      }
    }
  }
}

/** A manifest file's contents; undefined when it is missing or not a manifest. */
async function readManifestFile(file: string): Promise<Manifest | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Manifest
    return parsed && typeof parsed.files === 'object' ? parsed : undefined
  } catch {
    return undefined
  }
}

function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64url')
}
