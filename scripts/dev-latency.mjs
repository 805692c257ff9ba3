#!/usr/bin/env node
// Save-to-reload latency of `collage dev`: the time from writing a content file to the `reload`
// event arriving on the server-sent events stream, over a number of edits of the bundled digest.
//
//   npm run compile && node scripts/dev-latency.mjs [edits=10] [papers]
//
// With a number of papers, the site is the benchmark's generated one (seed 1) instead.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSite, writeSite } from '../lib/bench/generate.js'
import { startDevServer } from '../lib/dev/server.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const edits = Number(process.argv[2] ?? 10)
const papers = process.argv[3] === undefined ? undefined : Number(process.argv[3])
const dir = await mkdtemp(path.join(tmpdir(), 'collage-latency-'))
let file
if (papers === undefined) {
  for (const folder of ['content', 'templates', 'public']) await cp(path.join(root, folder), path.join(dir, folder), { recursive: true })
  file = path.join(dir, 'content', '2021-01', 'spectral-bias.md')
} else {
  const site = generateSite({ papers, seed: 1 })
  await writeSite(site, path.join(dir, 'content'))
  file = path.join(dir, 'content', site.papers[Math.floor(site.papers.length / 2)].path)
}
const original = await readFile(file, 'utf8')

const started = performance.now()
const server = await startDevServer({ cwd: dir, port: 0 })
console.log(`first build: ${Math.round(performance.now() - started)} ms`)
const builds = []
server.onEvent((e) => e.type === 'rebuild' && builds.push(e.ms))
const response = await fetch(new URL('/__collage/events', server.url))
const reader = response.body.getReader()
const decoder = new TextDecoder()
let buffer = ''
async function nextReload() {
  const deadline = Date.now() + 30_000
  for (;;) {
    if (Date.now() > deadline) throw new Error('no reload event within 30 s')
    const at = buffer.indexOf('event: reload\n')
    if (at !== -1) {
      const end = buffer.indexOf('\n\n', at)
      if (end !== -1) {
        buffer = buffer.slice(end + 2)
        return
      }
    }
    const { value, done } = await reader.read()
    if (done) throw new Error('stream ended')
    buffer += decoder.decode(value, { stream: true })
  }
}

const latencies = []
for (let i = 1; i <= edits; i++) {
  await new Promise((r) => setTimeout(r, 300))
  buffer = ''
  const started = performance.now()
  // A word more at the start of the summary, right after the front matter.
  await writeFile(file, original.replace(/\n---\n/, `\n---\nEdit ${i}. `))
  await nextReload()
  latencies.push(performance.now() - started)
}
await reader.cancel()
await server.close()
await rm(dir, { recursive: true, force: true })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (x) => `${Math.round(x)} ms`
console.log(`edits: ${edits}`)
console.log(`save → reload event: median ${fmt(median(latencies))}, min ${fmt(Math.min(...latencies))}, max ${fmt(Math.max(...latencies))}`)
console.log(`  each: ${latencies.map(fmt).join(', ')}`)
console.log(`of which the rebuild: median ${fmt(median(builds))}; the rest is the file watcher, the 30 ms debounce and the event`)
