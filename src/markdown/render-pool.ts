import { canUseWorkers, runInWorkers } from '../worker-pool.js'
import type { Markdown, Options } from './processor.js'
import { runRenderJob, type RenderedFile, type RenderJob } from './render-job.js'

/** Below this many files a worker's start-up (about 0.3 s and 100 MB each) costs more than it saves. */
export const minJobsForWorkers = 400

/**
 * Render many files' Markdown, on every core when there are enough of them to pay for workers,
 * else in this thread with the given processor.
 *
 * @param jobs what to render
 * @param markdown the processor of this thread
 * @param options the processor's options, for the workers' own processors
 * @returns the rendered files by key, and how many threads rendered them
 */
export async function renderAll(jobs: readonly RenderJob[], markdown: Markdown, options: Options): Promise<{ results: Map<string, RenderedFile>; threads: number }> {
  const results = new Map<string, RenderedFile>()
  if (jobs.length < minJobsForWorkers || !canUseWorkers(import.meta.url)) {
    for (const job of jobs) results.set(job.key, runRenderJob(markdown, job))
    return { results, threads: 1 }
  }
  const parallel = await runInWorkers<RenderJob, RenderedFile>(new URL('./render-worker.js', import.meta.url), options, jobs, 64)
  jobs.forEach((job, i) => results.set(job.key, parallel.results[i]!))
  return { results, threads: parallel.threads }
}
