import { existsSync } from 'node:fs'
import { cp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build, forgetLastBuild } from '../src/build.js'
import { BucketedMap, cacheMaxAge, DiskBytesCache, DiskValueCache, sweepCache } from '../src/cache.js'
import { paperFile, root, useTempDirs, writeContent } from './helpers/site.js'

const day = 24 * 3600 * 1000
const tempDir = useTempDirs()

/** Set a file's times to `ms` milliseconds ago. */
async function age(file: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms)
  await utimes(file, then, then)
}

/** Every file under a folder, by path relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(abs, e.name), `${rel}${e.name}/`)
      else out.push(`${rel}${e.name}`)
    }
  }
  await walk(dir, '')
  return out.sort()
}

describe('sweepCache', () => {
  it('deletes entries unused for the maximum age, but those in use, and earlier layouts; then waits a day', async () => {
    const dir = await tempDir()
    await writeContent(dir, { 'render/entries/ab/abOld': 'x', 'render/entries/ab/abInUse': 'xx', 'render/entries/cd/cdYoung': 'xxx', 'images/ef/efOld': 'xxxx', 'render/meta/ab/ab1': 'm' })
    for (const f of ['render/entries/ab/abOld', 'render/entries/ab/abInUse', 'images/ef/efOld']) await age(path.join(dir, f), cacheMaxAge + day)
    await age(path.join(dir, 'render/entries/cd/cdYoung'), cacheMaxAge - day)
    const swept = sweepCache(dir, { 'render/entries': () => new Set(['abInUse']), images: () => new Set() })
    expect(swept).toEqual({ files: 2, bytes: 5 })
    expect(await filesUnder(dir)).toEqual(['render/entries/ab/abInUse', 'render/entries/cd/cdYoung', 'swept'])

    // Within a day the cache is not looked at again, and what it is asked to keep is not made.
    await writeContent(dir, { 'images/ef/efOld2': 'y' })
    await age(path.join(dir, 'images/ef/efOld2'), cacheMaxAge + day)
    const never = (): Set<string> => {
      throw new Error('made')
    }
    expect(sweepCache(dir, { images: never })).toBeUndefined()
    expect(existsSync(path.join(dir, 'images/ef/efOld2'))).toBe(true)
    // A day later it is.
    expect(sweepCache(dir, { images: () => new Set() }, Date.now() + day + 1000)).toEqual({ files: 1, bytes: 1 })
  })

  it('a read of an image counts as a use', async () => {
    const dir = await tempDir()
    const cache = new DiskBytesCache(dir)
    await cache.set('k1', new Uint8Array([1, 2, 3]))
    const file = path.join(dir, 'k1', 'k1')
    await age(file, cacheMaxAge + day)
    expect(await cache.get('k1')).toEqual(Buffer.from([1, 2, 3]))
    // The time is set after the read, without waiting for it.
    await expect.poll(async () => (await stat(file)).mtimeMs).toBeGreaterThan(Date.now() - day)
  })
})

describe('a build sweeps its cache', () => {
  it('keeps every entry the build uses, however old, and deletes the others that are old', async () => {
    const dir = await tempDir()
    await writeContent(dir, {
      'content/site.yaml': 'title: Sweep\nbaseUrl: https://example.org/\n',
      'content/2021-01/alpha.md': paperFile({ title: 'Alpha', date: '2021-01-04' }),
      'content/2021-01/beta.md': paperFile({ title: 'Beta', date: '2021-01-11' })
    })
    for (const folder of ['templates', 'public']) await cp(path.join(root, folder), path.join(dir, folder), { recursive: true })
    const options = { cwd: dir, images: true, search: false }
    expect((await build(options)).ok).toBe(true)
    const cache = path.join(dir, '.collage-cache')
    // A leftover of an earlier build, and the folders of an earlier layout of the cache.
    await writeContent(cache, { 'render/entries/zz/zzStale': 'stale', 'images/zz/zzStale': 'stale', 'render/html/zz/zz1': 'old layout' })
    // Everything was last used long ago, and the cache was never swept.
    await rm(path.join(cache, 'swept'), { force: true })
    for (const file of await filesUnder(cache)) await age(path.join(cache, file), cacheMaxAge + day)

    await writeFile(path.join(dir, 'content/2021-01/beta.md'), paperFile({ title: 'Beta, again', date: '2021-01-11' }))
    forgetLastBuild()
    const result = await build(options)
    expect(result.ok).toBe(true)
    // Deleted: the two leftovers, and what beta's earlier text made: its rendering, its card, and
    // the month's cover, which shows its title.
    expect(result.swept?.files).toBe(5)
    const left = await filesUnder(cache)
    expect(left.filter((f) => f.endsWith('/zzStale'))).toEqual([])
    expect(left.some((f) => f.startsWith('render/html/'))).toBe(false)
    // Every image of the site is still in the cache (two cards and a cover), though kept in the output.
    expect(left.filter((f) => f.startsWith('images/'))).toHaveLength(3)

    // What is left serves the next build: with the output gone, nothing is rendered or drawn again.
    await rm(path.join(dir, 'dist'), { recursive: true })
    forgetLastBuild()
    const again = await build(options)
    expect(again.rendered).toBe(0)
    expect(await filesUnder(cache)).toEqual(left)
    expect(again.swept).toBeUndefined()
  })
})

describe('BucketedMap', () => {
  it('reads back what it wrote, and writes again only the files whose entries changed', async () => {
    const dir = await tempDir()
    const open = () => new BucketedMap<{ hash: string }>(new DiskValueCache(dir), 'a map', (a, b) => a.hash === b.hash, 8)
    const entries = new Map<string, { hash: string }>(Array.from({ length: 200 }, (_, i) => [`file ${i}`, { hash: `h${i}` }]))
    const first = open()
    expect((await first.read()).size).toBe(0)
    const files = await first.write(entries)
    expect(files).toBe(8)
    expect(await first.write(entries)).toBe(0)

    const second = open()
    expect(await second.read()).toEqual(entries)
    // One value changes: its file alone is written. A new entry and one gone: theirs.
    entries.set('file 7', { hash: 'new' })
    expect(await second.write(entries)).toBe(1)
    entries.delete('file 7')
    expect(await second.write(entries)).toBe(1)
    entries.set('file 7', { hash: 'again' })
    entries.set('file 300', { hash: 'h300' })
    expect(await second.write(entries)).toBeLessThanOrEqual(2)
    expect(await open().read()).toEqual(entries)
    // Every file is named among the keys a sweep keeps.
    const written = (await filesUnder(dir)).map((f) => path.basename(f))
    expect(written.every((key) => second.fileKeys().has(key))).toBe(true)
  })
})

describe('DiskBytesCache', () => {
  it('writes an entry whose folder is new, and again after that folder was removed', async () => {
    const dir = await tempDir()
    const cache = new DiskBytesCache(path.join(dir, 'cache'))
    // Two keys of one folder (their first two characters), and one of another.
    const [a, b, c] = ['abcdef', 'abxyz1', 'zz0000']
    await cache.set(a, new Uint8Array([1]))
    await cache.set(c, new Uint8Array([3]))
    const bytes = async (key: string) => ((value) => value && [...value])(await cache.get(key))
    expect(await bytes(a)).toEqual([1])
    await rm(path.join(dir, 'cache', 'ab'), { recursive: true })
    await cache.set(b, new Uint8Array([2]))
    expect(await bytes(b)).toEqual([2])
    expect(await bytes(a)).toBeUndefined()
    expect(await bytes(c)).toEqual([3])
    expect(await filesUnder(path.join(dir, 'cache'))).toEqual(['ab/abxyz1', 'zz/zz0000'])
  })
})
