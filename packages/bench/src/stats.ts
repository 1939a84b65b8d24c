/**
 * The shared statistics of every timed figure: each is the median of at
 * least MIN_RUNS runs, reported with the smallest and largest run, so a
 * reader sees the spread and not only a central value (issue 7).
 */

/** Fewest runs behind a timed figure. */
export const MIN_RUNS = 5;

export interface Stat {
  median: number;
  min: number;
  max: number;
  /** How many runs the figure summarizes. */
  runs: number;
  unit: string;
}

/** Median, min and max of `samples`; refuses fewer than `minRuns` so no figure rests on one lucky run. */
export function summarize(samples: readonly number[], unit: string, minRuns = MIN_RUNS): Stat {
  if (samples.length < minRuns) throw new RangeError(`${samples.length} runs: a figure needs at least ${minRuns}`);
  if (samples.some((s) => !Number.isFinite(s))) throw new RangeError(`non-finite sample in ${samples.join(", ")}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length, unit };
}

/** Element-wise a[i] / b[i]: a ratio per run, both sides measured in the same run. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`paired samples of different lengths: ${a.length} and ${b.length}`);
  return a.map((x, i) => x / b[i]!);
}

/** Runs `f` `runs` times in sequence (after `warmup` unrecorded runs) and collects its samples. */
export async function repeat(runs: number, f: (run: number) => number | Promise<number>, warmup = 0): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await f(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await f(i));
  return out;
}

/** Milliseconds on the monotonic clock. */
export const nowMs = (): number => performance.now();
