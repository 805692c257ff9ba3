import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { ownStrings } from './strings.js'

/** A YAML mapping parsed with the place of every key and value kept. */
export interface ParsedYaml {
  /** Plain data (no `Date`s, no custom tags, no prototype keys). */
  data: unknown
  /**
   * Place of a key path such as `links.code` or `authors.2`: 1-based line and column of the value
   * (or of the key, when `key` is true). Falls back to the nearest known ancestor.
   */
  placeOf(path: string, key?: boolean): { line: number; column: number }
  /** Syntax problems, with 1-based places relative to the start of the YAML text. */
  errors: Array<{ line: number; column: number; message: string; ruleId: string }>
}

/** Largest front matter or settings file accepted, in characters. */
export const maxYamlLength = 64 * 1024

/**
 * Parse YAML strictly: YAML 1.2 core schema (dates stay strings), duplicate keys are errors,
 * no custom tags, a small alias budget.
 *
 * @param text the YAML source
 */
export function parseYaml(text: string): ParsedYaml {
  const errors: ParsedYaml['errors'] = []
  const counter = new LineCounter()
  if (text.length > maxYamlLength) {
    return {
      data: undefined,
      placeOf: () => ({ line: 1, column: 1 }),
      errors: [{ line: 1, column: 1, message: `YAML block is ${text.length} characters long; the limit is ${maxYamlLength}`, ruleId: 'yaml-too-large' }]
    }
  }
  const doc = parseDocument(text, { lineCounter: counter, schema: 'core', uniqueKeys: true, prettyErrors: false, strict: true, customTags: [] })
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = counter.linePos(e.pos[0])
    const rule = e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : e.code === 'TAG_RESOLVE_FAILED' ? 'yaml-tag' : 'yaml-syntax'
    errors.push({ line: pos.line, column: pos.col, message: firstLine(e.message), ruleId: rule })
  }
  let data: unknown
  if (errors.length === 0) {
    walkForTags(doc.contents, counter, errors)
    if (errors.length === 0) {
      try {
        // Strings of their own: the file's text can go once its records are made.
        data = ownStrings(doc.toJS({ maxAliasCount: 50 }) as unknown)
      } catch (error) {
        errors.push({ line: 1, column: 1, message: firstLine(String((error as Error).message)), ruleId: 'yaml-alias' })
      }
    }
  }
  const placeOf = (path: string, key = false): { line: number; column: number } => {
    let node: unknown = doc.contents
    let best = { line: 1, column: 1 }
    if (node && typeof node === 'object' && 'range' in node) best = at(counter, (node as YamlNode).range?.[0] ?? 0)
    for (const part of path === '' ? [] : path.split('.')) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === part)
        if (!pair) return best
        const keyNode = pair.key as YamlNode
        best = at(counter, keyNode.range?.[0] ?? 0)
        node = pair.value
        if (!key && node && typeof node === 'object' && 'range' in node) best = at(counter, (node as YamlNode).range?.[0] ?? 0)
      } else if (isSeq(node)) {
        const item = node.items[Number(part)]
        if (!item) return best
        node = item
        best = at(counter, (item as YamlNode).range?.[0] ?? 0)
      } else {
        return best
      }
    }
    return best
  }
  return { data, placeOf, errors }
}

function at(counter: LineCounter, offset: number): { line: number; column: number } {
  const pos = counter.linePos(offset)
  return { line: pos.line, column: pos.col }
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

/** Keys that would reach an object's prototype in careless code. */
const reservedKeys = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Explicit tags (`!!js/function`, `!foo`) have no place in content, and neither have keys such as
 * `__proto__`: report both.
 */
function walkForTags(node: unknown, counter: LineCounter, errors: ParsedYaml['errors']): void {
  if (!node || typeof node !== 'object') return
  const n = node as YamlNode & { tag?: string }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && reservedKeys.has(String(pair.key.value))) {
        const pos = at(counter, (pair.key as YamlNode).range?.[0] ?? 0)
        errors.push({ ...pos, message: `Key \`${String(pair.key.value)}\` is reserved`, ruleId: 'reserved-key' })
      }
    }
  }
  if (n.tag && !/^tag:yaml\.org,2002:(str|int|float|bool|null|seq|map)$/.test(n.tag)) {
    const pos = at(counter, n.range?.[0] ?? 0)
    errors.push({ ...pos, message: `YAML tag \`${n.tag}\` is not allowed`, ruleId: 'yaml-tag' })
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      walkForTags(pair.key, counter, errors)
      walkForTags(pair.value, counter, errors)
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walkForTags(item, counter, errors)
  }
}
