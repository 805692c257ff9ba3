import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { Problem } from './types.js'
import { describeIssues } from './validate.js'
import { parseYaml } from './yaml.js'

/** What an author writes in `content/site.yaml`. Every field is optional. */
export interface Options {
  /** Site title. Default: `Collage`. */
  title?: string
  /** One-line description, for the home page and feeds. Default: empty. */
  description?: string
  /** Absolute URL the site is served from, may carry a path prefix. Default: `http://localhost/`. */
  baseUrl?: string
  /** BCP 47 language tag of the pages. Default: `en`. */
  language?: string
  /** Site author, for feeds and meta tags. Default: empty. */
  author?: string
  math?: {
    /** KaTeX macros available in every file, such as `\R: \mathbb{R}`. Default: none. */
    macros?: Record<string, string>
  }
  /** Word budget of a card's summary; the build warns past it. Default: 150. */
  summaryWords?: number
}

/** Resolved settings. */
export interface Config {
  title: string
  description: string
  /** Always ends with `/`. */
  baseUrl: string
  /** Path part of `baseUrl`, always starting and ending with `/`. */
  basePath: string
  language: string
  author: string
  macros: Readonly<Record<string, string>>
  summaryWords: number
}

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}, 'must be an absolute http(s) URL, such as https://example.org/digest/')

const macroName = /^\\[A-Za-z]+$|^\\.$/

const schema = z.strictObject({
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  baseUrl: httpUrl.optional(),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as `en` or `en-GB`').optional(),
  author: z.string().optional(),
  math: z
    .strictObject({
      macros: z
        .record(z.string().regex(macroName, 'a macro name is a backslash and a name, such as `\\R`'), z.string().max(1000))
        .optional()
    })
    .optional(),
  summaryWords: z.number().int().positive().optional()
})

const knownKeys = { '': Object.keys(schema.shape), math: ['macros'] }

/** Defaults for every setting. */
export const defaultConfig: Readonly<Config> = Object.freeze({
  title: 'Collage',
  description: '',
  baseUrl: 'http://localhost/',
  basePath: '/',
  language: 'en',
  author: '',
  macros: Object.freeze({}),
  summaryWords: 150
})

/**
 * Resolve options into a config: fill defaults and normalise the base URL.
 *
 * @param options what the author wrote
 * @param overrides values given on the command line, which win
 */
export function resolveConfig(options: Options, overrides: { baseUrl?: string } = {}): Config {
  const rawBase = overrides.baseUrl ?? options.baseUrl ?? defaultConfig.baseUrl
  const url = new URL(rawBase)
  url.search = ''
  url.hash = ''
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return {
    title: options.title ?? defaultConfig.title,
    description: options.description ?? defaultConfig.description,
    baseUrl: url.href,
    basePath: url.pathname,
    language: options.language ?? defaultConfig.language,
    author: options.author ?? defaultConfig.author,
    macros: Object.freeze({ ...(options.math?.macros ?? {}) }),
    summaryWords: options.summaryWords ?? defaultConfig.summaryWords
  }
}

/**
 * Read and validate `site.yaml` in a content folder. A missing file means all defaults.
 *
 * @param contentDir the content folder
 * @param displayPath how to name the file in messages
 */
export async function loadConfig(
  contentDir: string,
  displayPath: string,
  overrides: { baseUrl?: string } = {}
): Promise<{ config: Config; problems: Problem[] }> {
  const file = path.join(contentDir, 'site.yaml')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: resolveConfig({}, overrides), problems: [] }
    throw error
  }
  const problems: Problem[] = []
  const parsed = parseYaml(text.replace(/^\uFEFF/, ''))
  for (const e of parsed.errors) problems.push({ file: displayPath, line: e.line, column: e.column, message: e.message, ruleId: e.ruleId, severity: 'error' })
  if (problems.length > 0) return { config: resolveConfig({}, overrides), problems }
  const result = schema.safeParse(parsed.data ?? {})
  if (!result.success) {
    for (const issue of describeIssues(result.error, knownKeys, parsed.data ?? {})) {
      const place = parsed.placeOf(issue.path, issue.atKey)
      problems.push({ file: displayPath, ...place, message: issue.message, ruleId: issue.ruleId.replace(/^invalid-/, 'invalid-setting-'), severity: 'error' })
    }
    return { config: resolveConfig({}, overrides), problems }
  }
  return { config: resolveConfig(result.data as Options, overrides), problems }
}
