import { z } from 'zod'

/** Schemes a link in content may use. */
export const allowedLinkProtocols = ['http:', 'https:'] as const

const url = z.string().refine((value) => {
  try {
    return (allowedLinkProtocols as readonly string[]).includes(new URL(value).protocol)
  } catch {
    return false
  }
}, 'must be an absolute http(s) URL')

const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? undefined : `must be ${what} (write it in quotes if YAML reads it as something else)`) }).trim()

function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/** Front matter of a paper file. */
export const paperSchema = z.strictObject({
  title: text('text').min(1, 'must not be empty').max(300, 'is longer than 300 characters'),
  authors: z.array(text('a name').min(1, 'must not be empty'), { error: 'must be a list of names' }).min(1, 'must list at least one author'),
  year: z.int({ error: 'must be a year such as 2021' }).min(1900, 'must be a year such as 2021').max(2100, 'must be a year such as 2021'),
  date: z.string({ error: 'must be a date written YYYY-MM-DD' }).refine(isRealDate, 'must be a real date written YYYY-MM-DD'),
  venue: text('text').min(1).optional(),
  arxiv: text('an arXiv id such as "2007.10412"')
    .regex(/^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})(v\d+)?$/, 'must be an arXiv id such as "2007.10412"')
    .optional(),
  doi: text('a DOI such as "10.1038/s41467-021-26751-5"')
    .regex(/^10\.\d{4,9}\/\S+$/, 'must be a DOI such as "10.1038/s41467-021-26751-5"')
    .optional(),
  links: z.strictObject({ paper: url.optional(), code: url.optional(), discussion: url.optional() }).optional(),
  tags: z.array(text('a tag').regex(/^[\p{L}\p{N}][\p{L}\p{N}-]*$/u, 'a tag is letters, digits and dashes')).max(20).optional(),
  takeaway: text('text').min(1, 'must not be empty').max(600, 'is longer than 600 characters'),
  figure: z.strictObject({ src: text('a file path').min(1), alt: text('text').min(1, 'alt text must not be empty') }).optional(),
  draft: z.boolean({ error: 'must be true or false' }).optional()
})

/** Front matter of a month's `index.md`. */
export const monthSchema = z.strictObject({
  title: text('text').min(1).max(200).optional(),
  summary: text('text').max(300).optional(),
  outro: text('Markdown text').optional()
})

/** Allowed keys by object path, for "did you mean" hints. */
export const paperKeys = { '': Object.keys(paperSchema.shape), links: ['paper', 'code', 'discussion'], figure: ['src', 'alt'] }
export const monthKeys = { '': Object.keys(monthSchema.shape) }

export type PaperFrontMatter = z.infer<typeof paperSchema>
export type MonthFrontMatter = z.infer<typeof monthSchema>

/**
 * Front matter of a paper's translation (`<slug>.<lang>.md`): the text a reader sees, nothing
 * else; every other field comes from the original. The summary is the file's body.
 */
export const paperTranslationSchema = z.strictObject({
  title: paperSchema.shape.title,
  takeaway: paperSchema.shape.takeaway,
  figure: z.strictObject({ alt: text('text').min(1, 'alt text must not be empty') }).optional()
})

/** Front matter of a month's translation (`index.<lang>.md`): the same fields as the original. */
export const monthTranslationSchema = monthSchema

/** Keys a translation may set, by object path. */
export const paperTranslationKeys = { '': Object.keys(paperTranslationSchema.shape), figure: ['alt'] }
export const monthTranslationKeys = { '': Object.keys(monthTranslationSchema.shape) }

export type PaperTranslationFrontMatter = z.infer<typeof paperTranslationSchema>
