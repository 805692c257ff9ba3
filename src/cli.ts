import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cac } from 'cac'
import pc from 'picocolors'
import type { BuildResult } from './build.js'
import type { DevEvent, DevServer } from './dev/server.js'
import { capHeapGrowth } from './heap.js'
import { countProblems, formatReport, readSources } from './report.js'
import type { Problem } from './types.js'

/** Streams the CLI writes to; replaceable in tests. */
export interface Io {
  out: (text: string) => void
  err: (text: string) => void
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n')
}

/** Exit codes: 0 success, 1 content problems, 2 wrong usage. */
export const exitCodes = { ok: 0, problems: 1, usage: 2 } as const

const version = (JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8')) as { version: string }).version

class UsageError extends Error {}

/**
 * Node.js options for `--low-memory`: the heap may grow by a quarter of what is live before V8
 * collects (the command caps it at a half, see src/heap.ts), and the space where new objects start
 * is 4 MB, not 16 (V8 reads that only when it starts). A cold build of 5,000 papers without share
 * images peaks at about 350 MB instead of about 400, in a quarter to a third more time.
 */
const lowMemoryFlags = ['--heap-growing-percent=25', '--max-semi-space-size=4'] as const

/** Whether this process is the one {@link inLowMemory} started. */
const inLowMemoryProcess = process.execArgv.includes(lowMemoryFlags[0])

/**
 * Run the same command in a Node.js process started with {@link lowMemoryFlags}. The child prints
 * to the same terminal; its exit code is the command's.
 */
function inLowMemory(argv: readonly string[]): Promise<number> {
  const bin = fileURLToPath(new URL('../bin/collage.js', import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...lowMemoryFlags, bin, ...argv], { stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)))
  })
}

/**
 * Run the command line. The only place that prints or decides the exit code.
 *
 * @param argv arguments after the program name
 * @returns the exit code
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  capHeapGrowth()
  const cli = cac('collage')
  let action: (() => Promise<number>) | undefined

  cli
    .command('build', 'Build the site into the output folder')
    .option('--content <dir>', 'Content folder', { default: 'content' })
    .option('--out <dir>', 'Output folder', { default: 'dist' })
    .option('--base-url <url>', 'Absolute URL the site is served from (overrides site.yaml)')
    .option('--drafts', 'Include papers marked draft: true')
    .option('--no-cache', 'Make everything again: use no cache, and write every file of the output afresh')
    .option('--low-memory', 'Use less memory, for more time: collect garbage sooner still (for a very large site or a small machine)')
    .action((options: { content: string; out: string; baseUrl?: string; drafts?: boolean; cache?: boolean; lowMemory?: boolean }) => {
      action = async () => {
        if (options.lowMemory && !inLowMemoryProcess) return await inLowMemory(argv)
        const content = stringOption(argv, '--content', options.content)
        const out = stringOption(argv, '--out', options.out)
        const rawBase = stringOption(argv, '--base-url', options.baseUrl)
        const baseUrl = rawBase === undefined ? undefined : checkUrl(rawBase)
        const buildOptions = { contentDir: content, outDir: out, ...(baseUrl ? { baseUrl } : {}), ...(options.drafts ? { drafts: true } : {}), ...(options.cache === false ? { cache: false } : {}) }
        // Whether anything changed is known before the build pipeline is loaded (which takes longer).
        const { buildUnlessUpToDate } = await import('./up-to-date.js')
        const result = await buildUnlessUpToDate(buildOptions)
        await report(result.problems, io)
        if (!result.ok) {
          io.err(pc.red(`Build failed: ${count(result.problems, 'error')}; ${out} was left as it was.`))
          return exitCodes.problems
        }
        const mode = inLowMemoryProcess ? ' (low memory)' : ''
        io.out(result.upToDate ? `${pc.green('Up to date:')} nothing changed since the last build of ${out} (${result.pages} pages), checked in ${formatMs(result.ms)}${warnings(result)}` : `${pc.green('Built')} ${result.pages} pages (${result.files} files) into ${out} in ${formatMs(result.ms)}${mode}${result.reused ? `, ${result.reused} of them unchanged and kept` : ''}${warnings(result)}`)
        if (result.swept && result.swept.files > 0) {
          const { cacheMaxAge } = await import('./cache.js')
          io.out(`Removed ${result.swept.files} files unused for ${Math.round(cacheMaxAge / 86_400_000)} days from the cache (${formatBytes(result.swept.bytes)}).`)
        }
        return exitCodes.ok
      }
    })

  cli
    .command('check', 'Validate the content as a build would, without writing')
    .option('--content <dir>', 'Content folder', { default: 'content' })
    .option('--drafts', 'Include papers marked draft: true')
    .option('--format <format>', 'Output format: text or json', { default: 'text' })
    .action((options: { content: string; drafts?: boolean; format: string }) => {
      action = async () => {
        if (options.format !== 'text' && options.format !== 'json') throw new UsageError(`--format must be text or json, not ${options.format}`)
        const { build } = await import('./build.js')
        const result = await build({ contentDir: stringOption(argv, '--content', options.content), dryRun: true, ...(options.drafts ? { drafts: true } : {}) })
        if (options.format === 'json') {
          io.out(JSON.stringify({ ok: result.ok, problems: result.problems }, null, 2))
        } else {
          await report(result.problems, io)
          io.out(result.ok ? `${pc.green('No errors')} in ${formatMs(result.ms)}${warnings(result)}` : pc.red(`Found ${countProblems(result.problems)} in ${formatMs(result.ms)}`))
        }
        return result.ok ? exitCodes.ok : exitCodes.problems
      }
    })

  cli
    .command('dev', 'Serve the site on 127.0.0.1, rebuild on every change and reload open pages')
    .option('--content <dir>', 'Content folder', { default: 'content' })
    .option('--port <n>', 'Port (default: a free one)')
    .option('--drafts', 'Include papers marked draft: true, with a Draft marker (the default)')
    .option('--no-drafts', 'Leave drafts out, as a build does')
    .action((options: { content: string; port?: unknown; drafts: boolean }) => {
      action = () => dev({ content: stringOption(argv, '--content', options.content), port: checkPort(options.port), drafts: options.drafts !== false }, io)
    })

  cli
    .command('new <...title>', 'Create a paper file for today (or --date) in its month folder')
    .option('--arxiv <id>', 'arXiv id, such as 2007.10412')
    .option('--date <YYYY-MM-DD>', 'Day the card is published (default: today, UTC)')
    .option('--slug <slug>', 'File name without .md (default: made from the title)')
    .option('--content <dir>', 'Content folder', { default: 'content' })
    .action((title: string[], options: { content: string; arxiv?: unknown; date?: unknown; slug?: unknown }) => {
      action = async () => {
        const arxiv = stringOption(argv, '--arxiv', options.arxiv)
        const date = stringOption(argv, '--date', options.date)
        const slug = stringOption(argv, '--slug', options.slug)
        // Loaded on demand, like every command's modules: `--help` and `--version` stay fast.
        const { NewPaperError, newPaper } = await import('./new.js')
        try {
          const result = await newPaper({
            title: title.join(' '),
            contentDir: stringOption(argv, '--content', options.content),
            ...(arxiv === undefined ? {} : { arxiv }),
            ...(date === undefined ? {} : { date }),
            ...(slug === undefined ? {} : { slug })
          })
          for (const file of result.created) io.out(`${pc.green('Created')} ${file}`)
          io.out(`It is a draft: fill in the TODO fields, preview with \`collage dev\`, and remove \`draft: true\` when it is ready.`)
          return exitCodes.ok
        } catch (error) {
          if (!(error instanceof NewPaperError)) throw error
          if (error.kind === 'usage') throw new UsageError(error.message)
          io.err(`${pc.red('error:')} ${error.message}`)
          return exitCodes.problems
        }
      }
    })

  cli.help()
  cli.version(version)

  try {
    const parsed = cli.parse(['node', 'collage', ...argv], { run: false })
    if (parsed.options.help || parsed.options.version) return exitCodes.ok
    if (!cli.matchedCommand) {
      if (cli.args.length > 0) throw new UsageError(`Unknown command \`${cli.args[0]}\``)
      cli.outputHelp()
      return exitCodes.usage
    }
    await cli.runMatchedCommand()
    if (!action) return exitCodes.usage
    return await action()
  } catch (error) {
    if (error instanceof UsageError || (error as Error).name === 'CACError') {
      io.err(`${pc.red('error:')} ${(error as Error).message}`)
      io.err('Run `collage --help` for usage.')
      return exitCodes.usage
    }
    io.err(`${pc.red('internal error:')} ${(error as Error).stack ?? String(error)}`)
    io.err('This is a bug in collage, not in your content.')
    return 70
  }
}

function checkUrl(value: string): string {
  try {
    const url = new URL(value)
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href
  } catch {
    // Reported below.
  }
  throw new UsageError(`--base-url must be an absolute http(s) URL, such as https://example.org/digest/; got ${JSON.stringify(value)}`)
}

async function report(problems: readonly Problem[], io: Io, sources?: ReadonlyMap<string, string>): Promise<void> {
  if (problems.length === 0) return
  const text = formatReport(problems, { color: pc.isColorSupported, sources: sources ?? (await readSources(problems, process.cwd())) })
  io.err(text + '\n')
}

/**
 * The value of a string option exactly as typed: the argument parser turns `2007.10410` into the
 * number 2007.1041, which is wrong for identifiers, dates and folder names.
 */
function stringOption(argv: readonly string[], name: string, parsed: unknown): string
function stringOption(argv: readonly string[], name: string, parsed: unknown): string | undefined
function stringOption(argv: readonly string[], name: string, parsed: unknown): string | undefined {
  let raw: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg === name && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) raw = argv[i + 1]
    else if (arg.startsWith(`${name}=`)) raw = arg.slice(name.length + 1)
  }
  if (raw !== undefined) return raw
  if (parsed === undefined) return undefined
  if (Array.isArray(parsed) || typeof parsed === 'boolean') throw new UsageError(`${name} takes one value`)
  return String(parsed)
}

function checkPort(value: unknown): number {
  if (value === undefined) return 0
  const n = typeof value === 'number' ? value : Number.NaN
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(value)}`)
  return n
}

/** Run the dev server until SIGINT or SIGTERM. */
async function dev(options: { content: string; port: number; drafts: boolean }, io: Io): Promise<number> {
  const { startDevServer } = await import('./dev/server.js')
  let server: DevServer
  try {
    server = await startDevServer({ contentDir: options.content, port: options.port, drafts: options.drafts })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(code === 'EADDRINUSE' ? `port ${options.port} is in use: pick another with --port, or leave it out for a free one` : `port ${options.port} needs more privileges: pick one above 1023`)
    }
    throw error
  }
  const onEvent = async (event: DevEvent): Promise<void> => {
    if (event.type === 'error') {
      io.err(`${pc.red('internal error:')} ${event.error.stack ?? String(event.error)}`)
      return
    }
    const time = pc.dim(new Date().toTimeString().slice(0, 8))
    const what = event.initial ? 'Built' : `${event.changed.slice(0, 3).join(', ')}${event.changed.length > 3 ? ` and ${event.changed.length - 3} more` : ''}${event.changed.length > 0 ? ' changed: rebuilt' : 'Rebuilt'}`
    await report(event.problems, io, event.sources)
    if (!event.ok) {
      io.err(`${time} ${pc.red(`Build failed: ${count(event.problems, 'error')}`)} in ${formatMs(event.ms)}; ${event.initial ? 'the pages show the errors until they are fixed' : 'still serving the last good build'}.`)
      return
    }
    const reloaded = event.initial ? '' : event.updated.length === 0 ? ', no file changed' : `, ${event.updated.length} file${event.updated.length === 1 ? '' : 's'} updated`
    const n = event.problems.length
    io.out(`${time} ${pc.green(what)} ${event.pages} pages in ${formatMs(event.ms)}${reloaded}${n > 0 ? `, ${countProblems(event.problems)}` : ''}`)
  }
  // Reports are printed in order, one at a time.
  let printing = Promise.resolve()
  const stopListening = server.onEvent((event) => {
    printing = printing.then(() => onEvent(event))
  })
  io.out(`${pc.bold('collage dev')} serving ${pc.cyan(server.url)} ${pc.dim(`(drafts ${options.drafts ? 'shown' : 'hidden'}; Ctrl+C to stop)`)}`)
  await onEvent(server.initial)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  stopListening()
  await server.close()
  await printing
  io.out('Stopped.')
  return exitCodes.ok
}

function count(problems: readonly Problem[], severity: Problem['severity']): string {
  const n = problems.filter((p) => p.severity === severity).length
  return `${n} ${severity}${n === 1 ? '' : 's'}`
}

function warnings(result: BuildResult): string {
  const n = result.problems.filter((p) => p.severity === 'warning').length
  return n > 0 ? `, ${n} warning${n === 1 ? '' : 's'}` : ''
}

function formatBytes(bytes: number): string {
  return bytes < 1e6 ? `${Math.round(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
