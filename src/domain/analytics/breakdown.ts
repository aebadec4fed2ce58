/**
 * Breakdowns (`?breakdown=team|rep|source|campaign|industry|size|region`): split the facts by one
 * dimension of their segment and compute the same metric on each part. Every metric is a function
 * of its facts, so a breakdown needs no metric of its own and each part's figure equals the figure
 * of a report filtered to that part.
 */
import { append, compareText } from './measures';
import { NONE, dimensionKey, type AnalyticsFacts, type Dimension, type Segment } from './facts';

export interface Group<T> {
  key: string;
  value: T;
}

/** Keys in order, with `(none)` last. */
export function orderKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => (a === NONE ? 1 : b === NONE ? -1 : compareText(a, b)));
}

function partition<D extends Dimension, F extends { segment: Pick<Segment, D> }>(
  facts: readonly F[],
  dimension: D,
): Map<string, F[]> {
  const parts = new Map<string, F[]>();
  for (const fact of facts) {
    append(parts, dimensionKey(fact.segment, dimension), fact);
  }
  return parts;
}

/** `metric` on each part of `facts` split by `dimension`. */
export function breakDown<D extends Dimension, F extends { segment: Pick<Segment, D> }, R>(
  facts: readonly F[],
  dimension: D,
  metric: (part: F[]) => R,
): Group<R>[] {
  const parts = partition(facts, dimension);
  return orderKeys(parts.keys()).map((key) => ({ key, value: metric(parts.get(key) ?? []) }));
}

/** A whole fact set split by `dimension`: each part holds the leads, deals, quotes… of that key. */
export function splitFacts(facts: AnalyticsFacts, dimension: Dimension): Group<AnalyticsFacts>[] {
  const leads = partition(facts.leads, dimension);
  const deals = partition(facts.deals, dimension);
  const quotes = partition(facts.quotes, dimension);
  const approvals = partition(facts.approvals, dimension);
  const activities = partition(facts.activities, dimension);
  const contracts = partition(facts.contracts, dimension);
  const keys = orderKeys(
    [leads, deals, quotes, approvals, activities, contracts].flatMap((parts) => [...parts.keys()]),
  );
  return keys.map((key) => ({
    key,
    value: {
      asOf: facts.asOf,
      leads: leads.get(key) ?? [],
      deals: deals.get(key) ?? [],
      quotes: quotes.get(key) ?? [],
      approvals: approvals.get(key) ?? [],
      activities: activities.get(key) ?? [],
      contracts: contracts.get(key) ?? [],
      ruleActivations: facts.ruleActivations,
    },
  }));
}

/** `facts` with no record of any kind: what a group with nothing behind it is computed on. */
export function withoutRecords(facts: AnalyticsFacts): AnalyticsFacts {
  return { ...facts, leads: [], deals: [], quotes: [], approvals: [], activities: [], contracts: [] };
}
