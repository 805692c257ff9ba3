import { describe, expect, it } from 'vitest'
import { everyFewMilliseconds, Throttle } from '../src/throttle.js'

/** Keep the thread busy for `ms`, as rendering a page does. */
function busy(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spin
  }
}

describe('everyFewMilliseconds', () => {
  it('lets I/O callbacks run during a loop that never waits for I/O', async () => {
    const pause = everyFewMilliseconds(5)
    let answered = -1
    // An answer that arrives as a callback of the event loop, like a helper process's.
    setImmediate(() => {
      answered = step
    })
    let step = 0
    for (; step < 40; step++) {
      await pause()
      busy(1)
    }
    // Without the pause the callback would run only after the loop: step 40.
    expect(answered).toBeGreaterThanOrEqual(0)
    expect(answered).toBeLessThan(20)
  })

  it('does not stop a loop that is quicker than its interval', async () => {
    const pause = everyFewMilliseconds(10_000)
    let answered = false
    setImmediate(() => {
      answered = true
    })
    for (let step = 0; step < 100; step++) await pause()
    expect(answered).toBe(false)
  })
})

describe('Throttle', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

  it('starts a task only while the weight in flight is under its bound, and runs one heavier than that too', async () => {
    const throttle = new Throttle(10, 100)
    let inFlight = 0
    const seenAtStart: number[] = []
    const done: number[] = []
    const weights = [30, 30, 30, 30, 30, 250, 10, 10, 40, 40]
    for (const [i, weight] of weights.entries()) {
      await throttle.run(async () => {
        seenAtStart.push(inFlight)
        inFlight += weight
        await sleep(5 + (i % 3) * 5)
        inFlight -= weight
        done.push(i)
      }, weight)
    }
    await throttle.drain()
    expect(done.sort((a, b) => a - b)).toEqual(weights.map((_, i) => i))
    for (const weight of seenAtStart) expect(weight).toBeLessThan(100)
    // It did run tasks side by side: the bound is on weight, not one at a time.
    expect(Math.max(...seenAtStart)).toBeGreaterThan(0)
  })

  it('starts at most `limit` tasks at once, whatever their weight', async () => {
    const throttle = new Throttle(3)
    let running = 0
    let most = 0
    for (let i = 0; i < 12; i++) {
      await throttle.run(async () => {
        running++
        most = Math.max(most, running)
        await sleep(5)
        running--
      })
    }
    await throttle.drain()
    expect(most).toBe(3)
  })
})
