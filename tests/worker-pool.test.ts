import { writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { threadId } from 'node:worker_threads'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runInWorkers } from '../src/worker-pool.js'
import { root, tempDir } from './helpers/site.js'

describe('the worker pool', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let worker: URL
  let namingWorker: URL
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
    // A worker that says which thread did each job.
    const naming = `import { threadId } from 'node:worker_threads'
import { serveBatches } from ${JSON.stringify(pathToFileURL(path.join(root, 'lib', 'worker-pool.js')).href)}
serveBatches(async (n) => {
  await new Promise((resolve) => setTimeout(resolve, 10))
  return [n * 2, threadId]
})
`
    await writeFile(path.join(dir, 'naming.mjs'), naming)
    namingWorker = pathToFileURL(path.join(dir, 'naming.mjs'))
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
    const { results, threads } = await runInWorkers<number, [number, number]>(namingWorker, undefined, jobs, 5, {
      here: async (n) => {
        // As slow as the workers, so that the workers get jobs too.
        await new Promise((resolve) => setTimeout(resolve, 10))
        return [n * 2, threadId]
      }
    })
    expect(results.map(([doubled]) => doubled)).toEqual(jobs.map((n) => n * 2))
    expect(threads).toBe(Math.min(availableParallelism(), 9))
    const doneBy = results.map(([, thread]) => thread)
    expect(doneBy).toContain(threadId)
    // One thread fewer was started: the workers that did jobs are all but this one.
    const workers = new Set(doneBy.filter((t) => t !== threadId))
    expect(workers.size).toBe(threads - 1)
  })

  it('goes on with this thread’s next job while its last results are taken, and fails when taking one fails', async () => {
    const events: string[] = []
    const here = (n: number): [number, number] => {
      events.push(`do ${n}`)
      return [n * 2, threadId]
    }
    // Taking a result of this thread is slow, as a write to a cache can be.
    const onResult = async (i: number, [, thread]: [number, number]): Promise<void> => {
      if (thread !== threadId) return
      await new Promise((resolve) => setTimeout(resolve, 20))
      events.push(`took ${i}`)
    }
    await runInWorkers<number, [number, number]>(namingWorker, undefined, jobs, 5, { here, onResult })
    const done = events.filter((e) => e.startsWith('do ')).map((e) => Number(e.slice(3)))
    expect(done.length).toBeGreaterThan(1)
    // Its second job was started before its first result was taken; every result was taken.
    expect(events.indexOf(`do ${done[1]}`)).toBeLessThan(events.indexOf(`took ${done[0]}`))
    for (const n of done) expect(events).toContain(`took ${n}`)
    const failing = async (i: number, [, thread]: [number, number]): Promise<void> => {
      if (thread === threadId) throw new Error(`could not take ${i}`)
    }
    await expect(runInWorkers<number, [number, number]>(namingWorker, undefined, jobs, 5, { here, onResult: failing })).rejects.toThrow(/could not take/)
  })

  it('stops this thread’s share when a worker fails, and fails when this thread does', async () => {
    // This thread takes job 0 before any worker starts; the worker is sent the next two batches
    // at once, so job -1, fourth, fails in the worker.
    const failing = [0, 1, 2, -1, ...jobs.slice(3)]
    const doneHere: number[] = []
    const slowHere = async (n: number): Promise<number> => {
      doneHere.push(n)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return n * 2
    }
    if (availableParallelism() > 1) {
      await expect(runInWorkers<number, number>(worker, undefined, failing, 5, { here: slowHere })).rejects.toThrow('job -1 failed')
      // This thread stopped taking jobs then: it never got to the last (it would have, a job per
      // 100 ms, had it gone on), and takes none after the failure is reported.
      expect(doneHere).not.toContain(failing.at(-1))
      const after = doneHere.length
      await new Promise((resolve) => setTimeout(resolve, 250))
      expect(doneHere.length).toBe(after)
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
