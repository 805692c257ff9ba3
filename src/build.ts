import { readFile, realpath, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { imageSize } from 'image-size'
import { ContentChangedError, forgetParses, loadContent, readBodyAgain, storeParse, type LoadOptions, type StoredParse } from './content/load.js'
import { BucketedMap, codeVersion, DiskBytesCache, DiskValueCache, hashOf, sweepCache, toolVersions, versionOf } from './cache.js'
import { createMarkdown, type Markdown, type Rendered } from './markdown/processor.js'
import { renderAll } from './markdown/render-pool.js'
import { runRenderJob, type RenderedFile, type RenderJob } from './markdown/render-job.js'
import { RenderedCache } from './markdown/rendered-cache.js'
import type { InternalLink } from './markdown/rehype-site-links.js'
import { fontAssets, katexAssets, listFolder } from './output/assets.js'
import { DiskWriter, MemoryWriter, OutputError, type OutputFile, type SiteSession, type Writer } from './output/writer.js'
import { sortProblems } from './problems.js'
import { cacheFolder, siteFingerprint, sourceFolders, takeCheck, type BuildMeta, type ContentRead } from './up-to-date.js'
import { everyFewMilliseconds, limitConcurrency, Throttle } from './throttle.js'
import { createTranslator, missingCatalogues } from './render/messages/index.js'
import { createRenderer, TemplateError } from './render/render.js'
import { BuildKeys } from './render/keys.js'
import { paperHeadFields, SiteTracker } from './render/tracking.js'
import { renderShareImages, shareImageConflicts, shareImagesOnRequest, type ImageToKeep } from './render/share-image.js'
import { feedJobs, feedPaths, type FeedEntryMemo, type FeedJob } from './site/feeds.js'
import { buildSite, monthPlaceFields, paperPlaceFields, placeOf, replaceRecords, samePlace, type Edition, type Replacements, type Route, type Site } from './site/graph.js'
import { indexShard, searchBundles, searchShards, stopSearchIndexer } from './site/search-index.js'
import { renderSitemap, sitemapEntries, sitemapFiles } from './site/sitemap.js'
import type { Figure, Month, MonthSource, Paper, PaperSource, Problem } from './types.js'

/** Options of {@link build}. */
export interface BuildOptions {
  /** Content folder. Default: `content`. */
  contentDir?: string
  /** Output folder. Default: `dist`. Ignored when `writer` is given. */
  outDir?: string
  /** Templates folder. Default: `templates` when it exists, else the templates that ship with collage. */
  templatesDir?: string
  /** Folder copied as is into the site. Default: `public` when it exists, else the one that ships with collage. */
  publicDir?: string
  /** Overrides `baseUrl` of `site.yaml`. */
  baseUrl?: string
  /** Include papers marked `draft: true`. Default: false. */
  drafts?: boolean
  /** Working folder, for relative paths and messages. Default: `process.cwd()`. */
  cwd?: string
  /** Where to write. Default: a {@link DiskWriter} on `outDir`. */
  writer?: Writer
  /** Validate only: render everything, write nothing. Default: false. */
  dryRun?: boolean
  /** Build the search index. Default: true (false in a dry run). */
  search?: boolean
  /** Keep rendered Markdown in a cache on disk between builds. Default: true. */
  cache?: boolean
  /** Folder of that cache. Default: `.collage-cache` in `cwd`. */
  cacheDir?: string
  /** Draw the share images (a card per paper, a cover per month) and point pages at them. Default: true (false in a dry run). */
  images?: boolean
  /** Documents each part of the search index aims to hold (see {@link searchShards}). Default: 400. */
  searchShardSize?: number
  /**
   * Leave the share images, feeds, sitemap and `robots.txt` out of the site written, and make any
   * of them when asked, through {@link BuildResult.extras}: for the dev server, whose browsers
   * reload pages and seldom ask for those. Default: false.
   */
  deferExtras?: boolean
  /** The content files that may have changed since the last build of this process began (see {@link LoadOptions.changedSince}). */
  changedSince?: ReadonlySet<string>
}

/** Files of a site made only when asked for (see {@link BuildOptions.deferExtras}). */
export interface DeferredFiles {
  /** Their site paths, such as `feed.xml` and `2021/01/rad/card.png`. */
  paths: ReadonlySet<string>
  /** The bytes of one, as a build that wrote it would have written them; undefined for a path not among them. */
  make(path: string): Promise<Uint8Array | undefined>
}

/** What a build did. */
export interface BuildResult {
  /** True when there were no errors and the site was written (or, in a dry run, would be). */
  ok: boolean
  /** Every problem, sorted by file and place. */
  problems: Problem[]
  /** HTML pages rendered. */
  pages: number
  /** Files in the site, pages included. */
  files: number
  /** Wall-clock milliseconds. */
  ms: number
  /** Threads that rendered Markdown: 1, or the workers when there was enough to render. */
  threads?: number
  /** Milliseconds by phase: load, markdown, graph, pages (rendered and written), images, feeds, search, commit. */
  timings?: Record<string, number>
  /** The site graph, when the content loaded. */
  site?: Site
  /** True when nothing that shapes the site changed since the last build, which was kept as it was. */
  upToDate?: boolean
  /** Pages kept from the previous build without rendering them again, as nothing they show changed. */
  reused?: number
  /** True when the search index was kept from the previous build, as nothing it holds changed. */
  searchKept?: boolean
  /** Parts of the search index made again (the others were kept, as nothing they hold changed). */
  searchIndexed?: number
  /** True when the site graph of the last build of this process was taken on, with the changed records put in their places, instead of being built again (see {@link replacedRecords}). */
  graphKept?: boolean
  /** Markdown files rendered (the others came from the cache). */
  rendered?: number
  /** Files the cache held for nothing, deleted after the build (at most once a day; see {@link sweepCache}). */
  swept?: { files: number; bytes: number }
  /** The files left out of the site, with {@link BuildOptions.deferExtras}. */
  extras?: DeferredFiles
}

const require = createRequire(import.meta.url)

/**
 * Build a site: load every file, render its Markdown, build the site graph, render the pages, and
 * only when there are no errors write the whole site at once.
 *
 * @param options see {@link BuildOptions}
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const search: SearchState = { open: false }
  try {
    return await runBuild(options, search)
  } finally {
    // Whatever way the build ended, the indexer it started is stopped, once the part it was given
    // is done: stopped midway, the part would start a new helper to close itself.
    if (search.open) {
      await search.indexing?.catch(() => {})
      await stopSearchIndexer().catch(() => {})
    }
  }
}

/** Whether a build has the search indexer's helper process running, and the part it was given first. */
interface SearchState {
  open: boolean
  indexing?: Promise<unknown>
}

async function runBuild(options: BuildOptions, search: SearchState): Promise<BuildResult> {
  const started = performance.now()
  // Milliseconds spent in each phase, for the benchmark and for people who wonder where time goes.
  const timings: Record<string, number> = {}
  let threads = 1
  let lap = started
  const mark = (phase: string): void => {
    const now = performance.now()
    timings[phase] = (timings[phase] ?? 0) + now - lap
    lap = now
  }
  const cwd = options.cwd ?? process.cwd()
  const { contentDir, templatesDir, publicDir } = await sourceFolders(options)
  // Puts back the records of the last build's graph, when this build took it on and then failed.
  let undoGraph = (): void => {}
  const finish = (problems: Problem[], ok: boolean, pages = 0, files = 0, site?: Site): BuildResult => {
    if (!ok) undoGraph()
    return { ok, problems: sortProblems(problems), pages, files, ms: performance.now() - started, timings, threads, ...(site ? { site } : {}) }
  }

  try {
    const s = await stat(contentDir)
    if (!s.isDirectory()) return finish([place(contentDir, cwd, 'Content folder is not a folder', 'missing-content')], false)
  } catch {
    return finish([place(contentDir, cwd, 'Content folder does not exist', 'missing-content')], false)
  }

  let writer = options.writer
  let disk: DiskWriter | undefined
  let fingerprint: string | undefined
  let previousMeta: BuildMeta | undefined
  // What `collage build` found when it checked whether anything changed: not read again.
  const checked = takeCheck(options)
  // Content files read and hashed to fingerprint the folder, kept for loading: none is read or hashed twice.
  const contentRead: ContentRead = checked?.content ?? { files: new Map(), hashes: new Map() }
  if (!writer && !options.dryRun) {
    try {
      disk = new DiskWriter(path.resolve(cwd, options.outDir ?? 'dist'), [contentDir, templatesDir, publicDir])
      await disk.assertOwned()
      // Without the cache, nothing of the previous output is trusted either.
      if (options.cache === false) disk.fresh = true
      writer = disk
    } catch (error) {
      if (error instanceof OutputError) return finish([{ file: options.outDir ?? 'dist', line: 1, column: 1, message: error.message, ruleId: 'unsafe-output', severity: 'error' }], false)
      throw error
    }
    if (options.cache !== false) {
      // Everything that shapes the output: when none of it changed, the last site is still right.
      if (checked) disk.knownManifest(checked.manifest)
      fingerprint = checked?.fingerprint ?? (await siteFingerprint(options, { contentDir, templatesDir, publicDir }, contentRead))
      previousMeta = (await disk.readManifest())?.meta as BuildMeta | undefined
      if (previousMeta?.fingerprint === fingerprint) {
        return { ...finish(previousMeta.problems, true, previousMeta.pages, previousMeta.files), upToDate: true }
      }
    }
  } else if (writer && options.cache !== false) {
    previousMeta = (await writer.readMeta()) as BuildMeta | undefined
  }

  const loadOptions = {
    cwd,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.drafts ? { drafts: true } : {}),
    ...(options.changedSince ? { changedSince: options.changedSince } : {})
  }
  // A build from the command line starts a fresh process: the parses of the last one are kept in
  // one file of the cache, and most files did not change since. (A longer-lived process, such as
  // the dev server, remembers its own.)
  const keepParses = options.cache !== false && !options.writer
  const cacheRoot = cacheFolder(options)
  let swept: BuildResult['swept']
  // The cache keys of the site's images, made only when the cache is swept.
  let imageKeys: (() => Set<string>) | undefined
  let extras: DeferredFiles | undefined
  // The parses are read, used and written here, then let go of: the records are all the rest of
  // the build needs, and a parse holds its file's whole text.
  const loaded = await (async () => {
    // Spread over a few files: a build after a few edits rewrites the few that hold those files' parses.
    const parseCache = new BucketedMap<StoredParse>(
      new DiskValueCache(keepParses ? path.join(cacheRoot, 'parse') : undefined, options.dryRun === true),
      hashOf(toolVersions, await codeVersion(), process.version, contentDir),
      (a, b) => a.hash === b.hash
    )
    const parses = keepParses ? await parseCache.read() : new Map<string, StoredParse>()
    // A process that keeps its parses on disk need not keep them in memory for a next build too.
    const content = await loadContent(contentDir, { ...loadOptions, parses, remember: options.cache !== false && !keepParses, files: contentRead.files, hashes: contentRead.hashes })
    contentRead.files.clear()
    contentRead.hashes.clear()
    if (keepParses && (content.restored !== content.parses.size || content.parses.size !== parses.size)) {
      await parseCache.write([...content.parses].map(([key, parse]) => [key, storeParse(parse)] as const))
    }
    const { config, problems, papers, months, translations } = content
    return { config, problems, papers, months, translations, parseFiles: parseCache.fileKeys() }
  })()
  const problems = [...loaded.problems, ...missingCatalogues(loaded.config, path.relative(cwd, path.join(contentDir, 'site.yaml')))]
  const { config } = loaded
  const markdownOptions = { macros: config.macros, basePath: config.basePath }
  // One processor for the builds of this process with these settings: the first file a processor
  // renders costs it ten to forty times what the next one does.
  const markdownKey = JSON.stringify(markdownOptions)
  if (lastMarkdown?.key !== markdownKey) lastMarkdown = { key: markdownKey, markdown: createMarkdown(markdownOptions) }
  const markdown = lastMarkdown.markdown
  // Rendered Markdown is cached by the file's bytes and everything else that shapes it; what the
  // cache does not hold is rendered in one go, on every core when there is enough of it.
  const renderCache = new RenderedCache(options.cache === false ? undefined : path.join(cacheRoot, 'render'), options.dryRun === true, contentDir)
  await renderCache.open()
  // Collage's own code is part of the key: a changed plugin or text conversion renders differently.
  const renderSalt = hashOf(toolVersions, await codeVersion(), JSON.stringify(config.macros), config.basePath)
  const allPapers = [...loaded.papers, ...loaded.translations.papers]
  const allMonths = [...loaded.months, ...loaded.translations.months]
  const rendered = new Map<string, RenderedFile>()
  const jobs: RenderJob[] = []
  const cached = limitConcurrency(64)
  const recent = options.cache === false ? new Map<string, RenderedFile>() : lastRendered
  const paperKeys = allPapers.map((source) => paperKey(renderSalt, source))
  const monthKeys = allMonths.map((source) => monthKey(renderSalt, source))
  // A file the last build of this process rendered (as the dev server's did) is at hand. The others
  // are looked up in the cache, many at a time, then looked at in order: a hit's HTML is read only
  // if a page needs it, and should it be gone by then, the file is rendered again in this thread.
  const lookups: Array<[RenderJob, Promise<RenderedFile | undefined>]> = []
  const find = (key: string, jobOf: () => RenderJob): void => {
    const hit = recent.get(key)
    if (hit) {
      renderCache.touch(key, hit)
      rendered.set(key, hit)
      return
    }
    const job = jobOf()
    const again = againOf(markdown, job)
    lookups.push([job, cached(() => renderCache.get(key, again))])
  }
  allPapers.forEach((source, i) => {
    const key = paperKeys[i]!
    find(key, () => ({ kind: 'paper', key, path: source.path, file: source.absPath, hash: source.textHash, body: source.body, takeaway: source.takeaway, takeawayLine: source.takeawayLine, takeawayColumn: source.takeawayColumn, title: source.title, titleLine: source.titleLine, titleColumn: source.titleColumn }))
  })
  allMonths.forEach((source, i) => {
    const key = monthKeys[i]!
    find(key, () => ({ kind: 'month', key, path: monthPath(source), intro: source.intro, outro: source.outro, outroLine: source.outroLine }))
  })
  for (const [job, found] of lookups) {
    const hit = await found
    if (hit) rendered.set(job.key, hit)
    else jobs.push(job)
  }
  lookups.length = 0
  mark('load')
  // Each file goes to the cache as it comes; its HTML is read back when a page needs it.
  const parallel = await renderAll(jobs, markdown, markdownOptions, async (job, file) => {
    rendered.set(job.key, await renderCache.store(job.key, file, againOf(markdown, job)))
  })
  const renderedCount = jobs.length
  // The bodies were needed to render: from here on, a rendering needed again reads its file again.
  jobs.length = 0
  threads = parallel.threads
  await renderCache.close()
  if (options.cache !== false) lastRendered = rendered
  const linkSources: LinkSource[] = []
  const realContent = await realpath(contentDir)

  const papers: Paper[] = []
  const figureFiles: OutputFile[] = []
  const printOf = (record: object): string => {
    const print = recordPrints.get(record)
    if (print === undefined) throw new Error('A record of the site graph has no fingerprint')
    return print
  }
  const headOf = (paper: Paper): string => headPrints.get(paper) ?? printOf(paper)
  for (const [i, source] of allPapers.entries()) {
    const key = paperKeys[i]!
    const file = rendered.get(key)!
    // A paper whose parse and rendering are the very ones of this process's last build (the dev
    // server's) has the same record: it is reused, with its fingerprint and what it reported.
    const made = options.cache === false ? undefined : lastPapers.get(source)
    if (made && made.file === file && made.budget === config.summaryWords && !source.figure) {
      problems.push(...made.problems)
      linkSources.push(...made.links)
      papers.push(made.paper)
      continue
    }
    const paperProblems: Problem[] = []
    const paperLinks: LinkSource[] = []
    const paper = renderPaper(source, file, config.summaryWords, paperProblems, paperLinks)
    problems.push(...paperProblems)
    linkSources.push(...paperLinks)
    if (source.figure) {
      const figure = await resolveFigure(source, realContent, problems)
      if (figure) {
        paper.figure = figure.figure
        // A translation shares its original's figure file.
        if (!source.lang) figureFiles.push({ path: figure.figure.outputPath, copyFrom: figure.abs })
      }
    }
    recordPrints.set(paper, recordPrint(key, paper, ['raw', 'body']))
    headPrints.set(paper, headPrint(paper))
    papers.push(paper)
    if (options.cache !== false) lastPapers.set(source, { file, budget: config.summaryWords, paper, problems: paperProblems, links: paperLinks })
  }
  let months: Month[] = []
  const monthPrints: string[] = []
  for (const [i, m] of allMonths.entries()) {
    const key = monthKeys[i]!
    const month = renderMonth(m, rendered.get(key)!, problems, linkSources)
    const print = recordPrint(key, month, ['raw', 'intro', 'outro'])
    recordPrints.set(month, print)
    monthPrints.push(print)
    months.push(month)
  }
  // The records are made. Their sources hold every paper's whole body, which nothing needs any
  // more (a rendering needed again reads its file again): they are let go.
  allPapers.length = 0
  loaded.papers.length = 0
  loaded.translations.papers.length = 0
  mark('markdown')
  // A rebuild in this process (the dev server's) in which no paper or month moved in the graph, as
  // after an edit of a summary, a title or an intro, takes the last build's graph on, with the
  // changed records put in their places: the graph and the fingerprints of its parts are not made
  // again.
  const configJson = JSON.stringify(config)
  const previousGraph = options.cache === false ? undefined : lastGraph
  if (options.cache !== false) lastGraph = undefined
  const replaced = replacedRecords(previousGraph, { contentDir, config: configJson, months, monthPrints, papers })
  let site: Site
  let siteProblems: Problem[]
  if (previousGraph && replaced) {
    // A month whose print is the same keeps the graph's record.
    months = months.map((month, i) => (previousGraph.monthPrints[i] === monthPrints[i] ? previousGraph.months[i]! : month))
    site = previousGraph.site
    siteProblems = previousGraph.problems
    undoGraph = replaceRecords(site, replaced)
  } else {
    ;({ site, problems: siteProblems } = buildSite(config, months, papers))
  }
  problems.push(...siteProblems)
  if (problems.some((p) => p.severity === 'error')) return finish(problems, false, 0, 0, site)

  // The search index's parts and what each holds come from the site graph alone. The first part
  // whose documents changed goes to the indexer now, before the pages are set up: after an edit,
  // indexing that part is what a build waits for last.
  const searchParts = searchShards(site, options.searchShardSize)
  const bundles = searchBundles(searchParts)
  const version = hashOf(toolVersions, await codeVersion(), JSON.stringify(config), String(options.drafts ?? false))
  const wantSearch = options.search ?? !options.dryRun
  // Collage's code and the settings (month titles, languages) shape the documents too.
  const searchVersion = hashOf(versionOf('pagefind'), version)
  // Each part of the index is made again only when a document it holds changed: a document is
  // named by the fingerprint of the record it shows, so no document is made to find that out.
  const shards = (wantSearch ? searchParts : []).map((shard) => ({
    ...shard,
    key: hashOf(searchVersion, shard.bundle, ...shard.sources.flatMap((d) => (d.paper ? [d.url, printOf(d.paper.paper)] : [d.url, printOf(d.month!.source), d.month!.title]))),
    kept: new Set<string>()
  }))
  // Pages are kept only by a build that tracks what they read (see `tracker` below); so are the index's parts.
  const tracking = writer !== undefined && !options.dryRun && options.cache !== false
  const firstChanged = shards.find((shard) => !tracking || previousMeta?.searchShards?.[shard.bundle]?.key !== shard.key)
  let early: { shard: (typeof shards)[number]; indexing: ReturnType<typeof indexShard> } | undefined
  if (firstChanged) {
    search.open = true
    early = { shard: firstChanged, indexing: indexShard(firstChanged) }
    early.indexing.catch(() => {})
    search.indexing = early.indexing
  }

  const katex = await katexAssets()
  const publicFiles = await listFolder(publicDir)
  const publicCss = publicFiles.filter((f): f is { path: string; copyFrom: string } => f.path.endsWith('.css') && 'copyFrom' in f)
  const cssParts = await Promise.all(publicCss.map((f) => readFile(f.copyFrom)))
  // A short hash of the stylesheets in their URLs, so a new build is never served stale CSS.
  const assetVersion = hashOf(katex.css, ...cssParts, require('katex/package.json').version as string).slice(0, 10)
  const images = options.images ?? !options.dryRun
  // Pages are rendered again only when something they read changed since the previous build.
  const contentPrints = { paper: printOf, paperHead: headOf, month: printOf }
  let tracker: SiteTracker | undefined
  if (tracking) {
    if (replaced && previousGraph?.tracker) {
      tracker = previousGraph.tracker
      tracker.carryOver(contentPrints, replaced)
    } else {
      tracker = new SiteTracker(site, contentPrints)
    }
  }
  // The search page loads every part of the index: their folders are part of every page's key.
  const renderer = createRenderer(templatesDir, site, assetVersion, { images, version, searchBundles: bundles, ...(tracker ? { tracker } : {}) })
  // What each page, feed and image was made from, to keep those whose inputs did not change.
  // A graph taken on from the last build has its structure, by the test that took it on.
  const structure = tracker && ((replaced && previousGraph?.structure) || structureOf(papers, months))
  const keys = new BuildKeys(tracker, previousMeta?.pageKeys, hashOf(renderer.scope, version), structure)
  const staticFiles: OutputFile[] = [...katex.files, ...(await fontAssets()), ...publicFiles, ...figureFiles]
  // KaTeX's stylesheet and the site's in one file: a page waits for one stylesheet, not two,
  // before its first paint. (A public file of that name is the site's own.)
  if (!publicFiles.some((f) => f.path === styleBundlePath)) {
    const ownCss = cssParts[publicCss.findIndex((f) => f.path === 'assets/collage.css')]?.toString('utf8') ?? ''
    staticFiles.push({ path: styleBundlePath, data: `${katex.css.replace(/url\(fonts\//g, 'url(katex/fonts/')}\n${ownCss}` })
  }

  // Every path the site will have, known before any page is rendered, so links can be checked first.
  const known = new Set<string>(site.routes.map((r) => r.path))
  for (const f of staticFiles) known.add('/' + f.path)
  for (const name of ['sitemap.xml', 'robots.txt']) known.add('/' + name)
  for (const p of feedPaths(site)) known.add(p)
  problems.push(...checkLinks(linkSources, known))
  if (images) problems.push(...shareImageConflicts(site))
  if (problems.some((p) => p.severity === 'error')) return finish(problems, false, 0, 0, site)

  // Pages are written as they are rendered: the whole site is never held in memory at once.
  mark('graph')
  const session = options.dryRun || !writer ? discardSession : await writer.open()
  const searchMeta: Record<string, { key: string; files: string[] }> = {}
  let changedShards: typeof shards = []
  let feeding: Promise<void> = Promise.resolve()
  const closeSearch = async (): Promise<void> => {
    if (search.open) await stopSearchIndexer().catch(() => {})
    search.open = false
  }
  let pages = 0
  let reused = 0
  let fileCount = 0
  // Files go out a few dozen at a time: no round trip waits for the one before.
  const writes = new Throttle(32)
  const write = (file: OutputFile): Promise<void> => {
    fileCount++
    return writes.run(() => session.write(file))
  }
  /** Keep files of the previous site, in order, up to the first that is gone; the ones kept. */
  const keepAll = async (files: readonly string[]): Promise<Set<string>> => {
    const kept = new Set<string>()
    for (const file of files) {
      if (!(await session.keep(file))) break
      kept.add(file)
      fileCount++
    }
    return kept
  }
  try {
    for (const f of staticFiles) await write(f)
    // A part of the index none of whose documents changed (as after an edited template,
    // stylesheet or setting, or an edit in another part) is kept whole.
    for (const shard of shards) {
      const before = previousMeta?.searchShards?.[shard.bundle]
      if (!tracker || before?.key !== shard.key) continue
      shard.kept = await keepAll(before.files)
      if (shard.kept.size === before.files.length) searchMeta[shard.bundle] = before
    }
    // The indexer, a process of its own, takes each part's documents while this thread renders
    // pages, and writes the part out once it holds them all (while it takes the next part's): on
    // two cores it is done about when the pages are. Each part's files are written as they come,
    // so the build holds at most two parts' files at a time, whatever the size of the site.
    changedShards = shards.filter((shard) => !searchMeta[shard.bundle])
    feeding = (async () => {
      let written: Promise<void> = Promise.resolve()
      for (const shard of changedShards) {
        search.open = true
        const done = (shard === early?.shard ? early.indexing : indexShard(shard)).then(async ({ files, errors }) => {
          for (const f of files) if (!shard.kept.has(f.path)) await write(f)
          for (const e of errors) problems.push({ file: '(search index)', line: 1, column: 1, message: e, ruleId: 'search-index', severity: 'warning' })
          // Its warnings are the index's too: a part with warnings is made again next time.
          if (errors.length === 0) searchMeta[shard.bundle] = { key: shard.key, files: files.map((f) => f.path) }
        })
        done.catch(() => {})
        // At most two parts at a time: one being written out while the next one's documents go in.
        await written
        written = done
      }
      await written
    })()
    feeding.catch(() => {})
    // Pages kept from the last build cost no I/O: without a pause now and then, the loop would
    // hold the thread and the indexer's answers would wait until every page is done.
    const letIoThrough = everyFewMilliseconds(8)
    let templateFailed = false
    for (const route of renderOrder(site.routes)) {
      const pause = letIoThrough()
      if (pause) await pause
      const same = templateFailed ? undefined : keys.unchanged(route.path, (reads) => renderer.keyOf(route, reads), true)
      // Most pages of a rebuild are kept, and keeping one seldom waits: no wait when it does not.
      let kept = same && session.keep(outputPathOf(route))
      if (kept instanceof Promise) kept = await kept
      if (same && kept) {
        keys.keep(route.path, same)
        fileCount++
        pages++
        reused++
        continue
      }
      let html: string
      try {
        const page = renderer.renderPage(route)
        html = page.html
        if (tracker) {
          const key = renderer.keyOf(route, page.reads)
          if (key) keys.remember(route.path, key, page.reads)
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error
        problems.push({ file: path.relative(cwd, path.join(templatesDir, error.template)) || error.template, line: error.line, column: 1, message: `While rendering ${error.page}: ${error.message.split('\n')[0]}`, ruleId: 'template-error', severity: 'error' })
        templateFailed = true
        continue
      }
      // After a template error, keep rendering only to report every broken page; write nothing.
      if (templateFailed) continue
      await write({ path: outputPathOf(route), data: html })
      pages++
    }
    if (templateFailed) {
      await writes.drain().catch(() => {})
      await feeding.catch(() => {})
      await session.abort()
      await closeSearch()
      return finish(problems, false, 0, 0, site)
    }
    mark('pages')
    // The indexer (a process of its own) writes out what is left while this thread draws images
    // and makes feeds.
    const imageCache = new DiskBytesCache(options.cache === false ? undefined : path.join(cacheRoot, 'images'))
    // A paper's feed entry is made again only when its record was (the same record, the same entry).
    const feedEntries = feedEntriesFor(version, options)
    if (options.deferExtras) {
      extras = deferredFiles(site, images ? shareImagesOnRequest(site, publicDir, imageCache) : undefined, (edition) => feedJobs(edition, createTranslator, feedEntries))
    } else if (images) {
      // An image is kept when the records it shows have the fingerprints they had last time.
      const keepImage = async (image: ImageToKeep): Promise<boolean> => {
        await letIoThrough()
        if (!tracker) return false
        const id = `image ${image.file}`
        // What every image is drawn with is a part too, so an image whose parts are all the same
        // is known to be the same without a hash.
        const drawnWith = tracker.constant('share images', image.salt)
        const same = keys.unchanged(id, (reads) => tracker.keyOf([id], reads), true)
        if (same && (await session.keep(image.file))) {
          fileCount++
          keys.keep(id, same)
          return true
        }
        const reads = [...tracker.partsOf(image.shows), drawnWith].sort()
        const key = tracker.keyOf([id], reads)
        if (key) keys.remember(id, key, reads)
        return false
      }
      imageKeys = (await renderShareImages(site, publicDir, imageCache, keepImage, write)).cacheKeys
    }
    mark('images')
    if (!options.deferExtras) {
      // Feeds, like pages, are made again only when an entry they read changed.
      for (const edition of site.editions) {
        for (const job of feedJobs(tracker ? tracker.wrap(edition) : edition, createTranslator, feedEntries)) {
          const id = `feed ${job.id}`
          const scope = [version, id]
          const same = keys.unchanged(id, (reads) => tracker?.keyOf(scope, reads), true)
          const kept = same ? await keepAll(job.paths) : new Set<string>()
          if (same && kept.size === job.paths.length) {
            keys.keep(id, same)
            continue
          }
          tracker?.begin()
          const files = job.render()
          const reads = tracker?.end() ?? []
          const key = tracker?.keyOf(scope, reads)
          if (key) keys.remember(id, key, reads)
          for (const f of files) if (!kept.has(f.path)) await write(f)
        }
      }
      // The sitemap, too, is made again only when what it lists changed.
      const sitemap = sitemapEntries(site)
      const sitemapKey = hashOf(version, JSON.stringify(sitemap))
      const keptSitemap = keys.unchanged('sitemap', () => sitemapKey) ? await keepAll(sitemapFiles) : new Set<string>()
      if (keptSitemap.size < sitemapFiles.length) for (const f of await renderSitemap(site, sitemap)) if (!keptSitemap.has(f.path)) await write(f)
      if (tracker) keys.remember('sitemap', sitemapKey, [])
    }
    mark('feeds')
    await feeding
    if (search.open) {
      await stopSearchIndexer()
      search.open = false
    }
    const meta: BuildMeta = {
      fingerprint: fingerprint ?? '',
      pages,
      files: fileCount + 1,
      problems: problems.filter((p) => p.severity === 'warning'),
      ...(tracker ? { pageKeys: keys.finish() } : {}),
      ...(tracker && wantSearch ? { searchShards: searchMeta } : {})
    }
    await writes.drain()
    mark('search')
    await session.commit(meta)
    mark('commit')
  } catch (error) {
    await writes.drain().catch(() => {})
    await feeding.catch(() => {})
    await session.abort()
    await closeSearch()
    if (error instanceof OutputError) return finish([...problems, { file: options.outDir ?? 'dist', line: 1, column: 1, message: error.message, ruleId: 'unsafe-output', severity: 'error' }], false)
    if (error instanceof ContentChangedError) {
      const file = path.relative(cwd, error.file).split(path.sep).join('/')
      return finish([...problems, { file, line: 1, column: 1, message: 'File changed while the site was being built: build again', ruleId: 'changed-during-build', severity: 'error' }], false)
    }
    undoGraph()
    throw error
  }
  if (options.cache !== false) lastGraph = { contentDir, config: configJson, months, monthPrints, papers, site, problems: siteProblems, ...(tracker ? { tracker } : {}), ...(structure ? { structure } : {}) }
  // Now and then, what the cache holds for nothing goes (see sweepCache); a sweep that fails costs
  // only space.
  if (disk && options.cache !== false) {
    const used = renderCache.inUse()
    try {
      swept = sweepCache(cacheRoot, { 'render/entries': () => used.entries, 'render/index': () => used.index, parse: () => loaded.parseFiles, images: () => imageKeys?.() ?? new Set() })
    } catch {
      // Left for the next build.
    }
  }
  return { ...finish(problems, true, pages, fileCount + 1, site), reused, rendered: renderedCount, graphKept: replaced !== undefined, searchKept: wantSearch && changedShards.length === 0, searchIndexed: changedShards.length, ...(swept ? { swept } : {}), ...(extras ? { extras } : {}) }
}

/** The feed entries memo of this process for builds of one version (see {@link feedJobs}). */
function feedEntriesFor(version: string, options: BuildOptions): FeedEntryMemo | undefined {
  if (options.cache === false) return undefined
  if (lastFeedEntries.version !== version) lastFeedEntries = { version, entries: new WeakMap() }
  return lastFeedEntries.entries
}

/**
 * The share images, feeds, sitemap and `robots.txt` of a site, each made when asked for, as a
 * build that wrote them would have: feeds and the sitemap from the site graph (untracked), an
 * image from the image cache or drawn.
 */
/** The paths of the files each site graph of this process leaves out (see {@link deferredFiles}). */
const deferredPaths = new WeakMap<Site, { images: ReadonlySet<string> | undefined; paths: ReadonlySet<string> }>()

function deferredFiles(site: Site, images: ReturnType<typeof shareImagesOnRequest> | undefined, jobsOf: (edition: Edition) => FeedJob[]): DeferredFiles {
  let feeds: Map<string, FeedJob> | undefined
  const feedJobsByPath = (): Map<string, FeedJob> => {
    if (!feeds) {
      feeds = new Map()
      for (const edition of site.editions) for (const job of jobsOf(edition)) for (const p of job.paths) feeds.set(p, job)
    }
    return feeds
  }
  // The same for a graph a rebuild takes on, as long as the images are.
  const known = deferredPaths.get(site)
  const paths = known?.images === images?.paths ? known!.paths : new Set<string>([...(images?.paths ?? []), ...feedPaths(site).map((p) => p.slice(1)), ...sitemapFiles])
  deferredPaths.set(site, { images: images?.paths, paths })
  const bytesOf = (files: readonly OutputFile[], file: string): Uint8Array | undefined => {
    const found = files.find((f) => f.path === file)
    return found && 'data' in found ? (typeof found.data === 'string' ? Buffer.from(found.data) : found.data) : undefined
  }
  return {
    paths,
    async make(file) {
      if (!paths.has(file)) return undefined
      if (images?.paths.has(file)) return images.make(file)
      if ((sitemapFiles as readonly string[]).includes(file)) return bytesOf(await renderSitemap(site, sitemapEntries(site)), file)
      const job = feedJobsByPath().get(file)
      return job && bytesOf(job.render(), file)
    }
  }
}

/** KaTeX's stylesheet followed by the site's `assets/collage.css`, which pages link. */
const styleBundlePath = 'assets/collage.bundle.css'

/** Rendered Markdown of the last build in this process, by cache key. */
let lastRendered = new Map<string, RenderedFile>()

/** A paper's record as a build made it, from its parse and its rendering. */
interface MadePaper {
  file: RenderedFile
  /** The summary's word budget it was checked against. */
  budget: number
  paper: Paper
  problems: Problem[]
  links: LinkSource[]
}

/** The Markdown processor of the builds of this process, and its settings as JSON. */
let lastMarkdown: { key: string; markdown: Markdown } | undefined

/** The site graph of the last build in this process, and what it was built from. */
interface MadeGraph {
  contentDir: string
  /** The settings, as JSON. */
  config: string
  months: Month[]
  monthPrints: string[]
  /** Translations included, in the order of the load. */
  papers: Paper[]
  site: Site
  problems: Problem[]
  tracker?: SiteTracker
  /** {@link structureOf} its papers and months, when worked out. */
  structure?: string
}

/**
 * A fingerprint of what the site graph's structure is made from: every paper's and month's place
 * in it ({@link paperPlaceFields}, {@link monthPlaceFields}), in order. With the same settings,
 * the same structure makes the same graph but for the records' other fields (see {@link BuildKeys}).
 */
function structureOf(papers: readonly Paper[], months: readonly Month[]): string {
  const places: string[] = []
  for (const paper of papers) places.push(placeOf(paperPlaceFields, paper))
  for (const month of months) places.push(placeOf(monthPlaceFields, month))
  return hashOf(...places)
}

/** The graph of the last good build of this process (see {@link replacedRecords}). */
let lastGraph: MadeGraph | undefined

/**
 * Whether the last build's graph is this build's with some records put in the places of others:
 * the same settings, and the same months and papers in the same order, each the same record (for
 * a month, one with the same print) or one whose place in the graph is the same (see
 * {@link paperPlaceFields}). The records to put in; undefined when the graph must be built again.
 */
function replacedRecords(last: MadeGraph | undefined, next: Pick<MadeGraph, 'contentDir' | 'config' | 'months' | 'monthPrints' | 'papers'>): Replacements | undefined {
  if (!last || last.contentDir !== next.contentDir || last.config !== next.config) return undefined
  if (last.papers.length !== next.papers.length || last.months.length !== next.months.length) return undefined
  const months = new Map<Month, Month>()
  for (const [i, month] of next.months.entries()) {
    const old = last.months[i]!
    if (last.monthPrints[i] === next.monthPrints[i]) continue
    if (!samePlace(monthPlaceFields, old, month)) return undefined
    months.set(old, month)
  }
  const papers = new Map<Paper, Paper>()
  for (const [i, paper] of next.papers.entries()) {
    const old = last.papers[i]!
    if (old === paper) continue
    if (!samePlace(paperPlaceFields, old, paper)) return undefined
    papers.set(old, paper)
  }
  return { papers, months }
}

/**
 * Fingerprints of the records made by the builds of this process (see {@link recordPrint}): a
 * record, once made, never changes, and is reused by a later build when its source is the same.
 */
const recordPrints = new WeakMap<object, string>()

/** The fingerprints of what lists show of the paper records of this process (see {@link headPrint}). */
const headPrints = new WeakMap<Paper, string>()

/** Paper records made by the builds of this process, by their parse (which the last load made or kept). */
let lastPapers = new WeakMap<PaperSource, MadePaper>()

/** Feed entries of the builds of this process, by paper record, while the settings and code are the same. */
let lastFeedEntries: { version: string; entries: FeedEntryMemo } = { version: '', entries: new WeakMap() }

/** Forget what the last build of this process read and rendered, as a new process would start: for tests. */
export function forgetLastBuild(): void {
  lastRendered = new Map()
  lastPapers = new WeakMap()
  lastGraph = undefined
  lastFeedEntries = { version: '', entries: new WeakMap() }
  forgetParses()
}

/** A session that keeps nothing: for dry runs. */
const discardSession: SiteSession = { write: async () => {}, keep: async () => false, commit: async () => {}, abort: async () => {} }

/**
 * A fingerprint of what lists of papers show of one (see {@link paperHeadFields}). The title's HTML
 * and text are left out: they are rendered from its source, `title`, the same way by every build
 * of one version of the settings and code, which every page's key holds.
 */
function headPrint(paper: Paper): string {
  return hashOf('head', JSON.stringify(paperHeadFields.map((field) => (field === 'titleHtml' || field === 'titleText' ? null : paper[field]))))
}

/**
 * A record's fingerprint: the cache key of its rendered text, and its other fields (the text and
 * the source it came from are named by that key, so they are not hashed again).
 */
function recordPrint(key: string, record: object, omit: readonly string[]): string {
  // Own fields only: the renderings' getters sit on the prototype and are never called here, so
  // the HTML of a rendering from the cache stays on disk.
  const rest: Record<string, unknown> = {}
  for (const name of Object.keys(record)) if (!omit.includes(name)) rest[name] = (record as Record<string, unknown>)[name]
  return hashOf(key, JSON.stringify(rest))
}

/** Build into memory: for tests and the dev server. */
export async function buildToMemory(options: Omit<BuildOptions, 'writer' | 'outDir'> = {}, writer = new MemoryWriter()): Promise<BuildResult & { files: number; output: Map<string, Uint8Array> }> {
  const result = await build({ ...options, writer })
  return { ...result, output: writer.files }
}

/** The file a route is written to: `/2021/01/` → `2021/01/index.html`. */
export function outputPathOf(route: Route): string {
  // Routes are URL paths (`/tags/%C3%BCber/`); servers decode them before looking for the file.
  const file = decodeURIComponent(route.path)
  if (file.endsWith('/')) return `${file.slice(1)}index.html`
  return file.slice(1)
}

/**
 * The site's pages in the order they are rendered: each month's paper pages right after its page
 * and slides, which show the same cards, so the HTML they share is read from the cache once while
 * it is among the last few files read (see {@link RenderedCache}). The site keeps its own order.
 */
function renderOrder(routes: readonly Route[]): Route[] {
  const papers = new Map<string, Route[]>()
  const monthOf = (route: Route): string => `${route.language}\0${(route.key ?? '').slice(0, 7)}`
  for (const route of routes) {
    if (route.kind !== 'paper') continue
    const list = papers.get(monthOf(route))
    if (list) list.push(route)
    else papers.set(monthOf(route), [route])
  }
  const out: Route[] = []
  for (const route of routes) {
    if (route.kind === 'paper') continue
    out.push(route)
    if (route.kind !== 'slides') continue
    out.push(...(papers.get(monthOf(route)) ?? []))
    papers.delete(monthOf(route))
  }
  for (const rest of papers.values()) out.push(...rest)
  return out
}

/** Links written in one file, and the page they are read from. */
interface LinkSource {
  file: string
  /** Site path that relative links resolve against. */
  page: string
  links: InternalLink[]
}

/**
 * Check that every link written in content leads to a page or file of the site. A relative link
 * resolves against the file's own page.
 */
function checkLinks(sources: readonly LinkSource[], known: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = []
  for (const source of sources) {
    for (const link of source.links) {
      let target: string
      try {
        target = decodeURIComponent(new URL(link.url, `http://site${source.page}`).pathname)
      } catch {
        target = link.url
      }
      if (known.has(target) || known.has(target + '/') || known.has(target.replace(/index\.html$/, ''))) continue
      problems.push({ file: source.file, line: link.line, column: link.column, message: `Link \`${link.url}\` leads to no page of the site`, ruleId: 'broken-link', severity: 'error' })
    }
  }
  return problems
}

/**
 * Cache keys of sources, by source record and salt. A file whose text did not change keeps its
 * record from the last load of this process (the dev server's), so its text is not hashed again.
 */
const sourceKeys = new WeakMap<object, { salt: string; key: string }>()

function keyOnce(salt: string, source: object, make: () => string): string {
  const known = sourceKeys.get(source)
  if (known?.salt === salt) return known.key
  const key = make()
  sourceKeys.set(source, { salt, key })
  return key
}

function paperKey(salt: string, source: PaperSource): string {
  return keyOnce(salt, source, () => hashOf(salt, 'paper', source.path, source.textHash))
}

function monthKey(salt: string, source: MonthSource): string {
  return keyOnce(salt, source, () => hashOf(salt, 'month', monthPath(source), source.textHash, source.intro))
}

/**
 * What renders a file again, for a rendering whose HTML is gone from the cache when a page needs
 * it: for a paper, from its body read again from its file, so that the build need not keep every
 * body for that (a month's intro stays in its job: there are few months).
 */
function againOf(markdown: Markdown, job: RenderJob): () => RenderedFile {
  if (job.kind !== 'paper') return () => runRenderJob(markdown, job)
  const { body: _body, ...light } = job
  return () => runRenderJob(markdown, { ...light, body: readBodyAgain(light.file, light.hash) })
}

function monthPath(source: MonthSource): string {
  return source.path ?? `content/${source.key}/index.md`
}

function renderPaper(source: PaperSource, rendered: RenderedFile, budget: number, problems: Problem[], linkSources: LinkSource[]): Paper {
  const summary = rendered.summary!
  const takeaway = rendered.takeaway!
  const title = rendered.title!
  const page = `/${source.month.slice(0, 4)}/${source.month.slice(5, 7)}/${source.slug}/`
  linkSources.push({ file: source.path, page, links: [...summary.internalLinks, ...takeaway.internalLinks] })
  problems.push(...summary.problems, ...takeaway.problems, ...title.problems)
  if (summary.words > budget) {
    const firstLine = source.body.split('\n').findIndex((l) => l.trim() !== '') + 1
    problems.push({
      file: source.path,
      line: firstLine,
      column: 1,
      message: `Summary has ${summary.words} words; a card holds about ${budget}: shorten it so it fits the slide`,
      ruleId: 'summary-too-long',
      severity: 'warning'
    })
  }
  // Neither the figure as written (the record gets it resolved) nor the body (rendered, and large).
  const { figure: _figure, body: _body, ...rest } = source
  // The HTML and the summary's text are looked at only when a page shows them (a rendering from
  // the cache reads them then), and are not kept here: a build does not hold them all at once.
  const renders: PaperRenderings = { summary, takeaway, title }
  return { __proto__: paperPrototype, ...rest, titleText: title.text, wordCount: summary.words, [renderings]: renders } as unknown as Paper
}

/** Where a paper's or month's record keeps its renderings, for the getters of its prototype. */
const renderings = Symbol('renderings')

interface PaperRenderings {
  summary: Rendered
  takeaway: Rendered
  title: Rendered
}

interface MonthRenderings {
  intro: Rendered
  outro: Rendered
  /** Whether the month has closing words. */
  hasOutro: boolean
}

/** The renderings a record's getters read. */
function rendersOf<R>(record: object): R {
  return (record as { [renderings]: R })[renderings]
}

// The fields read from the renderings are getters of one prototype, not of each record: a record
// with getters of its own is turned into one of a shape no other record has, and every field
// read from thousands of such records (as building the site graph does) takes V8's slow path.
const paperPrototype = {
  get summaryText(): string {
    return rendersOf<PaperRenderings>(this).summary.text
  },
  get takeawayText(): string {
    return rendersOf<PaperRenderings>(this).takeaway.text
  },
  get summaryHtml(): string {
    const paper = this as unknown as Paper
    // Without a figure, the first display formula is promoted to the card's right column: not shown twice.
    const key = paper.figure ? undefined : paper.keyEquationHtml
    const html = rendersOf<PaperRenderings>(this).summary.html
    return key ? html.replace(key, '') : html
  },
  get takeawayHtml(): string {
    return rendersOf<PaperRenderings>(this).takeaway.html
  },
  get titleHtml(): string {
    return rendersOf<PaperRenderings>(this).title.html
  },
  get keyEquationHtml(): string | undefined {
    return rendersOf<PaperRenderings>(this).summary.displayMath[0]
  }
}

const monthPrototype = {
  get summaryText(): string {
    return rendersOf<MonthRenderings>(this).intro.text
  },
  get introHtml(): string {
    return rendersOf<MonthRenderings>(this).intro.html
  },
  get outroHtml(): string {
    const r = rendersOf<MonthRenderings>(this)
    return r.hasOutro ? r.outro.html : ''
  }
}

function renderMonth(source: MonthSource, rendered: RenderedFile, problems: Problem[], linkSources: LinkSource[]): Month {
  const path = monthPath(source)
  const intro = rendered.intro!
  const outro = rendered.outro!
  linkSources.push({ file: path, page: `/${source.key.slice(0, 4)}/${source.key.slice(5, 7)}/`, links: [...intro.internalLinks, ...outro.internalLinks] })
  problems.push(...intro.problems, ...outro.problems)
  const renders: MonthRenderings = { intro, outro, hasOutro: Boolean(source.outro) }
  return { __proto__: monthPrototype, ...source, [renderings]: renders } as unknown as Month
}

async function resolveFigure(source: PaperSource, realContent: string, problems: Problem[]): Promise<{ figure: Figure; abs: string } | undefined> {
  const figure = source.figure!
  const report = (message: string, ruleId: string): undefined => {
    problems.push({ file: source.path, line: 1, column: 1, message, ruleId, severity: 'error' })
    return undefined
  }
  if (path.isAbsolute(figure.src) || /^[a-z]+:/i.test(figure.src)) return report(`Figure \`${figure.src}\` must be a path relative to the paper's file`, 'invalid-figure-path')
  const abs = path.resolve(path.dirname(source.absPath), figure.src)
  let real: string
  try {
    real = await realpath(abs)
  } catch {
    return report(`Figure file \`${figure.src}\` does not exist`, 'missing-figure')
  }
  if (!real.startsWith(realContent + path.sep)) return report(`Figure \`${figure.src}\` is outside the content folder`, 'figure-outside-content')
  const name = path.basename(real).toLowerCase()
  if (!/^[a-z0-9][a-z0-9._-]*\.(png|jpe?g|gif|webp|avif|svg)$/.test(name)) return report(`Figure \`${figure.src}\` must be a PNG, JPEG, GIF, WebP, AVIF or SVG file with a plain name`, 'invalid-figure-path')
  let size: { width?: number; height?: number } = {}
  try {
    size = imageSize(await readFile(real))
  } catch {
    return report(`Figure \`${figure.src}\` is not an image collage can read`, 'invalid-figure')
  }
  const out: Figure = { ...figure, outputPath: `${source.month.slice(0, 4)}/${source.month.slice(5, 7)}/${source.slug}/${name}` }
  if (size.width && size.height) {
    out.width = size.width
    out.height = size.height
  }
  return { figure: out, abs: real }
}

function place(abs: string, cwd: string, message: string, ruleId: string): Problem {
  return { file: path.relative(cwd, abs) || abs, line: 1, column: 1, message, ruleId, severity: 'error' }
}
