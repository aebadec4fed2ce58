/**
 * The one percentile every benchmark reports: nearest-rank, the value at rank ⌈p × n⌉ of the
 * sorted sample (the definition the reports' own figures use, src/domain/analytics/measures.ts),
 * so a p95 is always a measured time.
 */
import { percentile as ofAscending } from '../domain/analytics/measures';

/** The nearest-rank percentile of `values` (`p` in 0–1, any order); NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  return (
    ofAscending(
      [...values].sort((a, b) => a - b),
      p,
    ) ?? NaN
  );
}
