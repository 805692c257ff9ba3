import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'

/** Folder of the repository. */
export const root = path.resolve(import.meta.dirname, '..', '..')

/** A temporary folder, removed by the returned function. */
export async function tempDir(prefix = 'collage-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** A maker of temporary folders for the tests of a file, each removed after its test. */
export function useTempDirs(): () => Promise<string> {
  let cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    await Promise.all(cleanups.map((c) => c()))
    cleanups = []
  })
  return async () => {
    const { dir, cleanup } = await tempDir()
    cleanups.push(cleanup)
    return dir
  }
}

/**
 * Write a content folder from a map of relative paths to text.
 *
 * @param dir where to create it
 * @param files such as `{ 'site.yaml': '…', '2021-01/a.md': '…' }`
 */
export async function writeContent(dir: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, rel)
    await mkdir(path.dirname(abs), { recursive: true })
    await writeFile(abs, text)
  }
  return dir
}

/** Copy a fixture folder under `tests/fixtures/` into a fresh temporary folder. */
export async function copyFixture(name: string, dir: string): Promise<string> {
  const target = path.join(dir, name)
  await cp(path.join(root, 'tests', 'fixtures', name), target, { recursive: true })
  return target
}

/** A valid paper file, with fields overridable by a YAML snippet. */
export function paperFile(options: { title?: string; date?: string; tags?: string[]; body?: string; extra?: string } = {}): string {
  return [
    '---',
    `title: ${JSON.stringify(options.title ?? 'A Paper')}`,
    'authors: [Ada Lovelace, Alan Turing]',
    'year: 2020',
    `date: "${options.date ?? '2021-01-04'}"`,
    'arxiv: "2007.10412"',
    `tags: [${(options.tags ?? ['test']).join(', ')}]`,
    "takeaway: 'It matters because $x$.'",
    ...(options.extra ? [options.extra] : []),
    '---',
    options.body ?? 'A summary with $a^2$ math.',
    ''
  ].join('\n')
}
