/**
 * The activity report counted in SQL (broken down too: activityReportFigures): the deals closed between the start of the
 * previous period and the end of the period (or `asOf`, if earlier; closedDeals) are read, and the
 * calls, emails and meetings logged in that window, or before `asOf` on the leads and deals of
 * those of them won in the period or the one before, are counted per period, rep, owner and kind,
 * and per period and kind of those behind the period's won deals, with the first `idLimit + 1` ids
 * of each group (all without a limit), as the volume report counts its arrivals
 * (./aggregated-reports.ts). The API's cut to `idLimit` ids, and its `idsTruncated`, then come out
 * as on the full lists; the differential test (test/analytics/loader-differential.int.test.ts)
 * requires the figures to equal activityFigures (./reports.ts) on the facts, on both providers.
 *
 * Each activity is read as the fact loader builds it (leadActivities and dealActivities in
 * ./load-facts.ts): a touch on a lead (call logged, email sent, meeting booked) with a person as
 * its actor, or a call, email, meeting or demo on a deal, but not the outcome of a meeting that was
 * not held; its rep is its actor. The caller sees a lead's activity when they (or their reports)
 * own the lead at the period's end, and a deal's when they own the deal, as on the facts: the
 * owner is a group column, checked in JS with sightFilter, as the volume report checks its rows.
 * An activity counts behind a won deal when it is on the deal's lead and not after the win (of a
 * lead with two deals won in the period, the last in id order, as activityPerWonDeal's map keeps
 * it), compared in SQL with the instants computed in JS (instantsTable).
 *
 * Returning the activities themselves (some 35 000 rows at 100 000 leads) cost more in the
 * driver's object mapping than the statements; the counts are a few hundred rows.
 */
import type { Db } from '../../db/client';
import {
  codePointOrder,
  countedGroups,
  empty,
  instantsTable,
  join,
  raw,
  type Sql,
  sql,
  valuesOf,
  valuesTable,
} from '../../db/raw-sql';
import type { ActivityCounts, ActivityPerWonDeal } from '../../domain/analytics/activity';
import { closedIn } from '../../domain/analytics/deals';
import {
  ACTIVITY_KINDS,
  dimensionKey,
  type ActivityKind,
  type ClosedDealCourse,
  type Dimension,
} from '../../domain/analytics/facts';
import { orderKeys } from '../../domain/analytics/breakdown';
import { share, sortedIds, tally } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import { closeOf } from '../../domain/analytics/stages';
import { byPerson } from './breakdown-groups';
import { bySegmentField, closedDeals, reviewWindow } from './closed-deals';
import type { DealQuery } from './deal-courses';
import { leadsOfSight } from './fact-rows';
import { groupColumnsOf, ownerAt, segmentKeyOf } from './lead-arrivals';
import { groupBy } from '../../domain/group-by';
import { loadRoster } from './roster';
import { DEAL_ACTIVITY, LEAD_ACTIVITY, sightFilter } from './load-facts';
import { idsToRead } from './report-ids';

export interface ActivityQuery extends DealQuery {
  /** Ids each figure must carry; every id without it. */
  idLimit?: number;
}

/** The activity report's figures for one period, as activityFigures (./reports.ts) gives them. */
export interface ActivityReportFigures {
  byRep: { key: string; counts: ActivityCounts }[];
  perWonDeal: ActivityPerWonDeal;
}

/** One group's count and ids: of a rep's activity in a period, or of the activity behind its won deals. */
interface CountRow {
  part: 'rep' | 'won';
  /** 0: the previous period, 1: the period. */
  which: unknown;
  rep: string | null;
  /** The lead's owner at the period's end (a lead's touch) or the deal's owner (a deal's activity). */
  owner: string | null;
  kind: string;
  /** Broken down, the activity's lead's segment field (groupColumnsOf). */
  seg_type?: string | null;
  seg_text?: string | null;
  /** Of a `won` row: the group whose won deal it is behind ('' for the whole). */
  tag: string | null;
  n: unknown;
  ids: string | null;
}

/** Counts and first ids per activity kind. */
type CellCount = { count: number; ids: string[] };
type Cells = Map<ActivityKind, CellCount>;

function add(cells: Cells, kind: ActivityKind, count: number, ids: readonly string[]): void {
  const found = cells.get(kind);
  if (found) {
    found.count += count;
    found.ids.push(...ids);
  } else cells.set(kind, { count, ids: [...ids] });
}

/** The counts per kind and in total, each with its first `cap` ids (all without a cap). */
function countsOf(cells: Cells | undefined, cap: number | undefined): ActivityCounts {
  const cut = (count: number, ids: readonly string[]) => {
    const sorted = sortedIds(ids);
    return { count, ids: cap === undefined ? sorted : sorted.slice(0, cap) };
  };
  const all = [...(cells?.values() ?? [])];
  const counts = {
    total: cut(
      all.reduce((sum, cell) => sum + cell.count, 0),
      all.flatMap((cell) => cell.ids),
    ),
  } as ActivityCounts;
  for (const kind of ACTIVITY_KINDS) {
    const cell = cells?.get(kind);
    counts[kind] = cut(cell?.count ?? 0, cell?.ids ?? []);
  }
  return counts;
}

/** The deals won in a period, and when each one's lead's was won. */
interface WonLeads {
  won: ClosedDealCourse[];
  at: Map<string, Date>;
}

/** The lead of each deal won in `period` and when it was won (a lead's last won deal wins, as in activityPerWonDeal). */
function wonLeads(deals: readonly ClosedDealCourse[], period: ReportPeriod): WonLeads {
  const won = closedIn(deals, period).won;
  return { won, at: new Map(won.map((deal) => [deal.leadId, closeOf(deal)!.at])) };
}

/** The activity report's figures for one period and the one before. */
export interface ActivityBoth {
  current: ActivityReportFigures;
  previous: ActivityReportFigures;
}

/** Counts of one group (or the whole): each period's activity per rep, and behind its won deals. */
class Counted {
  readonly byRep = [new Map<string, Cells>(), new Map<string, Cells>()];
  readonly behind: [Cells, Cells] = [new Map<ActivityKind, CellCount>(), new Map<ActivityKind, CellCount>()];

  addRep(which: number, rep: string, kind: ActivityKind, count: number, ids: readonly string[]): void {
    const reps = this.byRep[which]!;
    if (!reps.has(rep)) reps.set(rep, new Map());
    add(reps.get(rep)!, kind, count, ids);
  }
}

/**
 * The activity report's figures for the period and the previous one, counted in SQL: whole and,
 * with `dimension`, per group. An activity's key is its actor by rep (their team by team) and its
 * lead's segment field otherwise, as the facts give it; a deal's is its owner or its lead's field
 * (closedDeals). A group's won deals are its own, and the activity it counts behind them is its own
 * activity on their leads (a lead has one deal at most). `none`: the
 * figures of a group with nothing.
 */
export async function activityReportFigures(
  db: Db,
  query: ActivityQuery,
  dimension?: Dimension,
): Promise<{ whole: ActivityBoth; groups: Map<string, ActivityBoth> | null; none: ActivityBoth }> {
  const dealKeys = new Map<string, string>();
  const [deals, roster] = await Promise.all([
    closedDeals(db, query, dimension, dimension ? dealKeys : undefined),
    dimension === 'team' ? loadRoster(db, query.sight.tenant) : null,
  ]);
  const periods = [query.previous, query.period] as const;
  const won = periods.map((period) => wonLeads(deals, period));
  // Broken down, each group's won deals, and of each of their leads the instant its last won deal
  // in the group was won (tagged with the group's key).
  const partsOf = dimension ? groupBy(deals, (deal) => dealKeys.get(deal.id)!) : new Map<string, ClosedDealCourse[]>();
  const groupWon = periods.map(
    (period) => new Map([...partsOf].map(([key, part]) => [key, wonLeads(part, period)] as const)),
  );
  const cap = idsToRead(query.idLimit);
  // Before the window, only the activity behind a won deal counts: a lost deal's is read only in
  // the window, as every other activity is (28 362 closed deals at 1M leads, 11 389 of them won).
  const behindWins = won.map(({ at }, which) => [
    ...[...at].map(([leadId, instant]) => ({ which, leadId, at: instant, tag: '' })),
    ...[...groupWon[which]!].flatMap(([key, part]) =>
      [...part.at].map(([leadId, instant]) => ({ which, leadId, at: instant, tag: key })),
    ),
  ]);
  const rows = await countActivities(
    db,
    query,
    won.flatMap((which) => which.won),
    behindWins,
    cap,
    dimension,
  );
  const inSight = sightFilter(query.sight);
  const whole = new Counted();
  const groups = new Map<string, Counted>();
  const groupOf = (key: string) => {
    if (!groups.has(key)) groups.set(key, new Counted());
    return groups.get(key)!;
  };
  for (const row of rows) {
    if (!inSight(row.owner)) continue;
    const kind = (LEAD_ACTIVITY[row.kind] ?? DEAL_ACTIVITY[row.kind])!;
    const which = Number(row.which);
    const ids = row.ids ? row.ids.split(',') : [];
    const count = Number(row.n);
    const key = dimension
      ? segmentKeyOf({ rep: row.rep, segType: row.seg_type ?? null, segText: row.seg_text ?? null }, dimension, roster)
      : '';
    if (row.part === 'won') {
      // Behind the whole's won deals (tag ''), or behind a group's own, when the activity is the group's.
      if (!row.tag) add(whole.behind[which]!, kind, count, ids);
      else if (row.tag === key) add(groupOf(key).behind[which]!, kind, count, ids);
      continue;
    }
    const rep = dimensionKey({ rep: row.rep }, 'rep');
    whole.addRep(which, rep, kind, count, ids);
    if (dimension) groupOf(key).addRep(which, rep, kind, count, ids);
  }
  const figures = (counted: Counted | undefined, wonIn: readonly (WonLeads | undefined)[]): ActivityBoth => {
    const one = (which: 0 | 1): ActivityReportFigures => {
      const activities = countsOf(counted?.behind[which], cap);
      const deals = wonIn[which]?.won ?? [];
      const perDeal = { total: share(activities.total.count, deals.length) } as ActivityPerWonDeal['perDeal'];
      for (const kind of ACTIVITY_KINDS) perDeal[kind] = share(activities[kind].count, deals.length);
      const reps = counted?.byRep[which] ?? new Map<string, Cells>();
      return {
        byRep: orderKeys(reps.keys()).map((key) => ({ key, counts: countsOf(reps.get(key), cap) })),
        perWonDeal: { wonDeals: tally(sortedIds(deals.map((deal) => deal.id))), activities, perDeal },
      };
    };
    return { current: one(1), previous: one(0) };
  };
  const none = figures(undefined, [undefined, undefined]);
  if (!dimension) return { whole: figures(whole, won), groups: null, none };
  const keys = new Set([...groups.keys(), ...partsOf.keys()]);
  return {
    whole: figures(whole, won),
    none,
    groups: new Map(
      [...keys].map(
        (key) =>
          [
            key,
            figures(
              groups.get(key),
              groupWon.map((part) => part.get(key)),
            ),
          ] as const,
      ),
    ),
  };
}

/**
 * The counted activities (lead touches and deal activities, as the two statements below select
 * them) grouped by part, period, rep, owner and raw kind, with the first `cap` ids of each group.
 */
async function countActivities(
  db: Db,
  query: ActivityQuery,
  deals: readonly ClosedDealCourse[],
  won: readonly (readonly { which: number; leadId: string; at: Date; tag: string }[])[],
  cap: number | undefined,
  dimension: Dimension | undefined,
): Promise<CountRow[]> {
  const [previous, period] = [query.previous, query.period];
  const inPeriod = (range: ReportPeriod) => sql`(a.at >= ${range.from} AND a.at < ${range.to})`;
  // A group's key in code-point order, which only has to tell equal values apart: sorting the
  // groups under the database's collation (a C.UTF-8 locale's comparison per key on PostgreSQL)
  // cost more than the order that counts, the ids'.
  const key = (column: Sql) => codePointOrder(db, column);
  // Broken down, a row also carries the activity's lead's field and, behind a group's won deal, its actor.
  const segmented = bySegmentField(dimension);
  const segment = segmented ? sql`, ${key(sql`a.seg_type`)} AS seg_type, ${key(sql`a.seg_text`)} AS seg_text` : empty;
  const actor = byPerson(dimension) ? key(sql`a.actor`) : sql`NULL`;
  return db.$queryRaw<CountRow[]>(sql`
    WITH act AS MATERIALIZED (${leadTouches(db, query, deals, dimension)}
      UNION ALL ${dealActivities(db, query, deals, dimension)}),
    won AS MATERIALIZED (${join(
      won.map(
        (rows, which) =>
          sql`SELECT ${raw(String(which))} AS which, w.value AS lead_id, w.at, w.tag FROM ${instantsTable(
            db,
            rows.map((row) => ({ value: row.leadId, at: row.at, tag: row.tag })),
          )} w`,
      ),
      ' UNION ALL ',
    )}),
    placed AS (
      SELECT 'rep' AS part, CASE WHEN ${inPeriod(previous)} THEN 0 ELSE 1 END AS which, ${key(sql`a.actor`)} AS rep,
        ${key(sql`a.owner`)} AS owner, ${key(sql`a.kind`)} AS kind ${segment}, CAST(NULL AS TEXT) AS tag, a.id
      FROM act a WHERE ${inPeriod(previous)} OR ${inPeriod(period)}
      UNION ALL
      SELECT 'won', w.which, ${actor}, ${key(sql`a.owner`)}, ${key(sql`a.kind`)} ${segment}, ${key(sql`w.tag`)}, a.id
      FROM won w CROSS JOIN act a
      WHERE a.lead_id = w.lead_id AND a.at <= w.at)
    ${countedGroups(db, sql`placed p`, 'p', sql`part, which, rep, owner, kind ${segmented ? sql`, seg_type, seg_text` : empty}, tag`, cap)}`);
}

/**
 * The touches people logged on the tenant's leads in the window (on a lead recorded before `asOf`
 * that the caller may see, as the loader's active leads are) or, before `asOf`, on the leads of
 * `deals` (loaded with their deals, whoever owns them; the owner is checked after), read from the
 * activity log (ActivityLog, kept by triggers: a touch's kind, actor, lead and the lead's tenant
 * and creation), by index range. The lead is joined only for the caller's sight or a segment field:
 * at 1 000 000 leads, reading a month's 94 000 touches from Interaction with each one's lead took
 * 0.37 s, from the log 0.06 s. The two parts are separate statements joined by UNION ALL, each
 * starting from its own index (SQLite, with no statistics, would otherwise loop over every lead of
 * the tenant; see ofDealsInSight in ./desk-records.ts). The second leaves out what the first
 * selects, so no touch comes twice: with UNION, PostgreSQL hashed the 94 000 touches of a month at
 * 1 000 000 leads to drop duplicates. `IS NOT TRUE`, not `NOT`: the sight's check is NULL, not
 * false, for a lead with no owner whose assignments spell no email of the list, so the first part
 * drops its touch and so would `NOT`.
 */
function leadTouches(db: Db, query: DealQuery, deals: readonly ClosedDealCourse[], dimension?: Dimension): Sql {
  const { sight, period, asOf } = query;
  const { from, to } = reviewWindow(query);
  const ownerCut = new Date(Math.min(period.to.getTime(), asOf.getTime()));
  const lead = !sight.all || bySegmentField(dimension) ? sql`CROSS JOIN "Lead" l` : empty;
  const onLead = lead === empty ? empty : sql`AND l.id = g."leadId"`;
  const columns = sql`g.id, g.kind, g.actor, g.at, g."leadId" AS lead_id,
      ${sight.all ? sql`CAST(NULL AS TEXT)` : ownerAt(ownerCut, asOf)} AS owner ${segmentOfLead(db, dimension)}`;
  const touch = sql`g.tenant = ${sight.tenant} AND g.origin = 'lead' AND g.at < ${asOf} ${onLead}`;
  const inWindow = sql`g.at >= ${from} AND g.at < ${to} AND g."createdAt" < ${asOf} ${leadsOfSight(db, sight, asOf)}`;
  return sql`
    SELECT ${columns} FROM "ActivityLog" g ${lead}
    WHERE ${touch} AND ${inWindow}
    UNION ALL
    SELECT ${columns} FROM ${valuesTable(
      db,
      deals.map((deal) => deal.leadId),
    )} w CROSS JOIN "ActivityLog" g ${lead}
    WHERE g."leadId" = w.value AND ${touch} AND (${inWindow}) IS NOT TRUE`;
}

/**
 * The calls, emails, meetings and demos logged on the tenant's deals (recorded before `asOf`, of a
 * lead of the tenant) in the window or, before `asOf`, on `deals`; not a meeting's outcome when the
 * meeting was not held. Read from the activity log, as leadTouches reads; the deal is joined only
 * for a person's sight (its owner), the lead only for a segment field. As with leadTouches, the
 * second part leaves out what the first selects; it finds a deal's activities by its lead (a lead
 * has one deal at most).
 */
function dealActivities(db: Db, query: DealQuery, deals: readonly ClosedDealCourse[], dimension?: Dimension): Sql {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  const joins = sql`${sight.all ? empty : sql`CROSS JOIN "Deal" d`} ${bySegmentField(dimension) ? sql`CROSS JOIN "Lead" l` : empty}`;
  const columns = sql`g.id, g.kind, g.actor, g.at, g."leadId" AS lead_id,
    ${sight.all ? sql`CAST(NULL AS TEXT)` : sql`d."ownerEmail"`} AS owner ${segmentOfLead(db, dimension)}`;
  const mine = sight.all ? empty : sql`AND d.id = g."dealId" AND d."ownerEmail" IN ${valuesOf(db, sight.owners)}`;
  const counted = sql`g.tenant = ${sight.tenant} AND g.origin = 'deal' AND g."createdAt" < ${asOf} ${mine}
      ${bySegmentField(dimension) ? sql`AND l.id = g."leadId"` : empty} AND g.at < ${asOf}
      AND NOT EXISTS (SELECT 1 FROM "Meeting" m WHERE m.id = g."meetingId" AND m."dealId" = g."dealId" AND m.status <> 'held')`;
  const inWindow = sql`g.at >= ${from} AND g.at < ${to}`;
  return sql`
    SELECT ${columns} FROM "ActivityLog" g ${joins}
    WHERE ${inWindow} AND ${counted}
    UNION ALL
    SELECT ${columns} FROM ${valuesTable(
      db,
      deals.map((deal) => deal.leadId),
    )} w CROSS JOIN "ActivityLog" g ${joins}
    WHERE g."leadId" = w.value AND ${counted} AND (${inWindow}) IS NOT TRUE`;
}

/** `, seg_type, seg_text` of the activity's lead `l` (groupColumnsOf), broken down by a segment field; nothing else. */
function segmentOfLead(db: Db, dimension: Dimension | undefined): Sql {
  return bySegmentField(dimension) ? sql`, ${groupColumnsOf(db, dimension)}` : empty;
}
