import matter from 'gray-matter'
import { parseYaml, type ParsedYaml } from '../yaml.js'

/** A Markdown file split into front matter and body. */
export interface Split {
  yaml: ParsedYaml
  /** Body padded with blank lines, so that body positions are lines of the file. */
  body: string
}

/** A problem found while splitting, with a file place. */
export interface SplitProblem {
  line: number
  column: number
  message: string
  ruleId: string
}

const refuseEngine = (): never => {
  throw new Error('Only YAML front matter is allowed')
}

// Every engine but YAML is replaced: gray-matter would otherwise evaluate `---js` front matter
// (and `js: false` alone does not stop it, since `js` is an alias of `javascript`).
const grayMatterOptions = {
  engines: {
    yaml: () => ({}),
    javascript: refuseEngine,
    js: refuseEngine,
    coffee: refuseEngine,
    coffeescript: refuseEngine,
    cson: refuseEngine,
    json: refuseEngine,
    toml: refuseEngine
  }
} as const

/**
 * Split a decoded file into YAML front matter and body.
 *
 * The front matter must open on line 1 with a bare `---` and close with `---`.
 *
 * @param text the file's text (LF line endings, no BOM)
 */
export function splitFrontMatter(text: string): { split?: Split; problems: SplitProblem[] } {
  const problems: SplitProblem[] = []
  const opening = /^---([^\n]*)\n/.exec(text)
  if (!opening) {
    const later = /^(\s*\n)*---[ \t]*$/m.exec(text)
    if (later && text.slice(0, later.index).trim() === '') {
      const line = text.slice(0, later.index + later[0].indexOf('-')).split('\n').length
      problems.push({ line, column: 1, message: 'Front matter must start on line 1: remove the blank lines before `---`', ruleId: 'front-matter-not-at-start' })
    } else {
      problems.push({ line: 1, column: 1, message: 'File has no front matter: start it with `---`, the fields, and `---`', ruleId: 'missing-front-matter' })
    }
    return { problems }
  }
  const lang = (opening[1] ?? '').trim()
  if (lang !== '' && lang !== 'yaml') {
    problems.push({ line: 1, column: 4, message: `Front matter must be YAML; \`---${lang}\` is not allowed`, ruleId: 'front-matter-language' })
    return { problems }
  }
  const closing = /^---[ \t]*$/m
  const rest = text.slice(opening[0].length)
  const close = closing.exec(rest)
  if (!close) {
    problems.push({ line: 1, column: 1, message: 'Front matter is not closed: add a line `---` after the fields', ruleId: 'unclosed-front-matter' })
    return { problems }
  }
  let result
  try {
    result = matter(lang === '' ? text : text.replace(/^---yaml/, '---'), grayMatterOptions)
  } catch (error) {
    problems.push({ line: 1, column: 1, message: String((error as Error).message), ruleId: 'front-matter-language' })
    return { problems }
  }
  // gray-matter keeps the newline after `---` in `matter`, so YAML lines are already file lines.
  const yaml = parseYaml(result.matter)
  const content = result.content
  const head = text.endsWith(content) ? text.slice(0, text.length - content.length) : text.slice(0, opening[0].length + close.index + close[0].length)
  const body = head.replace(/[^\n]/g, '') + content
  return { split: { yaml, body }, problems }
}
