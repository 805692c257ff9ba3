import { describe, expect, it } from 'vitest'
import { everyFewMilliseconds } from '../src/throttle.js'

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
