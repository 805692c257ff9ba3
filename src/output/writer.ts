import { createHash } from 'node:crypto'
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** One file of the built site: its bytes, or a file to copy. */
export type OutputFile = { path: string; data: string | Uint8Array } | { path: string; copyFrom: string }

/** An open build: files go in one by one; nothing is visible until `commit`. */
export interface SiteSession {
  /** Add a file. A path given twice is an error. */
  write(file: OutputFile): Promise<void>
  /** Keep a file of the previous site as it is. False when there is no such file (then write it). */
  keep(path: string): Promise<boolean>
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

/**
 * Check that a site path is a plain relative path that stays inside the output folder.
 *
 * @param sitePath such as `2021/01/rad/index.html`
 */
export function assertSafePath(sitePath: string): string {
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

  async readMeta(): Promise<unknown> {
    return this.meta
  }

  async open(): Promise<SiteSession> {
    const next = new Map<string, Uint8Array>()
    const claim = (key: string): void => {
      if (next.has(key)) throw new OutputError(`Two files of the site would be written to ${key}`)
      next.set(key, new Uint8Array())
    }
    return {
      write: async (f) => {
        const key = assertSafePath(f.path)
        // Claim the path before any await: writes may run side by side.
        claim(key)
        next.set(key, 'copyFrom' in f ? await readFile(f.copyFrom) : typeof f.data === 'string' ? Buffer.from(f.data) : f.data)
      },
      keep: async (file) => {
        const key = assertSafePath(file)
        const data = this.files.get(key)
        if (!data) return false
        claim(key)
        next.set(key, data)
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
interface Manifest {
  /** Marker text for people who open the file. */
  note: string
  /** Site path → hash of its bytes. */
  files: Record<string, string>
  /** Free-form data a build keeps with its output (such as the inputs' fingerprint). */
  meta?: unknown
}

/**
 * Writes the site to a folder atomically: everything goes into a fresh sibling folder first, which
 * replaces the old one only once complete. A failed build never touches the previous site.
 *
 * A file whose bytes did not change since the previous build is hard-linked from it instead of
 * written again, so unchanged files keep their identity and modification time.
 */
export class DiskWriter implements Writer {
  readonly outDir: string

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

  /** The manifest of the current output, if there is one. */
  async readManifest(): Promise<Manifest | undefined> {
    try {
      const parsed = JSON.parse(await readFile(path.join(this.outDir, manifestName), 'utf8')) as Manifest
      return parsed && typeof parsed.files === 'object' ? parsed : undefined
    } catch {
      return undefined
    }
  }

  async open(): Promise<SiteSession> {
    await this.assertOwned()
    const previous = (await this.readManifest())?.files ?? {}
    const parent = path.dirname(this.outDir)
    const base = path.basename(this.outDir)
    await mkdir(parent, { recursive: true })
    const token = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
    const staging = path.join(parent, `.${base}.staging-${token}`)
    const retired = path.join(parent, `.${base}.old-${token}`)
    await mkdir(staging)
    // One mkdir per folder, even when writes run side by side.
    const made = new Map<string, Promise<unknown>>([[staging, Promise.resolve()]])
    const hashes: Record<string, string> = Object.create(null) as Record<string, string>
    let closed = false

    const ensureDir = async (dir: string): Promise<void> => {
      let done = made.get(dir)
      if (!done) {
        done = mkdir(dir, { recursive: true })
        made.set(dir, done)
      }
      await done
    }

    return {
      write: async (f) => {
        const rel = assertSafePath(f.path)
        if (rel in hashes) throw new OutputError(`Two files of the site would be written to ${rel}`)
        // Claim the path before any await: writes may run side by side.
        hashes[rel] = ''
        const target = path.join(staging, rel)
        await ensureDir(path.dirname(target))
        const bytes = 'copyFrom' in f ? await readFile(f.copyFrom) : f.data
        const hash = hashBytes(bytes)
        hashes[rel] = hash
        if (previous[rel] === hash) {
          try {
            await link(path.join(this.outDir, rel), target)
            return
          } catch {
            // The old file is gone or on another device: write it.
          }
        }
        if ('copyFrom' in f) await copyFile(f.copyFrom, target)
        else await writeFile(target, bytes)
      },
      keep: async (file) => {
        const rel = assertSafePath(file)
        const hash = previous[rel]
        if (!hash || rel in hashes) return false
        hashes[rel] = hash
        const target = path.join(staging, rel)
        await ensureDir(path.dirname(target))
        try {
          await link(path.join(this.outDir, rel), target)
          return true
        } catch {
          // The old file is gone: the caller writes it.
          delete hashes[rel]
          return false
        }
      },
      commit: async (meta) => {
        if (closed) throw new OutputError('This build was already committed or aborted')
        closed = true
        try {
          const manifest: Manifest = { note: 'Written by collage build; this folder is replaced on every build.', files: hashes, ...(meta === undefined ? {} : { meta }) }
          await writeFile(path.join(staging, manifestName), JSON.stringify(manifest))
          let hadOld = false
          try {
            await stat(this.outDir)
            hadOld = true
          } catch {
            hadOld = false
          }
          if (hadOld) await rename(this.outDir, retired)
          await rename(staging, this.outDir)
          if (hadOld) await rm(retired, { recursive: true, force: true })
        } catch (error) {
          await rm(staging, { recursive: true, force: true })
          throw error
        }
      },
      abort: async () => {
        closed = true
        await rm(staging, { recursive: true, force: true })
      }
    }
  }
}

function hashBytes(bytes: string | Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64url')
}
