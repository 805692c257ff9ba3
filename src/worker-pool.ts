import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/** Batches a worker holds at once: it starts the next while its last answer is being taken. */
const batchesInFlight = 2

/**
 * Run jobs in worker threads, one per core (at most), handing out batches as workers finish.
 * Workers answer each batch with one result per job, in order.
 *
 * Each worker is sent a second batch before it answers the first, so it never waits while this
 * thread takes its answer (such as writing it to a cache).
 *
 * @param workerFile the compiled worker module
 * @param workerData what each worker starts with
 * @param jobs the jobs; structured-cloneable
 * @param batchSize jobs per message
 * @param onResult when given, takes each result as it comes, and `results` stays empty: results
 *   are never all held at once. A worker is sent another batch once its answers are taken, so at
 *   most {@link batchesInFlight} batches per worker are rendered or waiting to be taken.
 * @returns the results in job order, and how many workers ran
 */
export async function runInWorkers<Job, Result>(
  workerFile: URL,
  workerData: unknown,
  jobs: readonly Job[],
  batchSize: number,
  onResult?: (index: number, result: Result) => Promise<void>
): Promise<{ results: Result[]; threads: number }> {
  const results: Result[] = new Array<Result>(jobs.length)
  const count = Math.max(1, Math.min(availableParallelism(), Math.ceil(jobs.length / batchSize)))
  const workers = Array.from({ length: count }, () => new Worker(fileURLToPath(workerFile), { workerData }))
  let next = 0
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // Where each batch sent and not yet answered starts, oldest first.
            const sent: number[] = []
            // Batches sent whose answers are not yet taken.
            let open = 0
            const pump = (): void => {
              while (open < batchesInFlight && next < jobs.length) {
                const batch = jobs.slice(next, next + batchSize)
                sent.push(next)
                next += batch.length
                open++
                worker.postMessage(batch)
              }
              if (open === 0) resolve()
            }
            const taken = (): void => {
              open--
              pump()
            }
            worker.on('message', (answers: Result[]) => {
              const from = sent.shift()!
              if (!onResult) {
                answers.forEach((answer, i) => {
                  results[from + i] = answer
                })
                taken()
                return
              }
              Promise.all(answers.map((answer, i) => onResult(from + i, answer))).then(taken, reject)
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`A worker stopped with code ${code}`))
            })
            pump()
          })
      )
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return { results, threads: count }
}

/** Whether worker threads can run this code: only compiled modules (not TypeScript sources under a test runner). */
export function canUseWorkers(moduleUrl: string): boolean {
  return moduleUrl.endsWith('.js') && availableParallelism() > 1
}
