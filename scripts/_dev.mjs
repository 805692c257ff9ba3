import path from 'node:path'
import { buildToMemory } from '../lib/build.js'
import { MemoryWriter } from '../lib/output/writer.js'
const root = '/work/main'
const writer = new MemoryWriter()
const search = process.argv[2] !== 'nosearch'
for (let i = 0; i < 8; i++) {
  const r = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, baseUrl: 'http://127.0.0.1:8080/', drafts: true, search }, writer)
  console.log(r.ms.toFixed(0), 'reused', r.reused, 'of', r.pages, Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '))
}
