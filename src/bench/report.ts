/** What a child process reports (see `child.ts`). */
export interface Measurement {
  mode: 'reference' | 'collage'
  /** Milliseconds from loading the pipeline to the last file written. */
  ms: number
  /** HTML pages written. */
  pages: number
  /** Peak resident set size, in KiB (`process.resourceUsage().maxRSS`). */
  maxRssKb: number
  errors: number
  warnings: number
  /** `collage build`: milliseconds by phase, when the build reports them. */
  timings?: Record<string, number>
  /** `collage build`: threads that rendered Markdown. */
  threads?: number
  /** `collage build`: true when it found nothing changed and kept the previous site. */
  upToDate?: boolean
}

/** The measurements of a benchmark run. */
export const scenarios = [
  { key: 'reference', label: 'Reference: unified + rehype-katex, cold' },
  { key: 'cold', label: '`collage build`, cold (no output, no cache)' },
  { key: 'unchanged', label: '`collage build` again, nothing changed' },
  { key: 'oneChanged', label: '`collage build` after one paper changed' },
  { key: 'latestChanged', label: '`collage build` after a paper of the latest month changed' }
] as const

export type ScenarioKey = (typeof scenarios)[number]['key']

/** One measurement as the parent saw it. */
export interface Sample extends Measurement {
  /** Wall-clock milliseconds of the whole child process, Node's start-up included. */
  processMs: number
  /** Peak resident memory of the child and its own subprocesses together, in KiB, sampled every 50 ms (Linux). */
  treePeakRssKb: number
}

/** Medians of one scenario over the runs. */
export interface ScenarioSummary {
  key: ScenarioKey
  label: string
  pages: number
  /** Median milliseconds. */
  ms: number
  /** Median milliseconds per HTML page written. */
  msPerPage: number
  /** Median peak RSS of the child process, in MB (MiB). */
  peakRssMb: number
  /** Median peak RSS of the child with its subprocesses (sampled), in MB (MiB). */
  treePeakRssMb: number
  /** Median wall-clock milliseconds of the child process. */
  processMs: number
  /** Median milliseconds of each phase the build reported, in the build's order. */
  timings: Record<string, number>
  samples: Sample[]
}

/** Everything a benchmark measured. */
export interface BenchReport {
  papers: number
  months: number
  seed: number
  runs: number
  node: string
  cpu: string
  cores: number
  platform: string
  /** One-minute load average of the machine when the measurements started and ended: other work skews the times. */
  loadAverage: { start: number; end: number }
  scenarios: ScenarioSummary[]
  /** Median time of the reference divided by median time of a cold `collage build`. */
  speedup: number
  /** The same, per page written. */
  speedupPerPage: number
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Medians of every scenario, and the speedup of a cold `collage build` over the reference.
 *
 * @param samples every sample of every scenario
 */
export function summarise(samples: Readonly<Record<ScenarioKey, Sample[]>>): { scenarios: ScenarioSummary[]; speedup: number; speedupPerPage: number } {
  const summaries = scenarios.map(({ key, label }): ScenarioSummary => {
    const list = samples[key]
    return {
      key,
      label,
      pages: median(list.map((s) => s.pages)),
      ms: median(list.map((s) => s.ms)),
      msPerPage: median(list.map((s) => s.ms / Math.max(1, s.pages))),
      peakRssMb: median(list.map((s) => s.maxRssKb / 1024)),
      treePeakRssMb: median(list.map((s) => s.treePeakRssKb / 1024)),
      processMs: median(list.map((s) => s.processMs)),
      timings: medianTimings(list),
      samples: list
    }
  })
  const reference = summaries[0]!
  const cold = summaries[1]!
  return { scenarios: summaries, speedup: reference.ms / cold.ms, speedupPerPage: reference.msPerPage / cold.msPerPage }
}

function medianTimings(samples: readonly Sample[]): Record<string, number> {
  const phases: string[] = []
  for (const s of samples) for (const phase of Object.keys(s.timings ?? {})) if (!phases.includes(phase)) phases.push(phase)
  return Object.fromEntries(phases.map((phase) => [phase, median(samples.map((s) => s.timings?.[phase] ?? 0))]))
}

/** The report as a Markdown table with a one-line heading and the speedup below. */
export function formatMarkdown(report: BenchReport): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US')
  const lines = [
    `**${report.papers.toLocaleString('en-US')} papers** in ${report.months} months (seed ${report.seed}), median of ${report.runs} run${report.runs === 1 ? '' : 's'}; ` +
      `Node ${report.node}, ${report.cores} × ${report.cpu}, ${report.platform}; load average ${report.loadAverage.start.toFixed(1)} at the start, ${report.loadAverage.end.toFixed(1)} at the end.`,
    '',
    '| Pipeline | Pages | Total (ms) | Per page (ms) | Peak RSS (MB) | Peak RSS with subprocesses (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.scenarios.map((s) => `| ${s.label} | ${int(s.pages)} | ${int(s.ms)} | ${s.msPerPage.toFixed(2)} | ${int(s.peakRssMb)} | ${int(s.treePeakRssMb)} |`),
    '',
    `Speedup of a cold \`collage build\` over the reference: ${describe(report.speedup)} in total time, ${describe(report.speedupPerPage)} per page ` +
      `(the reference writes one page per paper; collage also writes ${int((report.scenarios[1]?.pages ?? 0) - (report.scenarios[0]?.pages ?? 0))} month, tag, author, home, archive, search and 404 pages, ` +
      'feeds, a sitemap and a search index).',
    '',
    ...phaseTable(report),
    'Total: from loading the pipeline to the last file written, in a fresh Node process. Peak RSS: the process\'s `maxRSS`; ' +
      'with subprocesses: the process and its helpers (such as the search indexer) together, sampled every 50 ms.'
  ]
  return lines.join('\n') + '\n'
}

/** Median milliseconds by phase of each `collage build`, when the build reports phases. */
function phaseTable(report: BenchReport): string[] {
  const builds = report.scenarios.filter((s) => s.key !== 'reference')
  if (builds.every((s) => Object.keys(s.timings).length === 0)) return []
  const phases: string[] = []
  for (const s of builds) for (const phase of Object.keys(s.timings)) if (!phases.includes(phase)) phases.push(phase)
  const int = (n: number) => Math.round(n).toLocaleString('en-US')
  return [
    `| \`collage build\` phase (ms) | ${builds.map((s) => phaseHeading[s.key]).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(builds.length)}`,
    ...phases.map((phase) => `| ${phase} | ${builds.map((s) => (phase in s.timings ? int(s.timings[phase]!) : '–')).join(' | ')} |`),
    `| Markdown threads | ${builds.map((s) => String(median(s.samples.map((x) => x.threads ?? 1)))).join(' | ')} |`,
    ''
  ]
}

const phaseHeading: Record<ScenarioKey, string> = {
  reference: 'reference',
  cold: 'cold',
  unchanged: 'nothing changed',
  oneChanged: 'one paper changed',
  latestChanged: 'a latest paper changed'
}

function describe(ratio: number): string {
  return ratio >= 1 ? `${ratio.toFixed(2)}× faster` : `${ratio.toFixed(2)}× (${(1 / ratio).toFixed(2)}× slower)`
}
