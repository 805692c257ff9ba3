import type { Problem, Severity } from './types.js'

/**
 * Collects the problems of one build, so that all of them can be reported at once.
 */
export class ProblemList {
  readonly items: Problem[] = []

  /**
   * Record a problem.
   *
   * @param file path shown to the author
   * @param line 1-based line (0 or less becomes 1)
   * @param column 1-based column (0 or less becomes 1)
   */
  add(file: string, line: number, column: number, message: string, ruleId: string, severity: Severity = 'error'): void {
    this.items.push({ file, line: Math.max(1, line), column: Math.max(1, column), message, ruleId, severity })
  }

  /** Add every problem of another list. */
  addAll(problems: readonly Problem[]): void {
    for (const p of problems) this.items.push(p)
  }

  get errorCount(): number {
    return this.items.filter((p) => p.severity === 'error').length
  }

  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error')
  }
}

/** Sort problems by file, then position, so that output does not depend on file order. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  )
}

/** Format one problem as `path:line:col: message (rule-id)`, warnings marked as such. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message} (${p.ruleId})`
}
