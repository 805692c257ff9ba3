import { parentPort, workerData } from 'node:worker_threads'
import { createMarkdown, type Options } from './processor.js'
import { runRenderJob, type RenderJob } from './render-job.js'

// A worker builds its own processor once, then renders batches of jobs sent by the pool.
const markdown = createMarkdown(workerData as Options)
parentPort?.on('message', (jobs: RenderJob[]) => {
  parentPort?.postMessage(jobs.map((job) => runRenderJob(markdown, job)))
})
