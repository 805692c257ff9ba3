import path from 'node:path'
import { watch } from 'chokidar'

/** One file-system change. */
export interface Change {
  kind: 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir'
  /** Absolute path. */
  path: string
}

/** Options of {@link watchFolders}. */
export interface WatchOptions {
  /** Folders to watch, recursively. Missing ones are fine. */
  folders: readonly string[]
  /** Quiet time after the last change before a batch is delivered. Default: 30 ms. */
  debounceMs?: number
  /** Receives each batch of changes, in the order they happened. */
  onBatch: (changes: Change[]) => void
  /** Receives watcher errors (permissions, too many watchers). */
  onError: (error: Error) => void
}

/** A running watcher. */
export interface Watcher {
  close(): Promise<void>
}

/** Editor droppings and hidden files: never part of a site, and noisy. */
export function isIgnored(file: string): boolean {
  const name = path.basename(file)
  return name.startsWith('.') || name.endsWith('~') || /\.(sw[a-p]|tmp|bak)$/i.test(name) || name === '4913' || /^#.*#$/.test(name)
}

/**
 * Watch folders and deliver changes in debounced batches. Resolves once the initial scan is done,
 * so a change made after it is seen.
 */
export async function watchFolders(options: WatchOptions): Promise<Watcher> {
  const debounceMs = options.debounceMs ?? 30
  let pending: Change[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    timer = undefined
    const batch = pending
    pending = []
    if (batch.length > 0) options.onBatch(batch)
  }
  const roots = new Set(options.folders.map((f) => path.resolve(f)))
  const watcher = watch([...roots], {
    ignoreInitial: true,
    // Only the path is needed to decide; avoids a stat per file. A watched folder itself is never ignored.
    ignored: (file: string) => !roots.has(path.resolve(file)) && isIgnored(file),
    atomic: true
  })
  const record = (change: Change): void => {
    pending.push(change)
    if (timer) clearTimeout(timer)
    timer = setTimeout(flush, debounceMs)
  }
  watcher.on('all', (kind, file) => {
    if (kind !== 'add' && kind !== 'change' && kind !== 'unlink' && kind !== 'addDir' && kind !== 'unlinkDir') return
    record({ kind, path: path.resolve(file) })
  })
  // chokidar passes on at most one change of a file per 50 ms and drops the others, so a save soon
  // after another (an author fixing a typo the overlay just showed) would never be built. The
  // file system's own change events fill that gap; a change seen twice is built once.
  watcher.on('raw', (event, name, details) => {
    const watchedPath = (details as { watchedPath?: unknown } | undefined)?.watchedPath
    if (event !== 'change' || typeof name !== 'string' || name === '' || typeof watchedPath !== 'string') return
    const watched = path.resolve(watchedPath)
    // A file's own watcher names the file; a folder's names an entry of the folder.
    const file = path.basename(watched) === name ? watched : path.join(watched, name)
    if (isIgnored(file)) return
    record({ kind: 'change', path: file })
  })
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))))
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  return {
    async close() {
      if (timer) clearTimeout(timer)
      timer = undefined
      pending = []
      await watcher.close()
    }
  }
}
