import path from 'node:path'
import { parseFeed } from '@rowanmanning/feed-parser'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildToMemory } from '../src/build.js'
import { loadContent } from '../src/content/load.js'
import { en } from '../src/render/messages/en.js'
import { createTranslator } from '../src/render/messages/index.js'
import { ru } from '../src/render/messages/ru.js'
import { fontSubsetsOf } from '../src/render/render.js'
import { page, urlsOf } from './helpers/html.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

const base = 'https://example.org/'
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8')
const longDate = (language: string, value: string): string =>
  new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`))

let cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()))
  cleanups = []
})

/** A content folder in a fresh temporary folder; returns the folder and its parent (the cwd). */
async function contentWith(files: Record<string, string>): Promise<{ content: string; cwd: string }> {
  const { dir, cleanup } = await tempDir()
  cleanups.push(cleanup)
  return { content: await writeContent(path.join(dir, 'content'), files), cwd: dir }
}

/** A translation file: only text. */
function translation(options: { title?: string; takeaway?: string; body?: string; extra?: string } = {}): string {
  return ['---', `title: ${JSON.stringify(options.title ?? 'Статья')}`, `takeaway: ${JSON.stringify(options.takeaway ?? 'Это важно, потому что $x$.')}`, ...(options.extra ? [options.extra] : []), '---', options.body ?? 'Краткое изложение с формулой $a^2$.', ''].join('\n')
}

describe('the bundled digest in English and Russian', () => {
  let output: Map<string, Uint8Array>
  const get = (p: string): string => text(output.get(p))
  const htmlFiles = (): string[] => [...output.keys()].filter((f) => f.endsWith('.html'))

  beforeAll(async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, search: false, images: false, cache: false })
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    output = result.output
  })

  it('builds every page in both languages, Russian ones under /ru/', () => {
    const english = htmlFiles().filter((f) => !f.startsWith('ru/'))
    const russian = htmlFiles().filter((f) => f.startsWith('ru/'))
    expect(english.length).toBeGreaterThan(20)
    expect(russian.map((f) => f.slice(3)).sort()).toEqual([...english].sort())
  })

  it('declares the right <html lang> on every page', () => {
    for (const file of htmlFiles()) {
      const lang = page(get(file)).one('html')!.properties.lang
      expect(lang, file).toBe(file.startsWith('ru/') ? 'ru' : 'en')
    }
  })

  it('links every page to its translations with hreflang, x-default being the default language', () => {
    for (const file of htmlFiles()) {
      const links = page(get(file)).all('link[rel=alternate][hreflang]')
      const byLang = new Map(links.map((l) => [String(l.properties.hrefLang), String(l.properties.href)]))
      expect([...byLang.keys()], file).toEqual(['en', 'ru', 'x-default'])
      expect(byLang.get('x-default'), file).toBe(byLang.get('en'))
      // Each alternate is an existing page: itself, or the same page in the other language.
      for (const href of byLang.values()) {
        expect(href.startsWith(base), href).toBe(true)
        const target = href.slice(base.length)
        expect(output.has(target) || output.has(`${target}index.html`), `${file} → ${href}`).toBe(true)
      }
      const own = file.replace(/index\.html$/, '')
      expect(byLang.get(file.startsWith('ru/') ? 'ru' : 'en'), file).toBe(base + own)
      expect(byLang.get('en'), file).toBe(base + own.replace(/^ru\//, ''))
    }
  })

  it('shows a language switch in the header, the current language marked', () => {
    for (const [file, current, other] of [
      ['2021/01/spectral-bias/index.html', 'en', '/ru/2021/01/spectral-bias/'],
      ['ru/2021/01/spectral-bias/index.html', 'ru', '/2021/01/spectral-bias/'],
      ['ru/archive/index.html', 'ru', '/archive/']
    ] as const) {
      const p = page(get(file))
      const nav = p.one('header nav.language-switch')
      expect(nav, file).toBeDefined()
      const links = p.all('header nav.language-switch a')
      expect(links.map((a) => [a.properties.lang, a.properties.hrefLang, toTextOf(a)]), file).toEqual([
        ['en', 'en', 'English'],
        ['ru', 'ru', 'Русский']
      ])
      const marked = links.filter((a) => a.properties.ariaCurrent !== undefined)
      expect(marked.map((a) => a.properties.lang), file).toEqual([current])
      const otherLink = links.find((a) => a.properties.lang !== current)!
      expect(otherLink.properties.href, file).toBe(other)
    }
    expect(page(get('ru/index.html')).one('header nav.language-switch')!.properties.ariaLabel).toBe(ru['languages.label'])
  })

  it('sets a language name in the system face only where the page loads no font for its script', () => {
    // The class names are what the stylesheet reads; the browser test checks the fonts fetched.
    const classes = (file: string) => page(get(file)).all('header nav.language-switch a').map((a) => [a.properties.lang, (a.properties.className as string[] | undefined) ?? []])
    expect(classes('index.html')).toEqual([['en', []], ['ru', ['system-face']]])
    // A Russian page loads the Latin files too (digits, punctuation, English titles).
    expect(classes('ru/index.html')).toEqual([['en', []], ['ru', []]])
  })

  it('preloads the text fonts of the page\'s script, Latin always', () => {
    expect(fontSubsetsOf('en')).toEqual(['latin'])
    expect(fontSubsetsOf('ru')).toEqual(['latin', 'cyrillic'])
    expect(fontSubsetsOf('uk')).toEqual(['latin', 'cyrillic'])
    expect(fontSubsetsOf('sr-Cyrl')).toEqual(['latin', 'cyrillic'])
    expect(fontSubsetsOf('sr-Latn')).toEqual(['latin'])
    // Scripts the site ships no text font for, and tags that are not BCP 47, get the Latin files.
    expect(fontSubsetsOf('ja')).toEqual(['latin'])
    expect(fontSubsetsOf('not a tag')).toEqual(['latin'])
    const preloads = (file: string) => page(get(file)).all('head link[rel="preload"][as="font"]').map((l) => String(l.properties.href).split('/').pop())
    expect(preloads('index.html')).toEqual(['inter-latin-wght-normal.woff2', 'source-serif-4-latin-wght-normal.woff2'])
    expect(preloads('ru/index.html')).toEqual(['inter-latin-wght-normal.woff2', 'source-serif-4-latin-wght-normal.woff2', 'inter-cyrillic-wght-normal.woff2', 'source-serif-4-cyrillic-wght-normal.woff2'])
  })

  it('writes interface text and dates in the page\'s language', () => {
    const en1 = page(get('2021/01/spectral-bias/index.html'))
    const ru1 = page(get('ru/2021/01/spectral-bias/index.html'))
    expect(en1.text('.details-list time')).toBe(longDate('en', '2021-01-18'))
    expect(ru1.text('.details-list time')).toBe(longDate('ru', '2021-01-18'))
    expect(ru1.text('.details-list time')).not.toBe(en1.text('.details-list time'))
    expect(ru1.text('.skip-link')).toBe(ru.skipToContent)
    expect(ru1.text('#details')).toBe(ru['paper.details'])
    expect(ru1.text('.card-takeaway-label')).toBe(ru['card.takeaway'])
    expect(en1.text('.card-takeaway-label')).toBe(en['card.takeaway'])
    expect(page(get('ru/2021/01/index.html')).text('.month-header .eyebrow')).toBe('4 статьи')
    expect(page(get('ru/archive/index.html')).text('.lead')).toBe('4 статьи за 1 месяц.')
    expect(page(get('ru/404.html')).text('h1')).toBe(ru['notFound.heading'])
    expect(page(get('ru/search/index.html')).text('h1')).toBe(ru['search.heading'])
  })

  it('shows the Russian translations under /ru/, without a note or a lang of their own', () => {
    const month = page(get('ru/2021/01/index.html'))
    expect(month.text('h1')).toBe('Январь 2021')
    expect(month.text('.month-outro')).toContain('#mlcollage')
    expect(month.all('.translation-note')).toEqual([])
    const cards = month.all('article.collage-card')
    expect(cards.map((c) => c.properties.id)).toEqual(['face-patch-disentanglement', 'randomized-autodiff', 'spectral-bias', 'attentive-neural-processes'])
    for (const card of cards) expect(card.properties.lang, String(card.properties.id)).toBeUndefined()
    const paper = page(get('ru/2021/01/spectral-bias/index.html'))
    expect(paper.text('h1')).toBe('О спектральном смещении нейронных сетей')
    expect(paper.text('title')).toBe('О спектральном смещении нейронных сетей · ML Collage')
    // What a translation inherits: authors, links, tags, the key equation's math.
    expect(paper.all('.card-links a').map((a) => a.properties.href)).toEqual(['https://arxiv.org/abs/1806.08734', 'https://github.com/nasimrahaman/SpectralBias'])
    expect(paper.all('.card-tags a').map((a) => a.properties.href)).toContain('/ru/tags/fourier/')
    expect(paper.all('.author-list a').map((a) => a.properties.href)).toContain('/ru/authors/yoshua-bengio/')
    expect(get('ru/2021/01/spectral-bias/index.html')).toContain('class="card-aside card-equation"')
  })

  it('keeps every internal link of a language inside that language', () => {
    for (const file of htmlFiles()) {
      const russian = file.startsWith('ru/')
      for (const url of urlsOf(get(file))) {
        // Pagefind's files exist only when the index is built (not in this build).
        if (/^[a-z]+:/.test(url) || url.startsWith('#') || url.startsWith('/pagefind/')) continue
        const target = url.split(/[?#]/)[0]!.replace(/^\//, '')
        expect(output.has(target) || output.has(`${target}index.html`), `${file} → ${url}`).toBe(true)
      }
      // Pages (not assets) linked from the main content are in the page's language.
      const main = page(get(file)).one('main')
      if (!main) continue
      for (const a of page(get(file)).all('main a[href^="/"]')) {
        const href = String(a.properties.href)
        if (/\.(xml|png|svg|css|js)$/.test(href)) continue
        expect(href.startsWith('/ru/'), `${file} → ${href}`).toBe(russian)
      }
    }
  })

  it('gives each language its own feeds', () => {
    const feed = parseFeed(get('ru/feed.xml'))
    expect(feed.language).toBe('ru')
    expect(parseFeed(get('ru/rss.xml')).language).toBe('ru')
    expect(feed.url).toBe(`${base}ru/`)
    const titles = feed.items.map((i) => i.title)
    expect(titles).toContain('О спектральном смещении нейронных сетей')
    expect(titles).toContain('Январь 2021: дайджест')
    for (const item of feed.items) expect(item.url, String(item.title)).toMatch(/^https:\/\/example\.org\/ru\/2021\/01\//)
    expect(feed.items[1]!.content).toContain(ru['feed.takeaway'])

    const english = parseFeed(get('feed.xml'))
    expect(english.language).toBe('en')
    expect(english.items.map((i) => i.title)).toContain('On the Spectral Bias of Neural Networks')
    for (const item of english.items) expect(item.url).not.toContain('/ru/')

    const rss = parseFeed(get('ru/rss.xml'))
    expect(rss.items.map((i) => i.url)).toEqual(feed.items.map((i) => i.url))
    expect((JSON.parse(get('ru/feed.json')) as { home_page_url: string }).home_page_url).toBe(`${base}ru/`)
    const tag = parseFeed(get('ru/tags/fourier/feed.xml'))
    expect(tag.items.map((i) => [i.title, i.url])).toEqual([['О спектральном смещении нейронных сетей', `${base}ru/2021/01/spectral-bias/`]])
    // The feed links on Russian pages lead to the Russian feeds.
    expect(page(get('ru/index.html')).one('link[type="application/atom+xml"]')!.properties.href).toBe('/ru/feed.xml')
  })

  it('lists both languages in the sitemap, each page with its alternates', () => {
    const xml = get('sitemap.xml')
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!)
    expect(locs).toContain(`${base}2021/01/spectral-bias/`)
    expect(locs).toContain(`${base}ru/2021/01/spectral-bias/`)
    expect(xml).toContain(`<xhtml:link rel="alternate" hreflang="ru" href="${base}ru/2021/01/spectral-bias/"/>`)
    expect(xml).toContain(`<xhtml:link rel="alternate" hreflang="x-default" href="${base}2021/01/spectral-bias/"/>`)
  })
})

describe('a paper or month without a translation', () => {
  it('falls back to the original text, marked with its language and a note', async () => {
    const { content, cwd } = await contentWith({
      'site.yaml': 'title: T\nbaseUrl: https://example.org/\nlanguages: [en, ru]\n',
      '2021-01/index.md': '---\ntitle: A month of tests\nsummary: The summary.\n---\nThe intro.\n',
      '2021-01/a.md': paperFile({ title: 'Translated paper', date: '2021-01-04' }),
      '2021-01/a.ru.md': translation({ title: 'Переведённая статья' }),
      '2021-01/b.md': paperFile({ title: 'Untranslated paper', date: '2021-01-11', body: 'An English summary.' })
    })
    const result = await buildToMemory({ contentDir: content, cwd, search: false, images: false, cache: false })
    expect(result.problems).toEqual([])
    const get = (p: string): string => text(result.output.get(p))

    const paper = page(get('ru/2021/01/b/index.html'))
    expect(page(get('ru/2021/01/b/index.html')).one('html')!.properties.lang).toBe('ru')
    const card = paper.one('article.collage-card')!
    expect(card.properties.lang).toBe('en')
    expect(paper.text('h1')).toBe('Untranslated paper')
    expect(paper.text('.card-summary')).toBe('An English summary.')
    expect(paper.text('.collage-card .translation-note')).toBe('Этот текст ещё не переведён; показан оригинал.')
    // The card's interface text stays in the page's language.
    expect(paper.one('.collage-card .translation-note')!.properties.lang).toBe('ru')
    expect(paper.one('.card-takeaway-label')!.properties.lang).toBe('ru')
    expect(paper.text('.card-eyebrow')).toContain('Неделя 2')

    const month = page(get('ru/2021/01/index.html'))
    // An untranslated month keeps its text in English, and is named in Russian.
    expect(month.text('h1')).toBe(capitalised(new Intl.DateTimeFormat('ru', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(2021, 0, 1)))))
    expect(month.one('.month-summary')!.properties.lang).toBe('en')
    expect(month.one('.month-intro')!.properties.lang).toBe('en')
    expect(month.text('.month-header .translation-note')).toBe(ru['translation.missing'])
    const cards = month.all('article.collage-card')
    expect(cards.map((c) => [c.properties.id, c.properties.lang])).toEqual([
      ['a', undefined],
      ['b', 'en']
    ])
    // Titles of untranslated papers carry their language wherever they are listed.
    const archive = page(get('ru/archive/index.html'))
    expect(archive.all('.archive-list a[href="/ru/2021/01/b/"]').map((a) => a.properties.lang)).toEqual(['en'])
    expect(archive.all('.archive-list a[href="/ru/2021/01/a/"]').map((a) => a.properties.lang)).toEqual([undefined])
    expect(archive.text('.archive-list')).toContain('Переведённая статья')

    // The English site is as before: no notes, no lang on cards.
    const english = page(get('2021/01/index.html'))
    expect(english.all('.translation-note')).toEqual([])
    expect(english.all('article.collage-card').map((c) => c.properties.lang)).toEqual([undefined, undefined])
    expect(english.text('h1')).toBe('A month of tests')
  })
})

describe('content rules for translations', () => {
  it('treats <slug>.ru.md as a translation, not as a file with an invalid slug', async () => {
    const { content, cwd } = await contentWith({ 'site.yaml': 'languages: [en, ru]\n', '2021-01/a.md': paperFile(), '2021-01/a.ru.md': translation() })
    const loaded = await loadContent(content, { cwd })
    expect(loaded.problems).toEqual([])
    expect(loaded.papers.map((p) => p.slug)).toEqual(['a'])
    const [t] = loaded.translations.papers
    expect(t).toMatchObject({ slug: 'a', lang: 'ru', title: 'Статья', authors: ['Ada Lovelace', 'Alan Turing'], year: 2020, tags: ['test'], path: 'content/2021-01/a.ru.md' })
  })

  it('refuses any key but the text, with its line', async () => {
    const { content, cwd } = await contentWith({
      'site.yaml': 'languages: [en, ru]\n',
      '2021-01/a.md': paperFile(),
      '2021-01/a.ru.md': translation({ extra: 'authors: [Ада Лавлейс]\nyear: 2021' }),
      '2021-01/index.md': '---\nsummary: S\n---\nIntro.\n',
      '2021-01/index.ru.md': '---\nsummary: С\ndraft: true\n---\nВступление.\n'
    })
    const { problems } = await loadContent(content, { cwd })
    expect(problems.map((p) => [p.file, p.line, p.column, p.ruleId])).toEqual([
      ['content/2021-01/a.ru.md', 4, 1, 'untranslatable-key'],
      ['content/2021-01/a.ru.md', 5, 1, 'untranslatable-key'],
      ['content/2021-01/index.ru.md', 3, 1, 'untranslatable-key']
    ])
    expect(problems[0]!.message).toContain('only title, takeaway, figure.alt and the summary can be translated')
    expect(problems[2]!.message).toContain('only title, summary, outro and the intro can be translated')
  })

  it('refuses a translation without an original, into an unknown language, or into the default one', async () => {
    const { content, cwd } = await contentWith({
      'site.yaml': 'languages: [en, ru]\n',
      '2021-01/a.md': paperFile(),
      '2021-01/gone.ru.md': translation(),
      '2021-01/a.de.md': translation(),
      '2021-01/a.en.md': translation(),
      '2021-01/index.ru.md': '---\nsummary: С\n---\nВступление.\n'
    })
    const { problems } = await loadContent(content, { cwd })
    expect(problems.map((p) => [p.file, p.ruleId]).sort()).toEqual(
      [
        ['content/2021-01/a.de.md', 'unknown-language'],
        ['content/2021-01/a.en.md', 'translation-into-default-language'],
        ['content/2021-01/gone.ru.md', 'translation-without-original'],
        ['content/2021-01/index.ru.md', 'translation-without-original']
      ].sort()
    )
    expect(problems.find((p) => p.ruleId === 'unknown-language')!.message).toContain('`de`')
  })

  it('wants every part of the original translated', async () => {
    const { content, cwd } = await contentWith({
      'site.yaml': 'languages: [en, ru]\n',
      '2021-01/a.md': paperFile(),
      '2021-01/a.ru.md': translation({ body: '' }),
      '2021-01/index.md': '---\nsummary: S\noutro: Bye.\n---\nIntro.\n',
      '2021-01/index.ru.md': '---\ntitle: Январь\n---\nВступление.\n'
    })
    const { problems } = await loadContent(content, { cwd })
    expect(problems.map((p) => [p.file, p.ruleId, p.message.split(':')[0]]).sort()).toEqual([
      ['content/2021-01/a.ru.md', 'empty-summary', 'The summary (the text after the front matter) is empty'],
      ['content/2021-01/index.ru.md', 'incomplete-translation', 'The original has a `summary`'],
      ['content/2021-01/index.ru.md', 'incomplete-translation', 'The original has closing words (`outro`)']
    ])
  })

  it('leaves a draft\'s translation out with the draft', async () => {
    const { content, cwd } = await contentWith({ 'site.yaml': 'languages: [en, ru]\n', '2021-01/a.md': paperFile({ extra: 'draft: true' }), '2021-01/a.ru.md': translation({ title: 'TODO: перевести' }) })
    const loaded = await loadContent(content, { cwd })
    expect(loaded.problems).toEqual([])
    expect(loaded.translations.papers).toEqual([])
    expect((await loadContent(content, { cwd, drafts: true })).translations.papers).toHaveLength(1)
  })

  it('validates languages in site.yaml', async () => {
    const cases: Array<[string, string, number]> = [
      ['languages: [en, ru, en]\n', 'duplicate-language', 1],
      ['languages: [en, "r u"]\n', 'invalid-setting-languages', 1],
      ['languages: []\n', 'invalid-setting-languages', 1],
      ['language: ru\nlanguages: [en, ru]\n', 'invalid-setting-language', 1]
    ]
    for (const [yaml, ruleId, line] of cases) {
      const { content, cwd } = await contentWith({ 'site.yaml': yaml })
      const { problems } = await loadContent(content, { cwd })
      expect(problems.map((p) => [p.file, p.line, p.ruleId]), yaml).toEqual([['content/site.yaml', line, ruleId]])
    }
    const { content, cwd } = await contentWith({ 'site.yaml': 'language: en\nlanguages: [EN, ru]\n' })
    const { config, problems } = await loadContent(content, { cwd })
    expect(problems).toEqual([])
    expect([config.language, config.languages]).toEqual(['en', ['en', 'ru']])
  })
})

describe('a single-language site', () => {
  it('has no language switch, no alternates and no /ru/ pages', async () => {
    const { content, cwd } = await contentWith({ 'site.yaml': 'language: en\n', '2021-01/a.md': paperFile() })
    const result = await buildToMemory({ contentDir: content, cwd, search: false, images: false, cache: false })
    expect(result.ok).toBe(true)
    expect([...result.output.keys()].filter((f) => f.startsWith('ru/'))).toEqual([])
    const home = page(text(result.output.get('index.html')))
    expect(home.one('html')!.properties.lang).toBe('en')
    expect(home.all('link[hreflang]')).toEqual([])
    expect(home.one('.language-switch')).toBeUndefined()
  })
})

describe('interface text', () => {
  it('follows Russian plural rules', () => {
    const t = createTranslator('ru')
    expect([1, 2, 5, 11, 21, 22, 25].map((count) => t('count.papers', { count }))).toEqual(['1 статья', '2 статьи', '5 статей', '11 статей', '21 статья', '22 статьи', '25 статей'])
    expect(createTranslator('en')('count.papers', { count: 1 })).toBe('1 paper')
    expect(createTranslator('en')('count.papers', { count: 3 })).toBe('3 papers')
  })

  it('has every message in every catalogue', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort())
    for (const [key, value] of Object.entries(ru)) {
      if (typeof value === 'object') expect(Object.keys(value).sort(), key).toEqual(['few', 'many', 'one', 'other'].filter((k) => k in value))
    }
  })

  it('falls back to English for a language without a catalogue, and to the primary language for a regional tag', () => {
    expect(createTranslator('de')('nav.archive')).toBe('Archive')
    expect(createTranslator('ru-RU')('nav.archive')).toBe('Архив')
  })
})

describe('search in every language', () => {
  it('indexes each language\'s pages in that language', async () => {
    const result = await buildToMemory({ contentDir: path.join(root, 'content'), cwd: root, images: false, cache: false })
    expect(result.ok).toBe(true)
    const files = [...result.output.keys()].filter((f) => f.startsWith('pagefind/'))
    // A bundle per language, each indexed in its language: English at the root, Russian below it.
    for (const [lang, bundle] of [['en', 'pagefind/'], ['ru', 'pagefind/ru/']] as const) {
      const entry = JSON.parse(text(result.output.get(`${bundle}pagefind-entry.json`))) as { languages: Record<string, { hash: string; page_count: number }> }
      expect(Object.keys(entry.languages)).toEqual([lang])
      // One month and four papers.
      expect(entry.languages[lang]!.page_count).toBe(5)
      expect(files.some((f) => f.startsWith(`${bundle}pagefind.${lang}_`) && f.endsWith('.pf_meta')), lang).toBe(true)
      expect(files.some((f) => f.startsWith(`${bundle}index/${lang}_`)), lang).toBe(true)
    }
    // Each search page loads its language's bundle.
    const search = page(text(result.output.get('ru/search/index.html')))
    expect(search.one('html')!.properties.lang).toBe('ru')
    expect(search.one('#search')!.properties.dataBundle).toBe('/pagefind/ru/')
    expect(page(text(result.output.get('search/index.html'))).one('#search')!.properties.dataBundle).toBe('/pagefind/')
  }, 120_000)
})

function toTextOf(el: { children: unknown[] }): string {
  return (el.children as Array<{ type: string; value?: string }>).map((c) => (c.type === 'text' ? c.value : '')).join('')
}

function capitalised(value: string): string {
  return value.charAt(0).toLocaleUpperCase('ru') + value.slice(1)
}
