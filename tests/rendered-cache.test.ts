import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiskTextsCache, type Texts } from '../src/cache.js'
import type { Rendered } from '../src/markdown/processor.js'
import type { RenderedFile } from '../src/markdown/render-job.js'
import { RenderedCache } from '../src/markdown/rendered-cache.js'
import { useTempDirs } from './helpers/site.js'

const temp = useTempDirs()

/** A rendering of file `n` whose summary is too long to be kept in the first entry. */
function fileOf(n: number): RenderedFile {
  const part = (html: string, text: string, displayMath: string[] = []): Rendered => ({ html, text, words: 2, displayMath, internalLinks: [], problems: [] })
  return {
    summary: part(`<p>${`summary ${n} − α∑ 📄 `.repeat(200)}</p>`, `summary ${n} `.repeat(200), [`<span class="katex-display">x_${n}</span>`, '']),
    takeaway: part(`<p>${`takeaway ${n} `.repeat(100)}</p>`, `takeaway ${n}`),
    title: part(`Title ${n}`, `Title ${n}`)
  }
}

/** A file's parts as plain data, with every field read: those read from disk when first asked for too. */
function plain(file: RenderedFile): Record<string, Record<string, unknown>> {
  const fields = (part: Rendered): Record<string, unknown> => Object.fromEntries([...new Set([...Object.keys(part), 'html', 'text', 'displayMath'])].map((k) => [k, part[k as keyof Rendered]]))
  return Object.fromEntries(Object.entries(file).map(([name, part]) => [name, fields(part)]))
}

describe('the rendered-Markdown cache', () => {
  it('gives back a stored file with the same parts, and a new cache on the same folder finds it', async () => {
    const dir = await temp()
    const cache = new RenderedCache(dir, false)
    await cache.open()
    const stored = await cache.store('k1', fileOf(1), () => fileOf(1))
    expect(plain(stored)).toEqual(fileOf(1))
    await cache.close()

    const again = new RenderedCache(dir, false)
    await again.open()
    const found = await again.get('k1', () => {
      throw new Error('rendered again')
    })
    expect(plain(found!)).toEqual(fileOf(1))

    // Without the index (a build killed before it wrote one), each file's own entry holds all of it.
    await rm(path.join(dir, 'index'), { recursive: true })
    const unindexed = new RenderedCache(dir, false)
    await unindexed.open()
    const read = await unindexed.get('k1', () => {
      throw new Error('rendered again')
    })
    expect(plain(read!)).toEqual(fileOf(1))
    expect(await unindexed.get('k2', () => fileOf(2))).toBeUndefined()
  })

  it('holds the HTML of the last files only: an older file reads its HTML from disk again', async () => {
    const dir = await temp()
    const cache = new RenderedCache(dir, false)
    await cache.open()
    const renders: number[] = []
    const files: RenderedFile[] = []
    for (let n = 0; n < 300; n++) {
      files.push(
        await cache.store(`key${n}`, fileOf(n), () => {
          renders.push(n)
          return fileOf(n)
        })
      )
    }
    // With the HTML entries gone from disk, only what the cache still holds in memory is found
    // without rendering the file again.
    await rm(path.join(dir, 'entries'), { recursive: true })
    expect(files[299]!.summary!.html).toBe(fileOf(299).summary!.html)
    expect(renders).toEqual([])
    expect(files[0]!.summary!.html).toBe(fileOf(0).summary!.html)
    expect(files[0]!.summary!.displayMath).toEqual(fileOf(0).summary!.displayMath)
    expect(renders).toEqual([0])
    // A summary's text is as long as its HTML: it, too, is read from disk.
    expect(files[5]!.summary!.text).toBe(fileOf(5).summary!.text)
    expect(renders).toEqual([0, 5])
    // The title, a small part, never needs the second entry; nor does the short text of a long part.
    expect(files[1]!.title!.html).toBe('Title 1')
    expect(files[1]!.takeaway!.text).toBe('takeaway 1')
    expect(renders).toEqual([0, 5])
  })

  it('keeps strings of any characters byte for byte, and takes a damaged entry for a miss', async () => {
    const dir = await temp()
    const cache = new DiskTextsCache<Texts>(dir)
    const value = { 'a\nkey "quoted"': { html: 'line\none\u0000 \u2028 é − 😀', list: ['', '{"json": 1}\n', '\\'] }, empty: '' }
    await cache.set('k', value)
    expect(cache.getSync('k')).toEqual(JSON.parse(JSON.stringify(value)))
    const [shard] = await readdir(dir)
    const file = path.join(dir, shard!, 'k')
    const bytes = await readFile(file)
    await writeFile(file, bytes.subarray(0, bytes.length - 3))
    expect(cache.getSync('k')).toBeUndefined()
  })

  it('gives a file back as it is when it cannot write', async () => {
    const dir = await temp()
    const file = fileOf(7)
    expect(await new RenderedCache(dir, true).store('k7', file, () => fileOf(7))).toBe(file)
    expect(await new RenderedCache(undefined, false).store('k7', file, () => fileOf(7))).toBe(file)
  })
})
