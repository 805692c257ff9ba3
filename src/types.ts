/** Shared record types: what every layer reads and none of them owns. */

/** How serious a problem is: an error fails the build, a warning does not. */
export type Severity = 'error' | 'warning'

/** One problem found in the content, with a place a person can jump to. */
export interface Problem {
  /** Path of the file, relative to the working directory (or absolute when outside it). */
  file: string
  /** 1-based line. */
  line: number
  /** 1-based column. */
  column: number
  /** What is wrong, written for the author. */
  message: string
  /** Kebab-case rule id, such as `missing-title`. */
  ruleId: string
  severity: Severity
}

/** Links a card shows as buttons. */
export interface PaperLinks {
  paper?: string
  code?: string
  discussion?: string
}

/** The key figure of a paper, as written in front matter. */
export interface FigureSource {
  src: string
  alt: string
}

/** A figure after the build has looked at the file. */
export interface Figure extends FigureSource {
  /** Path of the image inside the site, such as `2021/01/rad/figure.png`. */
  outputPath: string
  width?: number
  height?: number
}

/** One paper, loaded and validated, its Markdown not yet rendered. */
export interface PaperSource {
  /** File name without `.md` (and without a language suffix); part of the URL. */
  slug: string
  /**
   * Language of the text, for a translation (`<slug>.ru.md`): its fields other than the title,
   * takeaway, figure alt text and summary are the original's. Absent for the original, which is
   * in the site's default language.
   */
  lang?: string
  /** The month folder, `YYYY-MM`. */
  month: string
  /** Absolute path of the Markdown file. */
  absPath: string
  /** Path for messages. */
  path: string
  title: string
  /** Line and column where the title's text starts. */
  titleLine: number
  titleColumn: number
  authors: string[]
  year: number
  /** Publication day of the card, kept as written: `YYYY-MM-DD`. */
  date: string
  venue?: string
  arxiv?: string
  doi?: string
  links: PaperLinks
  tags: string[]
  /** Inline Markdown. */
  takeaway: string
  /** Line and column where the takeaway's text starts, for messages about it. */
  takeawayLine: number
  takeawayColumn: number
  figure?: FigureSource
  draft: boolean
  /** Markdown body, padded with blank lines so that its positions are real file lines. */
  body: string
  /** A hash of the whole file's text, for cache keys (the text itself is not kept). */
  textHash: string
}

/** One month, loaded and validated. */
export interface MonthSource {
  /** `YYYY-MM`. */
  key: string
  /** Language of the text, for a translation (`index.ru.md`); absent for the original. */
  lang?: string
  absPath?: string
  path?: string
  title?: string
  summary?: string
  /** Markdown intro (body before the closing-words heading). */
  intro: string
  /** Markdown closing words, from the `outro` field. */
  outro: string
  outroLine: number
  /** A hash of the whole file's text, for cache keys (the text itself is not kept); empty when the month has no `index.md`. */
  textHash: string
}

/** A paper with its Markdown rendered to HTML. */
export interface Paper extends Omit<PaperSource, 'figure' | 'body'> {
  summaryHtml: string
  takeawayHtml: string
  /** Plain text of the title (math as readable text), for `<title>` and meta tags. */
  titleText: string
  /** The title rendered as inline Markdown (math with KaTeX). */
  titleHtml: string
  /** First display equation of the summary, rendered, for the card's key-equation slot. */
  keyEquationHtml?: string
  /** Plain text of the summary, for descriptions and the search index. */
  summaryText: string
  /** Plain text of the takeaway, for the search index. */
  takeawayText: string
  wordCount: number
  figure?: Figure
}

/** A month with its Markdown rendered. */
export interface Month extends MonthSource {
  introHtml: string
  outroHtml: string
  summaryText: string
}
