import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { imageSize } from 'image-size'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildToMemory } from '../src/build.js'
import { resolveConfig } from '../src/config.js'
import { defaultPalette, fitTitle, paletteFromCss, rasteriseSvg, renderCardImage, renderCardSvg, renderCoverImage, renderCoverSvg, type Pixels } from '../src/render/share-image.js'
import type { SiteMonth, SitePaper } from '../src/site/graph.js'
import type { Paper } from '../src/types.js'
import { encodePng } from '../src/render/png.js'
import { page } from './helpers/html.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

const base = 'https://example.org/digest/'

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(bytes)
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true)
  expect(b.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

/** Content of the meta tags of a page, by `property` or `name`. */
function metaOf(html: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const el of page(html).all('meta')) {
    const key = el.properties.property ?? el.properties.name
    if (typeof key === 'string' && typeof el.properties.content === 'string') out.set(key, el.properties.content)
  }
  return out
}

describe('share images of the bundled digest, under a base path', () => {
  let output: Map<string, Uint8Array>
  const get = (p: string): string => Buffer.from(output.get(p) ?? '').toString('utf8')
  const slugs = ['attentive-neural-processes', 'face-patch-disentanglement', 'randomized-autodiff', 'spectral-bias']

  beforeAll(async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, baseUrl: base, search: false })
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(result.ok).toBe(true)
    output = result.output
  })

  it('writes a 1200 × 630 PNG card per paper and a cover per month, and no other PNG', () => {
    const pngs = [...output.keys()].filter((p) => p.endsWith('.png') && !p.startsWith('assets/')).sort()
    expect(pngs).toEqual(['2021/01/cover.png', ...slugs.map((s) => `2021/01/${s}/card.png`)].sort())
    for (const file of pngs) {
      const bytes = output.get(file)!
      expect(pngSize(bytes), file).toEqual({ width: 1200, height: 630 })
      expect(imageSize(bytes), file).toMatchObject({ type: 'png', width: 1200, height: 630 })
    }
    // Different papers, different pictures.
    expect(new Set(pngs.map((f) => Buffer.from(output.get(f)!).toString('base64'))).size).toBe(pngs.length)
  })

  it('points each paper page at its card, with the base path, as a large Twitter card', () => {
    for (const slug of slugs) {
      const meta = metaOf(get(`2021/01/${slug}/index.html`))
      const url = `${base}2021/01/${slug}/card.png`
      expect(meta.get('og:image'), slug).toBe(url)
      expect(meta.get('twitter:image'), slug).toBe(url)
      expect(meta.get('twitter:card')).toBe('summary_large_image')
      expect(meta.get('og:image:width')).toBe('1200')
      expect(meta.get('og:image:height')).toBe('630')
      expect(meta.get('og:image:type')).toBe('image/png')
      const alt = meta.get('og:image:alt') ?? ''
      expect(alt).toContain(page(get(`2021/01/${slug}/index.html`)).text('h1.card-title'))
      expect(alt).not.toMatch(/[$\\]/)
      expect(output.has(new URL(url).pathname.replace('/digest/', ''))).toBe(true)
    }
  })

  it('points the month page and the home page at the month\'s cover', () => {
    for (const file of ['2021/01/index.html', 'index.html']) {
      const meta = metaOf(get(file))
      expect(meta.get('og:image'), file).toBe(`${base}2021/01/cover.png`)
      expect(meta.get('twitter:image'), file).toBe(`${base}2021/01/cover.png`)
      expect(meta.get('twitter:card')).toBe('summary_large_image')
      expect(meta.get('og:image:alt')).toMatch(/^January 2021 digest of ML Collage: 4 papers, /)
    }
  })

  it('keeps a small card and no image on pages without one', () => {
    for (const file of ['archive/index.html', '404.html']) {
      const meta = metaOf(get(file))
      expect(meta.has('og:image'), file).toBe(false)
      expect(meta.has('twitter:image'), file).toBe(false)
      expect(meta.get('twitter:card')).toBe('summary')
      expect(meta.get('og:title')).toBeTruthy()
    }
  })
})

describe('the images option', () => {
  it('skips the images, and the meta tags that would point at them', async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, images: false, search: false })
    expect(result.ok).toBe(true)
    expect([...result.output.keys()].filter((p) => /(card|cover)\.png$/.test(p))).toEqual([])
    const meta = metaOf(Buffer.from(result.output.get('2021/01/spectral-bias/index.html')!).toString('utf8'))
    expect(meta.has('og:image')).toBe(false)
    expect(meta.get('twitter:card')).toBe('summary')
  })

  it('refuses a figure named like the card it would overwrite', async () => {
    const { dir, cleanup } = await tempDir()
    try {
      // A 1 × 1 PNG.
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
      await writeContent(dir, { '2021-01/a.md': paperFile({ extra: 'figure: { src: card.png, alt: A figure }' }), '2021-01/card.png': png })
      const result = await buildToMemory({ contentDir: dir, cwd: dir, search: false })
      expect(result.ok).toBe(false)
      expect(result.problems.map((p) => p.ruleId)).toContain('reserved-figure-name')
      const withoutImages = await buildToMemory({ contentDir: dir, cwd: dir, search: false, images: false })
      expect(withoutImages.ok).toBe(true)
    } finally {
      await cleanup()
    }
  })
})

describe('drawing a card', () => {
  const config = resolveConfig({ title: 'ML Collage', baseUrl: base })
  const month: SiteMonth = { key: '2021-02', year: 2021, number: 2, route: '/2021/02/', title: 'February 2021', source: { key: '2021-02', intro: '', outro: '', outroLine: 0, introHtml: '', outroHtml: '', summaryText: '' } as unknown as SiteMonth['source'], papers: [] }
  const paperOf = (slug: string, titleText: string, title = titleText): SitePaper => {
    const paper = {
      slug,
      month: '2021-02',
      path: `content/2021-02/${slug}.md`,
      title,
      titleText,
      titleHtml: titleText,
      authors: ['Ada Lovelace', 'Alan Turing'],
      year: 2020,
      date: '2021-02-08',
      venue: 'NeurIPS 2020',
      links: {},
      tags: ['attention', 'neural-processes'],
      summaryHtml: '',
      summaryText: '',
      takeawayHtml: '',
      wordCount: 0
    } as unknown as Paper
    return { paper, route: `/2021/02/${slug}/`, month, week: 2 }
  }
  const glyphs = (svg: string): number => (svg.match(/<path/g) ?? []).length

  afterAll(() => {
    month.papers = []
  })

  it('renders a Cyrillic title as glyph outlines, not boxes', async () => {
    // Two titles of the same length in the same script: missing glyphs would draw the same
    // boxes in the same places, so the two SVGs would be equal.
    const a = await renderCardSvg(paperOf('a', 'Нейронные процессы'), config)
    const b = await renderCardSvg(paperOf('a', 'Гауссовские модели'), config)
    expect([...'Нейронные процессы'].length).toBe([...'Гауссовские модели'].length)
    expect(a).not.toBe(b)
    expect(glyphs(a)).toBeGreaterThan(10)
    // Text is drawn as paths: no font is needed to show it, and no text is left to escape.
    expect(a).not.toMatch(/<text[\s>]/)
    const png = await renderCardImage(paperOf('c', 'Нейронные процессы с вниманием'), config)
    expect(pngSize(png)).toEqual({ width: 1200, height: 630 })
  })

  it('renders a title with math from its readable text, never raw TeX', async () => {
    const sp = paperOf('m', 'β-VAE: ∇_θL ≤ ε with ∞ width', '$\\beta$-VAE: $\\nabla_\\theta \\mathcal{L} \\leq \\epsilon$ with $\\infty$ width')
    const svg = await renderCardSvg(sp, config)
    expect(glyphs(svg)).toBeGreaterThan(10)
    expect(svg).not.toContain('$')
    expect(svg).not.toContain('\\')
    // The symbols come from fonts that have them: a different formula draws differently.
    const other = await renderCardSvg(paperOf('m', 'β-VAE: ∇_θL ≥ ε with ∞ width'), config)
    expect(other).not.toBe(svg)
    expect(pngSize(await renderCardImage(sp, config))).toEqual({ width: 1200, height: 630 })
  })

  it('draws without masks or clip paths, which resvg draws many times slower', async () => {
    const full = { ...month, papers: Array.from({ length: 5 }, (_, i) => paperOf(`p${i}`, 'Deep Residual Learning for Image Recognition')) }
    for (const svg of [await renderCardSvg(paperOf('a', 'Attentive Neural Processes'), config), await renderCoverSvg(full, config)]) {
      expect(svg).not.toMatch(/(mask|clip-path)="url\(/)
    }
  })

  it('shrinks long titles and keeps short ones large', () => {
    const sizes = [68, 62, 56, 52, 48, 44, 40]
    expect(fitTitle('Attentive Neural Processes', 1056, 3, sizes)).toBe(68)
    const long = 'Unsupervised deep learning identifies semantic disentanglement in single inferotemporal face patch neurons'
    expect(fitTitle(long, 1056, 3, sizes)).toBeLessThan(68)
    expect(fitTitle(long.repeat(4), 1056, 3, sizes)).toBe(40)
  })

  it('draws covers for a full month, a month of one paper and an empty month', async () => {
    const full = { ...month, papers: Array.from({ length: 9 }, (_, i) => paperOf(`p${i}`, i % 2 ? 'Нейронные процессы с вниманием' : 'Deep Residual Learning for Image Recognition')) }
    for (const m of [full, { ...month, papers: [paperOf('solo', 'Attention Is All You Need')] }, month]) {
      const svg = await renderCoverSvg(m, config)
      expect(glyphs(svg)).toBeGreaterThan(5)
      expect(pngSize(await renderCoverImage(m, config))).toEqual({ width: 1200, height: 630 })
    }
  })
})

describe('colours', () => {
  it('come from the stylesheet\'s light tokens, defaults for what it lacks', async () => {
    const css = await readFile(path.join(root, 'public', 'assets', 'collage.css'), 'utf8')
    const palette = paletteFromCss(css)
    const m1 = /--m1:\s*(#[0-9a-f]+)/i.exec(css)![1]
    expect(palette.months[1]!.accent).toBe(m1)
    expect(palette.ink).toBe(/--ink:\s*(#[0-9a-f]+)/i.exec(css)![1])
    expect(palette.months).toHaveLength(13)
    // The dark scheme's tokens come later in the file and are not taken.
    expect(paletteFromCss(':root { --m1: #111111; } @media (prefers-color-scheme: dark) { :root { --m1: #eeeeee; } }').months[1]!.accent).toBe('#111111')
    expect(paletteFromCss('body { color: red }')).toEqual(defaultPalette)
  })

  it('ships defaults that match the stylesheet', async () => {
    const css = await readFile(path.join(root, 'public', 'assets', 'collage.css'), 'utf8')
    expect(paletteFromCss(css)).toEqual(defaultPalette)
  })
})

describe('the PNG encoder', () => {
  /** Opaque pixels with every channel varying, so a swapped channel or a shifted row shows. */
  function testPixels(width: number, height: number, salt: number): Uint8Array {
    const pixels = new Uint8Array(width * height * 4)
    for (let i = 0; i < pixels.length; i += 4) {
      pixels[i] = (i * 7 + salt) & 255
      pixels[i + 1] = (i >> 3) & 255
      pixels[i + 2] = 255 - ((i * 13) & 255)
      pixels[i + 3] = 255
    }
    return pixels
  }

  /** The pixels of a PNG as an independent decoder (resvg, drawing it as an SVG image) reads them. */
  function decode(png: Buffer, width: number, height: number): Promise<Pixels> {
    return rasteriseSvg(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`)
  }

  it('writes pixels that an independent decoder (resvg) reads back exactly', async () => {
    const [width, height] = [37, 23]
    const pixels = testPixels(width, height, 0)
    const png = await encodePng(pixels, width, height)
    expect(pngSize(png)).toEqual({ width, height })
    const decoded = await decode(png, width, height)
    expect([decoded.width, decoded.height]).toEqual([width, height])
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true)
  })

  it('keeps each image its own when one buffer of rows serves them all (a wide one, a narrow one, a wide one again)', async () => {
    const sizes: Array<[number, number]> = [[61, 17], [9, 40], [61, 17]]
    const images = sizes.map(([width, height], n) => ({ width, height, pixels: testPixels(width, height, n * 50) }))
    const pngs = []
    for (const { width, height, pixels } of images) pngs.push(await encodePng(pixels, width, height))
    for (const [n, { width, height, pixels }] of images.entries()) {
      const decoded = await decode(pngs[n]!, width, height)
      expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true)
    }
    expect(pngs[0]!.equals(pngs[2]!)).toBe(false)
  })

  it('refuses a buffer that does not match the size', async () => {
    await expect(encodePng(new Uint8Array(10), 2, 2)).rejects.toThrow(/not 2 × 2 RGBA/)
  })
})
