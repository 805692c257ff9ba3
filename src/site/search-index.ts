import * as pagefind from 'pagefind'
import type { OutputFile } from '../output/writer.js'
import { dropTexAnnotations } from './feed-html.js'

/** A rendered page to index. */
export interface IndexPage {
  /** Site path without the base path, such as `/2021/01/rad/`: Pagefind's interface adds the base path it was loaded from. */
  url: string
  html: string
}

/**
 * A Pagefind index of the pages (only their `data-pagefind-body` parts), as files under
 * `pagefind/`. TeX sources of formulas are left out of the index, so a search shows symbols.
 *
 * @param pages pages to index
 * @param language the site's language
 */
export async function renderSearchIndex(pages: readonly IndexPage[], language: string): Promise<{ files: OutputFile[]; errors: string[] }> {
  const { index, errors } = await pagefind.createIndex({ forceLanguage: language })
  if (!index) return { files: [], errors }
  try {
    const problems: string[] = [...errors]
    for (const page of pages) {
      const result = await index.addHTMLFile({ url: page.url, content: dropTexAnnotations(page.html) })
      problems.push(...result.errors)
    }
    const { files, errors: writeErrors } = await index.getFiles()
    problems.push(...writeErrors)
    return { files: files.map((f) => ({ path: `pagefind/${f.path}`, data: f.content })), errors: problems }
  } finally {
    await index.deleteIndex()
  }
}

/** Stop Pagefind's helper process; call once when no more indexes will be built. */
export async function closeSearch(): Promise<void> {
  await pagefind.close()
}
