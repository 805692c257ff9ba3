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
  /** BCP 47 language tag of the pages of a single-language site. Default: `en`. Same as `languages: [language]`. */
  language?: string
  /**
   * Languages the site is published in, BCP 47 tags, the default first: the default language's
   * pages are at `/`, each other language's under `/<tag>/`. Default: `[language]`. When both are
   * given, `language` must be the first of `languages`.
   */
  languages?: string[]
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
  /** The default language: the first of `languages`. */
  language: string
  /** Every language of the site, the default first; canonical BCP 47 tags without duplicates. */
  languages: readonly string[]
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

const languageTag = z.string().refine((tag) => {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) return false
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}, 'must be a BCP 47 language tag such as `en` or `en-GB`')

const schema = z.strictObject({
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  baseUrl: httpUrl.optional(),
  language: languageTag.optional(),
  languages: z.array(languageTag, { error: 'must be a list of language tags such as [en, ru]' }).min(1, 'must list at least one language').optional(),
  author: z.string().optional(),
  math: z
    .strictObject({
      macros: z
        .record(z.string().regex(macroName, 'a macro name is a backslash and a name, such as `\\R`'), z.string().max(1000))
        .optional()
    })
    .optional(),
  summaryWords: z.number().int().positive().optional()
}).superRefine((data, ctx) => {
  const seen = new Set<string>()
  data.languages?.forEach((tag, i) => {
    const key = canonicalTag(tag).toLowerCase()
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['languages', i], message: `\`${tag}\` is listed twice`, params: { ruleId: 'duplicate-language' } })
    seen.add(key)
  })
  const first = data.languages?.[0]
  if (data.language !== undefined && first !== undefined && canonicalTag(data.language).toLowerCase() !== canonicalTag(first).toLowerCase()) {
    ctx.addIssue({
      code: 'custom',
      path: ['language'],
      message: `is \`${data.language}\` but the first of \`languages\` (the default language) is \`${first}\`: write only \`languages\`, or make them agree`,
      params: { ruleId: 'invalid-language' }
    })
  }
})

const knownKeys = { '': Object.keys(schema.shape), math: ['macros'] }

/** A language tag in its canonical form (`EN-gb` → `en-GB`); as written when it is not a valid tag. */
export function canonicalTag(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag
  } catch {
    return tag
  }
}

/**
 * Path prefix of a language's pages: `/` for the default language, `/<tag>/` (lower case) for the
 * others, such as `/ru/` or `/pt-br/`. Without the base path.
 *
 * @param config resolved settings
 * @param language one of `config.languages`
 */
export function languagePrefix(config: Pick<Config, 'language'>, language: string): string {
  return language === config.language ? '/' : `/${language.toLowerCase()}/`
}

/** Defaults for every setting. */
export const defaultConfig: Readonly<Config> = Object.freeze({
  title: 'Collage',
  description: '',
  baseUrl: 'http://localhost/',
  basePath: '/',
  language: 'en',
  languages: Object.freeze(['en']),
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
  const languages = (options.languages ?? [options.language ?? defaultConfig.language]).map(canonicalTag)
  return {
    title: options.title ?? defaultConfig.title,
    description: options.description ?? defaultConfig.description,
    baseUrl: url.href,
    basePath: url.pathname,
    language: languages[0]!,
    languages: Object.freeze(languages),
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
