import type { PaperFrontMatter } from './schema.js'

/**
 * What `collage new` writes where the author still has something to fill in. Every placeholder
 * text starts with it, and placeholder links end with it.
 */
export const placeholderMark = 'TODO'

/** A link that is valid for the schema and obviously not a real one. */
export const placeholderLink = `https://example.org/${placeholderMark}`

const startsWithMark = new RegExp(`^\\s*${placeholderMark}\\b`)

/** A field or summary line still holding a placeholder, with where to point. */
export interface Placeholder {
  /** Front-matter key path such as `takeaway` or `links.paper`; `summary` for the body. */
  key: string
  /** For the summary: 1-based file line. */
  line?: number
}

/**
 * Find the placeholders `collage new` leaves in a paper: text fields and summary lines that start
 * with `TODO`, and links to {@link placeholderLink}. A paper that is not a draft must have none, so
 * a half-written card is never published.
 *
 * @param data the validated front matter
 * @param body the summary, padded so that its lines are lines of the file
 */
export function findPlaceholders(data: PaperFrontMatter, body: string): Placeholder[] {
  const out: Placeholder[] = []
  const text = (key: string, value: string | undefined) => {
    if (value !== undefined && startsWithMark.test(value)) out.push({ key })
  }
  text('title', data.title)
  data.authors.forEach((a, i) => text(`authors.${i}`, a))
  text('venue', data.venue)
  text('takeaway', data.takeaway)
  text('figure.alt', data.figure?.alt)
  for (const key of ['paper', 'code', 'discussion'] as const) {
    if (data.links?.[key]?.startsWith(placeholderLink)) out.push({ key: `links.${key}` })
  }
  const lines = body.split('\n')
  const at = lines.findIndex((l) => startsWithMark.test(l))
  if (at !== -1) out.push({ key: 'summary', line: at + 1 })
  return out
}
