import type { Markdown, Rendered } from './processor.js'

/** The Markdown of one file to render: a paper (summary, takeaway, title) or a month (intro, outro). */
export type RenderJob =
  | {
      kind: 'paper'
      key: string
      path: string
      /** The file, and {@link hashOf} its bytes: to read the body again (see `readBodyAgain`). */
      file: string
      hash: string
      body: string
      takeaway: string
      takeawayLine: number
      takeawayColumn: number
      title: string
      titleLine: number
      titleColumn: number
    }
  | { kind: 'month'; key: string; path: string; intro: string; outro: string; outroLine: number }

/** What one file's Markdown renders to, by part. */
export type RenderedFile = Record<string, Rendered>

/**
 * Render one job with a processor. The same function runs in the main thread and in workers, so
 * both give identical output.
 *
 * @param markdown the processor
 * @param job what to render
 */
export function runRenderJob(markdown: Markdown, job: RenderJob): RenderedFile {
  if (job.kind === 'paper') {
    return {
      summary: markdown.renderBlock(job.body, job.path),
      takeaway: markdown.renderInline(job.takeaway, job.path, job.takeawayLine, job.takeawayColumn),
      title: markdown.renderTitle(job.title, job.path, job.titleLine, job.titleColumn)
    }
  }
  return {
    intro: markdown.renderBlock(job.intro, job.path),
    // A block scalar starts on the line after `outro: |`.
    outro: markdown.renderBlock('\n'.repeat(job.outroLine) + job.outro, job.path)
  }
}
