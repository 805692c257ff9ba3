import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { benchMacros, MathGenerator } from './math.js'
import { Random } from './random.js'

/** Options of {@link generateSite}. */
export interface GenerateOptions {
  /** Number of papers. */
  papers: number
  /** Seed of the random source. Default: 1. */
  seed?: number
  /** First month, `YYYY-MM`. Default: `1980-01`. */
  firstMonth?: string
}

/** One generated paper, with the formulas it holds (for tests). */
export interface GeneratedPaper {
  /** Path inside the content folder, such as `2021-01/sparse-attention.md`. */
  path: string
  month: string
  slug: string
  /** Every inline formula: title, takeaway, summary and table cells. */
  inlineMath: string[]
  /** Every display formula of the summary. */
  displayMath: string[]
  hasTable: boolean
  hasCode: boolean
}

/** A generated content folder, in memory. */
export interface GeneratedSite {
  /** Relative path (`/`-separated) → file text, in a stable order. */
  files: Map<string, string>
  papers: GeneratedPaper[]
  /** Month keys, oldest first. */
  months: string[]
  /** The KaTeX macros of `site.yaml`. */
  macros: Readonly<Record<string, string>>
}

/** The last year a paper's front matter may give. */
const lastYear = 2100

/**
 * Generate a synthetic content folder: `site.yaml`, month folders with an `index.md`, and papers
 * of about 350 words of prose with varied inline and display math, a GFM table in about one
 * paper in five and a fenced code block in about one in five. Deterministic: the same options
 * give the same bytes.
 *
 * Months hold 4 or 5 papers most of the time (a weekly card) and up to 30 now and then. A site too
 * large for that to end by 2100 (the last year a paper may have), such as 50,000 papers from 1980,
 * has a few times as many in each month.
 *
 * @param options see {@link GenerateOptions}
 */
export function generateSite(options: GenerateOptions): GeneratedSite {
  if (!Number.isInteger(options.papers) || options.papers < 1) throw new RangeError('papers must be a positive integer')
  const r = new Random(options.seed ?? 1)
  const math = new MathGenerator(r)
  const files = new Map<string, string>()
  files.set('site.yaml', siteYaml())
  const papers: GeneratedPaper[] = []
  const months: string[] = []
  const [startYear, startMonth] = (options.firstMonth ?? '1980-01').split('-').map(Number) as [number, number]
  // Months hold about 8 papers on average: a site needing more months than there are up to 2100
  // fills each month a few times over.
  const monthsLeft = (lastYear - startYear + 1) * 12 - (startMonth - 1)
  const scale = Math.max(1, Math.ceil(options.papers / (monthsLeft * 7)))
  let monthIndex = 0
  while (papers.length < options.papers) {
    const year = startYear + Math.floor((startMonth - 1 + monthIndex) / 12)
    const monthNumber = ((startMonth - 1 + monthIndex) % 12) + 1
    monthIndex++
    const key = `${year}-${String(monthNumber).padStart(2, '0')}`
    const count = Math.min(options.papers - papers.length, scale * (r.chance(0.7) ? r.int(4, 5) : r.int(6, 30)))
    months.push(key)
    const slugs = new Set<string>()
    const monthPapers: GeneratedPaper[] = []
    for (let i = 0; i < count; i++) {
      const { text, paper } = generatePaper(r, math, key, year, monthNumber, slugs)
      files.set(paper.path, text)
      monthPapers.push(paper)
    }
    // A month's index.md, most of the time: a month folder may also go without one.
    if (r.chance(0.9)) files.set(`${key}/index.md`, monthIndex_(r, math, year, monthNumber))
    papers.push(...monthPapers)
  }
  return { files, papers, months, macros: benchMacros }
}

/**
 * Write a generated site into a folder (created if missing).
 *
 * @param site from {@link generateSite}
 * @param dir the content folder to create
 */
export async function writeSite(site: GeneratedSite, dir: string): Promise<void> {
  const made = new Set<string>()
  for (const [rel, text] of site.files) {
    const abs = path.join(dir, ...rel.split('/'))
    const folder = path.dirname(abs)
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true })
      made.add(folder)
    }
    await writeFile(abs, text)
  }
}

/**
 * Change a paper's summary the way an author would: one more sentence at the end of its first
 * paragraph. The front matter is left as it was.
 *
 * @param text the paper file
 * @param stamp makes the change different each time
 */
export function changePaper(text: string, stamp: string): string {
  const end = text.indexOf('\n---\n', 4)
  if (end < 0) throw new Error('Not a paper file: no front matter')
  const bodyStart = end + 5
  const paragraphEnd = text.indexOf('\n\n', bodyStart + 1)
  const at = paragraphEnd < 0 ? text.length : paragraphEnd
  const sentence = ` A later revision (${stamp}) adds an ablation of the ${stamp.length % 2 ? 'encoder' : 'decoder'} and keeps every other claim.`
  return text.slice(0, at) + sentence + text.slice(at)
}

// ── site and months ─────────────────────────────────────────────────────────────────────────

function siteYaml(): string {
  const macros = Object.entries(benchMacros).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
  return [
    'title: Collage Bench',
    'description: A synthetic digest for measuring build times.',
    'baseUrl: https://example.org/bench/',
    'language: en',
    'author: The benchmark',
    'math:',
    '  macros:',
    ...macros,
    // The generated summaries are ~350 words, past the default budget of 150: no warnings.
    'summaryWords: 1000',
    ''
  ].join('\n')
}

function monthIndex_(r: Random, math: MathGenerator, year: number, month: number): string {
  const lines = ['---']
  if (r.chance(0.5)) lines.push(`title: ${quote(`${monthNames[month - 1]} ${year}: ${capitalise(r.pick(topics))}`)}`)
  lines.push(`summary: ${quote(`${capitalise(r.pick(topics))}, ${r.pick(topics)} and ${r.pick(topics)}.`)}`)
  lines.push('outro: |')
  lines.push(`  ${sentence(r, math, 0).text}`)
  lines.push(`  ${sentence(r, math, 0.3).text}`)
  lines.push('---')
  const paragraphs = r.int(1, 2)
  for (let p = 0; p < paragraphs; p++) {
    if (p > 0) lines.push('')
    const words: string[] = []
    for (let s = 0, n = r.int(3, 5); s < n; s++) words.push(sentence(r, math, 0.2).text)
    lines.push(...wrap(words.join(' ')))
  }
  return lines.join('\n') + '\n'
}

// ── papers ──────────────────────────────────────────────────────────────────────────────────

function generatePaper(r: Random, math: MathGenerator, month: string, year: number, monthNumber: number, slugs: Set<string>): { text: string; paper: GeneratedPaper } {
  const inlineMath: string[] = []
  const displayMath: string[] = []
  const { title, plain } = paperTitle(r, math, inlineMath)
  let slug = slugify(plain)
  for (let n = 2; slugs.has(slug); n++) slug = `${slugify(plain)}-${n}`
  slugs.add(slug)
  const day = r.int(1, daysIn(year, monthNumber))
  const takeawayMath = math.inline()
  inlineMath.push(takeawayMath)
  const takeaway = `${capitalise(r.pick(subjects))} ${r.pick(verbsPresent)} ${r.pick(objects)} once $${takeawayMath}$ ${r.pick(conditions)}, ${r.pick(consequences)}.`

  const front: string[] = ['---', `title: ${quote(title)}`]
  const authors = Array.from({ length: r.chance(0.8) ? r.int(1, 6) : r.int(7, 14) }, () => `${r.pick(firstNames)} ${r.pick(lastNames)}`)
  if (r.chance(0.5)) front.push(`authors: [${authors.map(quote).join(', ')}]`)
  else front.push('authors:', ...authors.map((a) => `  - ${quote(a)}`))
  front.push(`year: ${year - r.int(0, 2)}`)
  front.push(`date: "${month}-${String(day).padStart(2, '0')}"`)
  if (r.chance(0.7)) front.push(`venue: ${r.pick(venues)} ${year - r.int(0, 1)}`)
  const yy = String(year % 100).padStart(2, '0')
  const mm = String(monthNumber).padStart(2, '0')
  if (r.chance(0.9)) front.push(`arxiv: "${yy}${mm}.${String(r.int(0, 99999)).padStart(5, '0')}"`)
  else front.push(`doi: "10.${r.int(1000, 99999)}/${r.pick(lastNames).toLowerCase()}.${r.int(100, 9999)}"`)
  const links: string[] = []
  if (r.chance(0.6)) links.push(`  code: https://github.com/${r.pick(lastNames).toLowerCase()}/${slug.slice(0, 30).replace(/-$/, '')}`)
  if (r.chance(0.4)) links.push(`  discussion: https://openreview.net/forum?id=${r.int(100000, 999999).toString(36)}`)
  if (links.length > 0) front.push('links:', ...links)
  front.push(`tags: [${r.sample(tags, r.int(1, 5)).join(', ')}]`)
  front.push(`takeaway: ${quote(takeaway)}`)
  front.push('---')

  // The body: ~350 words in three or four paragraphs, one display formula after the first.
  const target = r.int(320, 380)
  const paragraphs = r.int(3, 4)
  const inlineCount = r.int(2, 4)
  const inlineAt = new Set<number>()
  while (inlineAt.size < inlineCount) inlineAt.add(r.int(0, paragraphs * 5 - 1))
  const body: string[] = []
  let words = 0
  let sentenceIndex = 0
  const hasTable = r.chance(0.2)
  const hasCode = r.chance(0.2)
  const tableAfter = r.int(1, paragraphs - 1)
  const codeAfter = r.int(1, paragraphs - 1)
  for (let p = 0; p < paragraphs; p++) {
    const budget = Math.round((target - words) / (paragraphs - p))
    const parts: string[] = []
    let w = 0
    while (w < budget - 8) {
      const wantMath = inlineAt.has(sentenceIndex)
      const s = sentence(r, math, 0, wantMath)
      if (s.math) inlineMath.push(s.math)
      parts.push(s.text)
      w += s.words
      sentenceIndex++
    }
    words += w
    body.push(wrap(parts.join(' ')).join('\n'))
    if (p === 0) {
      const display = math.display()
      displayMath.push(display)
      body.push(`$$\n${display.replace(/ \\\\ /g, ' \\\\\n')}\n$$`)
    }
    if (hasTable && p === tableAfter) body.push(table(r, math, inlineMath))
    if (hasCode && p === codeAfter) body.push(codeBlock(r))
  }
  const text = `${front.join('\n')}\n${body.join('\n\n')}\n`
  return { text, paper: { path: `${month}/${slug}.md`, month, slug, inlineMath, displayMath, hasTable, hasCode } }
}

function paperTitle(r: Random, math: MathGenerator, inlineMath: string[]): { title: string; plain: string } {
  const adjective = capitalise(r.pick(adjectives))
  const noun = capitalise(r.pick(nouns))
  const task = r.pick(tasks)
  const method = capitalise(r.pick(methods))
  let title: string
  switch (r.int(0, 6)) {
    case 0:
      title = `${adjective} ${noun} for ${task}`
      break
    case 1:
      title = `${method}: ${adjective} ${noun} at Scale`
      break
    case 2:
      title = `On the ${capitalise(r.pick(properties))} of ${method}`
      break
    case 3:
      title = `${capitalise(r.pick(verbsGerund))} ${noun} with ${method}`
      break
    case 4:
      title = `${r.pick(['Towards', 'Beyond', 'Rethinking', 'Revisiting'])} ${adjective} ${noun}`
      break
    case 5:
      title = `When Does ${method} ${r.pick(['Generalise', 'Fail', 'Help', 'Scale', 'Converge'])}?`
      break
    default:
      title = `${noun} Is All You Need for ${task}`
  }
  if (r.chance(0.15)) {
    const m = math.title()
    inlineMath.push(m)
    title = r.chance(0.5) ? `${title} in $${m}$` : `$${m}$-${title}`
  }
  return { title, plain: title.replace(/\$[^$]*\$/g, ' ') }
}

interface Sentence {
  text: string
  words: number
  math?: string
}

/**
 * One sentence of prose. `mathChance` is the chance of an inline formula; `forceMath` forces one.
 */
function sentence(r: Random, math: MathGenerator, mathChance: number, forceMath = false): Sentence {
  const m = forceMath || r.chance(mathChance) ? math.inline() : undefined
  let text: string
  switch (r.int(0, 11)) {
    case 0:
      text = `The authors ${r.pick(verbsPast)} ${r.pick(objects)} ${r.pick(conditions)}`
      break
    case 1:
      text = `${capitalise(r.pick(subjects))} ${r.pick(verbsPresent)} ${r.pick(objects)} on ${r.pick(datasets)}, ${r.pick(consequences)}`
      break
    case 2:
      text = `Compared with ${r.pick(baselines)}, the ${r.pick(nouns)} ${r.pick(verbsPresent)} ${r.pick(objects)} ${r.pick(conditions)}`
      break
    case 3:
      text = `A ${r.pick(adjectives)} ${r.pick(nouns)} ${r.pick(verbsPresent)} ${r.pick(objects)}, and ${r.pick(consequences)}`
      break
    case 4:
      text = `On ${r.pick(datasets)} the ${r.pick(nouns)} reaches ${r.decimal(50, 99, 1)} percent ${r.pick(metrics)}, ${r.pick(comparisons)} ${r.pick(baselines)}`
      break
    case 5:
      text = `This ${r.pick(verbsPresent)} the ${r.pick(properties)} of ${r.pick(methods)} ${r.pick(conditions)}`
      break
    case 6:
      text = `${capitalise(r.pick(connectives))}, ${r.pick(subjects)} ${r.pick(verbsPresent)} ${r.pick(objects)}`
      break
    case 7:
      text = `The ${r.pick(properties)} of the ${r.pick(nouns)} ${r.pick(['grows', 'shrinks', 'stays flat', 'saturates', 'oscillates'])} with ${r.pick(quantities)}, ${r.pick(consequences)}`
      break
    case 8:
      text = `${capitalise(r.pick(methods))} ${r.pick(verbsPresent)} ${r.pick(objects)} ${r.pick(conditions)}, ${r.pick(consequences)}`
      break
    case 9:
      text = `The ablations ${r.pick(['show', 'suggest', 'confirm', 'do not support the idea'])} that ${r.pick(subjects)} ${r.pick(verbsPresent)} ${r.pick(objects)}`
      break
    case 10:
      text = `Training takes ${r.int(2, 96)} hours on ${r.int(1, 64)} ${r.pick(['GPUs', 'TPU cores', 'accelerators'])}, ${r.pick(comparisons)} ${r.pick(baselines)}`
      break
    default:
      text = `${capitalise(r.pick(subjects))} ${r.pick(verbsPresent)} ${r.pick(objects)} ${r.pick(conditions)}`
  }
  if (r.chance(0.08)) text = text.replace(/ (\w{6,}) /, ' **$1** ')
  else if (r.chance(0.06)) text = text.replace(/ (\w{5,}) /, ' *$1* ')
  else if (r.chance(0.04)) text += ` (see [the appendix](https://example.org/appendix/${r.int(1, 999)}))`
  else if (r.chance(0.03)) text += `, with \`${r.pick(codeNames)}\` set to ${r.int(2, 512)}`
  if (m) text += `, ${r.pick(mathLeads)} $${m}$ ${r.pick(mathTails)}`
  text += '.'
  const words = text.replace(/\$[^$]*\$/g, 'x').split(/\s+/).filter(Boolean).length
  return m === undefined ? { text, words } : { text, words, math: m }
}

function table(r: Random, math: MathGenerator, inlineMath: string[]): string {
  const metric = capitalise(r.pick(metrics))
  const useMath = r.chance(0.5)
  const header = `| Method | ${useMath ? 'Setting' : 'Dataset'} | ${metric} | Params |`
  const rows = [header, '| --- | --- | ---: | ---: |']
  for (let i = 0, n = r.int(3, 6); i < n; i++) {
    let setting = r.pick(datasets)
    if (useMath) {
      const m = math.cell()
      inlineMath.push(m)
      setting = `$${m}$`
    }
    const name = i === n - 1 ? '**Ours**' : capitalise(r.pick(baselines))
    rows.push(`| ${name} | ${setting} | ${r.decimal(40, 99, 1)} | ${r.int(1, 900)}M |`)
  }
  return rows.join('\n')
}

function codeBlock(r: Random): string {
  const lang = r.pick(['python', 'python', 'python', 'sh', 'text'])
  const lines: string[] = []
  if (lang === 'sh') {
    lines.push(`pip install ${r.pick(codeNames).replace(/_/g, '-')}`)
    lines.push(`python train.py --lr ${r.pick(['1e-3', '3e-4', '0.1'])} --batch-size ${r.pick(['64', '128', '256'])} --epochs ${r.int(10, 300)}`)
  } else if (lang === 'text') {
    for (let i = 0, n = r.int(2, 4); i < n; i++) lines.push(`epoch ${i * r.int(1, 10)}  loss ${r.decimal(0, 3, 4)}  ${r.pick(metrics)} ${r.decimal(0, 1, 3)}`)
  } else {
    const fn = r.pick(codeNames)
    const a = r.pick(['x', 'h', 'z', 'logits', 'feats'])
    lines.push(`def ${fn}(${a}, ${r.pick(['mask', 'temperature', 'scale', 'weights'])}=None):`)
    for (let i = 0, n = r.int(2, 5); i < n; i++) {
      lines.push(`    ${a} = ${r.pick(['torch.softmax', 'torch.tanh', 'F.relu', 'F.layer_norm', 'torch.cumsum'])}(${a}${r.chance(0.5) ? ', dim=-1' : ''})`)
    }
    lines.push(`    return ${a}${r.chance(0.5) ? '.mean(0)' : ''}`)
  }
  return ['```' + lang, ...lines, '```'].join('\n')
}

// ── helpers ─────────────────────────────────────────────────────────────────────────────────

/** Lines of at most ~100 characters, never breaking inside a formula. */
function wrap(text: string): string[] {
  const tokens = text.match(/\$[^$]*\$\S*|\S+/g) ?? []
  const lines: string[] = []
  let line = ''
  for (const t of tokens) {
    if (line && line.length + t.length + 1 > 100) {
      lines.push(line)
      line = t
    } else {
      line = line ? `${line} ${t}` : t
    }
  }
  if (line) lines.push(line)
  return lines
}

/** A YAML single-quoted scalar: backslashes stay as they are, quotes are doubled. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}

function slugify(value: string): string {
  const words = value.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean)
  let slug = ''
  for (const w of words) {
    if (slug.length + w.length + 1 > 60) break
    slug = slug ? `${slug}-${w}` : w
  }
  return slug || 'paper'
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

// ── word lists ──────────────────────────────────────────────────────────────────────────────

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** About sixty tags. */
export const tags = [
  'attention', 'transformers', 'diffusion', 'gans', 'vae', 'normalizing-flows', 'reinforcement-learning', 'bandits',
  'meta-learning', 'few-shot', 'self-supervised', 'contrastive', 'representation-learning', 'optimization', 'sgd',
  'generalization', 'theory', 'kernels', 'gaussian-processes', 'bayesian', 'variational-inference', 'mcmc', 'causality',
  'fairness', 'privacy', 'federated-learning', 'robustness', 'adversarial', 'interpretability', 'pruning', 'quantization',
  'distillation', 'efficiency', 'memory', 'autodiff', 'graph-neural-networks', 'geometric-deep-learning', 'equivariance',
  'neural-odes', 'physics', 'neuroscience', 'vision', 'segmentation', 'detection', 'speech', 'language-models', 'translation',
  'retrieval', 'recommendation', 'time-series', 'tabular', 'scaling-laws', 'benchmarks', 'datasets', 'continual-learning',
  'curriculum', 'active-learning', 'uncertainty', 'calibration', 'neural-processes', 'spectral-bias'
]

const adjectives = [
  'sparse', 'efficient', 'robust', 'scalable', 'implicit', 'contrastive', 'hierarchical', 'stochastic', 'differentiable',
  'equivariant', 'adaptive', 'provable', 'latent', 'structured', 'modular', 'causal', 'Bayesian', 'calibrated', 'lightweight',
  'unsupervised', 'self-supervised', 'low-rank', 'multiscale', 'continual', 'federated', 'compositional', 'memory-efficient'
]
const nouns = [
  'attention', 'representations', 'transformers', 'diffusion models', 'priors', 'embeddings', 'optimizers', 'kernels',
  'world models', 'policies', 'autoencoders', 'normalizing flows', 'graph networks', 'tokenizers', 'mixtures of experts',
  'energy models', 'retrievers', 'language models', 'value functions', 'posteriors', 'neural fields', 'state-space models'
]
const tasks = [
  'image classification', 'machine translation', 'protein folding', 'speech recognition', 'molecule generation',
  'offline reinforcement learning', 'tabular data', 'long documents', 'video prediction', 'code generation',
  'weather forecasting', 'few-shot learning', 'semantic segmentation', 'recommendation', 'theorem proving'
]
const methods = [
  'gradient descent', 'dropout', 'batch normalization', 'weight decay', 'knowledge distillation', 'contrastive pretraining',
  'score matching', 'variational inference', 'policy gradients', 'Monte Carlo dropout', 'label smoothing', 'mixup',
  'low-rank adaptation', 'random features', 'early stopping', 'sharpness-aware minimization', 'layer normalization',
  'in-context learning', 'beam search', 'importance sampling', 'spectral normalization', 'data augmentation'
]
const properties = [
  'implicit bias', 'sample complexity', 'stability', 'expressivity', 'calibration', 'robustness', 'convergence rate',
  'memory footprint', 'generalization gap', 'sensitivity', 'variance', 'spectral bias', 'loss landscape', 'inductive bias'
]
const verbsPresent = [
  'improves', 'reduces', 'stabilises', 'explains', 'bounds', 'predicts', 'matches', 'outperforms', 'controls', 'recovers',
  'halves', 'preserves', 'exposes', 'decouples', 'regularises', 'accelerates', 'simplifies', 'replaces', 'approximates'
]
const verbsPast = ['measured', 'derived', 'proved', 'tested', 'reproduced', 'compared', 'scaled', 'ablated', 'revisited', 'estimated']
const verbsGerund = ['Learning', 'Scaling', 'Pruning', 'Distilling', 'Sampling', 'Aligning', 'Compressing', 'Training', 'Probing']
const subjects = [
  'the method', 'the model', 'a simple baseline', 'the proposed objective', 'the new estimator', 'this analysis', 'the encoder',
  'the sampler', 'the regulariser', 'a linear probe', 'the learned prior', 'the student network', 'the theory', 'the schedule'
]
const objects = [
  'the variance of the gradient estimator', 'the test error', 'the number of function evaluations', 'the memory cost',
  'the gap to the oracle', 'the effect of depth', 'the rank of the weight updates', 'the calibration error',
  'the sensitivity to the learning rate', 'most of the underfitting', 'the alignment between layers', 'training time',
  'the spectrum of the kernel', 'the dependence on width', 'the number of labels needed', 'the bias of the estimate'
]
const conditions = [
  'when the data are scarce', 'at every scale tested', 'under distribution shift', 'without extra parameters',
  'for wide networks', 'in the overparameterised regime', 'with a fixed compute budget', 'across all seeds',
  'after a short warm-up', 'once the batch is large enough', 'on held-out tasks', 'in the limit of infinite width'
]
const consequences = [
  'which makes training cheaper', 'at the cost of a small bias', 'so fewer steps are needed', 'which matters in practice',
  'while keeping the model simple', 'so the bound becomes tight', 'which earlier work had missed', 'at no extra memory',
  'though the gain shrinks at scale', 'which surprised the authors', 'so the result transfers to other domains'
]
const connectives = ['in short', 'more importantly', 'by contrast', 'surprisingly', 'as a result', 'in practice', 'at the same time', 'put differently']
const datasets = [
  'ImageNet', 'CIFAR-10', 'CIFAR-100', 'MNIST', 'WikiText-103', 'C4', 'LibriSpeech', 'COCO', 'Atari', 'MuJoCo', 'QM9',
  'OGB', 'GLUE', 'SuperGLUE', 'Penn Treebank', 'Shapenet', 'CelebA', 'ERA5', 'The Pile', 'D4RL'
]
const baselines = [
  'the standard transformer', 'a tuned ResNet', 'plain SGD', 'Adam', 'the previous state of the art', 'a linear model',
  'the dense baseline', 'ensembles of five models', 'random search', 'the teacher', 'gradient checkpointing', 'a Gaussian process'
]
const comparisons = ['well ahead of', 'on par with', 'slightly behind', 'twice as fast as', 'cheaper than', 'close to']
const metrics = ['accuracy', 'top-1 accuracy', 'F1', 'BLEU', 'recall', 'AUROC', 'exact match', 'success rate', 'mAP']
const quantities = ['width', 'depth', 'the batch size', 'the learning rate', 'the number of heads', 'the dataset size', 'the noise level', 'the temperature']
const mathLeads = ['where', 'with', 'taking', 'writing', 'as long as', 'provided']
const mathTails = ['throughout', 'as in the paper', 'in every experiment', 'by default', 'for simplicity', 'at initialisation', 'in the main result']
const codeNames = ['attend', 'sample_noise', 'score_fn', 'project', 'kl_term', 'update_ema', 'mask_tokens', 'route_experts', 'normalise']
const topics = [
  'sparse attention', 'diffusion samplers', 'implicit bias', 'world models', 'contrastive learning', 'scaling laws',
  'neural processes', 'graph networks', 'privacy', 'calibration', 'distillation', 'state-space models', 'memory-efficient training'
]
const firstNames = [
  'Ada', 'Alan', 'Yoshua', 'Geoffrey', 'Fei-Fei', 'Daphne', 'Michael', 'Zoubin', 'Jürgen', 'Yann', 'Chelsea', 'Sergey',
  'Percy', 'Anima', 'Pieter', 'Hyunjik', 'Andriy', 'Marta', 'Oriol', 'Yee Whye', 'Nasim', 'Deniz', 'Ilya', 'Joëlle', 'Samy',
  'Léon', 'Timnit', 'Raia', 'Aaron', 'Shakir', 'Danilo', 'Ruslan', 'Emtiyaz', 'Cordelia', 'Kyunghyun', 'Naomi', 'Priya', 'Wei'
]
const lastNames = [
  'Lovelace', 'Turing', 'Bengio', 'Hinton', 'Li', 'Koller', 'Jordan', 'Ghahramani', 'Schmidhuber', 'LeCun', 'Finn', 'Levine',
  'Liang', 'Anandkumar', 'Abbeel', 'Kim', 'Mnih', 'Garnelo', 'Vinyals', 'Teh', 'Rahaman', 'Oktay', 'Sutskever', 'Pineau',
  'Bottou', 'Gebru', 'Hadsell', 'Courville', 'Mohamed', 'Rezende', 'Salakhutdinov', 'Khan', 'Schmid', 'Cho', 'Saphra', 'Zhang'
]
const venues = ['NeurIPS', 'ICML', 'ICLR', 'AISTATS', 'UAI', 'COLT', 'CVPR', 'ACL', 'EMNLP', 'TMLR', 'JMLR', 'AAAI']
