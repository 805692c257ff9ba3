import { createHash } from 'node:crypto'
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** One file of the built site: its bytes, or a file to copy. */
export type OutputFile = { path: string; data: string | Uint8Array } | { path: string; copyFrom: string }

/** Where a build's files go. */
export interface Writer {
  /**
   * Write every file of a site.
   *
   * @param files the complete set of files: anything not listed is not part of the site
   */
  writeSite(files: readonly OutputFile[]): Promise<void>
}

/** Raised when an output path or folder is refused. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OutputError'
  }
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

  async writeSite(files: readonly OutputFile[]): Promise<void> {
    const next = new Map<string, Uint8Array>()
    for (const f of files) {
      const key = assertSafePath(f.path)
      next.set(key, 'copyFrom' in f ? await readFile(f.copyFrom) : typeof f.data === 'string' ? Buffer.from(f.data) : f.data)
    }
    this.files = next
  }
}

const marker = '.collage-output'

/**
 * Writes the site to a folder atomically: everything goes into a fresh sibling folder first, which
 * replaces the old one only once complete. A failed build never touches the previous site.
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
    if (entries.length > 0 && !entries.includes(marker)) {
      throw new OutputError(`Refusing to replace ${this.outDir}: it is not empty and was not made by collage (no ${marker} file)`)
    }
  }

  async writeSite(files: readonly OutputFile[]): Promise<void> {
    await this.assertOwned()
    const parent = path.dirname(this.outDir)
    const base = path.basename(this.outDir)
    await mkdir(parent, { recursive: true })
    const token = `${process.pid}-${Date.now().toString(36)}`
    const staging = path.join(parent, `.${base}.staging-${token}`)
    const retired = path.join(parent, `.${base}.old-${token}`)
    try {
      await mkdir(staging)
      const made = new Set<string>()
      for (const f of files) {
        const rel = assertSafePath(f.path)
        const target = path.join(staging, rel)
        const dir = path.dirname(target)
        if (!made.has(dir)) {
          await mkdir(dir, { recursive: true })
          made.add(dir)
        }
        if ('copyFrom' in f) await copyFile(f.copyFrom, target)
        else await writeFile(target, f.data)
      }
      await writeFile(path.join(staging, marker), 'This folder is written by collage build; it is replaced on every build.\n')
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
  }
}

/** A short content hash, for cache-busting asset URLs. */
export function shortHash(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256')
  for (const p of parts) hash.update(p)
  return hash.digest('hex').slice(0, 10)
}
