/**
 * Funnel arrivals counted in SQL, for the volume and funnel reports: how many leads first reached
 * each stage (lead, mql, sql, opportunity, won) in each time bucket, or, for a cohort, how many of
 * the leads created in each bucket reached each stage, grouped by owner and one segment field, with
 * the first ids of each group in code-point order. The statement reads only aggregates: at 100 000
 * leads it returns tens of rows where loading the facts read a hundred thousand.
 *
 * The definitions stay those of src/domain/analytics (reachedAt, volume, cohortFunnel): a stage is
 * reached at the first stage event whose stage stands for it or a later one (stagesReaching), the
 * owner is the one at the period's end (the last assignment before it, as fact-rows' ownersAt
 * reads it), buckets are ranges of instants computed in JS (bucketRanges), so SQL does no time-zone
 * arithmetic. The differential test (test/analytics/loader-differential.int.test.ts) requires the
 * reports built from these rows to equal the ones computed on the facts, on both providers.
 */
import type { Db } from '../../db/client';
import {
  codePointOrder,
  commaList,
  countedGroups,
  empty,
  join,
  jsonField,
  plusDays,
  raw,
  type Sql,
  sql,
} from '../../db/raw-sql';
import { companySize, NONE, type Dimension } from '../../domain/analytics/facts';
import type { Sight } from '../visibility';
import { joinOwned, ownedTable, ownerOnRow } from './lead-owners';
import type { Roster } from './roster';

export interface ArrivalQuery {
  sight: Sight;
  asOf: Date;
  /** Who owns a lead: its owner at this moment (the period's end, or `asOf` if earlier). */
  ownerCut: Date;
  /** The segment field to group by besides the owner (none for a report not broken down). */
  dimension?: Dimension;
  /** Ids per group to read (the first, in code-point order); every id without it. */
  idLimit?: number;
  /** Bucket i is [bounds[i], bounds[i + 1]); a lead outside [bounds[0], bounds.at(-1)) is not read. */
  bounds: readonly Date[];
}

/** One group's count and first ids, by owner and segment field, stage and bucket. */
export interface ArrivalRow {
  /** The owner at the cut (read when the sight or the dimension needs it). */
  rep: string | null;
  /**
   * The segment field as read: `segType` is 'string' (then `segText` is the value), 'band' (a
   * numeric employee count already banded: `segText` is the band), another JSON type, or null.
   */
  segType: string | null;
  segText: string | null;
  /** A funnel stage, or `maturing` (cohort leads whose N days are not over at `asOf`). */
  stage: string;
  bucket: number;
  count: number;
  ids: string[];
}

/** The bucket index of `at` among `bounds`, as a balanced CASE tree (log₂ comparisons per row). */
function bucketIndex(at: Sql, bounds: readonly Date[], lo = 0, hi = bounds.length - 1): Sql {
  if (hi - lo <= 1) return raw(String(lo));
  const mid = (lo + hi) >> 1;
  return sql`(CASE WHEN ${at} < ${bounds[mid]} THEN ${bucketIndex(at, bounds, lo, mid)} ELSE ${bucketIndex(at, bounds, mid, hi)} END)`;
}

/**
 * The owner of lead `lead` (by default `l.id`) at `cut` (at or before `asOf`): its last assignment
 * before then, its row's owner (`owner`, by default `l`'s column, read only then) if never
 * assigned before `asOf`. The last assignment is probed first, so a lead assigned to a rep before
 * `cut` needs no second probe (a queued one, with no rep, reads null either way).
 */
export function ownerAt(cut: Date, asOf: Date, owner: Sql = sql`l."ownerId"`, lead: Sql = sql`l.id`): Sql {
  // Its own alias for Assignment, `owner_a`: a caller's `a.id` would otherwise name the assignment.
  return sql`COALESCE((SELECT owner_a."repEmail" FROM "Assignment" owner_a
      WHERE owner_a."leadId" = ${lead} AND owner_a."assignedAt" < ${cut}
      ORDER BY owner_a."assignedAt" DESC, owner_a.id DESC LIMIT 1),
    CASE WHEN EXISTS (SELECT 1 FROM "Assignment" owner_a WHERE owner_a."leadId" = ${lead} AND owner_a."assignedAt" < ${asOf})
    THEN NULL ELSE ${owner} END)`;
}

const NULL_FIELD = { type: sql`CAST(NULL AS TEXT)`, text: sql`CAST(NULL AS TEXT)` };

/**
 * Lead `l`'s value of `dimension` as (type, text). Employee counts are banded here with the
 * cut-offs of companySize (src/domain/analytics/facts.ts); a count given as text is banded in JS.
 */
function segmentOf(db: Db, dimension: Dimension | undefined): { type: Sql; text: Sql } {
  switch (dimension) {
    case undefined:
    case 'rep':
    case 'team':
      return NULL_FIELD;
    case 'source':
      return { type: sql`'string'`, text: sql`l.source` };
    case 'campaign':
      return jsonField(db, sql`l."sourceDetails"`, 'campaign');
    case 'industry':
    case 'region': {
      const field = jsonField(db, sql`l.attributes`, dimension);
      return { type: field.type, text: field.text };
    }
    case 'size': {
      const field = jsonField(db, sql`l.attributes`, 'employees');
      const band = sql`(CASE WHEN ${field.number} < 1 THEN 'unknown' WHEN ${field.number} < 50 THEN '1-49'
        WHEN ${field.number} < 200 THEN '50-199' WHEN ${field.number} < 1000 THEN '200-999' ELSE '1000+' END)`;
      return {
        type: sql`(CASE WHEN ${field.type} = 'number' THEN 'band' ELSE ${field.type} END)`,
        text: sql`(CASE WHEN ${field.type} = 'number' THEN ${band} ELSE ${field.text} END)`,
      };
    }
  }
}

/** `seg_type, seg_text` of lead `l`. */
export function groupColumnsOf(db: Db, dimension: Dimension | undefined): Sql {
  const segment = segmentOf(db, dimension);
  return sql`${segment.type} AS seg_type, ${segment.text} AS seg_text`;
}

/** What a row says of its lead's segment: its owner at the period's end, and groupColumnsOf's field. */
export interface SegmentColumns {
  rep: string | null;
  segType: string | null;
  segText: string | null;
}

function text(value: string | null): string | null {
  return value !== null && value.trim() !== '' ? value.trim() : null;
}

/**
 * The breakdown key of a row, as dimensionKey gives it for the lead's segment (by team, the team of
 * the owner on `roster`, which only a breakdown by team needs).
 */
export function segmentKeyOf(row: SegmentColumns, dimension: Dimension, roster: Pick<Roster, 'teamOf'> | null): string {
  const value = (() => {
    switch (dimension) {
      case 'rep':
        return row.rep?.toLowerCase() ?? null;
      case 'team':
        return roster?.teamOf(row.rep) ?? null;
      case 'source':
        return row.segText;
      case 'campaign':
      case 'industry':
      case 'region':
        return row.segType === 'string' ? text(row.segText) : null;
      case 'size':
        return row.segType === 'band' ? row.segText : companySize(row.segType === 'string' ? row.segText! : undefined);
    }
  })();
  return value === null || value === '' ? NONE : value;
}

/** Counts and first ids per group of `placed` (id, rep, seg_type, seg_text, stage, bucket). */
async function countPlaced(db: Db, query: ArrivalQuery, ctes: Sql): Promise<ArrivalRow[]> {
  const rows = await db.$queryRaw<
    {
      rep: string | null;
      seg_type: string | null;
      seg_text: string | null;
      stage: string;
      bucket: unknown;
      n: unknown;
      ids: string | null;
    }[]
  >(sql`WITH ${ctes}
    ${countedGroups(db, sql`placed p`, 'p', sql`rep, seg_type, seg_text, stage, bucket`, query.idLimit)}`);
  return rows.map((row) => ({
    rep: row.rep,
    segType: row.seg_type,
    segText: row.seg_text,
    stage: row.stage,
    bucket: Number(row.bucket),
    count: Number(row.n),
    ids: row.ids ? row.ids.split(',') : [],
  }));
}

/** Each funnel stage after `lead`, and its first arrival's column in LeadFunnel. */
const FUNNEL_COLUMNS = [
  ['mql', 'mqlAt'],
  ['sql', 'sqlAt'],
  ['opportunity', 'opportunityAt'],
  ['won', 'wonAt'],
] as const;

/**
 * One kind of arrival: the LeadFunnel rows `f` of the tenant whose instant in `column` falls in a
 * bucket and that meet `when` (a condition on `f`, or none), counted as `stage`.
 */
interface Arm {
  stage: string;
  column: 'createdAt' | (typeof FUNNEL_COLUMNS)[number][1];
  when: Sql | null;
}

const columnOf = (arm: Arm): Sql => raw(`f."${arm.column}"`);
const andWhen = (arm: Arm): Sql => (arm.when === null ? empty : sql`AND ${arm.when}`);

/** The buckets an arrival can fall in: [bounds[i], bounds[i + 1]) cut at `to` (the earlier of the last bound and asOf). */
function bucketsOf(query: ArrivalQuery): { index: number; from: Date; to: Date }[] {
  const { bounds, asOf } = query;
  const to = Math.min(bounds.at(-1)!.getTime(), asOf.getTime());
  const buckets = [];
  for (let index = 0; index + 1 < bounds.length; index++) {
    const from = bounds[index]!;
    if (from.getTime() >= to) break;
    buckets.push({ index, from, to: new Date(Math.min(bounds[index + 1]!.getTime(), to)) });
  }
  return buckets;
}

/**
 * The per-bucket path's id statement holds one subquery per stage and bucket, with four or five
 * parameters each: a day grain over five years would exceed SQLite's 32 766. Beyond this, the
 * grouped path serves.
 */
const MAX_BUCKET_ARMS = 400;

/** Whether the per-bucket path serves: the whole tenant, not broken down, ids cut, few enough buckets. */
function perBucket(query: ArrivalQuery, arms: readonly Arm[]): boolean {
  return (
    query.sight.all &&
    query.dimension === undefined &&
    query.idLimit !== undefined &&
    arms.length * bucketsOf(query).length <= MAX_BUCKET_ARMS
  );
}

/**
 * The per-bucket path, for a report of the whole tenant not broken down. Counts: one index range
 * scan of LeadFunnel per column the arms read (index-only on PostgreSQL: its indexes cover what is
 * read), each arm's count a conditional COUNT, grouped by bucket. Ids: per arm and bucket, the first
 * `idLimit` in code-point order, read in that order from LeadFunnel(tenant, leadId COLLATE "C", …)
 * until enough rows fall in the bucket, or, for a bucket of few rows, from its range and sorted (the
 * planner picks). Neither sorts the window's arrivals as ROW_NUMBER() does: at 1M leads, a month's
 * 170 000 are counted in tens of milliseconds and their first ids read in under one.
 */
async function countPerBucket(db: Db, query: ArrivalQuery, arms: readonly Arm[]): Promise<ArrivalRow[]> {
  const { sight, bounds } = query;
  const buckets = bucketsOf(query);
  if (buckets.length === 0) return [];
  const from = bounds[0]!;
  const to = buckets.at(-1)!.to;
  const counts = new Map<string, number>();
  for (const column of new Set(arms.map((arm) => arm.column))) {
    const mine = arms.filter((arm) => arm.column === column);
    const at = columnOf(mine[0]!);
    const tallies = join(
      mine.map((arm, index) =>
        arm.when === null
          ? sql`COUNT(*) AS ${raw(`n${index}`)}`
          : sql`COUNT(CASE WHEN ${arm.when} THEN 1 END) AS ${raw(`n${index}`)}`,
      ),
    );
    const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
      SELECT ${bucketIndex(at, bounds)} AS bucket, ${tallies} FROM "LeadFunnel" f
      WHERE f.tenant = ${sight.tenant} AND ${at} >= ${from} AND ${at} < ${to} GROUP BY 1`);
    for (const row of rows)
      mine.forEach((arm, index) => counts.set(`${arm.stage} ${Number(row.bucket)}`, Number(row[`n${index}`])));
  }
  const limit = raw(String(Math.trunc(query.idLimit ?? 0)));
  const counted = arms.flatMap((arm) =>
    buckets.filter(({ index }) => (counts.get(`${arm.stage} ${index}`) ?? 0) > 0).map((bucket) => ({ arm, ...bucket })),
  );
  if (counted.length === 0) return [];
  const parts = counted.map(({ arm, index, from, to }) => {
    const at = columnOf(arm);
    return sql`SELECT ${arm.stage} AS stage, ${raw(String(index))} AS bucket,
      (SELECT ${commaList(db, sql`x.id`)} FROM (SELECT f."leadId" AS id FROM "LeadFunnel" f
        WHERE f.tenant = ${sight.tenant} AND ${at} >= ${from} AND ${at} < ${to} ${andWhen(arm)}
        ORDER BY ${codePointOrder(db, sql`f."leadId"`)} LIMIT ${limit}) x) AS ids`;
  });
  const rows = await db.$queryRaw<{ stage: string; bucket: unknown; ids: string | null }[]>(join(parts, ' UNION ALL '));
  return rows.map((row) => ({
    rep: null,
    segType: null,
    segText: null,
    stage: row.stage,
    bucket: Number(row.bucket),
    count: counts.get(`${row.stage} ${Number(row.bucket)}`) ?? 0,
    ids: row.ids ? row.ids.split(',') : [],
  }));
}

/**
 * A breakdown by source or campaign reads the segment field from LeadFunnel's own columns (of the
 * row `f`), which its triggers keep as Lead's (the campaign only when `sourceDetails.campaign` is a
 * JSON string, as groupColumnsOf reads it): no lookup of the lead in Lead, for an arrival or a deal.
 */
export function funnelSegmentOf(dimension: Dimension | undefined): Sql | null {
  if (dimension === 'source') return sql`'string' AS seg_type, f.source AS seg_text`;
  if (dimension === 'campaign')
    return sql`CASE WHEN f.campaign IS NOT NULL THEN 'string' END AS seg_type, f.campaign AS seg_text`;
  return null;
}

/**
 * The grouped path, for a caller who sees only some leads or a breakdown: every arrival of the
 * window from LeadFunnel, its lead's owner and segment field read once per lead (by source or
 * campaign, from the arrival's own row), then counts and first ids per group (countPlaced).
 */
async function countGrouped(db: Db, query: ArrivalQuery, arms: readonly Arm[]): Promise<ArrivalRow[]> {
  const { sight, asOf, bounds } = query;
  const from = bounds[0]!;
  const to = new Date(Math.min(bounds.at(-1)!.getTime(), asOf.getTime()));
  const person = !sight.all;
  const own = funnelSegmentOf(query.dimension);
  // For the whole tenant by rep or team, each arrival's owner at the cut read from its own row.
  const byOwner = !person && (query.dimension === 'rep' || query.dimension === 'team');
  const owner = person ? sql`, t.rep` : byOwner ? sql`, ${ownerOnRow(query.ownerCut, asOf, 'f')} AS rep` : empty;
  // For a person, each range joined with the leads their team owned at the cut as read (joinOwned),
  // each arrival with that owner; for the whole tenant by rep or team, with its owner at the cut
  // (LeadFunnel's copy of LeadOwnership's columns, in the index the range is read from); by source
  // or campaign, each with its segment field.
  const arrivals = join(
    arms.map(
      (arm) => sql`SELECT f."leadId" AS id, ${arm.stage} AS stage, ${columnOf(arm)} AS at${owner}
        ${own ? sql`, ${own}` : empty}
        FROM "LeadFunnel" f ${joinOwned(sight, sql`f."leadId"`)}
        WHERE f.tenant = ${sight.tenant} AND ${columnOf(arm)} >= ${from} AND ${columnOf(arm)} < ${to} ${andWhen(arm)}`,
    ),
    ' UNION ALL ',
  );
  const bucket = bucketIndex(sql`a.at`, bounds);
  const noSegment = sql`CAST(NULL AS TEXT) AS seg_type, CAST(NULL AS TEXT) AS seg_text`;
  // By source or campaign, and arrivals grouped by owner alone (a person's, or the whole tenant's by
  // rep or team), the arrivals are placed as they are. Else (by a field of Lead) each lead is seen
  // once: its owner (a person's, from its arrivals) and its segment field, looked up in Lead (CROSS
  // JOIN keeps SQLite's loop on the window's leads rather than on every lead).
  const segmented = segmentOf(db, query.dimension) !== NULL_FIELD;
  const rep = person ? sql`MAX(a.rep)` : sql`CAST(NULL AS TEXT)`;
  const seen = sql`SELECT w.id, w.rep, ${segmented ? groupColumnsOf(db, query.dimension) : noSegment}
    FROM (SELECT a.id, ${rep} AS rep FROM arrival a GROUP BY a.id) w
    ${segmented ? sql`CROSS JOIN "Lead" l WHERE l.id = w.id AND l.tenant = ${sight.tenant}` : empty}`;
  const placed = own
    ? sql`placed AS (SELECT a.id, ${person ? sql`a.rep` : sql`CAST(NULL AS TEXT)`} AS rep, a.seg_type, a.seg_text, a.stage,
        ${bucket} AS bucket FROM arrival a)`
    : (person || byOwner) && !segmented
      ? sql`placed AS (SELECT a.id, a.rep, ${noSegment}, a.stage, ${bucket} AS bucket FROM arrival a)`
      : sql`seen AS MATERIALIZED (${seen}),
    placed AS (SELECT a.id, s.rep, s.seg_type, s.seg_text, a.stage, ${bucket} AS bucket FROM arrival a JOIN seen s ON s.id = a.id)`;
  const ctes = sql`${ownedTable(db, sight, query.ownerCut, asOf)}
    arrival AS MATERIALIZED (${arrivals}),
    ${placed}`;
  return countPlaced(db, query, ctes);
}

/** The arrivals of `arms` counted per bucket, by the per-bucket path when it serves, else the grouped one. */
function countArrivals(db: Db, query: ArrivalQuery, arms: readonly Arm[]): Promise<ArrivalRow[]> {
  return perBucket(query, arms) ? countPerBucket(db, query, arms) : countGrouped(db, query, arms);
}

/**
 * Each lead's first arrival at each funnel stage (`lead`: its creation) that falls in the
 * buckets, counted per bucket: the volume report, and the funnel's period view. The first arrivals
 * are LeadFunnel's columns (the minimum over all the lead's stage events; one before `asOf` is the
 * first before it too, and `to` is never after `asOf`).
 */
export async function periodArrivals(db: Db, query: ArrivalQuery): Promise<ArrivalRow[]> {
  const created = sql`f."createdAt" < ${query.asOf}`;
  return countArrivals(db, query, [
    { stage: 'lead', column: 'createdAt', when: null },
    ...FUNNEL_COLUMNS.map(([stage, column]) => ({ stage, column, when: created })),
  ]);
}

/**
 * The cohort funnel: the leads created in each bucket (before `asOf`), and of them those that
 * reached each stage before `asOf` (and within `withinDays` of their creation); with
 * `withinDays`, the cohort leads whose days are not over at `asOf` as stage `maturing`.
 */
export async function cohortArrivals(db: Db, query: ArrivalQuery, withinDays?: number): Promise<ArrivalRow[]> {
  const { asOf } = query;
  const created = sql`f."createdAt"`;
  const arms: Arm[] = [
    { stage: 'lead', column: 'createdAt', when: null },
    ...FUNNEL_COLUMNS.map(([stage, column]): Arm => {
      const reached = raw(`f."${column}"`);
      const within = withinDays === undefined ? empty : sql`AND ${reached} < ${plusDays(db, created, withinDays)}`;
      return { stage, column: 'createdAt', when: sql`${reached} < ${asOf} ${within}` };
    }),
  ];
  if (withinDays !== undefined) {
    // createdAt + N days > asOf, in milliseconds as cohortFunnel counts them.
    const matureBy = new Date(asOf.getTime() - withinDays * 86_400_000);
    arms.push({ stage: 'maturing', column: 'createdAt', when: sql`f."createdAt" > ${matureBy}` });
  }
  return countArrivals(db, query, arms);
}
