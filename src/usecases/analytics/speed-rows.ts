/**
 * The rows behind the speed report, read in SQL as narrow projections instead of loaded facts. Per
 * lead, what response time and SLA attainment count of it (responseGroups): SQL sorts each lead as
 * responseTimeOf and slaAttainmentOf would (a response, an untouched MQL, an SLA met, breached or
 * pending, in which period) and counts a response's business hours in its owner's calendar, on a
 * table of the calendar's working time in half days (workingTimeBuckets). And every stay in a stage
 * that ended in the window, measured (whom it counts for, its stage, its length in milliseconds, and
 * the period it ended in). Both come grouped by owner and segment (the stays also by stage and
 * period), each column a comma-separated list. Percentiles stay in JS, in the pure functions of
 * src/domain/analytics (responseTimeOfCounted, slaAttainmentOfCounted, dwellOfStages): summing the
 * stays up in SQL (nearest-rank percentiles and first ids per stage) cost more in its sorts than the
 * rows' transfer it saved (docs/analytics.md).
 *
 * The leads are among those loadFacts reads for the report, so the figures are the ones computed on
 * the facts; the differential test (test/analytics/loader-differential.int.test.ts) checks this on
 * both providers.
 */
import { providerOf, type Db } from '../../db/client';
import {
  clampSql,
  commaList,
  durationMs,
  empty,
  epochMsInSql,
  join,
  jsonTable,
  raw,
  readBeside,
  sql,
  type Sql,
} from '../../db/raw-sql';
import {
  businessTimeBetween,
  WORKING_BUCKET_MS,
  workingTimeBuckets,
  type WorkingBucket,
  type WorkingCalendar,
} from '../../domain/business-time';
import type { Interval } from '../../domain/analytics/period';
import { noneCounted, ownerCalendar, type CalendarFor, type CountedResponses } from '../../domain/analytics/response';
import type { Dimension } from '../../domain/analytics/facts';
import type { StageStays } from '../../domain/analytics/stage-time';
import { DEAL_STAGES } from '../../rules/facts';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';
import { groupColumnsOf, type SegmentColumns } from './lead-arrivals';
import { joinOwned, ownedTable, ownerOnRow } from './lead-owners';

export interface SpeedQuery {
  sight: Sight;
  /** The previous period's start. */
  from: Date;
  /** The period's end. */
  to: Date;
  asOf: Date;
  /**
   * A breakdown: each row then also carries its lead's segment (SegmentColumns: by rep or team, the
   * owner at the period's end; else the segment field, read from Lead).
   */
  dimension?: Dimension;
}

/**
 * What response time and SLA attainment count of the leads with one owner at the period's end (when
 * read) and one segment (when broken down), in the previous period (0) and the period (1).
 */
export interface ResponseGroup extends SegmentColumns {
  periods: [CountedResponses, CountedResponses];
}

/** What responseGroups needs beyond SpeedQuery. */
export interface ResponseQuery extends SpeedQuery {
  /** The previous period (0) and the period (1): they do not overlap. */
  periods: readonly [Interval, Interval];
  /** The business hours response time is counted in (escalation.yaml's default calendar). */
  calendar: WorkingCalendar;
  /**
   * The time zone of each person who has one, by email in lower case, when someone works in
   * another zone than the calendar's (an owner's response is then counted in the calendar moved to
   * their zone, as ownerCalendar does); null when everyone works in the calendar's zone.
   */
  zones: ReadonlyMap<string, string> | null;
}

/**
 * The stays of one stage that ended in one period, of the leads with one owner at the period's end
 * (when read) and one segment (when broken down): each measured (its length, and whom it counts for,
 * as stayOwnerId gives it), in two lists of the same order.
 */
export interface StayGroup extends StageStays, SegmentColumns {
  /** 0 when they ended in the previous period (before the period's start), 1 in the period. */
  period: 0 | 1;
}

const touchKinds = join([...TOUCH_EVENTS]);

/**
 * How the rows of a breakdown read their lead's segment: `byOwner`, the owner at the period's end
 * (by rep or team, in the row's `rep`), or the segment field of the lead as `l` (`segmented`), as
 * `, seg_type, seg_text` (`columns`; NULLs otherwise: the rows are grouped by them either way).
 */
function segmentOfRows(
  db: Db,
  dimension: Dimension | undefined,
): { byOwner: boolean; segmented: boolean; columns: Sql } {
  const byOwner = dimension === 'rep' || dimension === 'team';
  const segmented = dimension !== undefined && !byOwner;
  const columns = segmented
    ? sql`, ${groupColumnsOf(db, dimension)}`
    : sql`, CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`;
  return { byOwner, segmented, columns };
}

/**
 * What response time and SLA attainment count, in each period of `query.periods`, of every lead in
 * the caller's sight that became an MQL and was touched or became an MQL in [from, to), or was
 * qualified with an SLA due in [from, to), as they count it from its MQL instant (stagesReaching('mql'), as reachedAt: LeadFunnel's
 * mqlAt), its first touch at or after that (LeadFunnel's mqlTouchAt; with no MQL before `asOf`, its first touch
 * since its creation), its SLA deadline when qualified and due in [from, to) (a deadline outside both periods
 * counts in neither: slaAttainmentOf skips it), and its owner at the period's end.
 *
 * One statement, from three disjoint index ranges of LeadFunnel: the leads that became MQLs (mqlAt)
 * or were first touched after it (mqlTouchAt) from `from` to the end of the period or `asOf` if
 * earlier, and those with neither there and an SLA due in [from, to) (slaDueAt, Lead's deadline
 * copied by triggers). A response row counts only such a lead (its MQL, its first touch or its SLA
 * deadline falls in the window; the first two are before `asOf`), and each of them is one loadFacts
 * reads (activeLeads: moved or touched in the window, or an SLA due in it or still ahead at `asOf`),
 * so the figures are the same. For the whole tenant the owner is read only for its calendar or its
 * group, so only when `zones` (people of the roster work in other zones than the calendar's) or
 * broken down by rep or team: from the lead's LeadFunnel row (ownerOnRow). For a person, the leads
 * their team owned (teamAt) come with their owner. At 1M leads the SLAs due in the window were read
 * from Lead and matched with the MQLs by a hash join: 150 ms of the statement's 490.
 *
 * Each lead comes sorted (a code per lead), with its response's business milliseconds when it has
 * one, in groups by owner and segment (ResponseGroup, one for the whole tenant when no owner is read),
 * each column as a comma-separated list aggregated in the same pass, as stayGroups reads the stays. At
 * 1M leads the month's 101 822 leads came as rows, each an object and three instants decoded, about
 * 0.1 s more than as lists; and counting their business hours, and sorting them, in JS took about
 * 0.1 s more than in SQL (docs/analytics.md).
 */
export async function responseGroups(db: Db, query: ResponseQuery): Promise<ResponseGroup[]> {
  const { sight, from, to, asOf } = query;
  const until = new Date(Math.min(to.getTime(), asOf.getTime()));
  // For a person, each range joined with the leads their team owned at the period's end (teamAt),
  // each with that owner, before anything is grouped: at 1M leads a manager's responses were 25 000
  // of the tenant's 103 000 grouped first. For the whole tenant the owner is read per lead, and only
  // for its calendar.
  const person = !sight.all;
  const mine = (lead: Sql) => joinOwned(sight, lead);
  const segment = segmentOfRows(db, query.dimension);
  // The owner of a lead is read from its LeadFunnel row (ownerOnRow).
  const ownerNeeded = person || query.zones !== null || segment.byOwner;
  const repOf = person ? sql`t.rep` : ownerNeeded ? ownerOnRow(until, asOf, 'f') : sql`CAST(NULL AS TEXT)`;
  // Three disjoint ranges: the MQLs in the window, the first touches in it of the others, and the
  // SLAs due in it of the leads with neither. Each lead comes as the codes read it: its MQL instant,
  // its first touch before asOf and its SLA deadline when qualified before asOf. Of the first two
  // ranges, the touch is the row's own (mqlTouchAt); of the third (unanswered), with an MQL before
  // asOf too, else its first touch since it was created, looked up. Each range is read as it is
  // coded, with nothing kept in between: at 1M leads the statement took 0.45–0.62 s with the rows
  // kept as found and then as answered (two materialized steps of 103,000 rows), 0.35–0.43 s so.
  const inWindow = (column: string) => sql`f.${raw(`"${column}"`)} >= ${from} AND f.${raw(`"${column}"`)} < ${until}`;
  const outside = (column: string) =>
    sql`(f.${raw(`"${column}"`)} IS NULL OR f.${raw(`"${column}"`)} < ${from} OR f.${raw(`"${column}"`)} >= ${until})`;
  const range = (columns: Sql, where: Sql) =>
    sql`SELECT f."leadId" AS id, ${columns}, ${repOf} AS rep
    FROM "LeadFunnel" f ${mine(sql`f."leadId"`)} WHERE f.tenant = ${sight.tenant} AND f."createdAt" < ${asOf} AND ${where}`;
  const touched = sql`f."mqlAt" AS mql_at, CASE WHEN f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END AS touch,
      CASE WHEN f."qualifiedAt" < ${asOf} AND f."slaDueAt" >= ${from} AND f."slaDueAt" < ${to} THEN f."slaDueAt" END AS sla_due`;
  const unanswered = sql`CASE WHEN f."mqlAt" < ${asOf} THEN f."mqlAt" END AS mql_at,
      CASE WHEN f."mqlAt" < ${asOf} THEN CASE WHEN f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END
        ELSE (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = f."leadId" AND i.kind IN (${touchKinds})
          AND i."occurredAt" < ${asOf} AND i."occurredAt" >= f."createdAt") END AS touch,
      f."slaDueAt" AS sla_due`;
  const answered = sql`${range(touched, inWindow('mqlAt'))}
    UNION ALL ${range(touched, sql`${inWindow('mqlTouchAt')} AND ${outside('mqlAt')}`)}
    UNION ALL ${range(
      unanswered,
      sql`f."slaDueAt" >= ${from} AND f."slaDueAt" < ${to} AND ${outside('mqlAt')} AND ${outside('mqlTouchAt')}
      AND f."qualifiedAt" < ${asOf}`,
    )}`;
  const [previous, current] = query.periods;
  if (previous.to.getTime() > current.from.getTime()) throw new Error('responseGroups: the periods overlap');
  const within = (column: Sql, { from: start, to: end }: Interval) => sql`${column} >= ${start} AND ${column} < ${end}`;
  // Per lead one code, r + 3u + 9s: r and u as responseCode gives them, s its SLA (due in the
  // previous period 1–3, in the period 4–6: met, breached, pending), as slaAttainmentOf sorts a lead
  // (0: none of them).
  const code = sql`(${responseCode(query.periods)}
    + 9 * COALESCE(CASE WHEN ${within(sql`y.sla_due`, previous)} THEN 1 WHEN ${within(sql`y.sla_due`, current)} THEN 4 END
      + CASE WHEN y.touch IS NOT NULL AND y.touch <= y.sla_due THEN 0 WHEN y.sla_due <= ${asOf} THEN 1 ELSE 2 END, 0))`;
  const lists = countedLists(db, query, until, {
    rows: sql`SELECT r.id, r.rep, r.mql_at, r.touch, r.sla_due ${segment.columns}
        FROM answered r ${segment.segmented ? sql`JOIN "Lead" l ON l.id = r.id` : empty}`,
    code,
    groups: [],
  });
  const rows = await db.$queryRaw<
    { ids: string; rep: string | null; codes: string; ms: string; seg_type: string | null; seg_text: string | null }[]
  >(sql`WITH ${ownedTable(db, sight, until, asOf)}
    answered AS (${answered}),
    ${lists.ctes}
    ${lists.select}`);
  const calendarOf = ownerCalendar(query.calendar);
  return rows.map((row) => ({
    rep: row.rep,
    segType: row.seg_type,
    segText: row.seg_text,
    periods: countedOfLists(row, query.zones, calendarOf),
  }));
}

/**
 * What one group's lists count (`ids`, and in the same order `codes`: r + 3u as responseCode
 * writes them, plus 9s in responseGroups, and `ms`, each response's business milliseconds or its two
 * instants), in the previous period (0) and the period (1). A response outside the buckets' range
 * is counted here, in the calendar of the group's owner (`rep`).
 */
export function countedOfLists(
  row: { ids: string; codes: string; ms: string; rep: string | null },
  zones: ReadonlyMap<string, string> | null,
  calendarOf: CalendarFor,
): [CountedResponses, CountedResponses] {
  const periods: [CountedResponses, CountedResponses] = [noneCounted(), noneCounted()];
  // A response outside the buckets' range, in the owner's calendar as SQL would count it.
  const zone = row.rep === null ? null : (zones?.get(row.rep.toLowerCase()) ?? null);
  const counting = (text: string, id: string) => {
    const apart = text.indexOf('~');
    if (apart < 0) return Number(text);
    const [mql, touch] = [Number(text.slice(0, apart)), Number(text.slice(apart + 1))];
    if (!Number.isFinite(mql) || !Number.isFinite(touch)) throw new Error(`countedOfLists: no instants for lead ${id}`);
    return businessTimeBetween(new Date(mql), new Date(touch), calendarOf({ ownerTimeZone: zone }));
  };
  const ids = row.ids.split(',');
  const codes = row.codes.split(',');
  const ms = row.ms.split(',');
  ids.forEach((id, i) => {
    const code = Number(codes[i]);
    const response = code % 3;
    if (response) {
      // A response has its business time or its instants: none is a bug.
      if (ms[i] === '' || ms[i] === undefined) throw new Error(`countedOfLists: no business time for lead ${id}`);
      periods[response - 1]!.ids.push(id);
      periods[response - 1]!.businessMs.push(counting(ms[i], id));
    }
    const untouchedIn = Math.floor(code / 3) % 3;
    if (untouchedIn) periods[untouchedIn - 1]!.untouched.push(id);
    const sla = Math.floor(code / 9);
    if (sla) periods[sla <= 3 ? 0 : 1][SLA_STATES[(sla - 1) % 3]!].push(id);
  });
  return periods;
}

/**
 * A lead's response and untouched MQL as responseTimeOf sorts it, as the code r + 3u of a row `y`
 * (its `mql_at` and first `touch` after it): r its response (1 in the previous period, 2 in the
 * period: a first touch in it, after an MQL), u its untouched MQL (the same: an MQL in the period with
 * no touch by its end); 0 for none.
 */
export function responseCode(periods: readonly [Interval, Interval]): Sql {
  const [previous, current] = periods;
  const within = (column: Sql, { from: start, to: end }: Interval) => sql`${column} >= ${start} AND ${column} < ${end}`;
  const responded = (p: Interval) => sql`y.mql_at IS NOT NULL AND ${within(sql`y.touch`, p)}`;
  const untouched = (p: Interval) => sql`${within(sql`y.mql_at`, p)} AND (y.touch IS NULL OR y.touch >= ${p.to})`;
  return sql`(CASE WHEN ${responded(previous)} THEN 1 WHEN ${responded(current)} THEN 2 ELSE 0 END
    + 3 * (CASE WHEN ${untouched(previous)} THEN 1 WHEN ${untouched(current)} THEN 2 ELSE 0 END))`;
}

/** The leads countedLists sorts and counts. */
export interface CodedRows {
  /** The rows `y`: id, rep, mql_at, touch, seg_type and seg_text, and the columns of `code` and `groups`. */
  rows: Sql;
  /** Each row's code (responseCode's r + 3u, and more above 9 that the caller reads), on `y`. */
  code: Sql;
  /** Columns of `y` the lists are grouped by, besides the owner and segment. */
  groups: readonly string[];
}

/**
 * The statement's tail that counts responses in SQL: common table expressions (`ctes`, the last
 * one `coded`, with no comma after it) and the final `select` of the lists countedOfLists reads, per owner, segment and `groups`:
 * each coded lead's id and code, and for a response its business milliseconds, counted on the
 * calendar's buckets (workingTimeBuckets) of its owner's zone, looked up by the bucket of its MQL and
 * of its first touch (the working time to the touch less that to the MQL, as businessTimeBetween
 * counts it). A response with an instant outside the buckets' range comes with both instants
 * instead, and is counted in JS.
 */
export function countedLists(
  db: Db,
  query: Pick<ResponseQuery, 'from' | 'calendar' | 'zones'>,
  until: Date,
  coded: CodedRows,
): { ctes: Sql; select: Sql } {
  const calendar = calendarBuckets(query, until);
  const onBuckets = countedOnBuckets(db, calendar, query.zones !== null);
  // Both databases round a quotient of whole numbers toward zero: the floor of an instant in the
  // range, which starts at 1970 or later (one outside it is counted in JS).
  const bucketOf = (ms: Sql) => sql`${ms} / ${literal(WORKING_BUCKET_MS)}`;
  // A response counted in JS comes with its two instants, `mql~touch` in epoch milliseconds.
  const instants = sql`CAST(x.mql_ms AS TEXT) || '~' || CAST(x.touch_ms AS TEXT)`;
  const extra = (alias: string) => raw(coded.groups.map((column) => `, ${alias}.${column}`).join(''));
  return {
    ctes: sql`${onBuckets.ctes}
    coded AS MATERIALIZED (
      SELECT y.id, y.rep, y.seg_type, y.seg_text, y.code, y.mql_ms, y.touch_ms, ${onBuckets.zone} AS z,
        ${bucketOf(sql`y.mql_ms`)} AS mql_bucket, ${bucketOf(sql`y.touch_ms`)} AS touch_bucket ${onBuckets.inRangeColumn} ${extra('y')}
      FROM (SELECT y.*, ${coded.code} AS code, ${epochMsInSql(db, sql`y.mql_at`)} AS mql_ms, ${epochMsInSql(db, sql`y.touch`)} AS touch_ms
      FROM (${coded.rows}) y) y)`,
    select: sql`SELECT w.rep, w.seg_type, w.seg_text ${extra('w')}, ${commaList(db, sql`w.id`)} AS ids,
      ${commaList(db, sql`CAST(w.code AS TEXT)`)} AS codes, ${commaList(db, sql`w.ms`)} AS ms
    FROM (SELECT x.rep, x.seg_type, x.seg_text ${extra('x')}, x.id, x.code,
        COALESCE(CAST(${onBuckets.ms} AS TEXT), ${instants}) AS ms
      FROM coded x ${onBuckets.join} x.code % 3 <> 0 ${onBuckets.inRange}
      UNION ALL
      SELECT x.rep, x.seg_type, x.seg_text ${extra('x')}, x.id, x.code, CASE WHEN x.code % 3 <> 0 THEN ${instants} ELSE '' END
      FROM coded x WHERE x.code <> 0 AND ${onBuckets.rest}) w
    GROUP BY w.rep, w.seg_type, w.seg_text ${extra('w')}`,
  };
}

const SLA_STATES = ['met', 'breached', 'pending'] as const;

/** How far before the window the buckets reach: a response to an older MQL is counted in JS. */
const BUCKETS_BEFORE_MS = 92 * 86_400_000;

/**
 * The calendar's buckets (workingTimeBuckets) in each zone responses are counted in (zone 0: the
 * calendar's own; then each other zone of `query.zones`), the number of each person's zone, and the
 * range the buckets cover, [start, end) in epoch milliseconds: from 92 days before the window (most
 * MQLs are answered within days), but not in 1970's first half day, to the window's end. A response whose MQL or first touch lies outside it is counted in JS:
 * an MQL from an old import does not stretch the table.
 */
function calendarBuckets(query: Pick<ResponseQuery, 'from' | 'calendar' | 'zones'>, until: Date): CalendarBuckets {
  const { calendar, zones } = query;
  // Not the first half day of 1970: an instant before 1970 rounds toward zero into bucket 0 (SQL
  // divides so), and must find no bucket.
  const from = new Date(Math.max(WORKING_BUCKET_MS, query.from.getTime() - BUCKETS_BEFORE_MS));
  const zoneNumbers = new Map([[calendar.timezone, 0]]);
  for (const zone of zones?.values() ?? []) if (!zoneNumbers.has(zone)) zoneNumbers.set(zone, zoneNumbers.size);
  const rows: WorkingBucket[] = [];
  // A window that ends before the range would start (read as of a moment before 1970) has no
  // buckets: every response, if any, is counted in JS.
  if (until.getTime() > from.getTime())
    for (const zone of zoneNumbers.keys())
      rows.push(
        ...workingTimeBuckets(zone === calendar.timezone ? calendar : { ...calendar, timezone: zone }, from, until),
      );
  const first = rows[0]?.bucket ?? 0;
  const count = rows.length / zoneNumbers.size;
  return {
    rows,
    first,
    count,
    start: first * WORKING_BUCKET_MS,
    end: (first + count) * WORKING_BUCKET_MS,
    zoneOf: Object.fromEntries([...(zones ?? [])].map(([email, zone]) => [email, zoneNumbers.get(zone)!])),
  };
}

/** The calendar's buckets in each zone, as calendarBuckets lays them out. */
interface CalendarBuckets {
  /** Zone 0's buckets (the calendar's own zone), then zone 1's, and so on, each zone's `count` in order. */
  rows: WorkingBucket[];
  /** The number of the first bucket of each zone. */
  first: number;
  count: number;
  /** The range the buckets cover, [start, end), in epoch milliseconds. */
  start: number;
  end: number;
  /** The number of each person's zone when not the calendar's, by email in lower case. */
  zoneOf: Record<string, number>;
}

/** A whole number written into the statement: PostgreSQL types a parameter in arithmetic as it likes. */
const literal = (n: number): Sql => raw(String(n));

/**
 * How the statement counts a response's business time on the buckets: the common table expressions
 * they need, the zone number of a lead `y` by its owner, what the responses `x` (with `z`,
 * `mql_bucket` and `touch_bucket`, and on SQLite `in_range`: `inRangeColumn`) are joined with, which
 * of them (`inRange`, after the join's WHERE) get their business milliseconds (`ms`, NULL when an
 * instant is out of range), and which others are sent on their own (`rest`: those with no response,
 * and on SQLite those out of range).
 *
 * The responses stay outside the joins. Both databases misjudge the sizes: the buckets' JSON as 100
 * rows or fewer, the responses as a few hundred (and as 5 once filtered on a column of theirs).
 * PostgreSQL, given the order or filtered responses, looped over the buckets for each response
 * (3.7–12 s at 1M leads): LEFT JOIN fixes the order, on (zone, bucket) or, with one zone, on the
 * bucket alone (a constant zone would cut the buckets' estimate to 1 row), and it hashes the buckets;
 * a response out of range finds no bucket and is sent with its instants. Reading the buckets from
 * arrays by position instead took 0.1 s more. SQLite joins with CROSS JOIN, which keeps the
 * responses outside and indexes the buckets for the lookups (a LEFT JOIN it scanned for every
 * response, a JOIN crossed the buckets with themselves), so only responses in range are joined.
 */
function countedOnBuckets(
  db: Db,
  calendar: CalendarBuckets,
  zoned: boolean,
): { ctes: Sql; zone: Sql; inRangeColumn: Sql; join: Sql; inRange: Sql; ms: Sql; rest: Sql } {
  const { rows, count } = calendar;
  const table = jsonTable(
    db,
    { z: 'integer', bucket: 'integer', before: 'integer', s1: 'integer', e1: 'integer', s2: 'integer', e2: 'integer' },
    rows.map((row, i) => [Math.floor(i / count), row.bucket, row.before, row.s1, row.e1, row.s2, row.e2]),
  );
  const worked = (at: string, c: string) => {
    const of = (field: string) => raw(`${c}.${field}`);
    const clamped = (s: Sql, e: Sql) => clampSql(db, sql`${raw(`x.${at}`)} - ${s}`, sql`${e} - ${s}`);
    return sql`(${of('before')} + ${clamped(of('s1'), of('e1'))} + ${clamped(of('s2'), of('e2'))})`;
  };
  const matched = (c: string, bucket: string) =>
    zoned ? raw(`${c}.z = x.z AND ${c}.bucket = x.${bucket}`) : raw(`${c}.bucket = x.${bucket}`);
  const ms = sql`${worked('touch_ms', 'ct')} - ${worked('mql_ms', 'cm')}`;
  if (providerOf(db) === 'postgresql')
    return {
      ctes: sql`cal AS MATERIALIZED ${table},`,
      ms,
      // The zone as a key of one JSON object, not a lookup among the people for each lead.
      zone: zoned
        ? sql`COALESCE(CAST(CAST(${JSON.stringify(calendar.zoneOf)} AS jsonb) ->> LOWER(y.rep) AS integer), 0)`
        : sql`0`,
      join: sql`LEFT JOIN cal cm ON ${matched('cm', 'mql_bucket')} LEFT JOIN cal ct ON ${matched('ct', 'touch_bucket')} WHERE`,
      inRangeColumn: empty,
      inRange: empty,
      rest: sql`x.code % 3 = 0`,
    };
  const people = jsonTable(db, { rep: 'text', z: 'integer' }, Object.entries(calendar.zoneOf));
  return {
    ctes: sql`cal AS MATERIALIZED ${table}, ${zoned ? sql`zone AS MATERIALIZED ${people},` : empty}`,
    ms,
    zone: zoned ? sql`COALESCE((SELECT p.z FROM zone p WHERE p.rep = LOWER(y.rep)), 0)` : sql`0`,
    join: sql`CROSS JOIN cal cm CROSS JOIN cal ct WHERE ${matched('cm', 'mql_bucket')} AND ${matched('ct', 'touch_bucket')} AND`,
    inRangeColumn: sql`, CASE WHEN y.mql_ms >= ${literal(calendar.start)} AND y.mql_ms < ${literal(calendar.end)}
      AND y.touch_ms >= ${literal(calendar.start)} AND y.touch_ms < ${literal(calendar.end)} THEN 1 ELSE 0 END AS in_range`,
    inRange: sql`AND x.in_range = 1`,
    rest: sql`(x.code % 3 = 0 OR x.in_range = 0)`,
  };
}

/**
 * Every stay of a lead in the caller's sight, or of its deal, that ended in [from, min(to, asOf)), in
 * groups (StayGroup: by stage, period, owner and segment, each group's lengths and ids as two
 * comma-separated lists, aggregated in one pass so that their orders match): at 1M leads the 205 000
 * stays of a month and the one before came as as many rows, whose decoding and garbage collection
 * took more of the report than the statement. The stays are
 * the ended stays StageStay keeps (each stage event with the next one's instant, in the loader's
 * order, occurredAt then id), read by index range on StageStay(tenant, leftAt, …), but none in a
 * closed deal stage. A stay that ended before asOf began and ended with events before it, as the
 * loader reads them; its lead is one the loader reads (activeLeads: it moved in the window). For the
 * whole tenant no lead is looked up unless broken down (its owner by rep or team, else its segment
 * field); the deal of a stay is, for a stay in a deal stage only (a join
 * PostgreSQL hashes: probing Deal per stay took 0.12 s for 39 000 stays at 1M leads). Each
 * stay comes measured: whom it counts for (its deal in a deal stage, else its lead), its length in
 * milliseconds, and whether it ended before `split` (the period's start: the previous period).
 */
export async function stayGroups(db: Db, query: SpeedQuery & { split: Date }): Promise<StayGroup[]> {
  const { sight, from, to, asOf, split } = query;
  const end = new Date(Math.min(to.getTime(), asOf.getTime()));
  // For the whole tenant, the range alone. For a person, the range joined with the leads their team
  // owned at the end (teamAt, one hash), each with that owner: PostgreSQL estimates the join from
  // StageStay's statistics (from a materialized range it could not, and sorted both sides to merge
  // them). With the team's leads beside the range, it probed StageStay for every lead of the team.
  const ranged = (columns: Sql, from_: Sql) => sql`SELECT e."leadId", e.stage, e."enteredAt", e."leftAt", ${columns}
    FROM ${from_}
    WHERE e.tenant = ${sight.tenant} AND e."leftAt" >= ${from} AND e."leftAt" < ${end}
      AND e.stage NOT IN ('closed-won', 'closed-lost') AND e."leadCreatedAt" < ${asOf}`;
  const segment = segmentOfRows(db, query.dimension);
  // For the whole tenant by rep or team, the owner at the period's end of each stay's lead, from its
  // row of LeadOwnership joined (PostgreSQL hashes the range's stays and scans LeadOwnership once: at
  // 1M leads, probing it for each of a month's 209 000 stays took 2.3 s, the join 0.35 s).
  const owner = segment.byOwner ? ownerOnRow(end, asOf, 'own') : sql`CAST(NULL AS TEXT)`;
  const ownership = segment.byOwner ? sql`LEFT JOIN "LeadOwnership" own ON own."leadId" = e."leadId"` : empty;
  const source = sight.all
    ? sql`e.rep FROM (${ranged(sql`${owner} AS rep`, sql`"StageStay" e ${ownership}`)}) e`
    : sql`e.rep FROM stay e`;
  const team = sight.all
    ? empty
    : sql`WITH ${ownedTable(db, sight, end, asOf)}
      stay AS MATERIALIZED (${ranged(sql`t.rep`, sql`"StageStay" e ${joinOwned(sight, sql`e."leadId"`)}`)})`;
  // Narrow columns, the length already in milliseconds: at 1M leads the 209 000 stays of a month and
  // the one before took 0.55–0.7 s to read with both instants and the deal apart, 0.36 s so.
  const rows = await readBeside<
    {
      stage: string;
      p: unknown;
      ms: string;
      ids: string;
      rep: string | null;
      seg_type: string | null;
      seg_text: string | null;
    }[]
  >(
    db,
    sql`${team}
    SELECT s.stage, s.p, s.rep, s.seg_type, s.seg_text, ${commaList(db, sql`CAST(s.ms AS TEXT)`)} AS ms,
      ${commaList(db, sql`s.id`)} AS ids
    FROM (SELECT COALESCE(d.id, e."leadId") AS id,
      e.stage, CASE WHEN e."leftAt" < ${split} THEN 0 ELSE 1 END AS p,
      ${durationMs(db, sql`e."enteredAt"`, sql`e."leftAt"`)} AS ms ${segment.columns}, ${source}
    LEFT JOIN "Deal" d ON d."leadId" = e."leadId" AND e.stage IN (${join([...DEAL_STAGES])})
      AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf}
    ${segment.segmented ? sql`JOIN "Lead" l ON l.id = e."leadId"` : empty}) s
    GROUP BY s.stage, s.p, s.rep, s.seg_type, s.seg_text`,
  );
  return rows.map((row) => ({
    stage: row.stage,
    period: Number(row.p) === 0 ? 0 : 1,
    ms: row.ms.split(',').map(Number),
    ids: row.ids.split(','),
    rep: row.rep,
    segType: row.seg_type,
    segText: row.seg_text,
  }));
}
