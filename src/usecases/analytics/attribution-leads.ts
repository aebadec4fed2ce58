/**
 * The rule attribution report's rows, read in SQL as aggregates instead of loaded facts, per ruleset
 * version, owner and segment field: each cohort lead's stages reached, each response's business
 * hours and each untouched MQL (counted as the speed report counts them: countedLists), and the
 * leads of the deals closed in the window. Each lead that counts in the period or the one before is
 * read once by each of the two statements it counts in (the cohorts and deals' one, the responses'
 * one), with the version it is attributed to (rulesetOf, computed in the statement), its owner
 * at the period's end, its creation and first arrival at each funnel stage (LeadFunnel, cut at
 * `asOf`) and its first touch after it became an MQL (LeadFunnel's mqlTouchAt, cut at `asOf`). By
 * scoring, the version on its first MQL transition is LeadFunnel's too (mqlVersion).
 *
 * A lead counts when it was created, became an MQL, had its first touch after that or had a deal
 * closed in the window: a lead outside these adds nothing to a cohort funnel, a response time or a
 * win rate of either period, and a version none of whose leads counts has no row
 * (attributionRows). So the leads are read from index ranges of LeadFunnel, whatever else the
 * fact loader reads. The differential test (test/analytics/loader-differential.int.test.ts) requires the
 * report equal to the one computed on every row, on both providers.
 */
import { providerOf, type Db } from '../../db/client';
import { codePointOrder, commaList, empty, join, plusDays, raw, sql, type Sql } from '../../db/raw-sql';
import type { AttributionBy } from '../../domain/analytics/attribution';
import type { Dimension } from '../../domain/analytics/facts';
import type { Interval } from '../../domain/analytics/period';
import { ownerCalendar, type CountedResponses } from '../../domain/analytics/response';
import type { WorkingCalendar } from '../../domain/business-time';
import { byPerson } from './breakdown-groups';
import { bySegmentField, funnelLeadSegment, reviewWindow } from './closed-deals';
import type { DealQuery } from './deal-courses';
import { type SegmentColumns } from './lead-arrivals';
import { joinOwned, ownedTable, ownerOnRow } from './lead-owners';
import { countedLists, countedOfLists, responseCode } from './speed-rows';

/** What one group of the report's rows is: one version, owner and segment field, as far as they are read. */
export interface AttributionGroup extends SegmentColumns {
  /** rulesetOf: null when no rule decided on the group's leads. */
  version: string | null;
  /**
   * The owner at the period's end: read for a person's sight, by rep or team, and, for the whole
   * tenant, for a response counted in its owner's calendar (people of the roster work in other
   * zones than the calendar's).
   */
  rep: string | null;
}

/** The responses of one group, in the period (0) and the previous one (1), as countedOfLists reads them. */
export interface AttributionResponses extends AttributionGroup {
  periods: [CountedResponses, CountedResponses];
}

/** The leads of one group with a deal closed in the window, whose version its deals count under. */
export interface AttributionDealLeads extends AttributionGroup {
  ids: string[];
}

/**
 * The leads of one version created in one period (0: the period, 1: the one before), with one
 * owner and segment field as far as they are read (AttributionGroup's): their ids in no order and,
 * in the same order, which funnel stages each reached (COHORT_BITS). Not sorted in SQL: with the
 * API's idLimit the report picks each figure's first ids in one pass (sortedIds with a cap; without
 * one, or above 255, it sorts them), and the sort of 170 000 cohort leads at 1M leads cost about
 * 0.1 s of the statement.
 */
export interface AttributionCohort extends AttributionGroup {
  period: 0 | 1;
  ids: string[];
  reached: number[];
}

/**
 * The bit of each stage after `lead` a cohort lead reached before `asOf` (and within N days of its
 * creation), and of `maturing`: its N days are not over at `asOf`.
 */
export const COHORT_BITS = { mql: 1, sql: 2, opportunity: 4, won: 8, maturing: 16 } as const;

/** A LeadFunnel column of `f`, cut at `asOf`: the first arrival before then, if any (it is the minimum). */
const arrival = (column: 'mqlAt' | 'sqlAt' | 'opportunityAt' | 'wonAt', asOf: Date): Sql =>
  sql`CASE WHEN ${raw(`f."${column}"`)} < ${asOf} THEN ${raw(`f."${column}"`)} END`;

/**
 * The version lead `b` is attributed to, as rulesetOf: by routing, its first routing decision
 * before `asOf` (LeadFunnel's routedAt and routedVersion: the first one, when before asOf); by
 * scoring, the version on its first MQL transition before `asOf` (LeadFunnel's mqlEventAt and
 * mqlVersion: the first one before asOf is the first one), else that of the last scoring decision
 * at or before it, or, not an MQL, its last scoring decision before `asOf` (LeadFunnel's
 * scoredVersion when its scoredSince is before asOf: every scoring decision of the lead since then
 * has that version; a lead scored by another version since is probed). Decisions in the loader's
 * order (decidedAt, then id in code-point order). The probes are left for the few leads LeadFunnel
 * does not answer for: at 1M leads, probing the last scoring decision of the 68 000 leads of a month
 * never made MQLs took 0.3 s.
 */
function versionOf(db: Db, by: AttributionBy, asOf: Date): Sql {
  if (by === 'routing') return sql`b.routed_version`;
  const decided = sql`d."leadId" = b.id AND d.kind = ${by} AND d."decidedAt" < ${asOf}`;
  const id = codePointOrder(db, sql`d.id`);
  const last = (until: Sql) =>
    sql`(SELECT d."rulesetVersion" FROM "Decision" d WHERE ${decided} ${until} ORDER BY d."decidedAt" DESC, ${id} DESC LIMIT 1)`;
  return sql`(CASE WHEN b.mql_event_at IS NOT NULL THEN COALESCE(b.mql_version, ${last(sql`AND d."decidedAt" <= b.mql_event_at`)})
    WHEN b.scored_since IS NULL THEN NULL WHEN b.scored_since < ${asOf} THEN b.scored_version ELSE ${last(empty)} END)`;
}

/** Whether the instant in `column` lies in [from, to), in parentheses. */
const within = (column: string, { from, to }: Interval): Sql =>
  sql`(${raw(column)} >= ${from} AND ${raw(column)} < ${to})`;

/**
 * The period and the previous one (cohorts 0 and 1), read at `asOf`, as closedDeals reads them: the
 * window is the previous period's start to the period's end, or `asOf` if earlier (reviewWindow),
 * and the owner is read at its end.
 */
export interface AttributionQuery extends DealQuery {
  by: AttributionBy;
  /** Count a stage only when reached within this many days of the lead's creation. */
  withinDays?: number;
  /** The business hours a response is counted in (escalation.yaml's default calendar). */
  calendar: WorkingCalendar;
  /**
   * Each person's time zone by email in lower case, when people of the roster work in other zones
   * than the calendar's (Roster.worksBeyond); null otherwise. For the whole tenant the owner only
   * picks a response's calendar, so it is read only then.
   */
  zones: ReadonlyMap<string, string> | null;
  /** Split by this dimension: each lead's owner at the period's end (by rep or team) or segment field is read. */
  dimension?: Dimension;
}

/** What the report reads: the cohorts, the responses and the leads of deals, by group. */
export interface AttributionRead {
  cohorts: AttributionCohort[];
  responses: AttributionResponses[];
  dealLeads: AttributionDealLeads[];
}

/** Which leads a statement of the report reads: the cohorts and the deals' leads, or the responses. */
type CountingPart = 'cohorts' | 'responses';

/**
 * The leads that count in the window for one part of the report (see the header), each with its
 * version (`v`), from ranges of LeadFunnel. For the cohorts and the deals' leads: those created in the
 * window, and those whose first close is in it, created before or after it (a deal's first close is
 * its lead's, as closedDeals reads it). For the responses: those made MQLs in the window, and those
 * first touched in it after an MQL outside it. For a person, those their team owned at the period's
 * end (teamAt), each with that owner, before each is looked up.
 */
function countingLeads(db: Db, query: AttributionQuery, part: CountingPart): Sql {
  const { sight, by, asOf } = query;
  const { from, to } = reviewWindow(query);
  const { tenant } = sight;
  // For a person, the owner at the period's end of each lead their team owned then (teamAt). For the
  // whole tenant the owner is only the calendar of a response in the window.
  const responded = sql`f."mqlAt" < ${asOf} AND f."mqlTouchAt" >= ${from} AND f."mqlTouchAt" < ${to}`;
  const { dimension } = query;
  const rep = !sight.all
    ? sql`t.rep`
    : byPerson(dimension)
      ? ownerOnRow(to, asOf, 'f')
      : query.zones !== null && part === 'responses'
        ? sql`CASE WHEN ${responded} THEN ${ownerOnRow(to, asOf, 'f')} END`
        : sql`CAST(NULL AS TEXT)`;
  const segment = funnelLeadSegment(db, dimension);
  const inWindow = (column: string) => within(column, { from, to });
  // Each part reads only what it counts, all of it in the index of its first range: LeadFunnel(tenant,
  // createdAt, …) for the cohorts, (tenant, mqlAt, …) for the responses, so that each reads its
  // leads from its index alone (at 1M leads the cohorts' 170 000 rows took 250 ms to read from the
  // table, a sequential scan, and the responses' 102 000 190 ms, a bitmap scan). The responses read
  // no cohort arrival nor close, the cohorts no first touch.
  const responses = part === 'responses';
  const cohortOnly = (column: Sql) => (responses ? sql`CAST(NULL AS TIMESTAMP)` : column);
  const responsesOnly = (column: Sql) => (responses ? column : sql`CAST(NULL AS TIMESTAMP)`);
  // Disjoint ranges, each a lead's row read as its index gives it (a lead counts in the first range
  // it is in, and is left out of the later ones; a missing instant is in none): no union to sort
  // out duplicates, and no second read of the rows by id, which hashed all of LeadFunnel.
  const select = (where: Sql, rows: Sql = sql`"LeadFunnel" f`) =>
    sql`SELECT f."leadId" AS id, f."createdAt" AS created, ${arrival('mqlAt', asOf)} AS mql_at,
        ${cohortOnly(arrival('sqlAt', asOf))} AS sql_at, ${cohortOnly(arrival('opportunityAt', asOf))} AS opportunity_at,
        ${cohortOnly(arrival('wonAt', asOf))} AS won_at,
        ${responsesOnly(sql`CASE WHEN f."mqlAt" < ${asOf} AND f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END`)} AS touch,
        ${cohortOnly(sql`f."closedAt"`)} AS closed_at, ${rep} AS rep,
        CASE WHEN f."mqlEventAt" < ${asOf} THEN f."mqlEventAt" END AS mql_event_at, f."mqlVersion" AS mql_version,
        f."scoredSince" AS scored_since, f."scoredVersion" AS scored_version,
        CASE WHEN f."routedAt" < ${asOf} THEN f."routedVersion" END AS routed_version
        ${segment.columns}
      FROM ${rows} ${joinOwned(sight, sql`f."leadId"`)} ${segment.join}
      WHERE f.tenant = ${tenant} AND ${where}`;
  const outside = (...earlier: string[]) =>
    join([empty, ...earlier.map((column) => sql`AND ${inWindow(column)} IS NOT TRUE`)], ' ');
  // A narrow range (a few thousand leads at 1M): on PostgreSQL its ids come from its index alone
  // (its columns are in it), and each lead's row is then read by its key. PostgreSQL estimates a
  // range by its columns apart (65 000 of the month's 100 000 MQLs created before it, against
  // 2 400: most leads become MQLs within days), and scanned all of LeadFunnel in parallel for such
  // a range (80–100 ms at 1M leads, against 15–20 ms). `LIMIT 1` keeps the read of a row a probe by
  // key: the subquery is not pulled up into a join PostgreSQL would hash.
  const narrow = (where: Sql) =>
    providerOf(db) === 'postgresql'
      ? select(
          sql`TRUE`,
          sql`(SELECT f."leadId" AS id FROM "LeadFunnel" f WHERE f.tenant = ${tenant} AND ${where}) i
            CROSS JOIN LATERAL (SELECT * FROM "LeadFunnel" f WHERE f."leadId" = i.id LIMIT 1) f`,
        )
      : select(where);
  const ranges =
    part === 'cohorts'
      ? [
          select(sql`${inWindow('f."createdAt"')} AND f."createdAt" < ${asOf}`),
          select(sql`${inWindow('f."closedAt"')} AND f."createdAt" < ${asOf} ${outside('f."createdAt"')}`),
        ]
      : [
          // LeadFunnel(tenant, mqlAt, createdAt, …) holds both bounds.
          select(sql`${inWindow('f."mqlAt"')} AND f."createdAt" < ${asOf}`),
          narrow(sql`${inWindow('f."mqlTouchAt"')} AND f."createdAt" < ${asOf} ${outside('f."mqlAt"')}`),
        ];
  const segmented = bySegmentField(dimension);
  // The cohorts' leads are read twice (the cohorts and the deals' leads), so they are kept. The
  // responses' are read once, as they are coded: on PostgreSQL at 1M leads, kept first, that
  // statement took 349–400 ms, read as coded 290–334 ms. SQLite keeps them either way.
  const kept = part === 'cohorts' || providerOf(db) === 'sqlite' ? sql`MATERIALIZED ` : empty;
  return sql`${ownedTable(db, sight, to, asOf)}
    v AS ${kept}(SELECT b.id, ${versionOf(db, by, asOf)} AS version, b.rep, b.created, b.mql_at, b.sql_at,
      b.opportunity_at, b.won_at, b.touch, b.closed_at,
      ${segmented ? sql`b.seg_type, b.seg_text` : sql`CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`}
      FROM (${join(ranges, ' UNION ALL ')}) b)`;
}

/**
 * The cohort leads of `v`, those created in either period (before `asOf`), each with its period and
 * what it reached (COHORT_BITS), as cohortArrivals counts the funnel report's: a stage reached before
 * `asOf` (and within `withinDays` of its creation); with `withinDays`, whether its days are not over
 * at `asOf`.
 */
function cohortLeads(db: Db, query: AttributionQuery): Sql {
  const { period, previous, withinDays, asOf } = query;
  const created = sql`v.created`;
  const inPeriod = (interval: Interval) => within('v.created', interval);
  const inDays = (reached: Sql) =>
    withinDays === undefined ? empty : sql`AND ${reached} < ${plusDays(db, created, withinDays)}`;
  const bit = (column: string, value: number) => {
    const reached = raw(`v.${column}`);
    return sql`CASE WHEN ${reached} IS NOT NULL ${inDays(reached)} THEN ${raw(String(value))} ELSE 0 END`;
  };
  // createdAt + N days > asOf, in milliseconds as cohortFunnel counts them.
  const maturing =
    withinDays === undefined
      ? sql`0`
      : sql`CASE WHEN v.created > ${new Date(asOf.getTime() - withinDays * 86_400_000)} THEN ${raw(String(COHORT_BITS.maturing))} ELSE 0 END`;
  // The owner only when the sight or the breakdown keys on it: read for a response's calendar, it
  // would only split the groups.
  const rep = !query.sight.all || byPerson(query.dimension) ? sql`v.rep` : sql`CAST(NULL AS TEXT)`;
  return sql`SELECT v.id, CASE WHEN ${inPeriod(period)} THEN 0 ELSE 1 END AS period, v.version, ${rep} AS rep,
      v.seg_type, v.seg_text,
      ${bit('mql_at', COHORT_BITS.mql)} + ${bit('sql_at', COHORT_BITS.sql)} + ${bit('opportunity_at', COHORT_BITS.opportunity)}
        + ${bit('won_at', COHORT_BITS.won)} + ${maturing} AS reached
    FROM v WHERE (${inPeriod(period)} OR ${inPeriod(previous)}) AND v.created < ${asOf}`;
}

/** One row of the report's statements: a group's lists, of the kind `kind`. */
interface ReadRow {
  kind: string;
  period: unknown;
  version: string | null;
  rep: string | null;
  seg_type: string | null;
  seg_text: string | null;
  ids: string | null;
  codes: string | null;
  ms: string | null;
}

/**
 * The report's rows, in lists per version, period, owner and segment field, as speed's responses
 * come: at 1M leads a month and the one before hold 166 000 cohort leads and 100 000 MQLs, which
 * came as rows (each an object, and its instants decoded) and were walked in JS. Two statements, side
 * by side, each over the leads that count for its part (`v`: countingLeads):
 * - the cohorts and the deals' leads:
 *   - `c`: the cohort leads, as `reached~id` (cohortLeads);
 *   - `d`: the leads with a deal closed in the window (LeadFunnel's closedAt, as closedDeals reads them);
 * - `r`: the responses and untouched MQLs of the window (responseCode), each response's business
 *   milliseconds counted on the calendar's buckets (countedLists).
 *
 * Neither statement runs in parallel workers, so on PostgreSQL each has a core: in one statement
 * over every lead that counts, the report took 0.90–0.92 s at 1M leads (docs/analytics.md).
 */
export async function attributionRead(db: Db, query: AttributionQuery): Promise<AttributionRead> {
  const { from, to } = reviewWindow(query);
  const inWindow = (column: string) => within(column, { from, to });
  const responses = countedLists(db, { from, calendar: query.calendar, zones: query.zones }, to, {
    rows: sql`SELECT v.id, v.version, v.rep, v.seg_type, v.seg_text, v.mql_at, v.touch FROM v
      WHERE v.mql_at IS NOT NULL AND (${inWindow('v.touch')} OR ${inWindow('v.mql_at')})`,
    code: responseCode([query.previous, query.period]),
    groups: ['version'],
  });
  // Each cohort lead as `reached~id`.
  const entry = sql`CAST(c.reached AS TEXT) || '~' || c.id`;
  const [cohortRows, responseRows] = await Promise.all([
    db.$queryRaw<ReadRow[]>(sql`WITH ${countingLeads(db, query, 'cohorts')}
    SELECT 'c' AS kind, c.period, c.version, c.rep, c.seg_type, c.seg_text,
      ${commaList(db, entry)} AS ids, CAST(NULL AS TEXT) AS codes, CAST(NULL AS TEXT) AS ms
    FROM (${cohortLeads(db, query)}) c GROUP BY c.period, c.version, c.rep, c.seg_type, c.seg_text
    UNION ALL
    SELECT 'd', NULL, v.version, v.rep, v.seg_type, v.seg_text, ${commaList(db, sql`v.id`)}, NULL, NULL
    FROM v WHERE ${inWindow('v.closed_at')} GROUP BY v.version, v.rep, v.seg_type, v.seg_text`),
    db.$queryRaw<ReadRow[]>(sql`WITH ${countingLeads(db, query, 'responses')},
    ${responses.ctes}
    SELECT 'r' AS kind, NULL AS period, r.version, r.rep, r.seg_type, r.seg_text, r.ids, r.codes, r.ms
    FROM (${responses.select}) r`),
  ]);
  const rows = [...cohortRows, ...responseRows];
  const read: AttributionRead = { cohorts: [], responses: [], dealLeads: [] };
  const calendarOf = ownerCalendar(query.calendar);
  for (const row of rows) {
    const group: AttributionGroup = {
      version: row.version,
      rep: row.rep,
      segType: row.seg_type,
      segText: row.seg_text,
    };
    if (row.kind === 'c') {
      const period = Number(row.period);
      if (period !== 0 && period !== 1)
        throw new Error(`attributionRead: a cohort of no period (${String(row.period)})`);
      const cohort: AttributionCohort = { ...group, period, ids: [], reached: [] };
      for (const each of row.ids ? row.ids.split(',') : []) {
        const apart = each.indexOf('~');
        cohort.reached.push(Number(each.slice(0, apart)));
        cohort.ids.push(each.slice(apart + 1));
      }
      read.cohorts.push(cohort);
    } else if (row.kind === 'r') {
      const lists = { ids: row.ids ?? '', codes: row.codes ?? '', ms: row.ms ?? '', rep: row.rep };
      // Coded as speed codes them, the previous period first: turned to the report's order.
      const [before, current] = countedOfLists(lists, query.zones, calendarOf);
      read.responses.push({ ...group, periods: [current, before] });
    } else read.dealLeads.push({ ...group, ids: row.ids ? row.ids.split(',') : [] });
  }
  return read;
}
