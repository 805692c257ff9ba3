#!/usr/bin/env node
// Lighthouse audit of the bundled digest: build it into a temporary folder, serve it on 127.0.0.1,
// run Lighthouse 12 on the home, month and paper pages as a phone and as a desktop, print the four
// category scores, and exit 1 when performance is under 0.95 or accessibility, best practices or
// SEO is under 1.
//
// As a phone, each page is audited several times and judged by its median performance score (for
// an even count, the lower of the two middle ones); the timings and lost points printed are those of
// the run that scored it. One run's simulated mobile timings, slowed down 4×, move by several
// hundredths with the machine's load, and a run whose first paint comes before the page's longest
// task counts that task as blocking time instead: scores of one page fall into two groups, and
// Lighthouse's computeMedianRun (nearest the median first paint and time to interactive) can pick
// a run from the smaller one. Accessibility, best practices and SEO do not depend on timing: every
// run must reach them.
// As a desktop (no CPU slowdown, scores far above the target) one run is enough.
//
//   npm run audit            (compiles first: this script imports lib/, the compiled output)
//   node scripts/audit.mjs   [--keep] keeps the built site and prints where it is
//                            [--runs N] runs per page as a phone (default 5)
//
// Chromium is the system one (/usr/bin/chromium), started by playwright-core with a remote
// debugging port that Lighthouse connects to. Nothing is downloaded.
import { contentTypeOf } from '../lib/output/content-type.js'
import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import lighthouse from 'lighthouse'
import desktopConfig from 'lighthouse/core/config/desktop-config.js'
import { chromium } from 'playwright-core'
import { build } from '../lib/build.js'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const keep = process.argv.includes('--keep')
const runsArg = process.argv.indexOf('--runs')
const runs = runsArg === -1 ? 5 : Number(process.argv[runsArg + 1])
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a whole number of at least 1')
  process.exit(2)
}

const pages = [
  { name: 'home', path: '' },
  { name: 'month', path: '2021/01/' },
  { name: 'paper', path: '2021/01/randomized-autodiff/' }
]
const formFactors = [
  { name: 'mobile', config: undefined },
  { name: 'desktop', config: desktopConfig }
]
const categories = ['performance', 'accessibility', 'best-practices', 'seo']
const minimum = { performance: 0.95, accessibility: 1, 'best-practices': 1, seo: 1 }

const compressible = new Set(['.html', '.css', '.js', '.json', '.xml', '.txt', '.svg'])

/**
 * A static server on 127.0.0.1 and a free port, like a production host: gzip for text, index.html
 * for folders, 404.html with status 404, nothing outside the site folder.
 */
async function startServer() {
  let root
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      let file
      try {
        const rel = decodeURIComponent(url.pathname)
        if (root && !rel.includes('\0') && !rel.includes('\\')) {
          const realRoot = await realpath(root)
          let abs = await realpath(path.resolve(realRoot, `.${rel}`))
          if (abs === realRoot || abs.startsWith(realRoot + path.sep)) {
            if ((await stat(abs)).isDirectory()) {
              if (!url.pathname.endsWith('/')) {
                res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end()
                return
              }
              abs = path.join(abs, 'index.html')
            }
            if ((await stat(abs)).isFile()) file = abs
          }
        }
      } catch {
        file = undefined
      }
      const status = file ? 200 : 404
      file ??= path.join(root, '404.html')
      const ext = path.extname(file).toLowerCase()
      const headers = {
        'content-type': contentTypeOf(ext),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff'
      }
      if (compressible.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        const body = gzipSync(await readFile(file))
        res.writeHead(status, { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-length': body.length })
        res.end(req.method === 'HEAD' ? undefined : body)
        return
      }
      res.writeHead(status, { ...headers, 'content-length': (await stat(file)).size })
      if (req.method === 'HEAD') res.end()
      else createReadStream(file).pipe(res)
    } catch {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    port: server.address().port,
    setRoot: (dir) => {
      root = dir
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const probe = createServer()
  await new Promise((resolve, reject) => {
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', resolve)
  })
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const pad = (s, n) => String(s).padEnd(n)
const score = (n) => (n === null || n === undefined ? ' n/a' : n.toFixed(2))

async function main() {
  const server = await startServer()
  const baseUrl = `http://127.0.0.1:${server.port}/`
  const outDir = await mkdtemp(path.join(tmpdir(), 'collage-audit-'))
  let browser
  let failed = false
  try {
    const result = await build({ contentDir: path.join(repo, 'content'), outDir, cwd: repo, baseUrl })
    if (!result.ok) {
      for (const p of result.problems) console.error(`${p.file}:${p.line}:${p.column} ${p.severity} ${p.message} (${p.ruleId})`)
      throw new Error('The bundled site did not build')
    }
    server.setRoot(outDir)

    // Lighthouse's mobile timings scale with the CPU time it measures: let the machine settle
    // (the test run before this one leaves it busy) before measuring, for at most 90 s.
    const settleStart = Date.now()
    while (loadavg()[0] > cpus().length / 2 && Date.now() - settleStart < 90_000) await new Promise((resolve) => setTimeout(resolve, 2000))
    if (Date.now() - settleStart > 2000) console.log(`Waited ${Math.round((Date.now() - settleStart) / 1000)} s for the load average to fall (now ${loadavg()[0].toFixed(1)}).`)

    const debuggingPort = await freePort()
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', `--remote-debugging-port=${debuggingPort}`]
    })

    /** One Lighthouse run of a URL as a phone (no config) or a desktop; its result, or an error. */
    const runLighthouse = async (url, config) => {
      const runner = await lighthouse(url, { port: debuggingPort, output: 'json', logLevel: 'error', onlyCategories: categories }, config)
      if (!runner) throw new Error(`Lighthouse returned nothing for ${url}`)
      if (runner.lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${runner.lhr.runtimeError.code} ${runner.lhr.runtimeError.message}`)
      return runner.lhr
    }
    // One unscored run first: a browser just started (on a fresh machine, one whose font caches
    // are cold too) does work in its first page loads that belongs to no page of the site.
    await runLighthouse(baseUrl, undefined)

    const rows = []
    for (const formFactor of formFactors) {
      for (const page of pages) {
        const url = baseUrl + page.path
        const lhrs = []
        const pageRuns = formFactor.name === 'mobile' ? runs : 1
        for (let run = 0; run < pageRuns; run++) lhrs.push(await runLighthouse(url, formFactor.config))
        const byScore = [...lhrs].sort((a, b) => (a.categories.performance?.score ?? 0) - (b.categories.performance?.score ?? 0))
        const lhr = byScore[Math.floor((byScore.length - 1) / 2)]
        const performanceScores = byScore.map((l) => l.categories.performance?.score ?? 0)
        // Performance is the median run's; the other categories do not depend on timing, so every
        // run must reach them (the lowest counts).
        const lowest = (c) => {
          const all = lhrs.map((l) => l.categories[c]?.score ?? null)
          return all.includes(null) ? null : Math.min(...all)
        }
        const scores = Object.fromEntries(categories.map((c) => [c, c === 'performance' ? (lhr.categories[c]?.score ?? null) : lowest(c)]))
        // What cost points: every scored audit under 1 in the categories.
        const lost = []
        for (const c of categories) {
          for (const ref of lhr.categories[c]?.auditRefs ?? []) {
            const audit = lhr.audits[ref.id]
            if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) lost.push(`${c}/${ref.id} ${audit.score.toFixed(2)}${audit.displayValue ? ` (${audit.displayValue})` : ''}`)
          }
        }
        const metrics = pageRuns > 1 ? [`performance of ${pageRuns} runs ${performanceScores.map(score).join(' ')}`] : []
        metrics.push(...['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'].map((id) => `${id.split('-').map((w) => w[0]).join('').toUpperCase()} ${lhr.audits[id]?.displayValue ?? 'n/a'}`))
        // Context for a low performance score: main-thread time is measured, then slowed down 4× on
        // mobile, so a busy machine lowers the score; render-blocking files and weight are not.
        for (const id of ['mainthread-work-breakdown', 'render-blocking-resources', 'total-byte-weight']) {
          const value = lhr.audits[id]?.displayValue
          if (value) metrics.push(`${id} ${value}`)
        }
        // Which files held the first paint back, and by how much.
        for (const item of lhr.audits['render-blocking-resources']?.details?.items ?? []) metrics.push(`blocking ${item.url.replace(baseUrl, '/')} ${Math.round(item.wastedMs ?? 0)} ms`)
        rows.push({ page: page.name, formFactor: formFactor.name, url, scores, lost, metrics })
      }
    }

    console.log()
    console.log(runs > 1 ? `As a phone, the median of ${runs} runs of each page; as a desktop, one run:` : 'One run of each page:')
    console.log(`${pad('page', 7)}${pad('form', 9)}${categories.map((c) => pad(c, 16)).join('')}`)
    for (const row of rows) {
      const cells = categories.map((c) => {
        const s = row.scores[c]
        const bad = s === null || s < minimum[c]
        if (bad) failed = true
        return pad(`${score(s)}${bad ? ' ✗' : ''}`, 16)
      })
      console.log(`${pad(row.page, 7)}${pad(row.formFactor, 9)}${cells.join('')}`)
    }
    console.log()
    for (const row of rows) {
      console.log(`${row.page} (${row.formFactor}): ${row.metrics.join(', ')}`)
      for (const l of row.lost) console.log(`  - ${l}`)
    }
    const load = loadavg()[0]
    if (load > cpus().length) console.log(`\nNote: load average ${load.toFixed(1)} on ${cpus().length} CPUs while auditing; Lighthouse's simulated mobile timings include the measured CPU time, so scores may be low. Run again on an idle machine.`)
    console.log()
    console.log(failed ? `FAIL: needs performance >= ${minimum.performance} and accessibility, best-practices and seo = 1` : 'PASS')
  } finally {
    await browser?.close()
    await server.close()
    if (keep) console.log(`Site kept in ${outDir}`)
    else await rm(outDir, { recursive: true, force: true })
  }
  return failed ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  }
)
