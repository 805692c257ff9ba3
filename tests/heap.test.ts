import { describe, expect, it } from 'vitest'
import { heapGrowthFlag, heapGrowthToSet } from '../src/heap.js'

describe('heapGrowthToSet', () => {
  it('caps the heap growth of a process given none', () => {
    expect(heapGrowthToSet([], '')).toBe(heapGrowthFlag)
    expect(heapGrowthToSet(['--enable-source-maps'], '--max-old-space-size=4096')).toBe(heapGrowthFlag)
  })

  it('leaves a growth given on the command line or in NODE_OPTIONS, as --low-memory gives one', () => {
    expect(heapGrowthToSet(['--heap-growing-percent=50'], '')).toBeUndefined()
    expect(heapGrowthToSet([], '--max-old-space-size=4096 --heap_growing_percent=30')).toBeUndefined()
  })
})
