import path from 'node:path'
import { fileURLToPath } from 'node:url'

// This module sits at the root of Collage's modules on purpose: bundled (see scripts/bundle.mjs)
// or not, its own URL is in that folder, so the paths below are right either way.

/** The folder of Collage's modules: `lib/`, or `src/` when the tests run the sources. */
const root = new URL('./', import.meta.url)
const extension = path.extname(fileURLToPath(import.meta.url))

/**
 * The URL of one of Collage's modules as a file of its own, such as a worker's entry point, even
 * when the calling code was bundled into another file.
 *
 * @param name its path below the modules' folder, without the extension: `markdown/render-worker`
 */
export function moduleUrl(name: string): URL {
  return new URL(`${name}${extension}`, root)
}
