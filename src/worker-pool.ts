import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Run jobs in worker threads, one per core (at most), handing out batches as workers finish.
 * Workers answer each batch with one result per job, in order.
 *
 * @param workerFile the compiled worker module
 * @param workerData what each worker starts with
 * @param jobs the jobs; structured-cloneable
 * @param batchSize jobs per message
 * @param onResult when given, takes each result as it comes (a worker gets its next batch once
 *   this settled for the last), and `results` stays empty: results are never all held at once
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
            let start = 0
            const send = (): void => {
              if (next >= jobs.length) {
                resolve()
                return
              }
              start = next
              const batch = jobs.slice(start, start + batchSize)
              next += batch.length
              worker.postMessage(batch)
            }
            worker.on('message', (answers: Result[]) => {
              const from = start
              if (!onResult) {
                answers.forEach((answer, i) => {
                  results[from + i] = answer
                })
                send()
                return
              }
              Promise.all(answers.map((answer, i) => onResult(from + i, answer))).then(send, reject)
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`A worker stopped with code ${code}`))
            })
            send()
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
