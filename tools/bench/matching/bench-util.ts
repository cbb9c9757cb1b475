/**
 * Helpers shared by the benchmarks: a seeded PRNG (so runs are comparable) and percentiles.
 */
import { Prng } from '@coop/simulation';

/** The simulator's seeded mulberry32 generator as a function of no arguments, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** The p-th percentile (0..100) of samples by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Milliseconds elapsed since `t0` from process.hrtime.bigint(). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Formats a duration in ms with a sensible unit. */
export function fmt(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}
