import { mkdir, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import slugify from '@sindresorhus/slugify'
import { slugPattern } from './content/load.js'
import { placeholderLink, placeholderMark } from './content/placeholders.js'
import { paperSchema } from './content/schema.js'
import { reservedSlugs } from './site/graph.js'

/** Options of {@link newPaper}. */
export interface NewPaperOptions {
  /** The paper's title, as it should appear on the card. */
  title: string
  /** arXiv identifier such as `2007.10412`; also gives the paper link and, for new-style ids, the year. */
  arxiv?: string
  /** Publication day of the card, `YYYY-MM-DD`. Default: today (UTC). */
  date?: string
  /** File name without `.md`. Default: made from the title. */
  slug?: string
  /** Content folder. Default: `content`. */
  contentDir?: string
  /** Working folder, for relative paths. Default: `process.cwd()`. */
  cwd?: string
  /** The current time, for the default date. Default: now. */
  now?: Date
}

/** What {@link newPaper} made. */
export interface NewPaperResult {
  slug: string
  /** The paper file, relative to `cwd` (absolute when outside it). */
  paper: string
  /** The month's `index.md`, when this call created it. */
  monthIndex?: string
  /** Every file created, in creation order, as shown to the author. */
  created: string[]
}

/**
 * Why {@link newPaper} refused: `usage` for a bad argument, `exists` when the file is already
 * there, `missing-content` when the content folder does not exist.
 */
export class NewPaperError extends Error {
  constructor(
    readonly kind: 'usage' | 'exists' | 'missing-content',
    message: string
  ) {
    super(message)
    this.name = 'NewPaperError'
  }
}

const maxSlugLength = 80
const maxTitleLength = 300

/**
 * Make a slug from a title: transliterated to ASCII, lower-case letters, digits and single dashes,
 * at most 80 characters, cut at a word boundary. Titles with nothing transliterable (symbols, CJK)
 * give `paper-<date>`; reserved names get `-paper` appended.
 *
 * @param title the paper's title
 * @param date the card's date, `YYYY-MM-DD`, for the fallback
 */
export function slugFor(title: string, date: string): string {
  let slug = slugify(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length > maxSlugLength) {
    const cut = slug.slice(0, maxSlugLength + 1)
    const lastDash = cut.lastIndexOf('-')
    slug = (lastDash > maxSlugLength / 2 ? cut.slice(0, lastDash) : cut.slice(0, maxSlugLength)).replace(/-+$/, '')
  }
  if (slug === '') slug = `paper-${date}`
  if (reservedSlugs.has(slug)) slug = `${slug}-paper`
  return slug
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10)
}

/**
 * The year a paper came out, from a new-style arXiv id (`2007.10412` → 2020) or an old-style one
 * (`hep-th/9901001` → 1999).
 */
export function yearOfArxiv(id: string): number | undefined {
  const m = /^(\d{2})\d{2}\.\d{4,5}(v\d+)?$/.exec(id) ?? /\/(\d{2})\d{5}(v\d+)?$/.exec(id)
  if (!m) return undefined
  const yy = Number(m[1])
  return yy >= 91 ? 1900 + yy : 2000 + yy
}

/**
 * The text of a new paper file: every front-matter field is present, optional ones commented out
 * with a hint, and the file is valid as it stands. It is a draft, and every text the author must
 * write starts with `TODO`; the build refuses a paper that is not a draft and still holds one.
 */
export function paperTemplate(options: { title: string; date: string; arxiv?: string }): string {
  const { title, date, arxiv } = options
  const month = date.slice(0, 7)
  const year = (arxiv && yearOfArxiv(arxiv)) || Number(date.slice(0, 4))
  const t = placeholderMark
  // [YAML, hint]: hints line up in one column.
  const fields: Array<[string, string?]> = [
    [`title: ${JSON.stringify(title)}`, 'required; plain text, $…$ math allowed'],
    [`authors: ["${t}: First Author", "${t}: Second Author"]`, 'required: every author, in order'],
    [`year: ${year}`, `required: the year the paper came out${arxiv ? '' : ` (${t}: check)`}`],
    [`date: "${date}"`, `required: the day the card is published, inside ${month}`],
    ['# venue: ICLR 2021', 'optional: where the paper appeared'],
    arxiv ? [`arxiv: "${arxiv}"`, 'gives the paper link'] : ['# arxiv: "2007.10412"', 'optional: quote it; gives the paper link'],
    ['# doi: "10.1000/xyz"', 'optional: quote it; gives the paper link'],
    ...(arxiv
      ? ([['# links:'], ['#   paper: https://…', 'optional: the arXiv id gives it']] as Array<[string, string?]>)
      : ([['links:'], [`  paper: ${placeholderLink}`, 'required unless arxiv or doi gives it']] as Array<[string, string?]>)),
    ['#   code: https://github.com/…', 'optional'],
    ['#   discussion: https://openreview.net/…', 'optional'],
    ['tags: []', 'optional: such as [autodiff, memory]'],
    [`takeaway: "${t}: why it matters, in one line of Markdown; $math$ is fine."`, 'required'],
    ['# figure:', 'optional: a key figure, next to this file'],
    ['#   src: figure.png'],
    ['#   alt: What the figure shows', 'required with a figure'],
    ['draft: true', 'remove when the card is ready: drafts are left out of builds']
  ]
  const width = 40
  const lines = [
    '---',
    ...fields.map(([yaml, hint]) => (hint === undefined ? yaml : `${yaml.padEnd(width)} # ${hint}`)),
    '---',
    `${t}: the summary, one paragraph of Markdown (about 150 words): what the paper does, how, and`,
    'what it finds. Inline math is `$…$`, display math goes between `$$` lines.',
    ''
  ]
  return lines.join('\n')
}

/** The text of a new month's `index.md`: every field commented out with a hint, no intro yet. */
export function monthTemplate(month: string): string {
  return [
    '---',
    `${`# title: ${monthName(month)}`.padEnd(40)} # optional; default: the month's name and year`,
    '# summary: One line for the home page, feeds and meta descriptions.',
    '# outro: |',
    '#   Closing words, in Markdown.',
    '---',
    ''
  ].join('\n')
}

function monthName(month: string): string {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1))
  return new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date)
}

/**
 * Create a paper file `YYYY-MM/<slug>.md` in the content folder, and the month's `index.md` when it
 * is missing. Never overwrites a file.
 *
 * @throws {NewPaperError} on a bad argument, an existing file or a missing content folder
 */
export async function newPaper(options: NewPaperOptions): Promise<NewPaperResult> {
  const cwd = options.cwd ?? process.cwd()
  const title = options.title.replace(/\s+/g, ' ').trim()
  if (title === '') throw new NewPaperError('usage', 'The title must not be empty')
  if (title.length > maxTitleLength) throw new NewPaperError('usage', `The title is longer than ${maxTitleLength} characters`)
  const date = options.date ?? todayUtc(options.now)
  if (!paperSchema.shape.date.safeParse(date).success) throw new NewPaperError('usage', `--date must be a real date written YYYY-MM-DD, not ${JSON.stringify(date)}`)
  if (options.arxiv !== undefined && !paperSchema.shape.arxiv.safeParse(options.arxiv).success) {
    throw new NewPaperError('usage', `--arxiv must be an arXiv id such as 2007.10412, not ${JSON.stringify(options.arxiv)}`)
  }
  const slug = options.slug ?? slugFor(title, date)
  if (!slugPattern.test(slug) || slug.length > maxSlugLength) {
    throw new NewPaperError('usage', `--slug must be lower-case letters, digits and single dashes, at most ${maxSlugLength} characters, not ${JSON.stringify(slug)}`)
  }
  if (reservedSlugs.has(slug)) throw new NewPaperError('usage', `--slug \`${slug}\` is reserved for a page of the month`)

  const contentDir = path.resolve(cwd, options.contentDir ?? 'content')
  const display = (abs: string): string => {
    const rel = path.relative(cwd, abs)
    return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/')
  }
  try {
    if (!(await stat(contentDir)).isDirectory()) throw new NewPaperError('missing-content', `${display(contentDir)} is not a folder`)
  } catch (error) {
    if (error instanceof NewPaperError) throw error
    throw new NewPaperError('missing-content', `Content folder ${display(contentDir)} does not exist: create it, or pass --content`)
  }

  const month = date.slice(0, 7)
  const monthDir = path.join(contentDir, month)
  await mkdir(monthDir, { recursive: true })
  const paperPath = path.join(monthDir, `${slug}.md`)
  const created: string[] = []
  try {
    // `wx`: fails if anything, even a dangling symbolic link, is already there.
    await writeFile(paperPath, paperTemplate({ title, date, ...(options.arxiv === undefined ? {} : { arxiv: options.arxiv }) }), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new NewPaperError('exists', `${display(paperPath)} already exists; nothing was written (choose another title, or pass --slug)`)
    }
    throw error
  }
  created.push(display(paperPath))
  const result: NewPaperResult = { slug, paper: display(paperPath), created }
  const indexPath = path.join(monthDir, 'index.md')
  try {
    await writeFile(indexPath, monthTemplate(month), { flag: 'wx' })
    created.push(display(indexPath))
    result.monthIndex = display(indexPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return result
}
