#!/usr/bin/env node
// Memory of one `collage build`, phase by phase: the largest resident set and heap sampled in
// each phase, in this process (the search indexer, a process of its own, is not counted).
//
//   npm run compile && node scripts/build-memory.mjs SITE [--no-images] [--uncapped] [--every MS]
//
// SITE is a folder with a `content/` folder, such as one made with `npm run bench -- --keep`;
// the build writes `SITE/dist` and uses `SITE/.collage-cache` (delete both for a cold build).
// The heap's growth is capped as the command line caps it (see src/heap.ts), unless `--uncapped`
// is given or Node is run with a growth of its own: `node --heap-growing-percent=25 scripts/build-memory.mjs …`.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { build } from '../lib/build.js'
import { capHeapGrowth } from '../lib/heap.js'

const { values, positionals } = parseArgs({ options: { 'no-images': { type: 'boolean' }, uncapped: { type: 'boolean' }, every: { type: 'string' } }, allowPositionals: true })
if (!values.uncapped) capHeapGrowth()
if (positionals.length !== 1) {
  process.stderr.write('Usage: node scripts/build-memory.mjs SITE [--no-images] [--uncapped] [--every MS]\n')
  process.exit(2)
}
const site = path.resolve(positionals[0])
const every = Number(values.every ?? 100)
const mb = (bytes) => Math.round(bytes / 1e6)

const started = performance.now()
const samples = []
const timer = setInterval(() => {
  const m = process.memoryUsage()
  samples.push({ at: performance.now() - started, rss: m.rss, heap: m.heapUsed })
}, every)
const result = await build({ cwd: site, contentDir: 'content', outDir: 'dist', images: !values['no-images'] })
clearInterval(timer)

console.log(`${result.ok ? 'built' : 'failed'}: ${result.pages} pages in ${(result.ms / 1000).toFixed(1)} s, ${result.problems.length} problems`)
console.log('phase      ms      peak RSS (MB)  heap then (MB)')
let from = 0
for (const [phase, ms] of Object.entries(result.timings ?? {})) {
  const to = from + ms
  const inPhase = samples.filter((s) => s.at >= from && s.at < to)
  from = to
  if (inPhase.length === 0) continue
  const peak = inPhase.reduce((a, b) => (b.rss > a.rss ? b : a))
  console.log(`${phase.padEnd(9)} ${String(Math.round(ms)).padStart(7)}  ${String(mb(peak.rss)).padStart(13)}  ${String(mb(peak.heap)).padStart(14)}`)
}
console.log(`maxRSS of this process: ${mb(process.resourceUsage().maxRSS * 1024)} MB`)
