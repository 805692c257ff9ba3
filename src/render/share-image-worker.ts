import { parentPort, workerData } from 'node:worker_threads'
import type { Config } from '../config.js'
import { drawImage, type ImageJob, type Palette } from './share-image.js'

// A worker loads satori, resvg and the fonts once, then draws batches of images.
const { config, palette } = workerData as { config: Config; palette: Palette }
parentPort?.on('message', (jobs: ImageJob[]) => {
  void (async () => {
    const images: Uint8Array[] = []
    for (const job of jobs) images.push(await drawImage(job, config, palette))
    parentPort?.postMessage(images)
  })()
})
