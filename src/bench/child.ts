/**
 * One measurement, in a process of its own so that it starts with a clean heap and its peak RSS
 * is its own: `node lib/bench/child.js <reference|collage> <contentDir> <outDir>`.
 *
 * Prints one line of JSON on stdout: a {@link Measurement}. The time includes loading the
 * pipeline's modules, as a real run pays for them too. `collage build` runs with the process's
 * working folder as `cwd`, so its cache (`.collage-cache`) lives there: a fresh folder is a cold build.
 */
import path from 'node:path'
import { capHeapGrowth } from '../heap.js'
import type { Measurement } from './report.js'

const [mode, contentDir, outDir] = process.argv.slice(2)
if ((mode !== 'reference' && mode !== 'collage') || !contentDir || !outDir) {
  process.stderr.write('usage: node lib/bench/child.js <reference|collage> <contentDir> <outDir>\n')
  process.exit(2)
}

const started = performance.now()
let pages = 0
let errors = 0
let warnings = 0
const extra: Pick<Measurement, 'timings' | 'threads' | 'upToDate'> = {}
if (mode === 'reference') {
  const { buildReference } = await import('./reference.js')
  pages = (await buildReference(path.resolve(contentDir), path.resolve(outDir))).pages
} else {
  // With the heap growth the command sets.
  capHeapGrowth()
  // As `collage build` does: find whether anything changed before loading the build pipeline,
  // from the same bundle as the command (see scripts/bundle.mjs), so loading costs what it costs there.
  const bundle = new URL('../up-to-date.bundle.js', import.meta.url).href
  const { buildUnlessUpToDate } = (await import(bundle)) as typeof import('../up-to-date.js')
  const result = await buildUnlessUpToDate({ contentDir: path.resolve(contentDir), outDir: path.resolve(outDir), cwd: process.cwd() })
  pages = result.pages
  errors = result.problems.filter((p) => p.severity === 'error').length
  warnings = result.problems.length - errors
  // Newer builds report where their time went; read them loosely, they are optional.
  const more = result as { timings?: Record<string, number>; threads?: number; upToDate?: boolean }
  if (more.timings) extra.timings = more.timings
  if (typeof more.threads === 'number') extra.threads = more.threads
  if (typeof more.upToDate === 'boolean') extra.upToDate = more.upToDate
  if (!result.ok) {
    for (const p of result.problems.slice(0, 20)) process.stderr.write(`${p.file}:${p.line}:${p.column}: ${p.message} (${p.ruleId})\n`)
    process.stderr.write(`Build failed: ${errors} errors\n`)
    process.exitCode = 1
  }
}
const ms = performance.now() - started
const measurement: Measurement = { mode, ms, pages, maxRssKb: process.resourceUsage().maxRSS, errors, warnings, ...extra }
process.stdout.write(JSON.stringify(measurement) + '\n')
