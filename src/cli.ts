import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cac } from 'cac'
import pc from 'picocolors'
import { build, type BuildResult } from './build.js'
import { formatProblem } from './problems.js'
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
 * Run the command line. The only place that prints or decides the exit code.
 *
 * @param argv arguments after the program name
 * @returns the exit code
 */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const cli = cac('collage')
  let action: (() => Promise<number>) | undefined

  cli
    .command('build', 'Build the site into the output folder')
    .option('--content <dir>', 'Content folder', { default: 'content' })
    .option('--out <dir>', 'Output folder', { default: 'dist' })
    .option('--base-url <url>', 'Absolute URL the site is served from (overrides site.yaml)')
    .option('--drafts', 'Include papers marked draft: true')
    .action((options: { content: string; out: string; baseUrl?: string; drafts?: boolean }) => {
      action = async () => {
        const baseUrl = options.baseUrl === undefined ? undefined : checkUrl(String(options.baseUrl))
        const result = await build({ contentDir: String(options.content), outDir: String(options.out), ...(baseUrl ? { baseUrl } : {}), ...(options.drafts ? { drafts: true } : {}) })
        report(result.problems, io)
        if (!result.ok) {
          io.err(pc.red(`Build failed: ${count(result.problems, 'error')}; ${options.out} was left as it was.`))
          return exitCodes.problems
        }
        io.out(`${pc.green('Built')} ${result.pages} pages (${result.files} files) into ${options.out} in ${formatMs(result.ms)}${warnings(result)}`)
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
        const result = await build({ contentDir: String(options.content), dryRun: true, ...(options.drafts ? { drafts: true } : {}) })
        if (options.format === 'json') {
          io.out(JSON.stringify({ ok: result.ok, problems: result.problems }, null, 2))
        } else {
          report(result.problems, io)
          io.out(result.ok ? `${pc.green('No errors')} in ${formatMs(result.ms)}${warnings(result)}` : pc.red(`Found ${count(result.problems, 'error')}`))
        }
        return result.ok ? exitCodes.ok : exitCodes.problems
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

function report(problems: readonly Problem[], io: Io): void {
  for (const p of problems) {
    const line = formatProblem(p)
    io.err(p.severity === 'error' ? pc.red(line) : pc.yellow(line))
  }
}

function count(problems: readonly Problem[], severity: Problem['severity']): string {
  const n = problems.filter((p) => p.severity === severity).length
  return `${n} ${severity}${n === 1 ? '' : 's'}`
}

function warnings(result: BuildResult): string {
  const n = result.problems.filter((p) => p.severity === 'warning').length
  return n > 0 ? `, ${n} warning${n === 1 ? '' : 's'}` : ''
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`
}
