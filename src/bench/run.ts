/**
 * `npm run bench -- [--papers N] [--runs R] [--seed S] [--keep] [--json FILE]`
 *
 * Generates a synthetic content folder of N papers, then, R times, measures in fresh child
 * processes: (a) the reference unified + rehype-katex pipeline, cold; (b) `collage build` into a
 * fresh output folder; (c) `collage build` again with nothing changed; (d) `collage build` after
 * one paper changed. Prints a Markdown table of the medians on stdout, progress on stderr.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { changePaper, generateSite, writeSite } from './generate.js'
import { formatMarkdown, scenarios, summarise, type BenchReport, type Measurement, type Sample, type ScenarioKey } from './report.js'

const usage = `Usage: npm run bench -- [--papers N] [--runs R] [--seed S] [--keep] [--json FILE]

  --papers N   papers to generate (default 1000)
  --runs R     measurements of each scenario; the table shows medians (default 3)
  --seed S     seed of the content generator (default 1)
  --keep       keep the temporary folder (content and outputs) and print its path
  --json FILE  also write the full results as JSON to FILE
`

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}`)
  process.exit(2)
}

let values: { papers?: string; runs?: string; seed?: string; keep?: boolean; json?: string; help?: boolean }
try {
  values = parseArgs({
    options: {
      papers: { type: 'string', short: 'n' },
      runs: { type: 'string', short: 'r' },
      seed: { type: 'string' },
      keep: { type: 'boolean' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  }).values
} catch (error) {
  fail((error as Error).message)
}
if (values.help) {
  process.stdout.write(usage)
  process.exit(0)
}

const positiveInt = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer, not ${JSON.stringify(value)}`)
  return n
}
const papers = positiveInt(values.papers, 1000, 'papers')
const runs = positiveInt(values.runs, 3, 'runs')
const seed = positiveInt(values.seed, 1, 'seed')
const childScript = fileURLToPath(new URL('./child.js', import.meta.url))
const log = (message: string) => process.stderr.write(`${message}\n`)
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * Resident memory of a process and all its descendants, in KiB, from `/proc` (Linux only):
 * Collage's search indexing runs a helper binary whose memory the child's own `maxRSS` misses.
 */
function treeRssKb(pid: number): number | undefined {
  let total = 0
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop()!
    try {
      const resident = Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1])
      total += (resident * pageSize) / 1024
      for (const task of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(' ')) if (child.trim()) stack.push(Number(child))
      }
    } catch {
      // Gone, or no /proc: count what was there.
      if (p === pid) return undefined
    }
  }
  return total
}
const pageSize = 4096

/** Run one measurement in a fresh Node process. */
function measure(mode: 'reference' | 'collage', contentDir: string, outDir: string, cwd: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [childScript, mode, contentDir, outDir], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let treePeakKb = 0
    const sample = () => {
      if (child.pid !== undefined) treePeakKb = Math.max(treePeakKb, treeRssKb(child.pid) ?? 0)
    }
    const sampler = process.platform === 'linux' ? setInterval(sample, 50) : undefined
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const processMs = performance.now() - started
      clearInterval(sampler)
      const line = stdout.trim().split('\n').at(-1) ?? ''
      if (code !== 0) return reject(new Error(`${mode} exited with ${code}:\n${stderr}${stdout}`))
      try {
        const measurement = JSON.parse(line) as Measurement
        // The sampled sum misses spikes between samples: never report less than the child's own peak.
        const treePeakRssKb = sampler ? Math.max(treePeakKb, measurement.maxRssKb) : measurement.maxRssKb
        resolve({ ...measurement, processMs, treePeakRssKb })
      } catch {
        reject(new Error(`${mode} printed no measurement:\n${stderr}${stdout}`))
      }
    })
  })
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'collage-bench-'))
try {
  const contentDir = path.join(tmp, 'content')
  const started = performance.now()
  const site = generateSite({ papers, seed })
  await writeSite(site, contentDir)
  let bytes = 0
  for (const text of site.files.values()) bytes += Buffer.byteLength(text)
  log(`Generated ${papers} papers in ${site.months.length} months (${(bytes / 1e6).toFixed(1)} MB) in ${seconds(performance.now() - started)}: ${contentDir}`)
  const paperPaths = site.papers.map((p) => p.path)

  const samples: Record<ScenarioKey, Sample[]> = { reference: [], cold: [], unchanged: [], oneChanged: [], latestChanged: [] }
  // The papers of the latest month: where an author adds and edits this month's cards.
  const latestPaths = site.papers.filter((p) => p.month === site.months.at(-1)).map((p) => p.path)
  const loadAtStart = os.loadavg()[0] ?? 0
  const check = (sample: Sample, what: string): Sample => {
    if (sample.errors > 0) throw new Error(`${what}: ${sample.errors} errors`)
    return sample
  }
  for (let run = 1; run <= runs; run++) {
    // A fresh working folder per run: no output and no build cache yet, so (b) is cold; (c) and (d)
    // find the output and the cache (b) left, as an author's next builds would.
    const work = path.join(tmp, `run-${run}`)
    await mkdir(work)
    const referenceOut = path.join(work, 'reference')
    const collageOut = path.join(work, 'site')
    const a = await measure('reference', contentDir, referenceOut, work)
    samples.reference.push(a)
    const b = check(await measure('collage', contentDir, collageOut, work), 'collage build')
    samples.cold.push(b)
    const c = check(await measure('collage', contentDir, collageOut, work), 'collage build, nothing changed')
    samples.unchanged.push(c)
    // A different paper each run, always the same ones for the same seed.
    const changed = path.join(contentDir, paperPaths[(seed * 7919 + run * 104729) % paperPaths.length]!)
    await writeFile(changed, changePaper(await readFile(changed, 'utf8'), `run ${run}`))
    const d = check(await measure('collage', contentDir, collageOut, work), 'collage build, one paper changed')
    samples.oneChanged.push(d)
    const latest = path.join(contentDir, latestPaths[run % latestPaths.length]!)
    await writeFile(latest, changePaper(await readFile(latest, 'utf8'), `run ${run}, latest`))
    const e = check(await measure('collage', contentDir, collageOut, work), 'collage build, a paper of the latest month changed')
    samples.latestChanged.push(e)
    log(
      `Run ${run}/${runs}: reference ${seconds(a.ms)}, collage cold ${seconds(b.ms)}, unchanged ${seconds(c.ms)}${c.upToDate ? ' (up to date)' : ''}, one changed ${seconds(d.ms)}, a latest one changed ${seconds(e.ms)}` +
        (b.warnings ? ` (${b.warnings} warnings)` : '')
    )
    if (!values.keep) await rm(work, { recursive: true, force: true })
    globalThis.gc?.()
  }

  const cpus = os.cpus()
  const report: BenchReport = {
    papers,
    months: site.months.length,
    seed,
    runs,
    node: process.version,
    cpu: (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
    cores: cpus.length,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 },
    ...summarise(samples)
  }
  process.stdout.write(formatMarkdown(report))
  if (values.json) {
    await writeFile(path.resolve(values.json), JSON.stringify({ ...report, scenarioLabels: scenarios }, null, 2) + '\n')
    log(`Wrote ${values.json}`)
  }
} finally {
  if (values.keep) log(`Kept ${tmp}`)
  else await rm(tmp, { recursive: true, force: true })
}
