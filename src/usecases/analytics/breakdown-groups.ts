/**
 * Which groups a broken-down report lists, the same whichever way its figures were read (from SQL,
 * from the facts loadFacts selects, or from every row of the tenant):
 *
 * - every group with a record behind one of its figures, in the period or the one before: a
 *   drill-down id anywhere in its figures;
 * - by rep or by team, also every sales rep in the caller's sight, and each one's team, with its
 *   figures at zero when nothing counts, so that a manager sees who had nothing.
 *
 * A key that only records outside the window hold (a lead created before the previous period with
 * nothing recorded since) lists no group. The set therefore does not depend on how much of the
 * history a report read, and reading it costs nothing beyond the rows the report reads anyway.
 */
import type { Db } from '../../db/client';
import { orderKeys } from '../../domain/analytics/breakdown';
import type { Dimension, SalesRep } from '../../domain/analytics/facts';
import type { Sight } from '../visibility';
import { sightFilter } from './load-facts';
import { ID_KEYS } from './report-ids';
import { loadRoster, type Roster } from './roster';

/** Whether any figure in `value` has a record behind it: a drill-down id list that is not empty. */
export function carriesIds(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(carriesIds);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, child]) =>
    ID_KEYS.has(key) && Array.isArray(child) ? child.length > 0 : carriesIds(child),
  );
}

/** The keys a breakdown by `dimension` lists whatever counts: the reps in sight by rep, their teams by team. */
export function rosterKeys(reps: readonly SalesRep[], dimension: Dimension): string[] {
  if (dimension === 'rep') return reps.map((rep) => rep.email.toLowerCase());
  if (dimension === 'team') return reps.flatMap((rep) => (rep.team === null ? [] : [rep.team]));
  return [];
}

/** The roster keys of a breakdown (rosterKeys) of the reps `sight` sees. */
export function rosterKeysInSight(roster: Pick<Roster, 'salesReps'>, sight: Sight, dimension: Dimension): string[] {
  const inSight = sightFilter(sight);
  return rosterKeys(
    roster.salesReps.filter((rep) => inSight(rep.email)),
    dimension,
  );
}

/** Whether a breakdown by `dimension` lists the roster's keys: by rep and by team. */
export const byPerson = (dimension: Dimension | undefined): boolean => dimension === 'rep' || dimension === 'team';

/** The roster keys of a breakdown, read only by rep or by team. */
export async function breakdownRoster(db: Pick<Db, 'rep'>, sight: Sight, dimension: Dimension): Promise<string[]> {
  return byPerson(dimension) ? rosterKeysInSight(await loadRoster(db, sight.tenant), sight, dimension) : [];
}

/**
 * The groups a breakdown lists, in key order (`(none)` last): of the `candidates` (every key the
 * report's rows or facts hold), those whose figures carry an id, and each roster key no listed
 * key already spells (ignoring case), with the figures of no records.
 */
export function listedGroups<F extends { current: unknown; previous: unknown }>(
  candidates: Iterable<string>,
  roster: readonly string[],
  figuresOf: (key: string) => F,
  emptyOf: (key: string) => F,
): ({ key: string } & F)[] {
  const listed = new Map<string, { key: string } & F>();
  for (const key of new Set(candidates)) {
    const figures = figuresOf(key);
    if (carriesIds(figures)) listed.set(key, { key, ...figures });
  }
  const spelled = new Set([...listed.keys()].map((key) => key.toLowerCase()));
  for (const key of roster) {
    if (spelled.has(key.toLowerCase())) continue;
    spelled.add(key.toLowerCase());
    listed.set(key, { key, ...emptyOf(key) });
  }
  return orderKeys(listed.keys()).map((key) => listed.get(key)!);
}
