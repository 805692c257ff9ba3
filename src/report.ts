import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import pc from 'picocolors'
import { formatProblem } from './problems.js'
import type { Problem, Severity } from './types.js'

/** One line of a code frame. */
export interface FrameLine {
  /** 1-based line number in the file. */
  number: number
  /** The line's text, made safe to print: control characters replaced, long lines cut around the column. */
  text: string
  /** True for the line the problem is on. */
  marked: boolean
  /** On the marked line: 0-based offset of the caret in `text`. */
  caret?: number
}

/** Widest piece of a long line a frame shows. */
const maxFrameWidth = 120

/**
 * The lines around a place in a file: the line itself with a caret under the column, and
 * `context` lines before and after.
 *
 * @param source the file's text
 * @param line 1-based line
 * @param column 1-based column
 * @returns no lines when the place is outside the file
 */
export function codeFrame(source: string, line: number, column: number, context = 1): FrameLine[] {
  const lines = source.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  if (line < 1 || line > lines.length) return []
  const out: FrameLine[] = []
  for (let n = Math.max(1, line - context); n <= Math.min(lines.length, line + context); n++) {
    const raw = lines[n - 1] ?? ''
    if (n !== line) {
      out.push({ number: n, text: clip(printable(raw), 0).text, marked: false })
      continue
    }
    const at = Math.min(Math.max(column, 1), raw.length + 1) - 1
    const clipped = clip(printable(raw), at)
    out.push({ number: n, text: clipped.text, marked: true, caret: clipped.caret })
  }
  // A trailing empty line after the last newline adds nothing to look at.
  while (out.length > 1 && !out.at(-1)!.marked && out.at(-1)!.text === '') out.pop()
  return out
}

/** Replace control characters (escape sequences included) so text cannot drive a terminal; a tab becomes one space to keep columns. */
export function printable(text: string): string {
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')
}

function clip(text: string, at: number): { text: string; caret: number } {
  if (text.length <= maxFrameWidth) return { text, caret: at }
  const start = Math.max(0, Math.min(at - 40, text.length - maxFrameWidth))
  const end = start + maxFrameWidth
  const head = start > 0 ? '…' : ''
  return { text: head + text.slice(start, end) + (end < text.length ? '…' : ''), caret: at - start + head.length }
}

/** Options of {@link formatReport}. */
export interface ReportOptions {
  /** Use ANSI colours. Default: false. */
  color?: boolean
  /** Text of the files the problems name, by the problem's `file`; files missing here get no frame. */
  sources?: ReadonlyMap<string, string>
  /** Lines of context above and below the problem's line. Default: 1. */
  context?: number
}

/**
 * Format problems for a terminal: grouped by file, each problem's first line the exact
 * `path:line:col: message (rule-id)`, then a code frame with a caret under the column.
 *
 * Pure: the same problems and sources give the same text.
 *
 * @returns the report, without a trailing newline; empty when there are no problems
 */
export function formatReport(problems: readonly Problem[], options: ReportOptions = {}): string {
  const c = pc.createColors(options.color ?? false)
  const groups = new Map<string, Problem[]>()
  for (const p of problems) {
    const list = groups.get(p.file) ?? []
    list.push(p)
    groups.set(p.file, list)
  }
  const blocks: string[] = []
  for (const [file, list] of groups) {
    const lines: string[] = [c.bold(c.underline(printable(file))) + c.dim(` (${countProblems(list)})`)]
    for (const [i, p] of list.entries()) {
      if (i > 0 && options.sources?.has(file)) lines.push('')
      const paint = p.severity === 'error' ? c.red : c.yellow
      lines.push(paint(printable(formatProblem(p))))
      const source = options.sources?.get(p.file)
      const frame = source === undefined ? [] : codeFrame(source, p.line, p.column, options.context ?? 1)
      if (frame.length === 0) continue
      const width = String(frame.at(-1)!.number).length
      for (const f of frame) {
        const gutter = `${f.marked ? '>' : ' '} ${String(f.number).padStart(width)} | `
        lines.push((f.marked ? c.bold(gutter) : c.dim(gutter)) + f.text)
        if (f.marked && f.caret !== undefined) lines.push(c.dim(`  ${' '.repeat(width)} | `) + ' '.repeat(f.caret) + paint('^'))
      }
    }
    blocks.push(lines.join('\n'))
  }
  return blocks.join('\n\n')
}

/** `2 errors, 1 warning`; `0 errors` when there are none. */
export function countProblems(problems: readonly Problem[]): string {
  const parts = [plural(problems, 'error')]
  if (problems.some((p) => p.severity === 'warning')) parts.push(plural(problems, 'warning'))
  return parts.join(', ')
}

function plural(problems: readonly Problem[], severity: Severity): string {
  const n = problems.filter((p) => p.severity === severity).length
  return `${n} ${severity}${n === 1 ? '' : 's'}`
}

/** Largest file {@link readSources} reads for a code frame. */
const maxSourceBytes = 1024 * 1024

/**
 * Read the files problems name, for code frames. Files that cannot be read, are not regular files,
 * or are too large are left out.
 *
 * @param problems problems whose `file` is relative to `cwd` (or absolute)
 * @param cwd the folder the build ran in
 */
export async function readSources(problems: readonly Problem[], cwd: string): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const file of new Set(problems.map((p) => p.file))) {
    const abs = path.resolve(cwd, file)
    try {
      const s = await stat(abs)
      if (!s.isFile() || s.size > maxSourceBytes) continue
      out.set(file, await readFile(abs, 'utf8'))
    } catch {
      // No frame for this file.
    }
  }
  return out
}
