/** A small seeded random source: the same seed gives the same sequence on every machine. */
export class Random {
  #state: number

  /** @param seed any 32-bit integer */
  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1) (mulberry32). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!
  }

  /** `count` distinct elements of a list, in random order. */
  sample<T>(list: readonly T[], count: number): T[] {
    const copy = [...list]
    const out: T[] = []
    while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]!)
    return out
  }

  /** A number with `decimals` digits after the point, in [min, max]. */
  decimal(min: number, max: number, decimals: number): string {
    return (min + this.next() * (max - min)).toFixed(decimals)
  }
}
