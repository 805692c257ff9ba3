import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { buildToMemory, type DeferredFiles } from '../build.js'
import { sourceFolders } from '../up-to-date.js'
import { contentTypeOf } from '../output/content-type.js'
import { MemoryWriter } from '../output/writer.js'
import { readSources } from '../report.js'
import type { Site } from '../site/graph.js'
import { indexShard, searchShards, stopSearchIndexer } from '../site/search-index.js'
import type { Problem } from '../types.js'
import { addDraftBanner, clientScript, devStyle, eventsPath, injectBeforeBodyEnd, injectInHead, markDraftCards, renderOverlay } from './overlay.js'
import { watchFolders, type Change, type Watcher } from './watch.js'

/** Options of {@link startDevServer}. */
export interface DevOptions {
  /** Content folder. Default: `content`. */
  contentDir?: string
  /** Templates folder. Default: as for a build. */
  templatesDir?: string
  /** Public folder. Default: as for a build. */
  publicDir?: string
  /** Working folder. Default: `process.cwd()`. */
  cwd?: string
  /** Port on 127.0.0.1; 0 picks a free one. Default: 0. */
  port?: number
  /** Include papers marked `draft: true`, with a visible marker. Default: true. */
  drafts?: boolean
  /** Quiet time after a change before rebuilding. Default: 30 ms. */
  debounceMs?: number
}

/** The outcome of one build of the dev server. */
export interface RebuildEvent {
  type: 'rebuild'
  /** True when the build succeeded and is what is served now. */
  ok: boolean
  /** True for the build made at start. */
  initial: boolean
  /** Wall-clock milliseconds of the build. */
  ms: number
  pages: number
  files: number
  /** Every problem of the build, warnings included. */
  problems: Problem[]
  /** Text of the files the problems name, for code frames. */
  sources: Map<string, string>
  /** Source files whose changes started this build, relative to the working folder. */
  changed: string[]
  /** Files of the site that differ from the previous good build (all of them after the first). */
  updated: string[]
}

/** A failure of the dev server itself (watcher, HTTP server, or a bug in a build). */
export interface DevErrorEvent {
  type: 'error'
  error: Error
}

export type DevEvent = RebuildEvent | DevErrorEvent

/** A running dev server. */
export interface DevServer {
  /** Such as `http://127.0.0.1:5173/`. */
  url: string
  port: number
  /** The folders watched. */
  folders: { contentDir: string; templatesDir: string; publicDir: string }
  /** The build made at start. */
  initial: RebuildEvent
  /** Listen to rebuilds and errors; returns a function that stops listening. */
  onEvent(listener: (event: DevEvent) => void): () => void
  /** Rebuild now (after any build in progress), as if a file had changed. */
  rebuild(): Promise<RebuildEvent>
  /** Stop watching, end every connection, and close the server. */
  close(): Promise<void>
}

/** What the server holds between builds. */
interface State {
  /** Files of the last good build, as built. */
  output?: Map<string, Uint8Array>
  site?: Site
  /** Changes whenever the served site changes; pages carry it, so a stale page reloads. */
  version: string
  /** Errors of the latest build; empty when it succeeded. */
  errors: Problem[]
  /** The overlay for `errors`. */
  overlay?: string
  /** HTML pages prepared for serving (draft markers, client), per version. */
  pages: Map<string, string>
  draftSlugs: Set<string>
  draftPages: Set<string>
  /**
   * The search index of the site served, made on the first request for it after each rebuild:
   * indexing is the slowest step of a build, and most edits are not followed by a search.
   */
  search?: { version: string; files: Promise<Map<string, Uint8Array>> }
  /**
   * Share images, feeds, the sitemap and `robots.txt` of the last good build, each made on the
   * first request for it: a rebuild makes only the pages, which are what browsers reload.
   */
  extras?: { files: DeferredFiles; made: Map<string, Promise<Uint8Array | undefined>> }
}

const maxEventClients = 64
const heartbeatMs = 15_000

/**
 * Start the dev server: build the site into memory, serve it on 127.0.0.1, watch the content,
 * templates and public folders, rebuild on change and tell open pages to reload. A failed build
 * keeps the last good site served and shows an error overlay on every page until it is fixed.
 *
 * Never prints: subscribe with `onEvent` to report rebuilds.
 */
export async function startDevServer(options: DevOptions = {}): Promise<DevServer> {
  const cwd = options.cwd ?? process.cwd()
  const folders = await sourceFolders({ cwd, ...pick(options, ['contentDir', 'templatesDir', 'publicDir']) })
  const drafts = options.drafts ?? true
  const token = randomBytes(6).toString('hex')
  let counter = 0
  const state: State = { version: `${token}-0`, errors: [], pages: new Map(), draftSlugs: new Set(), draftPages: new Set() }
  const listeners = new Set<(event: DevEvent) => void>()
  const emit = (event: DevEvent) => {
    for (const l of listeners) l(event)
  }
  const clients = new Set<ServerResponse>()
  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of clients) res.write(frame)
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (error) {
      emit({ type: 'error', error: error as Error })
      if (!res.headersSent) plain(res, 500, 'Internal error')
      else res.destroy()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => emit({ type: 'error', error }))
  const port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}/`
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])

  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n')
  }, heartbeatMs)
  heartbeat.unref()

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // DNS rebinding: a page of another site that resolves its name to 127.0.0.1 still sends its own Host.
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return plain(res, 403, 'Forbidden: this server answers only to 127.0.0.1, localhost and [::1]')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return plain(res, 405, 'Method not allowed')
    }
    const target = parseRequestPath(req.url ?? '')
    if (!target.ok) return plain(res, target.status, target.message)
    if (target.path === eventsPath) return req.method === 'GET' ? openEvents(req, res) : plain(res, 405, 'Method not allowed')
    if (target.path.startsWith('/__collage/')) return plain(res, 404, 'Not found')
    const head = req.method === 'HEAD'
    if (!state.output) {
      // No good build yet: a page that shows the errors and reloads once a build succeeds.
      const html = injectBeforeBodyEnd(
        injectInHead('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build failed · collage dev</title></head><body></body></html>', devStyle),
        (state.overlay ?? '<p>Building…</p>') + clientScript({ version: state.version, page: null })
      )
      return send(res, 503, 'text/html; charset=utf-8', html, head)
    }
    const key = target.key
    if (key.startsWith('pagefind/')) {
      void serveSearch(res, key, head).catch((error: unknown) => {
        emit({ type: 'error', error: error as Error })
        if (!res.headersSent) plain(res, 500, 'Internal error')
        else res.destroy()
      })
      return
    }
    if (state.output.has(key)) return serveFile(res, key, 200, head)
    if (state.extras?.files.paths.has(key)) {
      void serveExtra(res, key, head).catch((error: unknown) => {
        emit({ type: 'error', error: error as Error })
        if (!res.headersSent) plain(res, 500, 'Internal error')
        else res.destroy()
      })
      return
    }
    if (!target.dir && state.output.has(`${key}/index.html`)) {
      res.setHeader('Location', encodeURI(`/${key}/`))
      return plain(res, 308, 'Moved permanently')
    }
    if (state.output.has('404.html')) return serveFile(res, '404.html', 404, head)
    return plain(res, 404, 'Not found')
  }

  function serveFile(res: ServerResponse, key: string, status: number, head: boolean): void {
    const type = contentTypeOf(key)
    if (!key.endsWith('.html')) return send(res, status, type, state.output!.get(key)!, head)
    let html = state.pages.get(key)
    if (html === undefined) {
      html = preparePage(key, Buffer.from(state.output!.get(key)!).toString('utf8'))
      state.pages.set(key, html)
    }
    if (state.overlay) html = injectBeforeBodyEnd(html, state.overlay)
    send(res, status, type, html, head)
  }

  let indexing: Promise<unknown> = Promise.resolve()
  async function serveSearch(res: ServerResponse, key: string, head: boolean): Promise<void> {
    if (state.search?.version !== state.version) {
      const site = state.site!
      // One index at a time: the indexer is a single helper process.
      const files = indexing.then(() => indexSite(site))
      indexing = files.catch(() => {})
      const search = { version: state.version, files }
      state.search = search
      files.catch(() => {
        if (state.search === search) delete state.search
      })
    }
    const files = await state.search.files
    const bytes = files.get(key)
    if (bytes) return send(res, 200, contentTypeOf(key), bytes, head)
    return plain(res, 404, 'Not found')
  }

  async function serveExtra(res: ServerResponse, key: string, head: boolean): Promise<void> {
    const extras = state.extras!
    let bytes = extras.made.get(key)
    if (!bytes) {
      bytes = extras.files.make(key)
      extras.made.set(key, bytes)
      // A failure is not kept: the next request tries again.
      bytes.catch(() => extras.made.delete(key))
    }
    const data = await bytes
    if (data) return send(res, 200, contentTypeOf(key), data, head)
    return plain(res, 404, 'Not found')
  }

  function preparePage(key: string, html: string): string {
    let out = markDraftCards(html, state.draftSlugs)
    if (state.draftPages.has(key)) out = addDraftBanner(out)
    out = injectInHead(out, devStyle)
    return injectBeforeBodyEnd(out, clientScript({ version: state.version, page: key === '404.html' ? null : key }))
  }

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    if (clients.size >= maxEventClients) return plain(res, 503, 'Too many open pages')
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no'
    })
    req.socket.setNoDelay(true)
    res.write('retry: 1000\n\n')
    res.write(`event: hello\ndata: ${JSON.stringify({ version: state.version })}\n\n`)
    if (state.overlay) res.write(`event: overlay\ndata: ${JSON.stringify({ html: state.overlay })}\n\n`)
    clients.add(res)
    res.on('close', () => clients.delete(res))
  }

  const writer = new MemoryWriter()
  // A build may take the content files the watcher saw no change of as the last build read them,
  // without a stat of each, once that build began with the watcher running and finished its load
  // (the watcher starts before the first build; a build that failed may have stopped before).
  let watching = false
  let lastLoadWatched = false
  async function runBuild(changes: Change[], initial: boolean): Promise<RebuildEvent> {
    const changed = [...new Set(changes.map((c) => display(c.path, cwd)))]
    const started = performance.now()
    const changedSince = lastLoadWatched ? new Set(changes.map((c) => c.path)) : undefined
    lastLoadWatched = false
    const watchedFromStart = watching
    let problems: Problem[]
    let ok = false
    let pages = 0
    let files = 0
    let updated: string[] = []
    try {
      // One writer for the server's life: it remembers what each page was rendered from.
      const result = await buildToMemory({ ...folders, cwd, baseUrl: url, drafts, search: false, deferExtras: true, ...(changedSince ? { changedSince } : {}) }, writer)
      // A build that stopped before loading (no content folder) read nothing.
      lastLoadWatched = watchedFromStart && result.timings?.load !== undefined
      problems = result.problems
      if (result.ok && result.site) {
        ok = true
        pages = result.pages
        files = result.files
        updated = diff(state.output, result.output)
        if (!state.output || updated.length > 0) setSite(result.output, result.site)
        // What they show may change when no page does (a feed's entry text): made anew from this build.
        if (result.extras) state.extras = { files: result.extras, made: new Map() }
      }
    } catch (error) {
      // A bug in collage, not in the content: say so, and keep serving the last good site.
      emit({ type: 'error', error: error as Error })
      problems = [{ file: '(collage)', line: 1, column: 1, message: `Internal error: ${(error as Error).message}`, ruleId: 'internal-error', severity: 'error' }]
    }
    const ms = performance.now() - started
    const sources = problems.length > 0 ? await readSources(problems, cwd) : new Map<string, string>()
    const event: RebuildEvent = { type: 'rebuild', ok, initial, ms, pages, files, problems, sources, changed, updated }
    // Listeners hear of a rebuild before the pages do.
    if (!initial && !closed) emit(event)
    if (ok) {
      const hadErrors = state.errors.length > 0
      state.errors = []
      delete state.overlay
      if (hadErrors) broadcast('overlay', { html: '' })
      if (updated.length > 0) broadcast('reload', { version: state.version, paths: updated, all: updated.some((p) => !p.endsWith('.html')) })
    } else {
      state.errors = problems.filter((p) => p.severity === 'error')
      state.overlay = renderOverlay(state.errors, sources)
      broadcast('overlay', { html: state.overlay })
    }
    return event
  }

  function setSite(output: Map<string, Uint8Array>, site: Site): void {
    state.output = output
    state.site = site
    state.version = `${token}-${++counter}`
    state.pages = new Map()
    const published = new Set(site.papers.filter((sp) => !sp.paper.draft).map((sp) => sp.paper.slug))
    const draftPapers = site.papers.filter((sp) => sp.paper.draft)
    // Cards are found by slug; a slug shared with a published paper of another month stays unmarked.
    state.draftSlugs = new Set(draftPapers.map((sp) => sp.paper.slug).filter((slug) => !published.has(slug)))
    state.draftPages = new Set(draftPapers.map((sp) => `${sp.route.slice(1)}index.html`))
  }

  // Builds run one at a time; changes that arrive during a build are coalesced into the next one.
  let pending: Change[] = []
  let waiting: Array<(event: RebuildEvent) => void> = []
  let active: Promise<void> | undefined
  let closed = false
  const kick = (): void => {
    if (active || closed || (pending.length === 0 && waiting.length === 0)) return
    const batch = pending
    const waiters = waiting
    pending = []
    waiting = []
    active = runBuild(batch, false).then((event) => {
      for (const w of waiters) w(event)
    })
    void active.finally(() => {
      active = undefined
      kick()
    })
  }

  // The watcher starts before the first build: a save made while that build runs is built next,
  // and the build after it knows every change since it began (see runBuild).
  let watcher: Watcher
  try {
    watcher = await watchFolders({
      folders: [folders.contentDir, folders.templatesDir, folders.publicDir],
      ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
      onBatch: (changes) => {
        pending.push(...changes)
        kick()
      },
      onError: (error) => emit({ type: 'error', error })
    })
    watching = true
  } catch (error) {
    server.closeAllConnections()
    server.close()
    throw error
  }
  const first = runBuild([], true)
  active = first.then(
    () => {},
    () => {}
  )
  let initial: RebuildEvent
  try {
    initial = await first
  } catch (error) {
    await watcher.close()
    server.closeAllConnections()
    server.close()
    throw error
  }
  active = undefined
  kick()

  return {
    url,
    port,
    folders,
    initial,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    rebuild() {
      return new Promise<RebuildEvent>((resolve, reject) => {
        if (closed) return reject(new Error('The dev server is closed'))
        waiting.push(resolve)
        kick()
      })
    },
    async close() {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      await watcher.close()
      await active
      for (const res of clients) res.end()
      clients.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}

/** Where a request points in the site, or why it is refused. */
export type RequestTarget = { ok: true; path: string; key: string; dir: boolean } | { ok: false; status: number; message: string }

/**
 * Turn a request URL into a file of the built site. Only plain paths are accepted: encoded
 * slashes, backslashes, NUL and `.` or `..` segments (also percent-encoded) are refused, so no
 * URL can name anything but a file of the in-memory site.
 *
 * @param rawUrl the request target, such as `/2021/01/?x=1`
 */
export function parseRequestPath(rawUrl: string): RequestTarget {
  if (!rawUrl.startsWith('/')) return { ok: false, status: 400, message: 'Bad request' }
  const rawPath = rawUrl.split(/[?#]/, 1)[0]!
  if (/%2f|%5c|%00|\\/i.test(rawPath)) return { ok: false, status: 400, message: 'Bad request: encoded slash, backslash or NUL' }
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { ok: false, status: 400, message: 'Bad request: malformed percent-encoding' }
  }
  if (/[\u0000-\u001f\\]/.test(decoded)) return { ok: false, status: 400, message: 'Bad request' }
  const segments = decoded.split('/').slice(1)
  if (segments.some((s) => s === '..' || s === '.')) return { ok: false, status: 400, message: 'Bad request: dot segments' }
  if (segments.slice(0, -1).some((s) => s === '')) return { ok: false, status: 404, message: 'Not found' }
  const dir = decoded.endsWith('/')
  const key = dir ? `${decoded.slice(1)}index.html` : decoded.slice(1)
  return { ok: true, path: decoded, key, dir }
}



function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array, head: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': bytes.byteLength,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin'
  })
  res.end(head ? undefined : bytes)
}

function plain(res: ServerResponse, status: number, message: string): void {
  send(res, status, 'text/plain; charset=utf-8', message + '\n', false)
}

/** The search index of a built site, in its parts, as a build makes it (see {@link searchShards}). */
async function indexSite(site: Site): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  try {
    for (const shard of searchShards(site)) {
      const { files } = await indexShard(shard)
      for (const f of files) if ('data' in f) out.set(f.path, typeof f.data === 'string' ? Buffer.from(f.data) : f.data)
    }
  } finally {
    await stopSearchIndexer()
  }
  return out
}

/** Files of `next` that are new, changed, or gone compared with `previous`; every file when there is no previous build. */
function diff(previous: ReadonlyMap<string, Uint8Array> | undefined, next: ReadonlyMap<string, Uint8Array>): string[] {
  if (!previous) return [...next.keys()]
  const out: string[] = []
  for (const [key, bytes] of next) {
    const old = previous.get(key)
    if (old === bytes) continue
    if (!old || !Buffer.from(old.buffer, old.byteOffset, old.byteLength).equals(bytes)) out.push(key)
  }
  for (const key of previous.keys()) if (!next.has(key)) out.push(key)
  return out.sort()
}

function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs)
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/')
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {}
  for (const k of keys) if (object[k] !== undefined) out[k] = object[k]
  return out
}
