import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type satoriFunction from 'satori'
import { DiskBytesCache, hashOf, toolVersions, versionOf } from '../cache.js'
import { moduleUrl } from '../modules.js'
import { canUseWorkers, runInWorkers } from '../worker-pool.js'
import type { Config } from '../config.js'
import type { Site, SiteMonth, SitePaper } from '../site/graph.js'
import type { Problem } from '../types.js'
import { createHelpers } from './helpers.js'
import { encodePng } from './png.js'

/**
 * Share images: a 1200 × 630 PNG per paper (its card as a slide) and per month (a cover with its
 * cards as tiles), for `og:image` and `twitter:image`. Drawn at build time without a browser:
 * satori lays the slide out and turns text into glyph outlines (SVG paths), resvg rasterises it.
 * Titles use `titleText`, where math is already readable Unicode, so no TeX reaches an image.
 */

/** Size of every share image, the one social sites expect for a large preview. */
export const shareImageSize = { width: 1200, height: 630 } as const

/** Site path of a paper's share image, without the base path: `2021/01/rad/card.png`. */
export function cardImagePath(sp: SitePaper): string {
  return `${sp.route.slice(1)}card.png`
}

/** Site path of a month's cover image, without the base path: `2021/01/cover.png`. */
export function coverImagePath(month: SiteMonth): string {
  return `${month.route.slice(1)}cover.png`
}

/**
 * Papers whose figure is named like their share image (`card.png`), which would overwrite it.
 *
 * @param site the site graph
 */
export function shareImageConflicts(site: Site): Problem[] {
  return site.papers
    .filter((sp) => sp.paper.figure?.outputPath === cardImagePath(sp))
    .map((sp) => ({ file: sp.paper.path, line: 1, column: 1, message: 'A figure may not be named `card.png`: that name is the paper\'s share image; rename the file', ruleId: 'reserved-figure-name', severity: 'error' }))
}

/** Text for `og:image:alt` of a paper's card. */
export function cardImageAlt(sp: SitePaper, config: Config): string {
  const p = sp.paper
  const h = createHelpers(config)
  return clip(`Card of “${p.titleText}” by ${h.shortAuthors(p.authors)}, ${p.year}${p.venue ? `, ${p.venue}` : ''}, from the ${sp.month.title} digest of ${config.title}`, 420)
}

/** Text for `og:image:alt` of a month's cover. */
export function coverImageAlt(month: SiteMonth, config: Config): string {
  const n = month.papers.length
  const head = `${month.title} digest of ${config.title}`
  if (n === 0) return head
  return clip(`${head}: ${n} paper${n === 1 ? '' : 's'}, ${month.papers.map((sp) => sp.paper.titleText).join('; ')}`, 420)
}

/** Colours of an image: the stylesheet's light scheme (an image has one scheme; the light one reads best in a feed). */
export interface Palette {
  surface: string
  ink: string
  inkMuted: string
  line: string
  lineStrong: string
  /** Month accents `--m0` … `--m12` (0: no month): text-safe accent, its tint, its border. */
  months: Array<{ accent: string; soft: string; line: string }>
}

/** The tokens of `public/assets/collage.css` as shipped, for when a stylesheet lacks one. */
export const defaultPalette: Readonly<Palette> = Object.freeze({
  surface: '#ffffff',
  ink: '#1c1e23',
  inkMuted: '#575c66',
  line: '#e2e0da',
  lineStrong: '#c9c6bf',
  months: [
    { accent: '#3a5a80', soft: '#eef2f7', line: '#c3d0df' },
    { accent: '#036da1', soft: '#e7f5ff', line: '#aed7f5' },
    { accent: '#ad3c7a', soft: '#ffedf4', line: '#f1c2d6' },
    { accent: '#03791f', soft: '#eaf7ea', line: '#b9dcb9' },
    { accent: '#7b50b9', soft: '#f4f0fe', line: '#d7c9f3' },
    { accent: '#5b7004', soft: '#f0f5e5', line: '#cad8ac' },
    { accent: '#097378', soft: '#e2f7f8', line: '#a3dde0' },
    { accent: '#b63c2e', soft: '#feeeeb', line: '#f6c3ba' },
    { accent: '#836205', soft: '#f9f2e2', line: '#e3cfa5' },
    { accent: '#00775c', soft: '#e5f8f0', line: '#aadecb' },
    { accent: '#a15200', soft: '#ffefe5', line: '#f1c7ac' },
    { accent: '#99469f', soft: '#faeefb', line: '#e6c4e7' },
    { accent: '#5b5ac3', soft: '#f0f1ff', line: '#c9cdf9' }
  ]
})

/**
 * The palette of a stylesheet: the colour tokens of its first `:root` rule (the light scheme),
 * `--surface`, `--ink`, `--m1`, `--m1-soft`, `--m1-line`…; any token missing or not a plain
 * colour keeps its default.
 *
 * @param css the site's stylesheet
 */
export function paletteFromCss(css: string): Palette {
  const root = /(?:^|[\s}]):root\s*\{([^}]*)\}/.exec(css.replace(/\/\*[\s\S]*?\*\//g, ''))?.[1] ?? ''
  const tokens = new Map<string, string>()
  for (const m of root.matchAll(/--([\w-]+)\s*:\s*([^;]+);/g)) {
    const value = m[2]!.trim()
    if (/^(#[0-9a-f]{3,8}|(rgb|hsl)a?\([^()]*\))$/i.test(value)) tokens.set(m[1]!, value)
  }
  const d = defaultPalette
  return {
    surface: tokens.get('surface') ?? d.surface,
    ink: tokens.get('ink') ?? d.ink,
    inkMuted: tokens.get('ink-muted') ?? d.inkMuted,
    line: tokens.get('line') ?? d.line,
    lineStrong: tokens.get('line-strong') ?? d.lineStrong,
    months: d.months.map((m, i) => ({ accent: tokens.get(`m${i}`) ?? m.accent, soft: tokens.get(`m${i}-soft`) ?? m.soft, line: tokens.get(`m${i}-line`) ?? m.line }))
  }
}

/** A satori element in its object form (no JSX). */
interface Node {
  type: string
  props: { style?: Record<string, string | number>; children?: Child | Child[] }
}
type Child = Node | string

type FontOptions = Parameters<typeof satoriFunction>[1]['fonts'][number]

interface Engine {
  satori: typeof satoriFunction
  fonts: FontOptions[]
}

/** RGBA pixels of a rasterised image, top row first. */
export interface Pixels {
  pixels: Uint8Array
  width: number
  height: number
}

const require = createRequire(import.meta.url)
let engineLoading: Promise<Engine> | undefined

/**
 * satori, resvg and the fonts, loaded once per thread and only when an image is drawn (satori
 * alone takes most of a second to import). Inter (static woff: satori reads TTF, OTF and WOFF,
 * not WOFF2) in the site's subsets, each under its own name so that satori falls back across them
 * glyph by glyph; Noto Sans Math last, for the math symbols a converted title may hold (≤, ∇, ∈…).
 * The same font objects on every call also let satori keep its parsed fonts.
 */
function loadEngine(): Promise<Engine> {
  engineLoading ??= (async () => {
    const subsets = ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek']
    const inter = subsets.flatMap((subset) =>
      ([400, 700] as const).map(async (weight): Promise<FontOptions> => ({
        name: subset === 'latin' ? 'Inter' : `Inter ${subset}`,
        weight,
        style: 'normal',
        data: await readFile(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`))
      }))
    )
    const math = (async (): Promise<FontOptions> => ({
      name: 'Noto Sans Math',
      weight: 400,
      style: 'normal',
      data: await readFile(require.resolve('@fontsource/noto-sans-math/files/noto-sans-math-latin-400-normal.woff'))
    }))()
    const [{ default: satori }, fonts] = await Promise.all([import('satori'), Promise.all([...inter, math])])
    return { satori, fonts }
  })()
  engineLoading.catch(() => {
    engineLoading = undefined
  })
  return engineLoading
}

let resvgLoading: Promise<typeof import('@resvg/resvg-wasm').Resvg> | undefined

/**
 * resvg's WebAssembly build, started once per thread when an image is first rasterised.
 *
 * The native build allocates every image's pixels afresh and frees them only when V8 collects
 * its wrapper; on a virtual machine, where the host backs new memory page by page, that alone
 * took 9 ms of the 21 ms a card's raster took here. WebAssembly memory stays with the thread and
 * is reused, and each image is freed as soon as its pixels are read.
 */
function loadResvg(): Promise<typeof import('@resvg/resvg-wasm').Resvg> {
  resvgLoading ??= (async () => {
    const { initWasm, Resvg } = await import('@resvg/resvg-wasm')
    await initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm'))).catch((error: unknown) => {
      // The module is one per thread: other code in this thread may have started it first.
      if (!/Already initialized/.test(String(error))) throw error
    })
    return Resvg
  })()
  resvgLoading.catch(() => {
    resvgLoading = undefined
  })
  return resvgLoading
}

/**
 * An SVG as RGBA pixels at its own size, with resvg: the step between satori's SVG and the PNG.
 *
 * @param svg the SVG
 * @param background a CSS colour under the drawing; transparent when left out
 */
export async function rasteriseSvg(svg: string, background?: string): Promise<Pixels> {
  const Resvg = await loadResvg()
  // As bytes: copied into WebAssembly's memory as they are, where a string is encoded on the way.
  const tree = new Resvg(Buffer.from(svg), { fitTo: { mode: 'original' }, ...(background === undefined ? {} : { background }) })
  try {
    const image = tree.render()
    try {
      return { pixels: image.pixels, width: image.width, height: image.height }
    } finally {
      image.free()
    }
  } finally {
    tree.free()
  }
}

/**
 * The share image of a paper as SVG, text as glyph outlines: the step before the PNG, for tests.
 *
 * @param sp the paper in the site
 * @param config resolved settings
 * @param palette colours, from the site's stylesheet
 */
export async function renderCardSvg(sp: SitePaper, config: Config, palette: Palette = defaultPalette): Promise<string> {
  const { satori, fonts } = await loadEngine()
  return satori(cardTree(sp, config, palette) as never, { ...shareImageSize, fonts })
}

/**
 * The share image of a paper: its card as a 1200 × 630 slide, PNG bytes.
 *
 * @param sp the paper in the site
 * @param config resolved settings
 * @param palette colours, from the site's stylesheet
 */
export async function renderCardImage(sp: SitePaper, config: Config, palette: Palette = defaultPalette): Promise<Uint8Array> {
  return toPng(await renderCardSvg(sp, config, palette), palette)
}

/**
 * The cover of a month as SVG: the step before the PNG, for tests.
 *
 * @param month the month in the site
 * @param config resolved settings
 * @param palette colours, from the site's stylesheet
 */
export async function renderCoverSvg(month: SiteMonth, config: Config, palette: Palette = defaultPalette): Promise<string> {
  const { satori, fonts } = await loadEngine()
  return satori(coverTree(month, config, palette) as never, { ...shareImageSize, fonts })
}

/**
 * The share image of a month: its title over its cards as small tiles, 1200 × 630, PNG bytes.
 *
 * @param month the month in the site
 * @param config resolved settings
 * @param palette colours, from the site's stylesheet
 */
export async function renderCoverImage(month: SiteMonth, config: Config, palette: Palette = defaultPalette): Promise<Uint8Array> {
  return toPng(await renderCoverSvg(month, config, palette), palette)
}

/** What {@link renderShareImages} made. */
export interface ShareImages {
  /** The images, but those the caller kept or took as they came. */
  files: Array<{ path: string; data: Uint8Array }>
  /** Milliseconds per image, SVG layout and PNG encoding together, of each image drawn. */
  ms: number[]
  /** The keys of every image of the site in the cache, those kept included: made when called. */
  cacheKeys(): Set<string>
}

/**
 * Every share image of a site: a card per paper, a cover per month.
 *
 * @param site the site graph
 * @param publicDir the site's public folder: its `assets/collage.css` gives the colours
 * @param cache drawn images by key, kept between builds
 * @param keep asked first for each image (see {@link ImageToKeep}): true when the caller kept the
 *   same image from its previous build, which then is neither read nor drawn
 * @param take when given, gets each image as soon as it is read from the cache or drawn, and
 *   `files` stays empty: a large site's images are never all in memory at once
 */
export async function renderShareImages(
  site: Site,
  publicDir?: string,
  cache?: DiskBytesCache,
  keep?: (image: ImageToKeep) => Promise<boolean>,
  take?: (file: { path: string; data: Uint8Array }) => Promise<void>
): Promise<ShareImages> {
  const { palette, shown, jobOf, keyOf } = await imagePlan(site, publicDir)
  const out: ShareImages = { files: [], ms: [], cacheKeys: () => new Set(shown.map((_, n) => keyOf(jobOf(n)))) }
  // What each image shows, as plain data, is made only for an image the caller did not keep.
  const items: ImageJob[] = []
  const keys: string[] = []
  const give = async (i: number, data: Uint8Array): Promise<void> => {
    const file = { path: items[i]!.file, data }
    if (take) await take(file)
    else out.files.push(file)
  }
  const misses: number[] = []
  for (let n = 0; n < shown.length; n++) {
    if (await keep?.(shown[n]!)) continue
    const i = items.length
    items.push(jobOf(n))
    keys.push(keyOf(items[i]!))
    const hit = await cache?.get(keys[i]!)
    if (hit) await give(i, hit)
    else misses.push(i)
  }
  const drawn = async (i: number, png: Uint8Array): Promise<void> => {
    await cache?.set(keys[i]!, png)
    await give(i, png)
  }
  const started = performance.now()
  const worker = moduleUrl('render/share-image-worker')
  if (misses.length >= minImagesForWorkers && canUseWorkers(worker.href)) {
    // Layout, rasterising and PNG encoding all run on the drawing thread: spread them over the cores.
    // This thread draws too, in place of one worker.
    await runInWorkers<ImageJob, Uint8Array>(worker, { config: site.config, palette }, misses.map((i) => items[i]!), 8, {
      onResult: (n, png) => drawn(misses[n]!, png),
      here: (job) => drawImage(job, site.config, palette)
    })
  } else {
    // Too few to repay a worker's start (loading satori and the fonts): drawn here, one by one.
    for (const i of misses) await drawn(i, await drawImage(items[i]!, site.config, palette))
  }
  const each = misses.length > 0 ? (performance.now() - started) / misses.length : 0
  out.ms = misses.map(() => each)
  return out
}

/** The share images of each site graph of this process, by path: a graph a rebuild takes on has the same. */
const imagePaths = new WeakMap<Site, ReadonlySet<string>>()

/**
 * The share images of a site, each made when asked for: read from the cache or drawn (and then
 * cached). For a server that serves images only when they are requested. What they are drawn
 * with (the colours, the keys) is worked out once, on the first request.
 *
 * @param site the site graph
 * @param publicDir the site's public folder: its `assets/collage.css` gives the colours
 * @param cache drawn images by key, kept between builds
 */
export function shareImagesOnRequest(site: Site, publicDir?: string, cache?: DiskBytesCache): { paths: ReadonlySet<string>; make(file: string): Promise<Uint8Array | undefined> } {
  const paths = imagePaths.get(site) ?? new Set([...site.papers.map(cardImagePath), ...site.months.map(coverImagePath)])
  imagePaths.set(site, paths)
  let planned: Promise<Awaited<ReturnType<typeof imagePlan>> & { indexOf: Map<string, number> }> | undefined
  return {
    paths,
    async make(file) {
      if (!paths.has(file)) return undefined
      planned ??= imagePlan(site, publicDir).then((plan) => ({ ...plan, indexOf: new Map(plan.shown.map((image, n) => [image.file, n])) }))
      const { palette, jobOf, keyOf, indexOf } = await planned
      const job = jobOf(indexOf.get(file)!)
      const key = keyOf(job)
      const hit = await cache?.get(key)
      if (hit) return hit
      const png = await drawImage(job, site.config, palette)
      await cache?.set(key, png)
      return png
    }
  }
}

/** Every image of a site (cards first, then covers), what it is drawn with, and how to make its plain data and cache key. */
async function imagePlan(site: Site, publicDir: string | undefined): Promise<{ palette: Palette; shown: ImageToKeep[]; jobOf(n: number): ImageJob; keyOf(job: ImageJob): string }> {
  let palette: Palette = defaultPalette
  if (publicDir !== undefined) {
    try {
      palette = paletteFromCss(await readFile(path.join(publicDir, 'assets', 'collage.css'), 'utf8'))
    } catch {
      // No stylesheet of that name: the shipped colours.
    }
  }
  // An image is a pure function of what it shows, the colours and this module's code: that is the key.
  const salt = hashOf(await selfVersion(), JSON.stringify(palette), site.config.title, site.config.baseUrl, site.config.language)
  const shown: ImageToKeep[] = [
    ...site.papers.map((sp) => ({ file: cardImagePath(sp), shows: [sp, sp.month], salt })),
    ...site.months.map((month) => ({ file: coverImagePath(month), shows: [month, ...month.papers], salt }))
  ]
  return {
    palette,
    shown,
    jobOf: (n) =>
      n < site.papers.length ? { kind: 'card', file: shown[n]!.file, card: slimCard(site.papers[n]!) } : { kind: 'cover', file: shown[n]!.file, cover: slimCover(site.months[n - site.papers.length]!) },
    keyOf: (job) => hashOf(salt, job.file, JSON.stringify(job.kind === 'card' ? job.card : job.cover))
  }
}

/**
 * Below this many images to draw, workers (each loading satori, resvg and the fonts: about a
 * second) cost more than they save. Measured on 2 cores: 111 images took 4.2 to 4.3 s on this
 * thread against 4.7 to 4.8 s in two workers; 281 images 9.5 to 10.6 s against 7.3 to 8.0 s.
 * Drawing here also keeps the peak memory low: 170 to 230 MB against 500 to 610 MB for the
 * process that drew those sites' images.
 */
const minImagesForWorkers = 160

/**
 * An image {@link renderShareImages} is about to make, as the caller is asked whether it kept it
 * from its previous build.
 */
export interface ImageToKeep {
  /** Its site path, such as `2021/01/rad/card.png`. */
  file: string
  /** The records of the site graph it shows: a paper and its month, or a month and its papers. */
  shows: object[]
  /** Everything else that shapes it: the drawing code, the colours and the settings it shows. */
  salt: string
}

/** One image to draw, as plain data that can cross to a worker thread. */
export type ImageJob = { kind: 'card'; file: string; card: SlimCard } | { kind: 'cover'; file: string; cover: SlimCover }

/** What a card image shows of a paper. */
interface SlimCard {
  route: string
  week: number
  paper: Pick<SitePaper['paper'], 'titleText' | 'authors' | 'year' | 'date' | 'venue' | 'tags'>
  month: { title: string; number: number }
}

/** What a cover image shows of a month. */
interface SlimCover {
  route: string
  title: string
  number: number
  papers: SlimCard[]
}

function slimCard(sp: SitePaper): SlimCard {
  const p = sp.paper
  return {
    route: sp.route,
    week: sp.week,
    paper: { titleText: p.titleText, authors: p.authors, year: p.year, date: p.date, tags: p.tags, ...(p.venue === undefined ? {} : { venue: p.venue }) },
    month: { title: sp.month.title, number: sp.month.number }
  }
}

function slimCover(month: SiteMonth): SlimCover {
  return { route: month.route, title: month.title, number: month.number, papers: month.papers.map(slimCard) }
}

/**
 * Draw one image from its plain data (the same in this thread and in a worker).
 *
 * @param job what to draw
 * @param config resolved settings
 * @param palette colours
 */
export function drawImage(job: ImageJob, config: Config, palette: Palette): Promise<Uint8Array> {
  // The drawing reads only the fields the slim records carry.
  return job.kind === 'card' ? renderCardImage(job.card as unknown as SitePaper, config, palette) : renderCoverImage(job.cover as unknown as SiteMonth, config, palette)
}

async function toPng(svg: string, palette: Palette): Promise<Uint8Array> {
  // Text is already outlines: resvg needs no fonts.
  const image = await rasteriseSvg(svg, palette.surface)
  const png = await encodePng(image.pixels, image.width, image.height)
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength)
}

// ---------------------------------------------------------------------------------------------
// Layout

const W = shareImageSize.width
const H = shareImageSize.height
const PAD = 72
const BAND = 12

function div(style: Record<string, string | number>, ...children: Child[]): Node {
  return { type: 'div', props: { style: { display: 'flex', boxSizing: 'border-box', ...style }, children } }
}

function text(style: Record<string, string | number>, value: string): Node {
  return { type: 'div', props: { style: { display: 'block', boxSizing: 'border-box', ...style }, children: value } }
}

/**
 * A box with a hairline border and rounded corners, drawn as two filled shapes: a border of
 * satori's with rounded corners becomes a clip path, which resvg draws many times slower.
 */
function outlined(style: Record<string, string | number>, border: string, fill: string, ...children: Child[]): Node {
  const radius = typeof style.borderRadius === 'number' ? style.borderRadius : 8
  const { width, height, flexDirection: _direction, ...outer } = style
  return div(
    { ...outer, ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }), padding: 1, background: border, borderRadius: radius + 1 },
    div({ flexGrow: 1, flexDirection: style.flexDirection ?? 'row', background: fill, borderRadius: radius }, ...children)
  )
}

/** The site's wordmark: four tiles, the month's accent leading, then the site title. */
function wordmark(config: Config, palette: Palette, accent: { accent: string; line: string }, size: number): Node {
  const tile = size * 0.46
  const tiles = div(
    { width: size, height: size, flexWrap: 'wrap', justifyContent: 'space-between', alignContent: 'space-between', flexShrink: 0 },
    ...[accent.accent, palette.ink, palette.lineStrong, accent.line].map((c) => div({ width: tile, height: tile, background: c, borderRadius: 2 }))
  )
  return div({ alignItems: 'center', gap: size * 0.55 }, tiles, text({ fontSize: size * 1.05, fontWeight: 700, color: palette.ink, letterSpacing: '-0.02em' }, config.title))
}

/** Where the site lives, as people write it: `example.org/digest`. */
function siteAddress(config: Config): string {
  const url = new URL(config.baseUrl)
  return (url.host + url.pathname).replace(/\/$/, '')
}

function cardTree(sp: SitePaper, config: Config, palette: Palette): Node {
  const p = sp.paper
  const h = createHelpers(config)
  const colours = palette.months[sp.month.number] ?? palette.months[0]!
  const address = siteAddress(config)
  const title = p.titleText
  // Large while the title takes two lines; smaller steps to keep longer ones within three.
  const size = countLines(title, (W - 2 * PAD) / 76) <= 2 ? 76 : fitTitle(title, W - 2 * PAD, 3, [68, 62, 56, 52, 48, 44, 40])
  const eyebrow = div(
    { alignItems: 'center', gap: 20 },
    text({ fontSize: 21, fontWeight: 700, color: colours.accent, letterSpacing: '0.08em', textTransform: 'uppercase' }, `Week ${sp.week} · ${h.date(p.date, 'short')}`),
    ...(p.venue
      ? [outlined({ borderRadius: 999 }, colours.line, colours.soft, text({ fontSize: 19, fontWeight: 700, color: colours.accent, letterSpacing: '0.05em', padding: '4px 15px', whiteSpace: 'nowrap' }, ellipsize(p.venue.toLocaleUpperCase(config.language), 580, 19, 0.05)))]
      : [])
  )
  return slideFrame(
    { background: palette.surface, accent: colours.accent, ink: palette.ink, padding: `40px ${PAD}px 0` },
    [wordmark(config, palette, colours, 24), text({ fontSize: 21, fontWeight: 400, color: palette.inkMuted }, sp.month.title)],
    [
      div(
        { flexDirection: 'column', flexGrow: 1, justifyContent: 'center', gap: 22, paddingBottom: 12 },
        eyebrow,
        text({ fontSize: size, fontWeight: 700, lineHeight: 1.12, letterSpacing: '-0.022em', color: palette.ink, lineClamp: 3 }, title),
        text({ fontSize: 27, fontWeight: 400, color: palette.inkMuted, lineHeight: 1.35, whiteSpace: 'nowrap' }, ellipsize(`${h.shortAuthors(p.authors)} · ${p.year}`, W - 2 * PAD, 27))
      )
    ],
    [
      // A rule, not a border: a one-sided border becomes clip paths, slow to draw.
      div({ height: 2, flexShrink: 0, background: colours.line }),
      div(
        { justifyContent: 'space-between', alignItems: 'center', gap: 40, height: 76, flexShrink: 0, padding: `0 ${PAD}px`, background: colours.soft },
        div({ gap: 22, flexShrink: 1 }, ...fitRow(p.tags.map((t) => `#${t}`), W - 2 * PAD - 40 - textWidth(address) * 22, 22, 22).map((t) => text({ fontSize: 22, color: palette.inkMuted, whiteSpace: 'nowrap' }, t))),
        text({ fontSize: 22, fontWeight: 700, color: colours.accent, whiteSpace: 'nowrap', flexShrink: 0 }, address)
      )
    ]
  )
}

/**
 * What a card and a cover share: the slide, the month's band along the top, and a padded column
 * that starts with a row of two things (the wordmark and a label) set apart, then the body; `after`
 * comes below that column, full width.
 */
function slideFrame(frame: { background: string; accent: string; ink: string; padding: string }, header: [Node, Node], body: Child[], after: Child[] = []): Node {
  return div(
    { width: W, height: H, flexDirection: 'column', background: frame.background, fontFamily: 'Inter', color: frame.ink },
    div({ height: BAND, background: frame.accent, flexShrink: 0 }),
    div({ flexDirection: 'column', flexGrow: 1, padding: frame.padding }, div({ justifyContent: 'space-between', alignItems: 'center' }, ...header), ...body),
    ...after
  )
}

function coverTree(month: SiteMonth, config: Config, palette: Palette): Node {
  const h = createHelpers(config)
  const colours = palette.months[month.number] ?? palette.months[0]!
  const COVER_PAD = 56
  const GAP = 18
  const papers = month.papers
  const maxTiles = 8
  const shown = papers.length > maxTiles ? papers.slice(0, maxTiles - 1) : papers
  const more = papers.length - shown.length
  const count = shown.length + (more > 0 ? 1 : 0)
  const cols = count <= 1 ? 1 : count <= 4 ? 2 : count <= 6 ? 3 : 4
  const rows = Math.max(1, Math.ceil(count / cols))
  const gridWidth = W - 2 * COVER_PAD
  const monthSize = fitTitle(month.title, gridWidth - 420, 1, [60, 52, 44, 38])
  const gridHeight = 398
  const tileWidth = Math.floor((gridWidth - GAP * (cols - 1)) / cols)
  const tileHeight = Math.floor((gridHeight - GAP * (rows - 1)) / rows)
  const titleSize = rows === 1 ? (cols === 1 ? 54 : 36) : rows === 2 ? (cols <= 2 ? 26 : 22) : 20
  const metaSize = rows === 1 ? 18 : rows === 2 ? 15 : 14
  // Lines that fit under the eyebrow and above the authors.
  const room = tileHeight - 35 - metaSize * 1.25 * 2 - 2 * 8
  const titleLines = Math.max(1, Math.min(4, Math.floor(room / (titleSize * 1.12))))

  const tile = (sp: SitePaper): Node =>
    outlined(
      { width: tileWidth, height: tileHeight, flexDirection: 'column' },
      palette.line,
      palette.surface,
      div({ height: 4, flexShrink: 0, background: colours.accent, borderRadius: '7px 7px 0 0' }),
      div(
        { flexDirection: 'column', flexGrow: 1, justifyContent: rows === 1 ? 'center' : 'space-between', padding: rows === 1 ? '20px 40px 24px' : '10px 19px 15px', gap: rows === 1 ? 20 : 8 },
      text({ fontSize: metaSize, fontWeight: 700, color: colours.accent, letterSpacing: '0.08em', whiteSpace: 'nowrap' }, ellipsize(`Week ${sp.week} · ${h.date(sp.paper.date, 'short')}`.toLocaleUpperCase(config.language), tileWidth - 42, metaSize, 0.08)),
      text({ fontSize: fitTitle(sp.paper.titleText, tileWidth - (rows === 1 ? 80 : 40), titleLines, [titleSize, titleSize * 0.9, titleSize * 0.82]), fontWeight: 700, lineHeight: 1.12, letterSpacing: '-0.015em', color: palette.ink, lineClamp: titleLines, flexGrow: rows === 1 ? 0 : 1 }, sp.paper.titleText),
        text({ fontSize: metaSize, color: palette.inkMuted, whiteSpace: 'nowrap' }, ellipsize(`${h.shortAuthors(sp.paper.authors)} · ${sp.paper.year}`, tileWidth - 42, metaSize))
      )
    )
  const moreTile = outlined({ width: tileWidth, height: tileHeight }, colours.line, colours.soft, div({ flexGrow: 1, alignItems: 'center', justifyContent: 'center', color: colours.accent, fontSize: titleSize, fontWeight: 700 }, `+${more} more`))
  const grid =
    count === 0
      ? outlined({ width: gridWidth, height: gridHeight }, colours.line, colours.soft, div({ flexGrow: 1, alignItems: 'center', justifyContent: 'center' }, text({ fontSize: 28, color: palette.inkMuted }, 'No papers yet')))
      : div({ width: gridWidth, height: gridHeight, flexWrap: 'wrap', gap: GAP, alignContent: 'flex-start' }, ...shown.map(tile), ...(more > 0 ? [moreTile] : []))

  return slideFrame(
    { background: colours.soft, accent: colours.accent, ink: palette.ink, padding: `30px ${COVER_PAD}px 0` },
    [wordmark(config, palette, colours, 22), text({ fontSize: 20, fontWeight: 700, color: colours.accent }, siteAddress(config))],
    [
      div(
        { alignItems: 'flex-end', justifyContent: 'space-between', gap: 32, marginTop: 26, marginBottom: 24 },
        text({ fontSize: monthSize, fontWeight: 700, letterSpacing: '-0.025em', lineHeight: 1.05, color: palette.ink, whiteSpace: 'nowrap' }, ellipsize(month.title, gridWidth - 420, monthSize)),
        text({ fontSize: 20, fontWeight: 700, color: colours.accent, letterSpacing: '0.08em', textTransform: 'uppercase', whiteSpace: 'nowrap', paddingBottom: 6 }, papers.length === 0 ? 'Monthly digest' : `Monthly digest · ${papers.length} paper${papers.length === 1 ? '' : 's'}`)
      ),
      grid
    ]
  )
}

// ---------------------------------------------------------------------------------------------
// Fitting text

/**
 * The largest of `sizes` at which `value`, wrapped on words, takes at most `maxLines` lines of
 * `width` pixels, by an estimate of Inter Bold's advance widths (satori then lays it out for real,
 * with a line clamp as the backstop). The smallest size when none fits.
 */
export function fitTitle(value: string, width: number, maxLines: number, sizes: readonly number[]): number {
  for (const size of sizes) {
    if (countLines(value, width / size) <= maxLines) return Math.round(size)
  }
  return Math.round(sizes.at(-1) ?? 40)
}

/** The leading items that fit, whole, in a row of `width` pixels with `gap` between them. */
function fitRow(items: readonly string[], width: number, size: number, gap: number): string[] {
  const out: string[] = []
  let used = 0
  for (const item of items) {
    // Regular is a little narrower than the bold the estimate is made for.
    const w = wordWidth(item) * size * 0.95
    if (used + (out.length > 0 ? gap : 0) + w > width) break
    used += (out.length > 0 ? gap : 0) + w
    out.push(item)
  }
  return out
}

/** Width in ems of a line of text, set in Inter Bold (Regular is a little narrower). */
function textWidth(value: string, tracking = 0): number {
  const words = value.split(/\s+/).filter(Boolean)
  return words.reduce((sum, w) => sum + wordWidth(w) + [...w].length * tracking, 0) + (words.length - 1) * 0.26
}

/** `value`, cut at a word with `…` when it would be wider than `width` pixels at `size`. */
function ellipsize(value: string, width: number, size: number, tracking = 0): string {
  if (textWidth(value, tracking) * size <= width) return value
  const words = value.split(/\s+/).filter(Boolean)
  while (words.length > 1 && textWidth(`${words.join(' ')}…`, tracking) * size > width) words.pop()
  let out = `${words.join(' ')}…`
  // One word longer than the line: cut it by characters.
  while (out.length > 1 && textWidth(out, tracking) * size > width) out = `${[...out].slice(0, -2).join('')}…`
  return out
}

/** Lines of greedy word wrapping, with `ems` the line width in ems. */
function countLines(value: string, ems: number): number {
  const space = 0.26
  let lines = 1
  let used = 0
  for (const word of value.split(/\s+/).filter(Boolean)) {
    const w = wordWidth(word)
    if (used === 0) used = w
    else if (used + space + w <= ems) used += space + w
    else {
      lines++
      used = w
    }
    // A word longer than a line wraps by itself (satori breaks it).
    while (used > ems) {
      lines++
      used -= ems
    }
  }
  return lines
}

/** Width of a word in ems of Inter Bold, tracking -0.022em, within a few percent. */
function wordWidth(word: string): number {
  let w = 0
  for (const ch of word) {
    if (/[iljI.,:;'’!|]/.test(ch)) w += 0.29
    else if (/[ftr()[\]{}\-‐–]/.test(ch)) w += 0.42
    else if (/[mwMWЖШЩЮжшщюФф—]/.test(ch)) w += 0.9
    else if (/[A-ZА-ЯЁ]/.test(ch)) w += 0.7
    else if (/[0-9]/.test(ch)) w += 0.62
    else w += 0.6
    w -= 0.022
  }
  return w * 1.03
}

function clip(value: string, max: number): string {
  if (value.length <= max) return value
  return value.slice(0, max - 1).replace(/\s+\S*$/, '') + '…'
}

let selfHash: Promise<string> | undefined

/** A hash of the drawing and encoding code, so that a change in either invalidates cached images. */
function selfVersion(): Promise<string> {
  selfHash ??= Promise.all([moduleUrl('render/share-image'), moduleUrl('render/png')].map((url) => readFile(url))).then((code) =>
    hashOf(toolVersions, ...code, ...['satori', '@resvg/resvg-wasm', '@fontsource/inter', '@fontsource/noto-sans-math'].map(versionOf))
  )
  return selfHash
}
