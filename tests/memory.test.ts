import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ownString, ownStrings } from '../src/strings.js'
import { paperFile, root, useTempDirs, writeContent } from './helpers/site.js'

const run = promisify(execFile)
const newDir = useTempDirs()

describe('a build keeps no file’s whole text, and no paper’s body once rendered', () => {
  // A line of each file that no record holds: a YAML comment. Found in the heap, it means some
  // record still holds (or points into) the file's text.
  const marker = (i: number): string => `# only-in-the-file-${i}-${'x'.repeat(40)}`
  // A line of each body that renders to nothing: a link definition no link uses. Found in the
  // heap once the pages are made, it means a record still holds the body it was rendered from.
  const bodyMarker = (i: number): string => `[unused-${i}]: https://example.org/only-in-the-body-${i}-${'y'.repeat(40)}`

  /** Build the site in a process of its own (the compiled code, as the command runs it), keep the graph, and return that process's heap as text. */
  async function heapAfterBuild(site: string): Promise<string> {
    const script = path.join(site, 'build-and-snapshot.mjs')
    await writeFile(
      script,
      `import { writeHeapSnapshot } from 'node:v8'
import { build } from ${JSON.stringify(pathToFileURL(path.join(root, 'lib', 'build.js')).href)}
const result = await build({ cwd: ${JSON.stringify(site)}, contentDir: 'content', outDir: 'dist', images: false, search: false })
if (!result.ok) throw new Error(JSON.stringify(result.problems))
// The records stay reachable, as they are while a build renders pages.
globalThis.kept = result.site
writeHeapSnapshot(${JSON.stringify(path.join(site, 'heap.json'))})
`
    )
    await run(process.execPath, [script], { cwd: site })
    const heap = await readFile(path.join(site, 'heap.json'), 'utf8')
    await rm(path.join(site, 'heap.json'))
    return heap
  }

  it('after parsing its files, and after restoring their parses from the cache', async () => {
    const site = await newDir()
    const files: Record<string, string> = { 'site.yaml': 'title: Memory\nbaseUrl: https://example.org/\n' }
    for (let i = 0; i < 3; i++) {
      const title = `A paper on topic number ${i} with a long title`
      files[`2021-01/p${i}.md`] = paperFile({ title, date: `2021-01-0${i + 1}`, extra: marker(i), body: `A summary of paper ${i}, long enough to be cut from the file: $x_${i}$.\n\n${bodyMarker(i)}` })
    }
    files['2021-01/index.md'] = `---\ntitle: January\n${marker(9)}\n---\nThe intro of the month, with enough words to be a slice.\n`
    await writeContent(path.join(site, 'content'), files)

    // The first build parses every file; the heap holds the records (their titles, summaries) but no file.
    const cold = await heapAfterBuild(site)
    expect(cold).toContain('A paper on topic number 1 with a long title')
    for (const i of [0, 1, 2, 9]) expect(cold).not.toContain(marker(i))
    // Nor the papers' bodies, once rendered.
    for (const i of [0, 1, 2]) expect(cold).not.toContain(bodyMarker(i).slice(1))

    // The second, with the output gone, restores the parses from the cache: the same.
    await rm(path.join(site, 'dist'), { recursive: true })
    const warm = await heapAfterBuild(site)
    expect(warm).toContain('A paper on topic number 1 with a long title')
    for (const i of [0, 1, 2, 9]) expect(warm).not.toContain(marker(i))
    for (const i of [0, 1, 2]) expect(warm).not.toContain(bodyMarker(i).slice(1))
  }, 60_000)
})

describe('ownString', () => {
  it('gives the same characters', () => {
    const text = 'title: A long enough title to be sliced\nrest of the file'
    expect(ownString(text.slice(7, 40))).toBe(text.slice(7, 40))
    expect(ownString('short')).toBe('short')
    expect(ownStrings({ a: [text.slice(0, 20), 3, { b: text.slice(5, 30) }], c: null })).toEqual({ a: [text.slice(0, 20), 3, { b: text.slice(5, 30) }], c: null })
  })
})
