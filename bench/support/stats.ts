/** Order statistics of a series of timings. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** The value below which `p` (0–1) of the sorted samples fall (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** p50, p90, p99, min, max and mean of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Pairwise sums of two series of the same length: the floor of each iteration. */
export function pairwiseSum(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => x + (b[i] ?? Number.NaN));
}

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export const now = (): number => performance.now();

/** Runs `ops` once each per round, rotating the order each round so no series always goes first. */
export async function interleave(rounds: number, ops: readonly (() => Promise<void>)[]): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < ops.length; k++) await (ops[(r + k) % ops.length] as () => Promise<void>)();
  }
}
