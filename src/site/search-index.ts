import * as pagefind from 'pagefind'
import type { OutputFile } from '../output/writer.js'
import { dropTexAnnotations } from './feed-html.js'

/** A rendered page to index. */
export interface IndexPage {
  /** Site path without the base path, such as `/2021/01/rad/`: Pagefind's interface adds the base path it was loaded from. */
  url: string
  html: string
}

/** A search index being filled page by page. */
export interface SearchIndexer {
  /** Index one page (only its `data-pagefind-body` part). */
  add(page: IndexPage): Promise<void>
  /** The index as files under `pagefind/`, and any problems Pagefind reported. */
  finish(): Promise<{ files: OutputFile[]; errors: string[] }>
  /** Stop without output. */
  close(): Promise<void>
}

/**
 * Start a Pagefind index. TeX sources of formulas are left out of the index, so a search shows
 * symbols, not `\beta`.
 *
 * A site of one language is indexed in that language. On a site of several, Pagefind reads each
 * page's `<html lang>` and keeps one index per language in the same bundle; the search interface
 * loads the index of its own page's language, so `/ru/search/` finds the Russian pages.
 *
 * @param languages the site's languages (or its one language)
 */
export async function openSearchIndex(languages: string | readonly string[]): Promise<SearchIndexer> {
  const list = typeof languages === 'string' ? [languages] : languages
  const { index, errors } = await pagefind.createIndex(list.length === 1 ? { forceLanguage: list[0]! } : {})
  const problems: string[] = [...errors]
  const close = async (): Promise<void> => {
    if (index) await index.deleteIndex()
    await pagefind.close()
  }
  return {
    async add(page) {
      if (!index) return
      const result = await index.addHTMLFile({ url: page.url, content: dropTexAnnotations(page.html) })
      problems.push(...result.errors)
    },
    async finish() {
      if (!index) return { files: [], errors: problems }
      try {
        const { files, errors: writeErrors } = await index.getFiles()
        problems.push(...writeErrors)
        return { files: files.map((f) => ({ path: `pagefind/${f.path}`, data: f.content })), errors: problems }
      } finally {
        await close()
      }
    },
    close
  }
}
