import { afterAll, beforeAll } from 'vitest'
import { contentTypeOf } from '../../src/output/content-type.js'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { build, type BuildOptions } from '../../src/build.js'
import { root, tempDir } from './site.js'

/** The system Chromium; tests never download a browser. */
export const chromiumPath = '/usr/bin/chromium'

/** Flags that keep Chromium quiet and offline apart from the pages it is sent to. */
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic']

/** Launch Chromium: one per test file, closed in `afterAll`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
}

/**
 * A browser context that can reach only the local server: any other request is aborted, so a page
 * that depends on the network fails the request monitor instead of reaching the Internet.
 */
export async function localContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options)
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort('blockedbyclient')
  )
  return context
}


/** A running static server. */
export interface StaticServer {
  /** Port on 127.0.0.1. */
  port: number
  /** Where the site lives, such as `http://127.0.0.1:4321/digest/`. */
  baseUrl: string
  /** Serve this folder from now on. */
  setRoot: (dir: string) => void
  /** Stop listening. */
  close: () => Promise<void>
}

/**
 * Start a tiny static file server on 127.0.0.1 and a free port, before there is anything to serve,
 * so the site can be built with the server's address as its base URL (then {@link StaticServer.setRoot}).
 *
 * Folders are served by their `index.html` (a folder asked without its final slash is redirected);
 * missing files, paths outside the prefix and paths that escape the folder get the site's
 * `404.html` with status 404.
 *
 * @param prefix path the site lives under, such as `/digest/`; default `/`
 * @param dir folder to serve, when it is already known
 */
export async function startServer(prefix = '/', dir?: string): Promise<StaticServer> {
  const base = `/${prefix.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/')
  let siteRoot: string | undefined = dir === undefined ? undefined : path.resolve(dir)

  const send = async (res: ServerResponse, file: string, status: number, head: boolean): Promise<void> => {
    const s = await stat(file)
    res.writeHead(status, {
      'content-type': contentTypeOf(file),
      'content-length': s.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff'
    })
    if (head) {
      res.end()
      return
    }
    await new Promise<void>((resolve, reject) => {
      createReadStream(file).on('error', reject).on('end', resolve).pipe(res)
    })
  }

  const notFound = async (res: ServerResponse, head: boolean): Promise<void> => {
    const page = siteRoot === undefined ? undefined : path.join(siteRoot, '404.html')
    try {
      if (page) return await send(res, page, 404, head)
    } catch {
      // No 404 page: a plain one.
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(head ? undefined : 'Not found\n')
  }

  /** The file a URL path names inside the site, or undefined when it names nothing there. */
  const resolve = async (pathname: string): Promise<{ file: string } | { redirect: string } | undefined> => {
    if (siteRoot === undefined || !pathname.startsWith(base)) return undefined
    let rel: string
    try {
      rel = decodeURIComponent(pathname.slice(base.length))
    } catch {
      return undefined
    }
    if (rel.includes('\0') || rel.includes('\\')) return undefined
    const realRoot = await realpath(siteRoot)
    const abs = path.resolve(realRoot, rel)
    if (abs !== realRoot && !abs.startsWith(realRoot + path.sep)) return undefined
    let real: string
    try {
      real = await realpath(abs)
    } catch {
      return undefined
    }
    // Symbolic links must not lead out of the site either.
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined
    const s = await stat(real)
    if (s.isDirectory()) {
      if (!pathname.endsWith('/')) return { redirect: `${pathname}/` }
      const index = path.join(real, 'index.html')
      try {
        if ((await stat(index)).isFile()) return { file: index }
      } catch {
        return undefined
      }
      return undefined
    }
    return s.isFile() ? { file: real } : undefined
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' })
      res.end()
      return
    }
    const head = req.method === 'HEAD'
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const found = await resolve(url.pathname)
    if (found === undefined) return notFound(res, head)
    if ('redirect' in found) {
      res.writeHead(301, { location: found.redirect + url.search })
      res.end()
      return
    }
    await send(res, found.file, 200, head)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}${base}`,
    setRoot: (d) => {
      siteRoot = path.resolve(d)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** The bundled digest, built for and served by a local server. */
export interface ServedSite {
  /** Base URL with its final slash, such as `http://127.0.0.1:4321/digest/`. */
  baseUrl: string
  /** Folder the site was built into. */
  dir: string
  /** The URL of a page of the site: `url('2021/01/')`. */
  url: (rel: string) => string
  /** Stop the server and delete the site. */
  close: () => Promise<void>
}

/**
 * Build the bundled `content/` into a temporary folder with the local server's address as its base
 * URL, and serve it.
 *
 * @param prefix path the site lives under, such as `/digest/`; default `/`
 */
export async function serveBundledSite(prefix = '/', options: Partial<BuildOptions> = {}): Promise<ServedSite> {
  const server = await startServer(prefix)
  const temp = await tempDir('collage-browser-')
  try {
    const result = await build({ ...options, contentDir: path.join(root, 'content'), outDir: temp.dir, cwd: root, baseUrl: server.baseUrl })
    const errors = result.problems.filter((p) => p.severity === 'error')
    if (!result.ok) throw new Error(`The bundled site did not build:\n${errors.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('\n')}`)
  } catch (error) {
    await server.close()
    await temp.cleanup()
    throw error
  }
  server.setRoot(temp.dir)
  return {
    baseUrl: server.baseUrl,
    dir: temp.dir,
    url: (rel) => new URL(rel.replace(/^\//, ''), server.baseUrl).href,
    close: async () => {
      await server.close()
      await temp.cleanup()
    }
  }
}

/** A page type of the URL contract. */
export interface PageType {
  /** A short name for test titles and screenshot files. */
  name: string
  /** URL relative to the base URL. */
  path: string
  /** HTTP status of the document. */
  status: 200 | 404
  /** What its `h1` says. */
  h1: string
  /** Whether it shows math. */
  math: boolean
  /** Whether it shows paper cards (slides). */
  cards: boolean
  /** An element that appears once the page's script has done its work. */
  ready?: string
}

/** One page of every type the site has, on the bundled content. */
export const pageTypes: readonly PageType[] = [
  { name: 'home', path: '', status: 200, h1: 'ML Collage', math: true, cards: true },
  { name: 'month', path: '2021/01/', status: 200, h1: 'January 2021', math: true, cards: true },
  // Only the first slide (the cover, no math) is shown at load; tests/browser/deck.test.ts looks at the others.
  { name: 'slides', path: '2021/01/slides/', status: 200, h1: 'January 2021', math: false, cards: true },
  { name: 'paper', path: '2021/01/randomized-autodiff/', status: 200, h1: 'Randomized Automatic Differentiation', math: true, cards: true },
  { name: 'archive', path: 'archive/', status: 200, h1: 'Archive', math: false, cards: false },
  { name: 'tags', path: 'tags/', status: 200, h1: 'Tags', math: false, cards: false },
  { name: 'tag', path: 'tags/autodiff/', status: 200, h1: '#autodiff', math: false, cards: false },
  { name: 'authors', path: 'authors/', status: 200, h1: 'Authors', math: false, cards: false },
  { name: 'author', path: 'authors/ryan-p-adams/', status: 200, h1: 'Ryan P. Adams', math: false, cards: false },
  { name: 'search', path: 'search/?q=autodiff', status: 200, h1: 'Search', math: false, cards: false, ready: '.pagefind-ui__result' },
  { name: 'not-found', path: 'no/such/page/', status: 404, h1: 'Page not found', math: false, cards: false }
]

/** A browser and the bundled site served for one test file: started before its tests, stopped after. */
export interface BrowserAndSite {
  readonly browser: Browser
  readonly site: ServedSite
}

/**
 * Launch Chromium and build and serve the bundled site once for the calling test file (registers
 * `beforeAll` and `afterAll`); the returned object holds both once the tests run.
 *
 * @param prefix path the site lives under, such as `/digest/`
 */
export function useBrowserAndSite(prefix = '/', options: Partial<BuildOptions> = {}): BrowserAndSite {
  const state = {} as { browser: Browser; site: ServedSite }
  beforeAll(async () => {
    ;[state.browser, state.site] = await Promise.all([launchBrowser(), serveBundledSite(prefix, options)])
  })
  afterAll(async () => {
    await state.browser?.close()
    await state.site?.close()
  })
  return state
}

/**
 * The results of a search on the site's search page, as the links' addresses, once the first
 * result is shown.
 *
 * @param page the page to search in
 * @param searchUrl the search page's URL with its query, such as `…/search/?q=attention`
 */
export async function searchResults(page: Page, searchUrl: string): Promise<string[]> {
  await page.goto(searchUrl, { waitUntil: 'load' })
  await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 })
  return page.locator('.pagefind-ui__result-link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))
}
