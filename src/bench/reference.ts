import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import matter from 'gray-matter'
import rehypeKatex from 'rehype-katex'
import rehypeStringify from 'rehype-stringify'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import { parse as parseYaml } from 'yaml'

/** What the reference pipeline did. */
export interface ReferenceResult {
  /** HTML pages written: one per paper. */
  pages: number
}

/**
 * The baseline "everyone else" runs: the plain unified pipeline with rehype-katex, one processor
 * reused for every file. For each paper: gray-matter, then remark-parse + remark-gfm + remark-math
 * → remark-rehype → rehype-katex → rehype-stringify on the summary and on the takeaway, and one
 * HTML page in a minimal shell. No validation, no site graph, no month pages, no templates.
 *
 * The macros of `site.yaml` are passed to KaTeX, so both pipelines render the same formulas.
 *
 * @param contentDir a content folder (`site.yaml` and `YYYY-MM/` folders)
 * @param outDir where to write `YYYY/MM/<slug>/index.html`
 */
export async function buildReference(contentDir: string, outDir: string): Promise<ReferenceResult> {
  let macros: Record<string, string> = {}
  try {
    const site = parseYaml(await readFile(path.join(contentDir, 'site.yaml'), 'utf8')) as { math?: { macros?: Record<string, string> } } | null
    macros = site?.math?.macros ?? {}
  } catch {
    // No site.yaml: no macros.
  }
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkRehype).use(rehypeKatex, { macros }).use(rehypeStringify)

  let pages = 0
  const months = (await readdir(contentDir, { withFileTypes: true })).filter((e) => e.isDirectory() && /^\d{4}-\d{2}$/.test(e.name)).map((e) => e.name).sort()
  for (const month of months) {
    const files = (await readdir(path.join(contentDir, month))).filter((f) => f.endsWith('.md') && f !== 'index.md').sort()
    for (const file of files) {
      const { data, content } = matter(await readFile(path.join(contentDir, month, file), 'utf8'))
      const title = String(data.title ?? '')
      const summary = String(await processor.process(content))
      const takeaway = String(await processor.process(String(data.takeaway ?? '')))
      const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/katex/katex.min.css">
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${summary}
<aside>${takeaway}</aside>
</main>
</body>
</html>
`
      const dir = path.join(outDir, month.slice(0, 4), month.slice(5, 7), file.slice(0, -3))
      await mkdir(dir, { recursive: true })
      await writeFile(path.join(dir, 'index.html'), html)
      pages++
    }
  }
  return { pages }
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
