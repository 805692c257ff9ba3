import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Markdown, Options } from './processor.js'
import { runRenderJob, type RenderedFile, type RenderJob } from './render-job.js'

/** Below this many files a worker's start-up (about 0.3 s and 100 MB each) costs more than it saves. */
export const minJobsForWorkers = 400
const batchSize = 64

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
  const workerFile = new URL('./render-worker.js', import.meta.url)
  const cores = availableParallelism()
  // Workers run compiled code only (under a TypeScript test runner the sibling is a .ts file).
  const canUseWorkers = import.meta.url.endsWith('.js')
  if (jobs.length < minJobsForWorkers || cores < 2 || !canUseWorkers) {
    for (const job of jobs) results.set(job.key, runRenderJob(markdown, job))
    return { results, threads: 1 }
  }
  const count = Math.min(cores, Math.ceil(jobs.length / batchSize))
  const workers = Array.from({ length: count }, () => new Worker(fileURLToPath(workerFile), { workerData: options }))
  let next = 0
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= jobs.length) {
                resolve()
                return
              }
              const batch = jobs.slice(next, next + batchSize)
              next += batch.length
              worker.postMessage(batch)
            }
            worker.on('message', (entries: Array<[string, RenderedFile]>) => {
              for (const [key, value] of entries) results.set(key, value)
              send()
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`A rendering worker stopped with code ${code}`))
            })
            send()
          })
      )
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return { results, threads: count }
}
