import { stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BuildOptions, BuildResult } from './build.js'
import { codeVersion, FileHashes, fingerprintFolder, hashOf, toolVersions } from './cache.js'
import { DiskWriter, type Manifest } from './output/writer.js'
import type { PageKeys } from './render/keys.js'
import { sortProblems } from './problems.js'
import type { Problem } from './types.js'

// This module is all a build needs to find that nothing changed: it loads none of the pipeline
// (Markdown, templates, images, search), which takes longer to load than the check takes.

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** What a disk build keeps in its output's manifest, to skip the next build when nothing changed. */
export interface BuildMeta {
  fingerprint: string
  pages: number
  files: number
  /** Warnings of that build, reported again when it is reused. */
  problems: Problem[]
  /** What each page, feed and share image was made from, so the next build makes only those whose inputs changed. */
  pageKeys?: PageKeys
  /** Each part of the search index, by its folder: a hash of everything it holds, and its files. */
  searchShards?: Record<string, { key: string; files: string[] }>
}

/**
 * The folders a build reads: the content folder, and the templates and public folders (the
 * site's own when it has them, else the ones that ship with collage).
 */
export async function sourceFolders(options: Pick<BuildOptions, 'cwd' | 'contentDir' | 'templatesDir' | 'publicDir'> = {}): Promise<{ contentDir: string; templatesDir: string; publicDir: string }> {
  const cwd = options.cwd ?? process.cwd()
  return {
    contentDir: path.resolve(cwd, options.contentDir ?? 'content'),
    templatesDir: await pickFolder(cwd, options.templatesDir, 'templates'),
    publicDir: await pickFolder(cwd, options.publicDir, 'public')
  }
}

/** The content files a fingerprint read, and the hash of every one, by absolute path. */
export interface ContentRead {
  /** Bytes of the files it read: those whose stat was not the one noted with their hash. */
  files: Map<string, Buffer>
  /** {@link hashOf} the bytes of every file. */
  hashes: Map<string, string>
}

/** The folder of a build's cache. */
export function cacheFolder(options: Pick<BuildOptions, 'cwd' | 'cacheDir'>): string {
  return path.resolve(options.cwd ?? process.cwd(), options.cacheDir ?? '.collage-cache')
}

/**
 * A hash of everything that shapes a site: the content, templates and public folders (names and
 * bytes), the options that change the output, Collage's own code and the versions of the tools
 * it renders with. When it is the one in the output's manifest, the output is still right.
 *
 * A file whose stat is the one noted in the cache when its bytes were last hashed is not read
 * (see {@link FileHashes}); without the cache, every file is.
 *
 * @param options the build's options
 * @param folders the folders the build reads
 * @param content receives the content files read and every content file's hash, so that loading
 *   them need not read or hash them again
 */
export async function siteFingerprint(
  options: BuildOptions,
  folders: { contentDir: string; templatesDir: string; publicDir: string },
  content?: ContentRead
): Promise<string> {
  const known = options.cache === false ? undefined : new FileHashes(path.join(cacheFolder(options), 'stats'))
  const fingerprint = hashOf(
    toolVersions,
    JSON.stringify([options.baseUrl ?? null, options.drafts ?? false, options.search ?? true, options.images ?? true, options.searchShardSize ?? null]),
    fingerprintFolder(folders.contentDir, { ...content, ...(known ? { known } : {}) }),
    fingerprintFolder(folders.templatesDir, known ? { known } : {}),
    fingerprintFolder(folders.publicDir, known ? { known } : {}),
    // Collage's own code: a changed tool may render the same content differently.
    await codeVersion(known)
  )
  if (!options.dryRun) known?.save()
  return fingerprint
}

/** What {@link upToDate} found when there was something to build, for the build that follows. */
interface Check {
  options: BuildOptions
  fingerprint: string
  content: ContentRead
  manifest: Manifest | undefined
}

let lastCheck: Check | undefined

/**
 * The result of a build that would find nothing changed since the last one into the same output
 * folder, found without loading the build pipeline; undefined when there is something to build
 * (or a problem to report, which the build itself does). A build to memory, a dry run or a build
 * without the cache always builds.
 *
 * When there is something to build, a build given the very same options object next takes over
 * what this check read (see {@link takeCheck}), so nothing is read or hashed twice.
 *
 * @param options the options the build would get
 */
export async function upToDate(options: BuildOptions = {}): Promise<BuildResult | undefined> {
  const started = performance.now()
  lastCheck = undefined
  if (options.writer || options.dryRun || options.cache === false) return undefined
  const folders = await sourceFolders(options)
  try {
    if (!(await stat(folders.contentDir)).isDirectory()) return undefined
    const disk = new DiskWriter(path.resolve(options.cwd ?? process.cwd(), options.outDir ?? 'dist'), [folders.contentDir, folders.templatesDir, folders.publicDir])
    await disk.assertOwned()
    const manifest = await disk.readManifest()
    const meta = manifest?.meta as BuildMeta | undefined
    const content: ContentRead = { files: new Map(), hashes: new Map() }
    const fingerprint = await siteFingerprint(options, folders, content)
    if (meta?.fingerprint === fingerprint) {
      return { ok: true, problems: sortProblems(meta.problems), pages: meta.pages, files: meta.files, ms: performance.now() - started, timings: {}, threads: 1, upToDate: true }
    }
    lastCheck = { options, fingerprint, content, manifest }
    return undefined
  } catch {
    return undefined
  }
}

/**
 * Build the site as `collage build` does: when {@link upToDate} finds nothing changed, without
 * loading the build pipeline; else with `build()`, which takes over what the check read.
 *
 * @param options see {@link BuildOptions}
 */
export async function buildUnlessUpToDate(options: BuildOptions = {}): Promise<BuildResult> {
  const result = await upToDate(options)
  if (result) return result
  const { build } = await import('./build.js')
  return build(options)
}

/**
 * What the last {@link upToDate} found, when it was given these very options (the same object)
 * and found something to build: the site's fingerprint, the content files it read and hashed,
 * and the output's manifest. Given once; undefined otherwise.
 */
export function takeCheck(options: BuildOptions): Omit<Check, 'options'> | undefined {
  const check = lastCheck
  lastCheck = undefined
  return check?.options === options ? check : undefined
}

/**
 * The folder to use: the one given, else `name` in the working folder when it exists, else the one
 * that ships with collage.
 */
async function pickFolder(cwd: string, given: string | undefined, name: string): Promise<string> {
  if (given !== undefined) return path.resolve(cwd, given)
  const local = path.resolve(cwd, name)
  try {
    if ((await stat(local)).isDirectory()) return local
  } catch {
    // Not there: use the one that ships with collage.
  }
  return path.join(packageRoot, name)
}
