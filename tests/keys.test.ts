import { describe, expect, it } from 'vitest'
import { BuildKeys, type PageKeys } from '../src/render/keys.js'
import type { SiteTracker } from '../src/render/tracking.js'

/** What BuildKeys asks of a tracker: each part's current fingerprint, and the input of a paper's or month's part. */
function prints(table: Record<string, string>, inputs: Record<string, string> = {}, asked: string[] = []): SiteTracker {
  return {
    fingerprint: (id: string) => {
      asked.push(id)
      return table[id]
    },
    input: (id: string) => inputs[id]
  } as unknown as SiteTracker
}

/** One build: `made` files rendered with their reads, `kept` files taken as they were when unchanged. */
function build(
  previous: PageKeys | undefined,
  table: Record<string, string>,
  made: Record<string, string[]>,
  kept: string[],
  { inputs, structure, asked }: { inputs?: Record<string, string>; structure?: string; asked?: string[] } = {}
): { keys: PageKeys; same: Record<string, boolean> } {
  const keys = new BuildKeys(prints(table, inputs, asked), previous, 'scope', structure)
  const same: Record<string, boolean> = {}
  for (const id of kept) {
    const found = keys.unchanged(id, () => undefined, true)
    same[id] = found !== undefined
    if (found) keys.keep(id, found)
  }
  for (const [id, reads] of Object.entries(made)) keys.remember(id, `key of ${id}`, reads)
  return { keys: keys.finish(), same }
}

describe('BuildKeys', () => {
  it('keeps a file whose parts did not change, and not one whose part did', () => {
    const first = build(undefined, { a: '1', b: '2', c: '3' }, { x: ['a', 'b'], y: ['c'] }, []).keys
    const second = build(first, { a: '1', b: '2', c: '4' }, {}, ['x', 'y'])
    expect(second.same).toEqual({ x: true, y: false })
  })

  it('leaves out the parts no file read any more, and the files left still find theirs', () => {
    const first = build(undefined, { a: '1', b: '2', c: '3' }, { y: ['c'], x: ['a', 'b'] }, []).keys
    expect(first.parts).toEqual(['c', 'a', 'b'])
    // y is gone: its part c is read by nothing.
    const second = build(first, { a: '1', b: '2', c: '3' }, {}, ['x'])
    expect(second.same).toEqual({ x: true })
    expect(second.keys.parts).toEqual(['a', 'b'])
    expect(second.keys.prints).toEqual(['1', '2'])
    expect(second.keys.pages).toEqual({ x: ['key of x', 0, 1] })
    // The next build reads the shorter list right: x still kept, and kept no more once b changes.
    expect(build(second.keys, { a: '1', b: '2' }, {}, ['x']).same).toEqual({ x: true })
    expect(build(second.keys, { a: '1', b: '5' }, {}, ['x']).same).toEqual({ x: false })
  })

  it('records the current fingerprint of a part read anew, and adds new parts after the old', () => {
    const first = build(undefined, { a: '1', b: '2' }, { x: ['a', 'b'] }, []).keys
    const second = build(first, { a: '1', b: '9', d: '4' }, { x: ['b', 'd'] }, []).keys
    expect(second.parts).toEqual(['b', 'd'])
    expect(second.prints).toEqual(['9', '4'])
    expect(build(second, { b: '9', d: '4' }, {}, ['x']).same).toEqual({ x: true })
  })

  describe('with the structure of the graph', () => {
    // Parts: a tag (t), a paper's place (p), its content (P), a template file (f).
    const parts = { 't en x': 'T1', 'p en 2021-01/a': 'p1', 'P a.md': 'P1', 'f page.eta': 'F1' }
    const inputs = { 'p en 2021-01/a': 'head-1', 'P a.md': 'content-1' }
    const made = { page: Object.keys(parts) }
    const first = build(undefined, parts, made, [], { inputs, structure: 'S' }).keys

    it('keeps the inputs of paper parts with the keys, shortened', () => {
      expect(first.structure).toBe('S')
      expect(first.inputs).toEqual(first.parts.map((part) => (part in inputs ? inputs[part as keyof typeof inputs].slice(0, 16) : '')))
    })

    it('the same structure: works out the fingerprints of the template files alone', () => {
      const asked: string[] = []
      // The table has none of the graph's parts: were they asked for, the page would not be kept.
      expect(build(first, { 'f page.eta': 'F1' }, {}, ['page'], { inputs, structure: 'S', asked }).same).toEqual({ page: true })
      expect(asked).toEqual(['f page.eta'])
    })

    it('the same structure and a paper whose head changed: that part changed, without its fingerprint', () => {
      const asked: string[] = []
      const next = build(first, { ...parts, 'p en 2021-01/a': 'p2' }, {}, ['page'], { inputs: { ...inputs, 'p en 2021-01/a': 'head-2' }, structure: 'S', asked })
      expect(next.same).toEqual({ page: false })
      expect(asked).not.toContain('t en x')
    })

    it('a paper whose content changed: its content part changed, whatever the structure', () => {
      expect(build(first, parts, {}, ['page'], { inputs: { ...inputs, 'P a.md': 'content-2' }, structure: 'S' }).same).toEqual({ page: false })
      expect(build(first, parts, {}, ['page'], { inputs: { ...inputs, 'P a.md': 'content-2' }, structure: 'S2' }).same).toEqual({ page: false })
    })

    it('another structure: the graph parts are worked out, and a changed one is found', () => {
      const asked: string[] = []
      expect(build(first, parts, {}, ['page'], { inputs, structure: 'S2', asked }).same).toEqual({ page: true })
      expect(asked).toContain('t en x')
      expect(build(first, { ...parts, 't en x': 'T2' }, {}, ['page'], { inputs, structure: 'S2' }).same).toEqual({ page: false })
      // Without a structure, too.
      expect(build(first, { ...parts, 't en x': 'T2' }, {}, ['page'], { inputs }).same).toEqual({ page: false })
    })
  })
})
