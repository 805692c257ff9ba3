import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * A pause for a loop that may not otherwise wait for I/O: undefined (nothing to wait for), except
 * when `ms` have passed since the last real pause, when it is a promise of the event loop's next
 * turn, so that I/O callbacks (a helper process's answers, finished writes) run. A loop of
 * thousands of quick steps awaits only the real pauses: `const pause = due(); if (pause) await pause`.
 *
 * @param ms time between pauses
 */
export function everyFewMilliseconds(ms: number): () => Promise<void> | undefined {
  let last = performance.now()
  return () => {
    const now = performance.now()
    if (now - last < ms) return undefined
    return nextTurn().then(() => {
      last = performance.now()
    })
  }
}

/**
 * Runs asynchronous tasks with at most `limit` in flight: enough to keep the disk or a helper
 * process busy, few enough to bound memory. The first failure is kept and thrown by the next call.
 */
export class Throttle {
  private readonly pending = new Set<Promise<void>>()
  private failed = false
  private failure: unknown

  /** @param limit tasks in flight at most */
  constructor(private readonly limit: number) {}

  /** Start a task; resolves once there is room for the next one. */
  async run(task: () => Promise<void>): Promise<void> {
    this.check()
    const job: Promise<void> = task()
      .catch((error: unknown) => {
        if (!this.failed) {
          this.failed = true
          this.failure = error
        }
      })
      .finally(() => this.pending.delete(job))
    this.pending.add(job)
    if (this.pending.size >= this.limit) await Promise.race(this.pending)
    this.check()
  }

  /** Wait for every task started so far. */
  async drain(): Promise<void> {
    await Promise.all(this.pending)
    this.check()
  }

  private check(): void {
    if (this.failed) throw this.failure
  }
}

/**
 * A function that runs tasks with at most `limit` in flight, queueing the rest in order, and
 * gives each task's own result (or failure) back to its caller.
 *
 * @param limit tasks in flight at most
 */
export function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0
  const queue: Array<() => void> = []
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++
        task()
          .then(resolve, reject)
          .finally(() => {
            active--
            queue.shift()?.()
          })
      }
      if (active < limit) start()
      else queue.push(start)
    })
}
