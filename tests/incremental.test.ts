import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { manifestName } from '../src/output/writer.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

/** Every file of a built site, by path, without the manifest (which records build metadata). */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(path.join(abs, e.name), childRel)
      else if (childRel !== manifestName) out.set(childRel, await readFile(path.join(abs, e.name)))
    }
  }
  await walk(dir, '')
  return out
}

function expectSameSite(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort())
  for (const [file, bytes] of expected) expect(actual.get(file)?.equals(bytes), file).toBe(true)
}

describe('incremental builds equal clean builds, byte for byte', () => {
  let dir: string
  let cleanup: () => Promise<void>
  // Search indexes are built by an external tool whose file names carry hashes; they are compared too.
  const options = { images: true, search: true }

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    await writeContent(dir, {
      'content/site.yaml': 'title: Inc\nbaseUrl: https://example.org/\n',
      'content/2021-01/index.md': '---\nsummary: January\n---\nIntro one.\n',
      'content/2021-01/alpha.md': paperFile({ title: 'Alpha', date: '2021-01-04', tags: ['x'] }),
      'content/2021-01/beta.md': paperFile({ title: 'Beta', date: '2021-01-11', tags: ['x', 'y'] }),
      'content/2021-02/gamma.md': paperFile({ title: 'Gamma', date: '2021-02-01', tags: ['y'] })
    })
    for (const folder of ['templates', 'public']) {
      const { cp } = await import('node:fs/promises')
      await cp(path.join(root, folder), path.join(dir, folder), { recursive: true })
    }
    // The first, cold build fills the caches.
    expect((await build({ ...options, cwd: dir })).ok).toBe(true)
  })
  afterAll(async () => cleanup())

  async function check(change: () => Promise<void>): Promise<void> {
    await change()
    const incremental = await build({ ...options, cwd: dir })
    expect(incremental.ok, JSON.stringify(incremental.problems)).toBe(true)
    expect(incremental.upToDate ?? false).toBe(false)
    const clean = await build({ ...options, cwd: dir, outDir: 'clean', cache: false })
    expect(clean.ok).toBe(true)
    expectSameSite(await snapshot(path.join(dir, 'dist')), await snapshot(path.join(dir, 'clean')))
    await rm(path.join(dir, 'clean'), { recursive: true })
  }

  it('reuses the last site when nothing changed', async () => {
    const again = await build({ ...options, cwd: dir })
    expect(again.upToDate).toBe(true)
  })

  it('after a paper changes', async () => {
    await check(() => writeFile(path.join(dir, 'content/2021-01/alpha.md'), paperFile({ title: 'Alpha, revised', date: '2021-01-04', tags: ['x', 'z'] })))
  })

  it('after a month intro changes', async () => {
    await check(() => writeFile(path.join(dir, 'content/2021-01/index.md'), '---\nsummary: January, again\n---\nIntro two.\n'))
  })

  it('after a template changes', async () => {
    await check(async () => {
      const file = path.join(dir, 'templates/partials/card.eta')
      await writeFile(file, (await readFile(file, 'utf8')) + '<!-- card template, second edition -->\n')
    })
  })

  it('after site.yaml changes', async () => {
    await check(() => writeFile(path.join(dir, 'content/site.yaml'), 'title: Inc 2\nbaseUrl: https://example.org/sub/\nmath:\n  macros:\n    "\\\\Q": "\\\\mathbb{Q}"\n'))
  })

  it('after a public file changes', async () => {
    await check(() => writeFile(path.join(dir, 'public/extra.txt'), 'hello\n'))
  })

  it('after a paper is deleted', async () => {
    await check(() => rm(path.join(dir, 'content/2021-02/gamma.md')))
  })

  it('after a paper is renamed', async () => {
    await check(() => rename(path.join(dir, 'content/2021-01/beta.md'), path.join(dir, 'content/2021-01/beta-two.md')))
  })
})
