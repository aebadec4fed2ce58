/**
 * The activity report counted in SQL (broken down too: activityReportFigures). Two statements: the
 * calls, emails and meetings logged in the window (from the start of the previous period to the
 * end of the period, or `asOf` if earlier) counted per period, rep, owner and kind (countWindow),
 * run beside the read of the deals closed in that window (closedDeals); then, of the deals won in
 * the period or the one before, the activity on their leads before `asOf` counted per period and
 * kind behind them (countBehindWins). Each group comes with its first `idLimit + 1` ids (all
 * without a limit), as the volume report counts its arrivals (./aggregated-reports.ts). The API's
 * cut to `idLimit` ids, and its `idsTruncated`, then come out as on the full lists; the
 * differential test (test/analytics/loader-differential.int.test.ts) requires the figures to equal
 * activityFigures (./reports.ts) on the facts, on both providers.
 *
 * The activities are read from the activity log (ActivityLog, migration `analytics_activity_log`),
 * which database triggers keep as the fact loader builds them (leadActivities and dealActivities in
 * ./load-facts.ts): a touch on a lead (call logged, email sent, meeting booked) with a person as
 * its actor, or a call, email, meeting or demo on a deal, but not the outcome of a meeting that was
 * not held (checked here); its rep is its actor. The caller sees a lead's activity when they (or
 * their reports) own the lead at the period's end (for a person, the leads their team owned then are
 * joined: ownedTable), and a deal's when they own the deal, as on the facts: the owner is a group
 * column, checked in JS with sightFilter, as the volume report checks its rows. An activity counts
 * behind a won deal when it is on the deal's lead and not after the win (of a lead with two deals
 * won in the period, the last in id order, as activityPerWonDeal's map keeps it), compared in SQL
 * with the instants computed in JS (instantsTable).
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
  unindexed,
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
import { segmentKeyOf } from './lead-arrivals';
import { joinOwned, ownedTable, ownerInSight } from './lead-owners';
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
  const cap = idsToRead(query.idLimit);
  const periods = [query.previous, query.period] as const;
  // Of the closed deals, what the activity behind their wins is counted for: the won deals of each
  // period, and broken down each group's won deals, and of each of their leads the instant its last
  // won deal in the group was won (tagged with the group's key).
  const wins = (deals: readonly ClosedDealCourse[]) => {
    const won = periods.map((period) => wonLeads(deals, period));
    const partsOf = dimension
      ? groupBy(deals, (deal) => dealKeys.get(deal.id)!)
      : new Map<string, ClosedDealCourse[]>();
    const groupWon = periods.map(
      (period) => new Map([...partsOf].map(([key, part]) => [key, wonLeads(part, period)] as const)),
    );
    return { won, partsOf, groupWon };
  };
  // Before the window, only the activity behind a won deal counts: a lost deal's is read only in
  // the window, as every other activity is (28 362 closed deals at 1M leads, 11 389 of them won).
  const countedBehind = async ({ won, groupWon }: ReturnType<typeof wins>) => {
    const behindWins = won.map(({ at }, which) => [
      ...[...at].map(([leadId, instant]) => ({ which, leadId, at: instant, tag: '' })),
      ...[...groupWon[which]!].flatMap(([key, part]) =>
        [...part.at].map(([leadId, instant]) => ({ which, leadId, at: instant, tag: key })),
      ),
    ]);
    return countBehindWins(
      db,
      query,
      won.flatMap((which) => which.won),
      behindWins,
      cap,
      dimension,
    );
  };
  // The window's activity is counted while the closed deals are read and the activity behind their
  // wins is counted: it depends on neither, and none of the statements runs in parallel workers (at
  // 1M leads on PostgreSQL 300, 55 and 155 ms, one after the other 0.5 s).
  const closed = closedDeals(db, query, dimension, dimension ? dealKeys : undefined).then(wins);
  const [{ won, partsOf, groupWon }, roster, inWindow, behind] = await Promise.all([
    closed,
    dimension === 'team' ? loadRoster(db, query.sight.tenant) : null,
    countWindow(db, query, cap, dimension),
    closed.then(countedBehind),
  ]);
  const rows = [...inWindow, ...behind];
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
 * The counting's grouping, shared by its two statements: each row of `placed p` (part, period, rep,
 * owner, raw kind, the lead's segment field when broken down by one, and the won deal's group tag)
 * counted, with the first `cap` ids of each group.
 */
function counting(db: Db, dimension: Dimension | undefined) {
  // A group's key in code-point order, which only has to tell equal values apart: sorting the
  // groups under the database's collation (a C.UTF-8 locale's comparison per key on PostgreSQL)
  // cost more than the order that counts, the ids'.
  const key = (column: Sql) => codePointOrder(db, column);
  // Broken down, a row also carries the activity's lead's field and, behind a group's won deal, its actor.
  const segmented = bySegmentField(dimension);
  return {
    key,
    segment: segmented ? sql`, ${key(sql`a.seg_type`)} AS seg_type, ${key(sql`a.seg_text`)} AS seg_text` : empty,
    actor: byPerson(dimension) ? key(sql`a.actor`) : sql`NULL`,
    grouped: (cap: number | undefined) =>
      countedGroups(
        db,
        sql`placed p`,
        'p',
        sql`part, which, rep, owner, kind ${segmented ? sql`, seg_type, seg_text` : empty}, tag`,
        cap,
      ),
  };
}

/** `a`'s activity as a rep's in a period: the `rep` part's columns, up to the id. */
function repColumns(db: Db, query: DealQuery, dimension: Dimension | undefined): Sql {
  const { key, segment } = counting(db, dimension);
  return sql`'rep' AS part, CASE WHEN ${inPeriod(query.previous)} THEN 0 ELSE 1 END AS which, ${key(sql`a.actor`)} AS rep,
    ${key(sql`a.owner`)} AS owner, ${key(sql`a.kind`)} AS kind ${segment}, CAST(NULL AS TEXT) AS tag, a.id`;
}

const inPeriod = (range: ReportPeriod) => sql`(a.at >= ${range.from} AND a.at < ${range.to})`;

/**
 * The activity in the window, each rep's per period (the `rep` part): the touches and deal
 * activities leadTouches and dealActivities select in it. Run beside the closed deals' read, which
 * it does not need.
 */
async function countWindow(
  db: Db,
  query: DealQuery,
  cap: number | undefined,
  dimension: Dimension | undefined,
): Promise<CountRow[]> {
  const touches = leadTouches(db, query, dimension);
  const logged = dealActivities(db, query, dimension);
  return db.$queryRaw<CountRow[]>(sql`
    WITH ${owned(db, query)} act AS MATERIALIZED (
      SELECT ${touches.columns} FROM ${touches.from} WHERE ${touches.counted} AND ${touches.inWindow}
      UNION ALL SELECT ${logged.columns} FROM ${logged.from} WHERE ${logged.counted} AND ${logged.inWindow}),
    placed AS (SELECT ${repColumns(db, query, dimension)} FROM act a)
    ${counting(db, dimension).grouped(cap)}`);
}

/**
 * The activity behind the won deals `deals` (the `won` part): every touch and deal activity on
 * their leads before `asOf` (of a lead with a deal won in a period, its instants `won`, tagged with
 * the group whose won deal it is), up to the win; and the rep's part of those countWindow does not
 * count (a touch in a period on a lead recorded after `asOf`), flagged `seen` 0. Each lead's
 * activities are read by index (ActivityLog's `leadId, origin, at`), once.
 */
async function countBehindWins(
  db: Db,
  query: DealQuery,
  deals: readonly ClosedDealCourse[],
  won: readonly (readonly { which: number; leadId: string; at: Date; tag: string }[])[],
  cap: number | undefined,
  dimension: Dimension | undefined,
): Promise<CountRow[]> {
  if (deals.length === 0) return [];
  const { key, segment, actor, grouped } = counting(db, dimension);
  const leads = valuesTable(db, [...new Set(deals.map((deal) => deal.leadId))]);
  const touches = leadTouches(db, query, dimension, true);
  const logged = dealActivities(db, query, dimension, true);
  // `seen`: countWindow counted the row.
  const ofLeads = (part: typeof touches) =>
    sql`SELECT ${part.columns}, CASE WHEN ${part.inWindow} THEN 1 ELSE 0 END AS seen
      FROM ${leads} w CROSS JOIN ${part.from} WHERE g."leadId" = w.value AND ${part.counted}`;
  return db.$queryRaw<CountRow[]>(sql`
    WITH ${owned(db, query)} act AS MATERIALIZED (${ofLeads(touches)} UNION ALL ${ofLeads(logged)}),
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
      SELECT ${repColumns(db, query, dimension)}
      FROM act a WHERE a.seen = 0 AND (${inPeriod(query.previous)} OR ${inPeriod(query.period)})
      UNION ALL
      SELECT 'won', w.which, ${actor}, ${key(sql`a.owner`)}, ${key(sql`a.kind`)} ${segment}, ${key(sql`w.tag`)}, a.id
      FROM won w CROSS JOIN act a
      WHERE a.lead_id = w.lead_id AND a.at <= w.at)
    ${grouped(cap)}`);
}

/**
 * For a person, the common table `owned` (ownedTable): the leads their team owned at the period's
 * end (or `asOf`, if earlier), each with that owner, which leadTouches joins.
 */
function owned(db: Db, query: DealQuery): Sql {
  return ownedTable(db, query.sight, reviewWindow(query).to, query.asOf);
}

/**
 * The log's tenant column: read by a lead's rows (`byLead`), one SQLite must not search by, which
 * would otherwise range over the tenant's rows before `asOf` for each lead (2.5 s at 100 000 leads)
 * rather than search `leadId, origin, at`.
 */
const tenantOf = (db: Db, byLead: boolean) => (byLead ? unindexed(db, sql`g.tenant`) : sql`g.tenant`);

/** What a statement reads of the log's touches or deal activities: its columns, its tables, what counts, and the window's part. */
interface LogSelection {
  /** id, kind, actor, at, lead_id, owner and, by a segment field, seg_type and seg_text. */
  columns: Sql;
  /** The log as `g`, with the tables the conditions read. */
  from: Sql;
  /** What makes a row of the log count, in the window or behind a won deal. */
  counted: Sql;
  /** The window's part (countWindow's): the rest counts only behind a won deal. */
  inWindow: Sql;
}

/**
 * The touches people logged on the tenant's leads: in the window, on a lead recorded before `asOf`
 * (`inWindow`, as the loader's active leads are); behind a won deal, on its lead before `asOf`.
 * Read from the activity log (a touch's kind, actor, lead and the lead's tenant and creation), by
 * index range: at 1 000 000 leads, reading a month's 94 000 touches from Interaction with each
 * one's lead took 0.37 s, from the log 0.06 s. For a person, joined with the leads their team owned
 * at the period's end (`owned`, teamAt), each with that owner: a check of each lead's owner and
 * assignments took 1.8 s for a manager in the log's time order (0.8 s in Interaction's, whose rows
 * lie in lead order), and compared emails as spelt, where the sight compares them lowercased. No
 * lead is read: a segment field comes from the log's copy (segmentOfLog).
 */
function leadTouches(db: Db, query: DealQuery, dimension: Dimension | undefined, byLead = false): LogSelection {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  return {
    columns: sql`g.id, g.kind, g.actor, g.at, g."leadId" AS lead_id,
      ${sight.all ? sql`CAST(NULL AS TEXT)` : sql`t.rep`} AS owner ${segmentOfLog(dimension)}`,
    from: sql`"ActivityLog" g ${joinOwned(sight, sql`g."leadId"`)}`,
    counted: sql`${tenantOf(db, byLead)} = ${sight.tenant} AND g.origin = 'lead' AND g.at < ${asOf}`,
    inWindow: sql`(g.at >= ${from} AND g.at < ${to} AND g."createdAt" < ${asOf})`,
  };
}

/**
 * The calls, emails, meetings and demos logged on the tenant's deals (recorded before `asOf`, of a
 * lead of the tenant, in the caller's sight), before `asOf`; not a meeting's outcome when the
 * meeting was not held. Read from the activity log, as leadTouches reads; the deal is joined only
 * for a person's sight (its owner), and no lead is read.
 */
function dealActivities(db: Db, query: DealQuery, dimension: Dimension | undefined, byLead = false): LogSelection {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  return {
    columns: sql`g.id, g.kind, g.actor, g.at, g."leadId" AS lead_id,
      ${sight.all ? sql`CAST(NULL AS TEXT)` : sql`d."ownerEmail"`} AS owner ${segmentOfLog(dimension)}`,
    from: sql`"ActivityLog" g ${sight.all ? empty : sql`CROSS JOIN "Deal" d`}`,
    counted: sql`${tenantOf(db, byLead)} = ${sight.tenant} AND g.origin = 'deal' AND g."createdAt" < ${asOf} AND g.at < ${asOf}
      ${sight.all ? empty : sql`AND d.id = g."dealId" AND ${ownerInSight(db, sight, sql`d."ownerEmail"`)}`}
      AND NOT EXISTS (SELECT 1 FROM "Meeting" m WHERE m.id = g."meetingId" AND m."dealId" = g."dealId" AND m.status <> 'held')`,
    inWindow: sql`(g.at >= ${from} AND g.at < ${to})`,
  };
}

/**
 * `, seg_type, seg_text` of the activity's lead, broken down by a segment field, as groupColumnsOf
 * gives them of the lead: read from the log's copy of the lead's fields (its `lead*` columns, kept
 * by triggers), so that no lead is read. Nothing else.
 */
function segmentOfLog(dimension: Dimension | undefined): Sql {
  const string = (column: Sql) => ({ type: sql`CASE WHEN ${column} IS NOT NULL THEN 'string' END`, text: column });
  const field = (() => {
    switch (dimension) {
      case 'source':
        return { type: sql`'string'`, text: sql`g."leadSource"` };
      case 'campaign':
        return string(sql`g."leadCampaign"`);
      case 'industry':
        return string(sql`g."leadIndustry"`);
      case 'region':
        return string(sql`g."leadRegion"`);
      case 'size':
        return {
          type: sql`CASE WHEN g."leadSizeBand" IS NOT NULL THEN 'band' WHEN g."leadSizeText" IS NOT NULL THEN 'string' END`,
          text: sql`COALESCE(g."leadSizeBand", g."leadSizeText")`,
        };
      case 'rep':
      case 'team':
      case undefined:
        return null;
    }
  })();
  return field ? sql`, ${field.type} AS seg_type, ${field.text} AS seg_text` : empty;
}
