import { workerData } from 'node:worker_threads'
import type { Config } from '../config.js'
import { serveBatches } from '../worker-pool.js'
import { drawImage, type ImageJob, type Palette } from './share-image.js'

// A worker loads satori, resvg and the fonts once, then draws batches of images.
const { config, palette } = workerData as { config: Config; palette: Palette }
serveBatches((job: ImageJob) => drawImage(job, config, palette))
