import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parentPort, Worker } from 'node:worker_threads'

/** A batch of jobs for a worker, numbered so that its answer can be told apart from the others'. */
interface Batch<Job> {
  id: number
  jobs: Job[]
}

/** A worker's answer to a batch: one result per job, in the batch's order. */
interface Answer<Result> {
  id: number
  results: Result[]
}

/**
 * The worker's side of {@link runInWorkers}: take batches of jobs and answer each with one result
 * per job. Call once, in the worker module.
 *
 * @param work does one job; may be asynchronous. The jobs of a batch are done one after another,
 *   but a worker holds two batches, and asynchronous work on both goes on side by side: answers
 *   may come in another order than the batches were sent.
 */
export function serveBatches<Job, Result>(work: (job: Job) => Result | Promise<Result>): void {
  parentPort?.on('message', (batch: Batch<Job>) => {
    void (async () => {
      const results: Result[] = []
      for (const job of batch.jobs) results.push(await work(job))
      const answer: Answer<Result> = { id: batch.id, results }
      parentPort?.postMessage(answer)
    })()
  })
}

/** Batches a worker holds at once: it starts the next while its last answer is being taken. */
const batchesInFlight = 2

/** Results of this thread's own jobs being taken at once (see {@link PoolOptions.here}). */
const localResultsInFlight = 4

/** What a pool may do besides sending jobs to workers. */
export interface PoolOptions<Job, Result> {
  /**
   * Takes each result as it comes, and `results` stays empty: results are never all held at
   * once. A worker is sent another batch once its answers are taken, so at most
   * {@link batchesInFlight} batches per worker are rendered or waiting to be taken.
   */
  onResult?: (index: number, result: Result) => Promise<void>
  /**
   * Does one job on this thread. When given, this thread takes the place of one worker, taking
   * jobs one at a time from the same queue: the cores are used all the same, and a whole worker's
   * memory (its own heap and its own copy of every module) is saved. Its results are the workers'
   * results: it must give the same for the same job.
   */
  here?: (job: Job) => Result | Promise<Result>
}

/**
 * Run jobs on every core (at most one thread per core), in worker threads (and on this thread,
 * see {@link PoolOptions.here}), handing out batches as workers finish. Workers answer each
 * batch with one result per job, in the batch's order, naming the batch (see {@link serveBatches}).
 *
 * Each worker is sent a second batch before it answers the first, so it never waits while this
 * thread takes its answer (such as writing it to a cache).
 *
 * @param workerFile the compiled worker module
 * @param workerData what each worker starts with
 * @param jobs the jobs; structured-cloneable
 * @param batchSize jobs per message
 * @returns the results in job order (none when `onResult` takes them), and how many threads ran
 */
export async function runInWorkers<Job, Result>(
  workerFile: URL,
  workerData: unknown,
  jobs: readonly Job[],
  batchSize: number,
  options: PoolOptions<Job, Result> = {}
): Promise<{ results: Result[]; threads: number }> {
  const { onResult, here } = options
  const results: Result[] = new Array<Result>(jobs.length)
  const count = Math.max(1, Math.min(availableParallelism(), Math.ceil(jobs.length / batchSize)))
  const workers = Array.from({ length: here ? count - 1 : count }, () => new Worker(fileURLToPath(workerFile), { workerData }))
  let next = 0
  let batches = 0
  // Set when a lane failed: this thread then takes no more jobs.
  let stopped = false
  // This thread's share: one job at a time, letting the workers' answers in between. Its results
  // are taken (as when written to a cache) while it goes on with its next job: it waits only when
  // a few of them are still being taken.
  const local = async (): Promise<void> => {
    if (!here) return
    const taking: Array<Promise<void>> = []
    try {
      while (!stopped && next < jobs.length) {
        const index = next++
        const result = await here(jobs[index]!)
        if (onResult) {
          const took = onResult(index, result)
          // Its failure is met where it is awaited, below.
          took.catch(() => {})
          taking.push(took)
          if (taking.length > localResultsInFlight) await taking.shift()
        } else {
          results[index] = result
        }
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } finally {
      await Promise.allSettled(taking)
    }
    await Promise.all(taking)
  }
  const onThisThread = local()
  try {
    await Promise.all([
      onThisThread,
      ...workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // Where each batch sent and not yet answered starts, by its number: a worker whose
            // work is asynchronous may answer a later batch first.
            const sent = new Map<number, number>()
            // Batches sent whose answers are not yet taken.
            let open = 0
            const pump = (): void => {
              while (open < batchesInFlight && next < jobs.length) {
                const batch: Batch<Job> = { id: batches++, jobs: jobs.slice(next, next + batchSize) }
                sent.set(batch.id, next)
                next += batch.jobs.length
                open++
                worker.postMessage(batch)
              }
              if (open === 0) resolve()
            }
            const taken = (): void => {
              open--
              pump()
            }
            worker.on('message', (answer: Answer<Result>) => {
              const from = sent.get(answer.id)
              if (from === undefined) {
                reject(new Error(`A worker answered batch ${answer.id}, which it was not sent`))
                return
              }
              sent.delete(answer.id)
              if (!onResult) {
                answer.results.forEach((result, i) => {
                  results[from + i] = result
                })
                taken()
                return
              }
              Promise.all(answer.results.map((result, i) => onResult(from + i, result))).then(taken, reject)
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`A worker stopped with code ${code}`))
            })
            pump()
          })
      )
    ])
  } catch (error) {
    // Nothing is left running: this thread's job in hand is finished before the error is passed on.
    stopped = true
    await onThisThread.catch(() => {})
    throw error
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return { results, threads: count }
}

/** Whether worker threads can run this code: only compiled modules (not TypeScript sources under a test runner). */
export function canUseWorkers(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.js') && availableParallelism() > 1
}
