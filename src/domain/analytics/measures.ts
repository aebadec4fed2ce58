/**
 * The shapes every metric returns, so each figure carries its drill-down: a count with the ids
 * behind it, a share with its numerator and denominator, a distribution with its percentiles,
 * and money per currency. Ids are sorted and unique, so a result compares exactly and a
 * drill-down page is stable.
 */
import { mulDivRounded, sumMinor } from '../money';

/** A count and the ids of the records counted. */
export interface Tally {
  count: number;
  ids: string[];
}

/** numerator ÷ denominator; `value` is null when the denominator is empty. */
export interface Ratio {
  numerator: Tally;
  denominator: Tally;
  value: number | null;
}

/**
 * A sample's summary. Percentiles are nearest-rank: the p-th percentile is the value at rank
 * ⌈p × n⌉ of the sorted sample, so every percentile (the median included) is a recorded value.
 */
export interface Distribution {
  n: number;
  mean: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
  ids: string[];
}

/** An amount in one currency, and the records it sums. */
export interface MoneyTotal {
  currency: string;
  amountMinor: number;
  count: number;
  ids: string[];
}

/** An average amount in one currency: total ÷ count, rounded half away from zero to a minor unit. */
export interface MoneyAverage {
  currency: string;
  averageMinor: number;
  totalMinor: number;
  count: number;
  ids: string[];
}

/** A share of money in one currency (a win rate by value). */
export interface MoneyRatio {
  currency: string;
  numeratorMinor: number;
  denominatorMinor: number;
  value: number | null;
  numeratorIds: string[];
  denominatorIds: string[];
}

/** One record's amount, as the money helpers take it. */
export interface Amount {
  id: string;
  currency: string;
  amountMinor: number;
}

/** One record's measurement (a duration, a discount), as `distribution` takes it. */
export interface Sample {
  id: string;
  value: number;
}

/** Orders text by code point: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Adds `value` to the group `key` (in place: grouping stays linear in the number of records). */
export function append<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
  const group = groups.get(key);
  if (group) group.push(value);
  else groups.set(key, [value]);
}

/** Whether every id is less than the next: then they are unique and in compareText's order. */
function ascending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!(list[i - 1]! < list[i]!)) return false;
  return true;
}

/** The largest cap firstIds serves: the API's default idLimit (100) and one more fit. */
const FIRST_IDS_CAP = 256;

/**
 * The first `cap` unique ids in compareText's order, in one pass: each id is compared with the
 * last kept and, when smaller, put in place among those kept. For ids in no order, far fewer
 * comparisons than a sort of all of them when `cap` is small (the API reads the first
 * `idLimit + 1` ids of a figure).
 */
function firstIds(list: readonly string[], cap: number): string[] {
  const kept: string[] = [];
  for (const id of list) {
    if (kept.length === cap && !(id < kept[cap - 1]!)) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (kept[middle]! < id) low = middle + 1;
      else high = middle;
    }
    if (kept[low] === id) continue;
    kept.splice(low, 0, id);
    if (kept.length > cap) kept.pop();
  }
  return kept;
}

/**
 * Unique ids, sorted in compareText's order: the default sort compares strings by UTF-16 code units,
 * as `<` does, without calling back into JS (about a third faster on the 90 000 ids of a report).
 * Ids already strictly ascending (most are: reports read their rows in id order) are copied as they
 * are, without the sort. Others are sorted, then each run of equal ids kept once: no set of them
 * (a fifth faster on 100 000 ids in no order, the stays of the speed report). With `cap`, only the
 * first `cap` of them (firstIds).
 */
export function sortedIds(ids: Iterable<string>, cap?: number): string[] {
  const list = Array.isArray(ids) ? (ids as string[]) : [...ids];
  return sortedList(list, ascending(list), cap, list === ids);
}

/** sortedIds of a list whose order is known (`inOrder`: ascending); `shared`: the caller's own list, copied before it is returned. */
function sortedList(list: string[], inOrder: boolean, cap: number | undefined, shared: boolean): string[] {
  if (inOrder) {
    if (cap !== undefined && list.length > cap) return list.slice(0, cap);
    return shared ? list.slice() : list;
  }
  // A few first ids of many: picked in one pass. firstIds moves up to `cap` kept ids for each id
  // that comes, so for a large cap (ids in descending order at worst) all are sorted and cut.
  if (cap !== undefined && cap <= FIRST_IDS_CAP) return firstIds(list, cap);
  const sorted = list.slice().sort();
  let kept = 0;
  for (const id of sorted) if (kept === 0 || id !== sorted[kept - 1]) sorted[kept++] = id;
  sorted.length = cap === undefined ? kept : Math.min(kept, cap);
  return sorted;
}

/**
 * How many unique ids there are, and which, sorted (sortedIds). With `cap`, the count is still of
 * all of them, but only the first `cap` ids are listed.
 */
export function tally(ids: Iterable<string>, cap?: number): Tally {
  const list = Array.isArray(ids) ? (ids as string[]) : [...ids];
  const inOrder = ascending(list);
  const sorted = sortedList(list, inOrder, cap, list === ids);
  if (cap === undefined || sorted.length < cap) return { count: sorted.length, ids: sorted };
  return { count: inOrder ? list.length : new Set(list).size, ids: sorted };
}

/**
 * Tallies of disjoint parts merged: counts added, ids in code-point order, the first `cap` kept
 * (all without it). Each part may carry only its first ids; the merged ones are then the first of
 * the whole as long as `cap` is no more than any part kept.
 */
export function mergeTallies(tallies: Iterable<Tally>, cap?: number): Tally {
  let count = 0;
  const ids: string[] = [];
  for (const each of tallies) {
    count += each.count;
    ids.push(...each.ids);
  }
  const sorted = sortedIds(ids);
  return { count, ids: cap === undefined ? sorted : sorted.slice(0, cap) };
}

/** With `cap`, each tally lists its first `cap` ids only (tally). */
export function ratio(numerator: Iterable<string>, denominator: Iterable<string>, cap?: number): Ratio {
  const top = tally(numerator, cap);
  const bottom = tally(denominator, cap);
  return { numerator: top, denominator: bottom, value: share(top.count, bottom.count) };
}

/** a ÷ b, or null when b is 0. */
export function share(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** The nearest-rank percentile of an ascending sample (`p` in 0–1); null for an empty sample. */
export function percentile(ascending: ArrayLike<number>, p: number): number | null {
  if (ascending.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * ascending.length));
  return ascending[rank - 1] ?? null;
}

/** With `cap`, the first `cap` ids only (sortedIds). */
export function distribution(samples: readonly Sample[], cap?: number): Distribution {
  return distributionOf(
    Float64Array.from(samples, (s) => s.value),
    samples.map((s) => s.id),
    cap,
  );
}

/**
 * distribution, of the values and the ids of the records behind them, apart (any order: the values
 * are sorted here, in place). Whatever order they come in, the figures are the same: the mean is
 * summed in ascending order.
 */
export function distributionOf(values: Float64Array, ids: string[], cap?: number): Distribution {
  // A typed array sorts numbers natively, without calling back into JS for each comparison (a
  // third of the time on the 100 000 stays of a month).
  values.sort();
  const total = values.reduce((sum, v) => sum + v, 0);
  return {
    n: values.length,
    mean: values.length === 0 ? null : total / values.length,
    median: percentile(values, 0.5),
    p75: percentile(values, 0.75),
    p90: percentile(values, 0.9),
    ids: sortedIds(ids, cap),
  };
}

/** Amounts grouped by currency (sorted by code), never summed across currencies. */
export function byCurrency<T extends Amount>(amounts: readonly T[]): Map<string, T[]> {
  // Grouped in the amounts' order, then the few currencies sorted: not every amount sorted by its
  // currency (a snapshot of the pipeline holds 30 000 deals at 1M leads).
  const groups = new Map<string, T[]>();
  for (const amount of amounts) append(groups, amount.currency, amount);
  return new Map([...groups.keys()].sort(compareText).map((currency) => [currency, groups.get(currency)!]));
}

export function totals(amounts: readonly Amount[]): MoneyTotal[] {
  return [...byCurrency(amounts)].map(([currency, group]) => ({
    currency,
    amountMinor: sumMinor(group.map((a) => a.amountMinor)),
    count: group.length,
    ids: sortedIds(group.map((a) => a.id)),
  }));
}

export function averages(amounts: readonly Amount[]): MoneyAverage[] {
  return totals(amounts).map((total) => ({
    currency: total.currency,
    averageMinor: mulDivRounded(total.amountMinor, 1, total.count),
    totalMinor: total.amountMinor,
    count: total.count,
    ids: total.ids,
  }));
}

/** Σ part ÷ Σ whole per currency; `part` must be a subset of `whole`. */
export function moneyRatios(part: readonly Amount[], whole: readonly Amount[]): MoneyRatio[] {
  const parts = byCurrency(part);
  return totals(whole).map((total) => {
    const top = parts.get(total.currency) ?? [];
    const numeratorMinor = sumMinor(top.map((a) => a.amountMinor));
    return {
      currency: total.currency,
      numeratorMinor,
      denominatorMinor: total.amountMinor,
      value: share(numeratorMinor, total.amountMinor),
      numeratorIds: sortedIds(top.map((a) => a.id)),
      denominatorIds: total.ids,
    };
  });
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export const hours = (ms: number): number => ms / MS_PER_HOUR;
export const days = (ms: number): number => ms / MS_PER_DAY;
