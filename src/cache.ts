import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

/**
 * Version of an installed package, found from its entry point (some packages do not export
 * their `package.json`).
 */
export function versionOf(name: string): string {
  let dir = path.dirname(require.resolve(name))
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

/** A hash of strings and bytes, as a file-name-safe string. */
export function hashOf(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256')
  for (const p of parts) {
    hash.update(p)
    hash.update('\0')
  }
  return hash.digest('base64url')
}

/**
 * A persistent key-value cache on disk: one JSON file per entry, keyed by a content hash, so an
 * entry is correct by construction (a changed input is a different key) and never needs to be
 * invalidated. A missing or unreadable entry is a miss.
 */
export class DiskCache<T> {
  /**
   * @param dir folder of the cache, such as `.collage-cache/render`; undefined disables the cache
   * @param readOnly read entries but never write (for runs that must not write, such as `check`)
   */
  constructor(
    readonly dir: string | undefined,
    readonly readOnly = false
  ) {}

  async get(key: string): Promise<T | undefined> {
    if (!this.dir) return undefined
    try {
      return JSON.parse(await readFile(this.fileOf(key), 'utf8')) as T
    } catch {
      return undefined
    }
  }

  async set(key: string, value: T): Promise<void> {
    if (!this.dir || this.readOnly) return
    const file = this.fileOf(key)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      // Write then rename: a killed build never leaves a half entry behind.
      const temp = `${file}.${process.pid}.tmp`
      await writeFile(temp, JSON.stringify(value))
      await rename(temp, file)
    } catch {
      // A cache that cannot be written only costs speed.
    }
  }

  private fileOf(key: string): string {
    return path.join(this.dir!, key.slice(0, 2), `${key}.json`)
  }
}

/** Like {@link DiskCache}, for raw bytes (such as images): one file per entry. */
export class DiskBytesCache {
  /**
   * @param dir folder of the cache; undefined disables it
   * @param readOnly read entries but never write
   */
  constructor(
    readonly dir: string | undefined,
    readonly readOnly = false
  ) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    if (!this.dir) return undefined
    try {
      return await readFile(this.fileOf(key))
    } catch {
      return undefined
    }
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    if (!this.dir || this.readOnly) return
    const file = this.fileOf(key)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      const temp = `${file}.${process.pid}.tmp`
      await writeFile(temp, value)
      await rename(temp, file)
    } catch {
      // A cache that cannot be written only costs speed.
    }
  }

  private fileOf(key: string): string {
    return path.join(this.dir!, key.slice(0, 2), key)
  }
}

/**
 * Fingerprint of a folder's files: names and bytes, in a stable order. A missing folder has a
 * fingerprint too.
 *
 * @param dir the folder
 */
export async function fingerprintFolder(dir: string): Promise<string> {
  const hash = createHash('sha256')
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(abs, { withFileTypes: true })
    } catch {
      hash.update(`missing:${rel}\0`)
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const childAbs = path.join(abs, e.name)
      const childRel = `${rel}/${e.name}`
      if (e.isDirectory()) await walk(childAbs, childRel)
      else if (e.isFile() || e.isSymbolicLink()) {
        hash.update(childRel)
        hash.update('\0')
        try {
          hash.update(await readFile(childAbs))
        } catch {
          hash.update('unreadable')
        }
        hash.update('\0')
      }
    }
  }
  await walk(dir, '')
  return hash.digest('base64url')
}
