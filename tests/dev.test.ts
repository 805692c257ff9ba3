import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, readFile, writeFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildToMemory } from '../src/build.js'
import { startDevServer, type DevServer, type RebuildEvent } from '../src/dev/server.js'
import { watchFolders, type Change } from '../src/dev/watch.js'
import { page } from './helpers/html.js'
import { paperFile, root, tempDir, writeContent } from './helpers/site.js'

/** A server-sent events stream read with a real HTTP client (fetch), event by event. */
class EventStream {
  private readonly events: Array<{ event: string; data: string }> = []
  private cursor = 0
  private wake: (() => void) | undefined
  private constructor(
    readonly response: Response,
    private readonly abort: AbortController
  ) {}

  static async open(url: string): Promise<EventStream> {
    const abort = new AbortController()
    const response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } })
    const stream = new EventStream(response, abort)
    void stream.read()
    return stream
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          let event = 'message'
          const data: string[] = []
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7)
            else if (line.startsWith('data: ')) data.push(line.slice(6))
          }
          if (data.length > 0) this.events.push({ event, data: data.join('\n') })
          this.wake?.()
        }
      }
    } catch {
      // Aborted.
    }
  }

  /** The next event named `event` (skipping others), its data parsed as JSON. */
  async next<T = Record<string, unknown>>(event: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      while (this.cursor < this.events.length) {
        const e = this.events[this.cursor++]!
        if (e.event === event) return JSON.parse(e.data) as T
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`No \`${event}\` event within ${timeoutMs} ms; saw ${this.events.map((e) => e.event).join(', ')}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  }

  /** Events not consumed yet. */
  pending(): string[] {
    return this.events.slice(this.cursor).map((e) => e.event)
  }

  close(): void {
    this.abort.abort()
  }
}

/** A raw request: the path is sent exactly as given, and so is the Host header. */
function rawRequest(port: number, requestPath: string, headers: Record<string, string> = {}, setHost = true): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: requestPath, setHost, headers: setHost ? { host: `127.0.0.1:${port}`, ...headers } : headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const siteYaml = 'title: Dev Test\nauthor: The editors\nbaseUrl: https://example.org/digest/\n'
const monthIndex = '---\nsummary: A test month.\n---\nThe intro of the month.\n'
const goodPaper = paperFile({ title: 'Live Paper', body: 'First version of the summary.' })
const draftPaper = paperFile({ title: 'Half Written', date: '2021-01-12', extra: 'draft: true', body: 'Not ready yet.' })

describe('collage dev server', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let content: string
  let server: DevServer
  let events: EventStream
  const rebuilds: RebuildEvent[] = []
  const get = (p: string) => fetch(new URL(p, server.url))

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir('collage-dev-'))
    content = await writeContent(path.join(dir, 'content'), {
      'site.yaml': siteYaml,
      '2021-01/index.md': monthIndex,
      '2021-01/live.md': goodPaper,
      '2021-01/half-written.md': draftPaper
    })
    // The site's own templates and public folder: the test does not see edits to the repository's.
    await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true })
    await cp(path.join(root, 'public'), path.join(dir, 'public'), { recursive: true })
    server = await startDevServer({ contentDir: 'content', cwd: dir, port: 0 })
    server.onEvent((e) => {
      if (e.type === 'rebuild') rebuilds.push(e)
    })
    events = await EventStream.open(new URL('/__collage/events', server.url).href)
  })

  afterAll(async () => {
    events?.close()
    await server?.close()
    await cleanup()
  })

  it('listens on 127.0.0.1 only and builds at start', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(server.initial.ok).toBe(true)
    expect(server.initial.problems.filter((p) => p.severity === 'error')).toEqual([])
    expect(server.folders.templatesDir).toBe(path.join(dir, 'templates'))
    expect(events.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(events.response.headers.get('access-control-allow-origin')).toBeNull()
    await events.next('hello')
  })

  it('serves the built site with the reload client, from the server root whatever the base URL', async () => {
    const res = await get('/2021/01/live/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(page(html).text('h1')).toContain('Live Paper')
    expect(html).toContain('First version of the summary.')
    // One client, just before </body>, that cannot be closed early by anything in its settings.
    expect(html.match(/<script id="collage-dev-client">/g)).toHaveLength(1)
    expect(html).toMatch(/<\/script><\/body>\s*<\/html>\s*$/)
    expect(html).toContain('new EventSource(s.events)')
    expect(html).toContain('"events":"/__collage/events"')
    expect((await get('/assets/collage.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
    const redirect = await get('/2021/01')
    expect(redirect.url).toBe(new URL('/2021/01/', server.url).href)
    const missing = await get('/2099/no-such-page/')
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('collage-dev-client')
  })

  it('includes drafts with a Draft badge on their cards and a banner on their page', async () => {
    const month = page(await (await get('/2021/01/')).text())
    const draftCard = month.one('article.collage-card#half-written')
    expect(draftCard).toBeDefined()
    expect(month.all('article.collage-card#half-written .draft-badge')).toHaveLength(1)
    expect(month.all('article.collage-card#live .draft-badge')).toHaveLength(0)
    const draftPage = page(await (await get('/2021/01/half-written/')).text())
    expect(draftPage.text('.dev-draft-banner')).toContain('Draft')
    expect(page(await (await get('/2021/01/live/')).text()).all('.dev-draft-banner')).toHaveLength(0)
  })

  it('rebuilds when a file changes and tells open pages to reload', async () => {
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Second version'))
    const reload = await events.next<{ version: string; paths: string[] }>('reload')
    expect(reload.paths).toContain('2021/01/live/index.html')
    const html = await (await get('/2021/01/live/')).text()
    expect(html).toContain('Second version of the summary.')
    expect(html).toContain(`"version":"${reload.version}"`)
    const last = rebuilds.at(-1)!
    expect(last.ok).toBe(true)
    expect(last.changed).toEqual(['content/2021-01/live.md'])
  })

  it('makes the search index on the first request for it after a rebuild, from the pages served', async () => {
    type Entry = { languages: Record<string, { hash: string; page_count: number }> }
    const before = (await (await get('/pagefind/pagefind-entry.json')).json()) as Entry
    const [language] = Object.values(before.languages)
    // The month page and the two paper pages (the draft is served in dev).
    expect(language!.page_count).toBe(3)
    expect((await get('/pagefind/pagefind.js')).headers.get('content-type')).toMatch(/javascript/)
    expect((await get('/pagefind/no-such-file.js')).status).toBe(404)
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Searchable version'))
    await events.next('reload')
    const after = (await (await get('/pagefind/pagefind-entry.json')).json()) as Entry
    expect(Object.values(after.languages)[0]!.hash).not.toBe(language!.hash)
    expect(rebuilds.at(-1)!.ok).toBe(true)
    // Back to the text the next tests expect.
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Second version'))
    await events.next('reload')
  })

  it('makes share images, feeds, the sitemap and robots.txt when asked for, as a build writes them', async () => {
    const built = await buildToMemory({ contentDir: 'content', cwd: dir, baseUrl: server.url, drafts: true, search: false })
    expect(built.ok).toBe(true)
    const extras = ['feed.xml', 'rss.xml', 'feed.json', 'sitemap.xml', 'robots.txt', '2021/01/live/card.png', '2021/01/cover.png', 'tags/test/feed.xml']
    for (const file of extras) {
      const res = await get(`/${file}`)
      expect(res.status, file).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(built.output.get(file)!)), file).toBe(true)
    }
    expect((await get('/feed.xml')).headers.get('content-type')).toBe('application/xml; charset=utf-8')
    expect((await get('/2021/01/no-such-paper/card.png')).status).toBe(404)
    // A rebuild makes the pages only, and the feed from the new text when it is next asked for.
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Fed version'))
    const reload = await events.next<{ paths: string[] }>('reload')
    expect(reload.paths.filter((p) => !p.endsWith('.html'))).toEqual([])
    expect(await (await get('/feed.xml')).text()).toContain('Fed version')
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Second version'))
    await events.next('reload')
  })

  it('on a broken file shows an escaped error overlay and keeps serving the last good site; a fix clears it', async () => {
    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Broken version').replace('year: 2020', 'year: "<b>twenty</b>"'))
    const overlay = await events.next<{ html: string }>('overlay')
    expect(overlay.html).toContain('id="collage-dev-overlay"')
    expect(overlay.html).toContain('<span class="cdo-file">content/2021-01/live.md</span>:<span class="cdo-line">4</span>:<span class="cdo-column">7</span>')
    expect(overlay.html).toContain('`year`: must be a year such as 2021')
    expect(overlay.html).toContain('(invalid-year)')
    // The source line with a caret under the column, every character escaped.
    expect(overlay.html).toContain('&#62; 4 | year: &#34;&#60;b&#62;twenty&#60;/b&#62;&#34;')
    expect(overlay.html).toMatch(/\| {7}\^<\/span>/)
    expect(overlay.html).not.toContain('<b>')

    const res = await get('/2021/01/live/')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Second version of the summary.')
    expect(html).toContain('id="collage-dev-overlay"')
    expect(html).not.toContain('<b>twenty')
    expect(rebuilds.at(-1)!.ok).toBe(false)

    // A page opened while the error stands gets the overlay through the stream too.
    const late = await EventStream.open(new URL('/__collage/events', server.url).href)
    try {
      await late.next('hello')
      expect((await late.next<{ html: string }>('overlay')).html).toContain('(invalid-year)')
    } finally {
      late.close()
    }

    await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper.replace('First version', 'Fixed version'))
    expect((await events.next<{ html: string }>('overlay')).html).toBe('')
    expect((await events.next<{ paths: string[] }>('reload')).paths).toContain('2021/01/live/index.html')
    const fixed = await (await get('/2021/01/live/')).text()
    expect(fixed).toContain('Fixed version of the summary.')
    expect(fixed).not.toContain('id="collage-dev-overlay"')
  })

  it('rebuilds on template and site.yaml changes', async () => {
    await writeFile(path.join(content, 'site.yaml'), siteYaml.replace('Dev Test', 'Renamed Site'))
    await events.next('reload')
    expect(await (await get('/')).text()).toContain('Renamed Site')
    const layout = path.join(dir, 'templates', 'layout.eta')
    const original = await readFile(layout, 'utf8')
    await writeFile(layout, original.replace('</footer>', '<p class="from-the-test">edited layout</p></footer>'))
    await events.next('reload')
    expect(await (await get('/2021/01/')).text()).toContain('from-the-test')
    await writeFile(layout, original)
    await events.next('reload')
  })

  it('refuses path traversal, in every spelling', async () => {
    for (const p of ['/../', '/../package.json', '/%2e%2e/', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f', '/..%2fpackage.json', '/2021/%2e%2e/%2e%2e/', '/%2E%2E%2F', '/..\\', '/%5c..%5c', '/./index.html', '/%00', '/%zz']) {
      const res = await rawRequest(server.port, p)
      expect([400, 404], p).toContain(res.status)
      expect(res.body, p).not.toMatch(/"name": "collage"|root:/)
    }
    // Only files of the built site exist: source folders are not reachable.
    for (const p of ['/content/site.yaml', '/templates/layout.eta', '/2021-01/live.md', '/package.json']) {
      expect((await rawRequest(server.port, p)).status, p).toBe(404)
    }
  })

  it('answers only to its own host names, against DNS rebinding', async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      expect((await rawRequest(server.port, '/', { host })).status, host).toBe(200)
    }
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      const res = await rawRequest(server.port, '/', { host })
      expect(res.status, host).toBe(403)
    }
    expect((await rawRequest(server.port, '/__collage/events', { host: 'evil.example' })).status).toBe(403)
    // No Host header at all: Node refuses an HTTP/1.1 request without one before the server sees it.
    expect([400, 403]).toContain((await rawRequest(server.port, '/', {}, false)).status)
  })

  it('sends no CORS headers, even to a cross-origin request', async () => {
    for (const p of ['/', '/assets/collage.css', '/nope', '/../']) {
      const res = await rawRequest(server.port, p, { origin: 'https://evil.example' })
      expect(res.headers['access-control-allow-origin'], p).toBeUndefined()
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-')), p).toEqual([])
    }
  })

  it('allows only GET and HEAD', async () => {
    const res = await fetch(server.url, { method: 'POST', body: 'x' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })
})

describe('collage dev server, first build failing', () => {
  it('shows the errors on every page and reloads once the content is fixed', async () => {
    const { dir, cleanup } = await tempDir('collage-dev-')
    const content = await writeContent(path.join(dir, 'content'), { 'site.yaml': siteYaml, '2021-01/live.md': goodPaper.replace('year: 2020', 'year: 20x') })
    const server = await startDevServer({ contentDir: content, cwd: dir, port: 0, drafts: false })
    let events: EventStream | undefined
    try {
      expect(server.initial.ok).toBe(false)
      const res = await fetch(server.url)
      expect(res.status).toBe(503)
      const html = await res.text()
      expect(html).toContain('collage-dev-overlay')
      expect(html).toContain('(invalid-year)')
      events = await EventStream.open(new URL('/__collage/events', server.url).href)
      await events.next('hello')
      await writeFile(path.join(content, '2021-01', 'live.md'), goodPaper)
      expect((await events.next<{ all: boolean }>('reload')).all).toBe(true)
      expect((await fetch(new URL('/2021/01/live/', server.url))).status).toBe(200)
    } finally {
      events?.close()
      await server.close()
      await cleanup()
    }
  })

  it('leaves drafts out with drafts: false', async () => {
    const { dir, cleanup } = await tempDir('collage-dev-')
    const content = await writeContent(path.join(dir, 'content'), { 'site.yaml': siteYaml, '2021-01/live.md': goodPaper, '2021-01/half-written.md': draftPaper })
    const server = await startDevServer({ contentDir: content, cwd: dir, port: 0, drafts: false })
    try {
      expect((await fetch(new URL('/2021/01/half-written/', server.url))).status).toBe(404)
      expect(await (await fetch(new URL('/2021/01/', server.url))).text()).not.toContain('class="draft-badge"')
    } finally {
      await server.close()
      await cleanup()
    }
  })
})

describe('the file watcher', () => {
  it('builds a save made while its first build runs, once that build is done', async () => {
    const { dir, cleanup } = await tempDir('collage-dev-first-')
    const files: Record<string, string> = { 'content/site.yaml': siteYaml, 'content/2021-01/index.md': monthIndex }
    // Enough papers for the first build to take a while.
    for (let i = 1; i <= 60; i++) files[`content/2021-01/p${i}.md`] = paperFile({ title: `Paper ${i}`, date: `2021-01-${String(1 + (i % 28)).padStart(2, '0')}`, body: `Summary ${i}, $x_${i}$.` })
    await writeContent(dir, files)
    await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true })
    const starting = startDevServer({ contentDir: 'content', cwd: dir, port: 0 })
    const until = async (done: () => boolean | Promise<boolean>, what: string): Promise<void> => {
      for (let i = 0; i < 600; i++) {
        if (await done()) return
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error(`Timed out waiting for ${what}`)
    }
    let server: DevServer | undefined
    try {
      // The first build has rendered the Markdown (its cache is written): it is making pages now.
      await until(() => existsSync(path.join(dir, '.collage-cache', 'render')), 'the first build')
      await writeFile(path.join(dir, 'content/2021-01/p1.md'), paperFile({ title: 'Paper 1', date: '2021-01-02', body: 'Saved while the server started.' }))
      server = await starting
      const url = new URL('/2021/01/p1/', server.url)
      await until(async () => (await (await fetch(url)).text()).includes('Saved while the server started.'), 'the save to be built')
    } finally {
      await (server ?? (await starting)).close()
      await cleanup()
    }
  })

  it('delivers a save that comes right after another one of the same file', async () => {
    const { dir, cleanup } = await tempDir('collage-watch-')
    const file = path.join(dir, 'paper.md')
    await writeFile(file, 'first\n')
    const batches: Change[][] = []
    const watcher = await watchFolders({ folders: [dir], debounceMs: 5, onBatch: (b) => batches.push(b), onError: (e) => { throw e } })
    const waitForBatch = async (count: number) => {
      for (let i = 0; i < 200 && batches.length < count; i++) await new Promise((r) => setTimeout(r, 5))
      return batches.length
    }
    try {
      await writeFile(file, 'second\n')
      expect(await waitForBatch(1)).toBe(1)
      // Within chokidar's 50 ms, which passes on one change of a file and drops the rest.
      await writeFile(file, 'third, fixed\n')
      expect(await waitForBatch(2)).toBe(2)
      expect(batches[1]!.map((c) => c.path)).toContain(file)
    } finally {
      await watcher.close()
      await cleanup()
    }
  })
})

describe('collage dev (CLI)', () => {
  it('prints the URL and rebuilds, serves until SIGINT, then exits 0', async () => {
    const { dir, cleanup } = await tempDir('collage-dev-')
    try {
      await writeContent(path.join(dir, 'content'), { 'site.yaml': siteYaml, '2021-01/live.md': goodPaper })
      await cp(path.join(root, 'templates'), path.join(dir, 'templates'), { recursive: true })
      await cp(path.join(root, 'public'), path.join(dir, 'public'), { recursive: true })
      const child = spawn(process.execPath, [path.join(root, 'bin', 'collage.js'), 'dev'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      const waitFor = async (re: RegExp, from: () => string) => {
        for (let i = 0; i < 600 && !re.test(from()); i++) await new Promise((r) => setTimeout(r, 50))
        const m = re.exec(from())
        if (!m) throw new Error(`No ${re} in:\n${from()}\n${stderr}`)
        return m
      }
      const url = (await waitFor(/serving (http:\/\/127\.0\.0\.1:\d+\/)/, () => stdout))[1]!
      await waitFor(/Built \d+ pages in (\d+ ms|\d+\.\d+ s)/, () => stdout)
      expect((await fetch(new URL('/2021/01/live/', url))).status).toBe(200)

      await writeFile(path.join(dir, 'content', '2021-01', 'live.md'), goodPaper.replace('year: 2020', 'year: "twenty"'))
      await waitFor(/Build failed: 1 error/, () => stderr)
      expect(stderr).toContain('content/2021-01/live.md:4:7: `year`: must be a year such as 2021 (invalid-year)')
      expect(stderr).toContain('> 4 | year: "twenty"')
      expect(stderr).toContain('still serving the last good build')
      await writeFile(path.join(dir, 'content', '2021-01', 'live.md'), goodPaper.replace('First', 'New'))
      await waitFor(/content\/2021-01\/live\.md changed: rebuilt \d+ pages in (\d+ ms|\d+\.\d+ s), \d+ files updated/, () => stdout)

      child.kill('SIGINT')
      expect(await exited).toBe(0)
      expect(stdout).toContain('Stopped.')
    } finally {
      await cleanup()
    }
  }, 90_000)
})
