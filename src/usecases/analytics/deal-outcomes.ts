/**
 * The deals report (broken down or not) read in SQL as two narrow statements instead of every deal's
 * course: the deals first closed in the window, from LeadFunnel's first close (closedDealCourses),
 * and the open opportunities at the end of each period, counted per currency with their first ids
 * (openOpportunities). The figures are then computed by the same function as on facts
 * (dealFigures in ./reports.ts, which counts the open opportunities itself on facts), so they are
 * identical; the differential test (test/analytics/loader-differential.int.test.ts) checks this on
 * both providers.
 *
 * Every figure but velocity's open opportunities reads only the deals closed in a period: win rate,
 * deal size and sales cycle. Before, the report read the course (every deal-stage transition) of
 * each deal that could be open at the end of either period, 85 000 of them at 1 000 000 leads on
 * PostgreSQL, to count the open ones.
 *
 * What LeadFunnel keeps of a deal's lead gives the rest of its course the figures read (a deal's
 * stage events are its lead's): `opportunityAt`, its first deal-stage transition (when it opened,
 * else when the deal was created), and `closedAt`, its first close. Its first SQL transition (where
 * its sales cycle starts) is `sqlAt` when that comes before `opportunityAt` (`sqlAt` is the first
 * arrival at SQL or beyond), else read from StageEvent: a lead that became an opportunity without
 * one (an import) or before it. Each counts only when before `asOf`, as a course holds only the
 * transitions recorded before it.
 */
import type { Db } from '../../db/client';
import { countedGroups, empty, instantOf, sql, unindexed } from '../../db/raw-sql';
import type { DealCourse, Dimension } from '../../domain/analytics/facts';
import { append, mergeTallies, sortedIds, type Tally } from '../../domain/analytics/measures';
import { closedDealOf, closedDealRows, dealSegmentColumns, keyDeals, ownedBy, type SegmentRow } from './closed-deals';
import { segmentKeyOf } from './lead-arrivals';
import type { DealQuery } from './deal-courses';
import { earlier } from './reports';
import { loadRoster } from './roster';

/**
 * When deal `d` opened, as its course read before `asOf` gives it: its lead's (`f`) first deal-stage
 * transition, else the deal's creation.
 */
const openedAt = (asOf: Date) =>
  sql`COALESCE(CASE WHEN f."opportunityAt" < ${asOf} THEN f."opportunityAt" END, d."createdAt")`;

/** Before `asOf`, else null: what a course recorded before `asOf` holds of an instant. */
const before = (value: unknown, asOf: Date): Date | null => {
  const at = instantOf(value);
  return at !== null && at.getTime() < asOf.getTime() ? at : null;
};

/**
 * The deals (in the caller's sight, in id order) first closed in the period or the one before,
 * each with what the deals report reads of its course: its first close, when it opened, and its
 * lead's first SQL transition.
 */
export async function closedDealCourses(
  db: Db,
  query: DealQuery,
  dimension?: Dimension,
  keys?: Map<string, string>,
): Promise<DealCourse[]> {
  const { sight, asOf } = query;
  // LeadFunnel's `sqlAt` is the lead's first arrival at SQL or beyond: its first SQL transition
  // only when before its first deal-stage one; else that transition is read from StageEvent.
  const firstSql = sql`CASE WHEN f."sqlAt" < f."opportunityAt" THEN f."sqlAt" ELSE (
      SELECT MIN(s."occurredAt") FROM "StageEvent" s
      WHERE s."leadId" = f."leadId" AND ${unindexed(db, sql`s."toStage"`)} = 'sql' AND s."occurredAt" < ${asOf}) END`;
  const rows = await closedDealRows<{ sql_at: unknown; opened: unknown } & SegmentRow>(
    db,
    query,
    sql`, ${firstSql} AS sql_at, ${openedAt(asOf)} AS opened ${dimension ? sql`, ${dealSegmentColumns(db, dimension)}` : empty}`,
  );
  const roster = await loadRoster(db, sight.tenant);
  if (dimension && keys) keyDeals(rows, dimension, roster, keys);
  return rows.map((row) => ({
    ...closedDealOf(row, roster, asOf),
    openedAt: instantOf(row.opened)!,
    sqlAt: before(row.sql_at, asOf),
  }));
}

/**
 * The open opportunities at the end of the previous period and of the period ([previous, current]),
 * per currency, over every group of openOpportunityGroups: the counts added, the first `idLimit`
 * ids of their union kept (those of each group are its first, so the union's first are among them).
 */
export function openOpportunitiesOf(
  groups: ReadonlyMap<string, readonly [Map<string, Tally>, Map<string, Tally>]>,
  idLimit?: number,
): [Map<string, Tally>, Map<string, Tally>] {
  const ends = ([0, 1] as const).map((end) => {
    const tallies = new Map<string, Tally[]>();
    for (const group of groups.values()) for (const [currency, tally] of group[end]) append(tallies, currency, tally);
    return new Map([...tallies].map(([currency, list]) => [currency, mergeTallies(list, idLimit)]));
  });
  return [ends[0]!, ends[1]!];
}

/**
 * The open opportunities at the end of the previous period and of the period ([previous, current]),
 * per breakdown group with `dimension` (by key: a deal's owner is its rep, its segment field its
 * lead's), else for the whole under the key '', and per currency: each with its count and, in
 * code-point order, its first `idLimit` ids (every id without it). A deal is open at the end when
 * it opened before it (isOpenAt) and its first close recorded before `asOf` is not before it; the
 * deals are those a course is read for (./deal-courses.ts: in the caller's sight, created before
 * `asOf`).
 *
 * One scan of the tenant's deals that are not closed for good before the earlier end (Deal's
 * `closedAt` is the latest close, so at or after the first), each joined to its lead's LeadFunnel
 * row by key, read once for both ends (`MATERIALIZED`). CROSS JOIN keeps SQLite's loop on the
 * deals: joined with ON, it walked the tenant's LeadFunnel rows (every lead) for each end and
 * probed Deal for each: the statement took 270 ms at 100 000 leads, 70 ms with CROSS JOIN.
 */
export async function openOpportunityGroups(
  db: Db,
  query: DealQuery,
  idLimit?: number,
  dimension?: Dimension,
): Promise<Map<string, [Map<string, Tally>, Map<string, Tally>]>> {
  const { sight, period, previous, asOf } = query;
  const byOwner = dimension === 'rep' || dimension === 'team';
  const segment = dimension
    ? dealSegmentColumns(db, dimension)
    : sql`CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`;
  const owner = byOwner ? sql`d."ownerEmail"` : sql`CAST(NULL AS TEXT)`;
  const ends = [previous.to, period.to];
  // A close after `asOf` is not recorded yet; after the end, it closes nothing at the end.
  const [first, last] = ends.map((end) => earlier(end, asOf)) as [Date, Date];
  const rows = await db.$queryRaw<
    ({ p: unknown; currency: string; owner: string | null; n: unknown; ids: string | null } & SegmentRow)[]
  >(sql`
    WITH candidate AS MATERIALIZED (
      SELECT d.id, d.currency, f."closedAt" AS closed,
        ${openedAt(asOf)} AS opened, ${owner} AS owner, ${segment}
      FROM "Deal" d CROSS JOIN "LeadFunnel" f
      WHERE f."leadId" = d."leadId" AND f.tenant = ${sight.tenant}
        AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${ownedBy(db, sight)}
        AND (d."closedAt" IS NULL OR d."closedAt" >= ${first})),
    open AS (
      SELECT id, currency, owner, seg_type, seg_text, 0 AS p FROM candidate
      WHERE opened < ${ends[0]} AND (closed IS NULL OR closed >= ${first})
      UNION ALL
      SELECT id, currency, owner, seg_type, seg_text, 1 AS p FROM candidate
      WHERE opened < ${ends[1]} AND (closed IS NULL OR closed >= ${last}))
    ${countedGroups(db, sql`open o`, 'o', sql`p, currency, owner, seg_type, seg_text`, idLimit)}`);
  const roster = dimension === 'team' ? await loadRoster(db, sight.tenant) : null;
  const groups = new Map<string, [Map<string, Tally>, Map<string, Tally>]>();
  for (const row of rows) {
    const key = dimension
      ? segmentKeyOf({ rep: row.owner, segType: row.seg_type, segText: row.seg_text }, dimension, roster)
      : '';
    if (!groups.has(key)) groups.set(key, [new Map<string, Tally>(), new Map<string, Tally>()]);
    // One group may come in several rows per currency: segment fields that spell one key apart
    // (blank or untrimmed text, an employee count and its band), or the people of one team.
    const atEnd = groups.get(key)![Number(row.p) === 0 ? 0 : 1];
    const tally = { count: Number(row.n), ids: sortedIds(row.ids ? row.ids.split(',') : []) };
    const found = atEnd.get(row.currency);
    atEnd.set(row.currency, found ? mergeTallies([found, tally], idLimit) : tally);
  }
  return groups;
}
