import { describe, expect, it } from 'vitest'
import { BuildKeys, type PageKeys } from '../src/render/keys.js'
import type { SiteTracker } from '../src/render/tracking.js'

/** The one thing BuildKeys asks of a tracker: each part's current fingerprint. */
function prints(table: Record<string, string>): SiteTracker {
  return { fingerprint: (id: string) => table[id] } as unknown as SiteTracker
}

/** One build: `made` files rendered with their reads, `kept` files taken as they were when unchanged. */
function build(previous: PageKeys | undefined, table: Record<string, string>, made: Record<string, string[]>, kept: string[]): { keys: PageKeys; same: Record<string, boolean> } {
  const keys = new BuildKeys(prints(table), previous, 'scope')
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
})
