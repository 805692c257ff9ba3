import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FileHashes, fingerprintFolder, hashOf } from '../src/cache.js'
import { tempDir, writeContent } from './helpers/site.js'

describe('fingerprints that trust a file stat as it was when the file was hashed', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  /** A folder of three files, and a table of hashes in a file next to it; stats are trusted at once. */
  async function folder(): Promise<{ dir: string; table: string; walk: (settleMs?: number) => { fingerprint: string; read: string[]; hashes: Map<string, string> } }> {
    const { dir, cleanup } = await tempDir()
    cleanups.push(cleanup)
    await writeContent(dir, { 'content/a.md': 'alpha', 'content/2021-01/b.md': 'bravo', 'content/2021-01/c.md': 'charlie' })
    // A stat is trusted only when taken after the file's last change.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const table = path.join(dir, 'cache/stats')
    const walk = (settleMs = 0): { fingerprint: string; read: string[]; hashes: Map<string, string> } => {
      const known = new FileHashes(table, settleMs)
      const files = new Map<string, Buffer>()
      const hashes = new Map<string, string>()
      const fingerprint = fingerprintFolder(path.join(dir, 'content'), { files, hashes, known })
      known.save()
      return { fingerprint, read: [...files.keys()].map((f) => path.relative(dir, f)).sort(), hashes }
    }
    return { dir, table, walk }
  }

  it('reads every file the first time, then none whose stat is as it was, with the same fingerprint', async () => {
    const { dir, walk } = await folder()
    const first = walk()
    expect(first.read).toEqual(['content/2021-01/b.md', 'content/2021-01/c.md', 'content/a.md'])
    expect(first.hashes.get(path.join(dir, 'content/a.md'))).toBe(hashOf(Buffer.from('alpha')))
    const second = walk()
    expect(second.read).toEqual([])
    expect(second.fingerprint).toBe(first.fingerprint)
    expect(second.hashes).toEqual(first.hashes)
    // The same as a fingerprint that reads every file.
    expect(fingerprintFolder(path.join(dir, 'content'))).toBe(first.fingerprint)
  })

  it('reads a file changed to the same size with its modification time put back: its change time moved', async () => {
    const { dir, walk } = await folder()
    const first = walk()
    const b = path.join(dir, 'content/2021-01/b.md')
    // A whole second, which a time put back keeps exactly.
    const whole = Math.floor(Date.now() / 1000) - 60
    await utimes(b, whole, whole)
    walk()
    const before = await stat(b)
    await writeFile(b, 'BRAVO')
    await utimes(b, whole, whole)
    expect([(await stat(b)).mtimeMs, (await stat(b)).size]).toEqual([before.mtimeMs, before.size])
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = walk()
    expect(second.read).toEqual(['content/2021-01/b.md'])
    expect(second.fingerprint).not.toBe(first.fingerprint)
    expect(second.hashes.get(b)).toBe(hashOf(Buffer.from('BRAVO')))
  })

  it('keeps no stat taken within the settling time of a change: such a file is read every time', async () => {
    const { walk } = await folder()
    walk(60_000)
    expect(walk(60_000).read).toHaveLength(3)
    // Once settled, they are noted and no longer read.
    walk()
    expect(walk().read).toEqual([])
  })

  it('finds a new and a deleted file, and drops the deleted one from the table', async () => {
    const { dir, table, walk } = await folder()
    const first = walk()
    await rm(path.join(dir, 'content/a.md'))
    await writeFile(path.join(dir, 'content/2021-01/d.md'), 'delta')
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = walk()
    expect(second.read).toEqual(['content/2021-01/d.md'])
    expect(second.fingerprint).not.toBe(first.fingerprint)
    expect(second.fingerprint).toBe(fingerprintFolder(path.join(dir, 'content')))
    const kept = (await readFile(table, 'utf8')).split('\n').slice(1).map((line) => line.split('\t')[0]!)
    expect(kept.map((f) => path.relative(dir, f)).sort()).toEqual(['content/2021-01/b.md', 'content/2021-01/c.md', 'content/2021-01/d.md'])
  })

  it('keeps the entries of folders it did not walk, and reads every file when the table is not one', async () => {
    const { dir, table, walk } = await folder()
    walk()
    const other = new FileHashes(table, 0)
    await writeContent(dir, { 'other/x.md': 'x-ray' })
    await new Promise((resolve) => setTimeout(resolve, 5))
    fingerprintFolder(path.join(dir, 'other'), { known: other })
    other.save()
    expect(walk().read).toEqual([])
    await writeFile(table, 'not a table')
    expect(walk().read).toHaveLength(3)
  })
})
