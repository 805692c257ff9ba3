import type { z } from 'zod'

/** One schema problem, located by its key path. */
export interface SchemaIssue {
  /** Dotted key path, such as `links.code`. */
  path: string
  message: string
  ruleId: string
  /** Whether the place is the key itself (unknown keys) rather than the value. */
  atKey: boolean
}

/**
 * Turn zod issues into author-facing messages with rule ids.
 *
 * @param error the zod error
 * @param known the keys allowed at each object path, for "did you mean" hints
 * @param data the validated input, to tell a missing field from a wrong one
 */
export function describeIssues(error: z.ZodError, known: Record<string, readonly string[]>, data: unknown): SchemaIssue[] {
  const out: SchemaIssue[] = []
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const candidates = known[base] ?? []
        const guess = closest(key, candidates)
        const where = base ? ` in \`${base}\`` : ''
        out.push({
          path: base ? `${base}.${key}` : key,
          message: `Unknown key \`${key}\`${where}${guess ? `; did you mean \`${guess}\`?` : `; allowed: ${candidates.join(', ')}`}`,
          ruleId: 'unknown-key',
          atKey: true
        })
      }
      continue
    }
    const missing = issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined
    const field = base || 'front matter'
    if (missing) {
      out.push({ path: base, message: `Missing required field \`${field}\``, ruleId: `missing-${kebab(String(issue.path.at(-1) ?? 'field'))}`, atKey: true })
    } else {
      out.push({ path: base, message: `\`${field}\`: ${issue.message}`, ruleId: issue.code === 'custom' && (issue as { params?: { ruleId?: string } }).params?.ruleId ? String((issue as { params?: { ruleId?: string } }).params?.ruleId) : `invalid-${kebab(String(issue.path.find((p) => typeof p === 'string') ?? 'value'))}`, atKey: false })
    }
  }
  return out
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let node = data
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  return node
}

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()
}

/** The candidate nearest to `word` by edit distance, if it is near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = c
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = current
    }
  }
  return row[b.length]!
}
