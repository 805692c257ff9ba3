import { setFlagsFromString } from 'node:v8'

/**
 * How far V8 may let its heap grow past what was live after a collection before it collects again.
 * Left to itself, V8 lets a large heap grow to several times what is live; a build holds its site
 * graph throughout and makes a lot of short-lived text besides, so most of that growth is
 * garbage. With growth capped at half the live size, a cold build of 5,000 papers without share
 * images peaked at 397 to 423 MB (four runs) against 438 to 471 MB capped at the live size (two
 * runs) and over 700 MB uncapped, in times within the runs' spread.
 */
export const heapGrowthFlag = '--heap-growing-percent=50'

/**
 * The heap growth to set for a process: {@link heapGrowthFlag}, unless the process was given one
 * of its own, on its command line (as `--low-memory` does) or in `NODE_OPTIONS`.
 *
 * @param execArgv the process's Node.js options
 * @param nodeOptions the `NODE_OPTIONS` it started with
 */
export function heapGrowthToSet(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].some((option) => /^--heap[-_]growing[-_]percent\b/.test(option))
  return given ? undefined : heapGrowthFlag
}

/** Cap this process's heap growth (see {@link heapGrowthFlag}), unless it was given its own. V8 reads it at every collection. */
export function capHeapGrowth(): void {
  const flag = heapGrowthToSet(process.execArgv, process.env.NODE_OPTIONS)
  if (flag) setFlagsFromString(flag)
}
