import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/build.js'
import { formatHtmlErrors, validateHtml } from '../helpers/gate.js'
import { root, tempDir } from '../helpers/site.js'

describe('the HTML of the bundled digest', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let pages: string[]

  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir('collage-html-'))
    // A base URL with a path, so the prefixed URLs are validated too.
    const result = await build({ contentDir: path.join(root, 'content'), outDir: dir, cwd: root, baseUrl: 'http://127.0.0.1:8080/digest/' })
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([])
    pages = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.html')).map((f) => f.split(path.sep).join('/')).sort()
  })

  afterAll(async () => {
    await cleanup?.()
  })

  it('has a page of every type to validate', () => {
    for (const p of ['index.html', '404.html', 'archive/index.html', '2021/01/index.html', '2021/01/randomized-autodiff/index.html']) expect(pages).toContain(p)
  })

  it('passes html-validate (recommended rules) on every page', async () => {
    const failures: string[] = []
    for (const file of pages) {
      const errors = await validateHtml(await readFile(path.join(dir, file), 'utf8'), file)
      if (errors.length > 0) failures.push(formatHtmlErrors(file, errors))
    }
    expect(failures, failures.join('\n')).toEqual([])
  })
})
