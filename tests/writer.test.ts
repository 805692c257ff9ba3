import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DiskWriter, manifestName, MemoryWriter, type OutputFile } from '../src/output/writer.js'
import { useTempDirs } from './helpers/site.js'

const temp = useTempDirs()

/** Every file under a folder, path → text, the manifest left out. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const rel = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')
    if (rel !== manifestName) out[rel] = await readFile(path.join(dir, rel), 'utf8')
  }
  return out
}

/** Every folder under a folder. */
async function folders(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
}

const first: OutputFile[] = [
  { path: 'index.html', data: 'home 1' },
  { path: '2021/01/a/index.html', data: 'a 1' },
  { path: '2021/01/b/index.html', data: 'b 1' },
  { path: '2021/02/c/index.html', data: 'c 1' },
  { path: 'assets/site.css', data: 'css' }
]

async function writeAll(writer: DiskWriter, files: OutputFile[], keep: string[] = [], meta?: unknown): Promise<void> {
  const session = await writer.open()
  for (const file of keep) expect(await session.keep(file)).toBe(true)
  for (const file of files) await session.write(file)
  await session.commit(meta)
}

describe('the output writer', () => {
  for (const [mode, limit] of [
    ['patches the previous site', 32 * 1024 * 1024],
    ['replaces the previous site whole past its memory limit', 0]
  ] as const) {
    it(`${mode}: the result is the new site exactly, and unchanged files keep their identity`, async () => {
      const dir = await temp()
      const out = path.join(dir, 'dist')
      await writeAll(new DiskWriter(out), first, [], { build: 1 })
      const inodeOf = async (rel: string) => (await stat(path.join(out, rel))).ino
      const before = { home: await inodeOf('index.html'), a: await inodeOf('2021/01/a/index.html'), css: await inodeOf('assets/site.css') }

      const writer = new DiskWriter(out)
      writer.patchLimit = limit
      // a is kept, the stylesheet written again with the same bytes, the home page changed,
      // b and the whole month of c gone, d new in a new folder.
      await writeAll(
        writer,
        [
          { path: 'index.html', data: 'home 2' },
          { path: 'assets/site.css', data: 'css' },
          { path: '2021/03/d/index.html', data: 'd 1' }
        ],
        ['2021/01/a/index.html'],
        { build: 2 }
      )
      expect(await tree(out)).toEqual({ 'index.html': 'home 2', '2021/01/a/index.html': 'a 1', 'assets/site.css': 'css', '2021/03/d/index.html': 'd 1' })
      expect(await folders(out)).toEqual(['2021', '2021/01', '2021/01/a', '2021/03', '2021/03/d', 'assets'])
      expect(await inodeOf('2021/01/a/index.html')).toBe(before.a)
      expect(await inodeOf('assets/site.css')).toBe(before.css)
      // Patching writes a new file and renames it over the old one; replacing writes a new folder.
      expect(await inodeOf('index.html')).not.toBe(before.home)
      expect(await writer.readMeta()).toEqual({ build: 2 })
      expect(Object.keys((await writer.readManifest())!.files).sort()).toEqual(['2021/01/a/index.html', '2021/03/d/index.html', 'assets/site.css', 'index.html'])
      // No staging, retired or temporary files are left beside or in the site.
      expect((await readdir(dir)).sort()).toEqual(['dist'])
      expect((await readdir(out)).sort()).toEqual([manifestName, '2021', 'assets', 'index.html'])
    })
  }

  it('patches by writing only what changed', async () => {
    const dir = await temp()
    const out = path.join(dir, 'dist')
    await writeAll(new DiskWriter(out), first)
    const writer = new DiskWriter(out)
    const session = await writer.open()
    for (const file of first.slice(1)) expect(await session.keep(file.path)).toBe(true)
    await session.write({ path: 'index.html', data: 'home 2' })
    // Nothing is visible before the commit.
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe('home 1')
    await session.commit()
    expect(await tree(out)).toEqual({ ...Object.fromEntries(first.map((f) => [f.path, (f as { data: string }).data])), 'index.html': 'home 2' })
  })

  it('turns a file into a folder and a folder into a file', async () => {
    const dir = await temp()
    const out = path.join(dir, 'dist')
    await writeAll(new DiskWriter(out), [
      { path: 'a', data: 'file a' },
      { path: 'b/index.html', data: 'in b' }
    ])
    await writeAll(new DiskWriter(out), [
      { path: 'a/index.html', data: 'in a' },
      { path: 'b', data: 'file b' }
    ])
    expect(await tree(out)).toEqual({ 'a/index.html': 'in a', b: 'file b' })
  })

  it('after a patch that failed midway, claims no files, so the next build is whole', async () => {
    const dir = await temp()
    const out = path.join(dir, 'dist')
    await writeAll(new DiskWriter(out), first, [], { build: 1 })
    const source = path.join(dir, 'figure.png')
    await writeFile(source, 'png')
    const writer = new DiskWriter(out)
    const session = await writer.open()
    await session.write({ path: 'index.html', data: 'home 2' })
    await session.write({ path: '2021/01/a/figure.png', copyFrom: source })
    // The figure goes away between the build reading it and the commit copying it.
    await rm(source)
    await expect(session.commit({ build: 2 })).rejects.toThrow()
    expect((await writer.readManifest())?.files).toEqual({})
    expect(await writer.readMeta()).toBeUndefined()
    // A whole build after that is right, and nothing of the failed one is left over.
    await writeAll(new DiskWriter(out), first, [], { build: 3 })
    expect(await tree(out)).toEqual(Object.fromEntries(first.map((f) => [f.path, (f as { data: string }).data])))
    expect((await readdir(dir)).sort()).toEqual(['dist'])
  })

  it('keeps nothing it cannot find in the previous manifest', async () => {
    const dir = await temp()
    const out = path.join(dir, 'dist')
    await mkdir(out)
    await writeAll(new DiskWriter(out), first)
    const session = await new DiskWriter(out).open()
    expect(await session.keep('2021/01/z/index.html')).toBe(false)
    expect(await session.keep('index.html')).toBe(true)
    expect(await session.keep('index.html')).toBe(false)
    await session.abort()
    expect(await tree(out)).toEqual(Object.fromEntries(first.map((f) => [f.path, (f as { data: string }).data])))
  })

  it('trusts its manifest when patching, and nothing of the previous site when fresh', async () => {
    const dir = await temp()
    const out = path.join(dir, 'dist')
    await writeAll(new DiskWriter(out), first)
    // A file changed by hand in the output.
    await writeFile(path.join(out, 'index.html'), 'edited by hand')
    await writeAll(new DiskWriter(out), first)
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toBe('edited by hand')
    const fresh = new DiskWriter(out)
    fresh.fresh = true
    await writeAll(fresh, first)
    expect(await tree(out)).toEqual(Object.fromEntries(first.map((f) => [f.path, (f as { data: string }).data])))
  })
})

describe('the in-memory writer', () => {
  it('reads a copied file again only when it changed, and holds the same bytes until then', async () => {
    const dir = await temp()
    const font = path.join(dir, 'font.woff2')
    const fresh = path.join(dir, 'fresh.css')
    await writeFile(font, 'glyphs v1')
    const old = new Date(Date.now() - 60_000)
    await utimes(font, old, old)
    // A stat stands for the bytes only when taken two seconds after the file's last change, its
    // change time included (which setting the times is).
    await new Promise((resolve) => setTimeout(resolve, 2100))
    await writeFile(fresh, 'a {}')
    const writer = new MemoryWriter()
    const build = async (): Promise<Map<string, Uint8Array>> => {
      const session = await writer.open()
      await session.write({ path: 'assets/font.woff2', copyFrom: font })
      await session.write({ path: 'assets/fresh.css', copyFrom: fresh })
      await session.commit()
      return writer.files
    }
    const one = new Map(await build())
    const two = new Map(await build())
    expect(Buffer.from(two.get('assets/font.woff2')!).toString()).toBe('glyphs v1')
    // The same bytes, not read again.
    expect(two.get('assets/font.woff2')).toBe(one.get('assets/font.woff2'))
    // A file changed a moment ago may change again within its time's resolution: always read.
    expect(two.get('assets/fresh.css')).not.toBe(one.get('assets/fresh.css'))
    // The same size, a new time: read again.
    await writeFile(font, 'glyphs v2')
    const later = new Date(Date.now() - 30_000)
    await utimes(font, later, later)
    const three = await build()
    expect(Buffer.from(three.get('assets/font.woff2')!).toString()).toBe('glyphs v2')
  }, 10_000)
})
