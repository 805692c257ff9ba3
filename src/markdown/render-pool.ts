import { moduleUrl } from '../modules.js'
import { canUseWorkers, runInWorkers } from '../worker-pool.js'
import type { Markdown, Options } from './processor.js'
import { runRenderJob, type RenderedFile, type RenderJob } from './render-job.js'

/** Below this many files a worker's start-up (about 0.3 s and 100 MB) costs more than it saves. */
export const minJobsForWorkers = 400

/**
 * Render many files' Markdown, on every core when there are enough of them to pay for workers,
 * else in this thread with the given processor.
 *
 * @param jobs what to render
 * @param markdown the processor of this thread
 * @param options the processor's options, for the workers' own processors
 * @param take gets each rendered file as it comes, and may keep it where it likes: the files
 *   are never all held here at once
 * @returns how many threads rendered the files
 */
export async function renderAll(jobs: readonly RenderJob[], markdown: Markdown, options: Options, take: (job: RenderJob, file: RenderedFile) => Promise<void>): Promise<{ threads: number }> {
  const worker = moduleUrl('markdown/render-worker')
  if (jobs.length < minJobsForWorkers || !canUseWorkers(worker.href)) {
    for (const job of jobs) await take(job, runRenderJob(markdown, job))
    return { threads: 1 }
  }
  // This thread renders too, with its own processor, in place of one worker.
  const parallel = await runInWorkers<RenderJob, RenderedFile>(worker, options, jobs, 64, {
    onResult: (i, file) => take(jobs[i]!, file),
    here: (job) => runRenderJob(markdown, job)
  })
  return { threads: parallel.threads }
}
