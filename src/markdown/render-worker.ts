import { workerData } from 'node:worker_threads'
import { serveBatches } from '../worker-pool.js'
import { createMarkdown, type Options } from './processor.js'
import { runRenderJob, type RenderJob } from './render-job.js'

// A worker builds its own processor once, then renders batches of jobs sent by the pool.
const markdown = createMarkdown(workerData as Options)
serveBatches((job: RenderJob) => runRenderJob(markdown, job))
