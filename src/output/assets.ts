import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OutputFile } from './writer.js'

const require = createRequire(import.meta.url)

/** Folder of the installed KaTeX's `dist`, the same version that rendered the math. */
export function katexDistDir(): string {
  return path.join(path.dirname(require.resolve('katex/package.json')), 'dist')
}

/**
 * KaTeX's stylesheet and its woff2 fonts only; the stylesheet is rewritten to name woff2 alone, so
 * no browser asks for a font file the site does not ship.
 */
export async function katexAssets(): Promise<{ files: OutputFile[]; css: string }> {
  const dist = katexDistDir()
  const css = (await readFile(path.join(dist, 'katex.min.css'), 'utf8')).replace(/,\s*url\(fonts\/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '')
  const files: OutputFile[] = [{ path: 'assets/katex/katex.min.css', data: css }]
  for (const font of await readdir(path.join(dist, 'fonts'))) {
    if (font.endsWith('.woff2')) files.push({ path: `assets/katex/fonts/${font}`, copyFrom: path.join(dist, 'fonts', font) })
  }
  return { files, css }
}

/**
 * Every file under a folder, as files to copy to the same relative place.
 *
 * @param dir the folder, such as `public/`; a missing folder gives nothing
 */
export async function listFolder(dir: string): Promise<OutputFile[]> {
  const out: OutputFile[] = []
  const walk = async (abs: string, rel: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(abs, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue
      const childAbs = path.join(abs, e.name)
      const childRel = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(childAbs, childRel)
      else if (e.isFile()) out.push({ path: childRel, copyFrom: childAbs })
    }
  }
  await walk(dir, '')
  return out
}

/** Variable fonts the stylesheet names, with Latin and Cyrillic coverage. */
const fontPackages = ['@fontsource-variable/inter', '@fontsource-variable/source-serif-4']
const fontFile = /-(latin|latin-ext|cyrillic|cyrillic-ext)-wght-(normal|italic)\.woff2$/

/** The self-hosted text fonts, copied to `assets/fonts/` (woff2 only). */
export async function fontAssets(): Promise<OutputFile[]> {
  const files: OutputFile[] = []
  for (const pkg of fontPackages) {
    const dir = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'files')
    for (const name of (await readdir(dir)).sort()) {
      if (fontFile.test(name)) files.push({ path: `assets/fonts/${name}`, copyFrom: path.join(dir, name) })
    }
  }
  return files
}
