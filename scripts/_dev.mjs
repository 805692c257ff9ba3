import path from 'node:path'
import { readFile, writeFile } from 'node:fs/promises'
import { buildToMemory } from '../lib/build.js'
import { MemoryWriter } from '../lib/output/writer.js'
const dir = '/tmp/collage-bench-hUwwyy'
const writer = new MemoryWriter()
const f = path.join(dir, 'content/1985-01/dropout-adaptive-world-models-at-scale.md')
for (let i = 0; i < 4; i++) {
  await writeFile(f, (await readFile(f, 'utf8')) + `\nEdit ${i}.\n`)
  const r = await buildToMemory({ contentDir: path.join(dir, 'content'), cwd: path.join(dir, 'run-1'), baseUrl: 'http://127.0.0.1:8080/', drafts: true, search: false }, writer)
  console.log(r.ms.toFixed(0), 'reused', r.reused, 'of', r.pages, Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '))
}
