#!/usr/bin/env node
// Time to draw the share images of a site (the bundled digest unless SITE is given: a folder with
// a `content/` folder): loading satori, resvg and the fonts once, then per image, median over a
// number of rounds; and each step of drawing a card (layout and glyph outlines with satori,
// rasterising with resvg, PNG compression), one card after another on this thread.
//
//   npm run compile && node scripts/share-image-timing.mjs [rounds=10] [SITE]
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from '../lib/build.js'
import { encodePng } from '../lib/render/png.js'
import { defaultPalette, rasteriseSvg, renderCardSvg, renderShareImages } from '../lib/render/share-image.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const rounds = Number(process.argv[2] ?? 10)
const siteDir = path.resolve(process.argv[3] ?? root)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (x) => `${x.toFixed(1)} ms`

const { site } = await build({ contentDir: path.join(siteDir, 'content'), cwd: siteDir, dryRun: true })
const publicDir = path.join(root, 'public')
let started = performance.now()
await renderShareImages(site, publicDir)
const first = performance.now() - started

const cards = []
const covers = []
const svgs = []
const totals = []
for (let i = 0; i < rounds; i++) {
  started = performance.now()
  const { ms: each } = await renderShareImages(site, publicDir)
  totals.push(performance.now() - started)
  cards.push(...each.slice(0, site.papers.length))
  covers.push(...each.slice(site.papers.length))
  for (const sp of site.papers) {
    const t = performance.now()
    await renderCardSvg(sp, site.config)
    svgs.push(performance.now() - t)
  }
}
console.log(`${site.papers.length} cards and ${site.months.length} cover(s), ${rounds} rounds`)
console.log(`first round, loading satori, resvg and fonts included: ${ms(first)}`)
console.log(`card, median per image:  ${ms(median(cards))} (satori layout alone ${ms(median(svgs))}, the rest resvg and PNG)`)
console.log(`cover, median per image: ${ms(median(covers))}`)
console.log(`all images of the site, median: ${ms(median(totals))}`)

// Each step of a card, on up to 300 cards, one after another.
const steps = { satori: [], resvg: [], png: [] }
for (const sp of site.papers.slice(0, 300)) {
  let t = performance.now()
  const svg = await renderCardSvg(sp, site.config)
  steps.satori.push(performance.now() - t)
  t = performance.now()
  const { pixels, width, height } = await rasteriseSvg(svg, defaultPalette.surface)
  steps.resvg.push(performance.now() - t)
  t = performance.now()
  await encodePng(pixels, width, height)
  steps.png.push(performance.now() - t)
}
console.log(`card by step, median over ${steps.png.length}: satori ${ms(median(steps.satori))}, resvg ${ms(median(steps.resvg))}, PNG ${ms(median(steps.png))}`)
