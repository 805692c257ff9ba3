import { writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runInWorkers } from '../src/worker-pool.js'
import { root, tempDir } from './helpers/site.js'

describe('the worker pool', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let worker: URL
  beforeAll(async () => {
    ;({ dir, cleanup } = await tempDir())
    // The compiled pool's worker side (npm test compiles first). Every other batch of five is slow,
    // so a worker holding two batches answers the second first.
    const code = `import { serveBatches } from ${JSON.stringify(pathToFileURL(path.join(root, 'lib', 'worker-pool.js')).href)}
serveBatches(async (n) => {
  if (n < 0) throw new Error('job ' + n + ' failed')
  if (Math.floor(n / 5) % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 30))
  return n * 2
})
`
    await writeFile(path.join(dir, 'worker.mjs'), code)
    worker = pathToFileURL(path.join(dir, 'worker.mjs'))
  })
  afterAll(async () => cleanup())

  const jobs = Array.from({ length: 43 }, (_, i) => i)

  it('puts each answer in its job’s place, even when a worker answers batches out of order', async () => {
    const { results } = await runInWorkers<number, number>(worker, undefined, jobs, 5)
    expect(results).toEqual(jobs.map((n) => n * 2))
  })

  it('hands each result to the taker with its job’s index, once', async () => {
    const taken = new Map<number, number>()
    const order: number[] = []
    await runInWorkers<number, number>(worker, undefined, jobs, 5, { onResult: async (i, result) => {
      expect(taken.has(i)).toBe(false)
      taken.set(i, result)
      order.push(i)
    } })
    expect([...taken.keys()].sort((a, b) => a - b)).toEqual(jobs)
    for (const [i, result] of taken) expect(result).toBe(i * 2)
    // The slow first batch was overtaken: the test would prove nothing if answers came in order.
    expect(order).not.toEqual([...order].sort((a, b) => a - b))
  })

  it('lets this thread do jobs in place of one worker, each job once', async () => {
    const doneHere: number[] = []
    const { results, threads } = await runInWorkers<number, number>(worker, undefined, jobs, 5, {
      here: async (n) => {
        doneHere.push(n)
        // As slow as the workers' slow batches, so that the workers get jobs too.
        await new Promise((resolve) => setTimeout(resolve, 10))
        return n * 2
      }
    })
    expect(results).toEqual(jobs.map((n) => n * 2))
    expect(new Set(doneHere).size).toBe(doneHere.length)
    expect(doneHere.length).toBeGreaterThan(0)
    expect(threads).toBe(Math.min(availableParallelism(), 9))
    // With more than one core, the workers did the rest.
    if (availableParallelism() > 1) expect(doneHere.length).toBeLessThan(jobs.length)
  })

  it('stops this thread’s share when a worker fails, and fails when this thread does', async () => {
    const failing = [...jobs.slice(0, 20), -1, ...jobs.slice(20)]
    let calls = 0
    const slowHere = async (n: number): Promise<number> => {
      calls++
      await new Promise((resolve) => setTimeout(resolve, 20))
      return n * 2
    }
    if (availableParallelism() > 1) {
      // Job -1 fails in a worker: this thread takes no job after that.
      await expect(runInWorkers<number, number>(worker, undefined, failing, 5, { here: slowHere })).rejects.toThrow('job -1 failed')
      const after = calls
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(calls).toBe(after)
      expect(calls).toBeLessThan(failing.length)
    }
    // This thread takes the first job before any worker has started.
    const failingHere = (n: number): number => {
      if (n === 0) throw new Error('here failed at 0')
      return n * 2
    }
    await expect(runInWorkers<number, number>(worker, undefined, jobs, 5, { here: failingHere })).rejects.toThrow('here failed at 0')
  })

  it('fails with the error of a job that throws', async () => {
    const failing = [...jobs.slice(0, 20), -1, ...jobs.slice(20)]
    await expect(runInWorkers<number, number>(worker, undefined, failing, 5)).rejects.toThrow('job -1 failed')
  })
})
