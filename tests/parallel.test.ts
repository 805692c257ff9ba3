import { execFile } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSite, writeSite } from '../src/bench/generate.js'
import { buildToMemory } from '../src/build.js'
import { resolveConfig } from '../src/config.js'
import { minJobsForWorkers } from '../src/markdown/render-pool.js'
import { defaultPalette, drawImage, type ImageJob } from '../src/render/share-image.js'
import { root, tempDir } from './helpers/site.js'

const run = promisify(execFile)

describe('rendering in worker threads', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    await writeSite(generateSite({ papers: minJobsForWorkers + 20, seed: 7 }), path.join(dir, 'content'))
  })
  afterAll(async () => cleanup())

  it('gives the same site, share images included, as rendering in one thread', async () => {
    // The command line's bundle (lib/, see scripts/bundle.mjs) uses workers past the threshold,
    // which start from their own modules; the TypeScript sources under test render in this
    // thread. Both builds must agree byte for byte.
    const script = `import { buildUnlessUpToDate as build } from ${JSON.stringify(path.join(root, 'lib', 'up-to-date.bundle.js'))}
const r = await build({ contentDir: 'content', outDir: 'out', cache: false, search: false, images: true })
if (!r.ok) { console.error(JSON.stringify(r.problems.filter((p) => p.severity === 'error').slice(0, 5))); process.exit(1) }
console.log(JSON.stringify({ threads: r.threads }))`
    await writeFile(path.join(dir, 'build.mjs'), script)
    const { stdout } = await run(process.execPath, ['build.mjs'], { cwd: dir })
    const { threads } = JSON.parse(stdout) as { threads: number }
    // On one core there is nothing to gain from workers, and the build renders in its own thread.
    if (availableParallelism() > 1) expect(threads).toBeGreaterThan(1)
    else expect(threads).toBe(1)
    const single = await buildToMemory({ contentDir: 'content', cwd: dir, cache: false, search: false, images: true })
    expect(single.ok).toBe(true)
    const files: string[] = []
    const walk = async (abs: string, rel: string): Promise<void> => {
      for (const e of await readdir(abs, { withFileTypes: true })) {
        const childRel = rel ? `${rel}/${e.name}` : e.name
        if (e.isDirectory()) await walk(path.join(abs, e.name), childRel)
        else if (e.name !== '.collage-output') files.push(childRel)
      }
    }
    await walk(path.join(dir, 'out'), '')
    expect(files.sort()).toEqual([...single.output.keys()].sort())
    for (const file of files.filter((f) => /\.(html|xml|png)$/.test(f))) {
      expect((await readFile(path.join(dir, 'out', file))).equals(Buffer.from(single.output.get(file)!)), file).toBe(true)
    }
  }, 240_000)
})

describe('drawing share images in worker threads', () => {
  it('gives the bytes this thread draws', async () => {
    // A build draws many images in workers of the compiled code, and a few on its own thread:
    // both must draw the same image, whatever its script.
    const { runInWorkers } = (await import(path.join(root, 'lib', 'worker-pool.js'))) as typeof import('../src/worker-pool.js')
    const config = resolveConfig({ baseUrl: 'https://example.org/digest/' })
    const jobs: ImageJob[] = ['Attention over long documents', 'Сети с вниманием', 'A title of $\\nabla$ and more words that wrap to a second line'].map((title, i) => ({
      kind: 'card',
      file: `2021/01/p${i}/card.png`,
      card: { route: `/2021/01/p${i}/`, week: 1 + i, paper: { titleText: title, authors: ['Ada Lovelace', 'Alan Turing'], year: 2021, date: `2021-01-0${1 + i}`, tags: ['attention'], venue: 'ICLR 2021' }, month: { title: 'January 2021', number: 1 } }
    }))
    const here = await Promise.all(jobs.map((job) => drawImage(job, config, defaultPalette)))
    const { results, threads } = await runInWorkers<ImageJob, Uint8Array>(new URL(`file://${path.join(root, 'lib', 'render', 'share-image-worker.js')}`), { config, palette: defaultPalette }, jobs, 1)
    expect(threads).toBeGreaterThanOrEqual(1)
    expect(results).toHaveLength(jobs.length)
    for (const [i, png] of results.entries()) expect(Buffer.from(png).equals(Buffer.from(here[i]!)), jobs[i]!.file).toBe(true)
  }, 60_000)
})
