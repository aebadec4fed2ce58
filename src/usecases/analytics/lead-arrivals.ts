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
import { codePointOrder, commaList, empty, join, jsonField, plusDays, raw, sql, type Sql } from '../../db/raw-sql';
import type { Dimension } from '../../domain/analytics/facts';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import { stagesReaching } from '../../domain/analytics/stages';
import type { Sight } from '../visibility';
import { activeLeads, leadsOfSight, wholeWindow, windowDeals } from './fact-rows';

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

/** The owner of lead `l` at `cut`: its last assignment before then, its row's owner if never assigned. */
export function ownerAt(cut: Date, asOf: Date): Sql {
  return sql`(CASE WHEN EXISTS (SELECT 1 FROM "Assignment" a WHERE a."leadId" = l.id AND a."assignedAt" < ${asOf})
    THEN (SELECT a."repEmail" FROM "Assignment" a WHERE a."leadId" = l.id AND a."assignedAt" < ${cut}
      ORDER BY a."assignedAt" DESC, a.id DESC LIMIT 1)
    ELSE l."ownerId" END)`;
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
function groupColumnsOf(db: Db, dimension: Dimension | undefined): Sql {
  const segment = segmentOf(db, dimension);
  return sql`${segment.type} AS seg_type, ${segment.text} AS seg_text`;
}

/** `rep, seg_type, seg_text` of lead `l`, as the query groups it. */
function groupColumns(db: Db, query: ArrivalQuery): Sql {
  const byOwner = !query.sight.all || query.dimension === 'rep' || query.dimension === 'team';
  const rep = byOwner ? ownerAt(query.ownerCut, query.asOf) : sql`CAST(NULL AS TEXT)`;
  return sql`${rep} AS rep, ${groupColumnsOf(db, query.dimension)}`;
}

/** Counts and first ids per group of `placed` (id, rep, seg_type, seg_text, stage, bucket). */
async function countPlaced(db: Db, query: ArrivalQuery, ctes: Sql): Promise<ArrivalRow[]> {
  const limited = query.idLimit !== undefined;
  const ranked = limited
    ? sql`SELECT p.*, ROW_NUMBER() OVER (PARTITION BY rep, seg_type, seg_text, stage, bucket
        ORDER BY ${codePointOrder(db, sql`id`)}) AS rn FROM placed p`
    : sql`SELECT p.* FROM placed p`;
  const ids = limited
    ? commaList(db, sql`CASE WHEN rn <= ${raw(String(Math.trunc(query.idLimit ?? 0)))} THEN id END`)
    : commaList(db, sql`id`);
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
  >(sql`WITH ${ctes}, ranked AS (${ranked})
    SELECT rep, seg_type, seg_text, stage, bucket, COUNT(*) AS n, ${ids} AS ids
    FROM ranked GROUP BY rep, seg_type, seg_text, stage, bucket`);
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

const FUNNEL_COLUMNS = [
  ['mql', 'mql_at'],
  ['sql', 'sql_at'],
  ['opportunity', 'opp_at'],
  ['won', 'won_at'],
] as const;

/**
 * Each lead's first arrival at each funnel stage (`lead`: its creation) that falls in the
 * buckets, counted per bucket: the volume report, and the funnel's period view.
 */
export async function periodArrivals(db: Db, query: ArrivalQuery): Promise<ArrivalRow[]> {
  const { sight, asOf, bounds } = query;
  const from = bounds[0]!;
  const to = new Date(Math.min(bounds.at(-1)!.getTime(), asOf.getTime()));
  const firsts = join(
    FUNNEL_COLUMNS.map(
      ([stage, column]) =>
        sql`MIN(CASE WHEN s."toStage" IN (${join(stagesReaching(stage))}) THEN s."occurredAt" END) AS ${raw(column)}`,
    ),
  );
  const arrivals = join(
    [
      sql`SELECT id, rep, seg_type, seg_text, 'lead' AS stage, lead_at AS at FROM seen`,
      ...FUNNEL_COLUMNS.map(
        ([stage, column]) =>
          sql`SELECT id, rep, seg_type, seg_text, ${raw(`'${stage}'`)}, ${raw(column)} FROM seen WHERE ${raw(column)} IS NOT NULL`,
      ),
    ],
    ' UNION ALL ',
  );
  // A lead counts when it was created or moved in the buckets (index range scans on
  // Lead(tenant, createdAt) and StageEvent(occurredAt, leadId)); its first arrivals come from all
  // its stage events before asOf.
  // CROSS JOIN keeps SQLite's loop on the few leads of the window rather than on every lead.
  const ctes = sql`moved AS MATERIALIZED (
      SELECT l.id FROM (
        SELECT n.id FROM "Lead" n WHERE n.tenant = ${sight.tenant} AND n."createdAt" >= ${from} AND n."createdAt" < ${to}
        UNION SELECT s."leadId" FROM "StageEvent" s WHERE s."occurredAt" >= ${from} AND s."occurredAt" < ${to}) m
      CROSS JOIN "Lead" l
      WHERE l.id = m.id AND l.tenant = ${sight.tenant} AND l."createdAt" < ${asOf} ${leadsOfSight(db, sight, asOf)}),
    reach AS MATERIALIZED (
      SELECT s."leadId" AS id, ${firsts} FROM "StageEvent" s
      WHERE s."leadId" IN (SELECT id FROM moved) AND s."occurredAt" < ${asOf} GROUP BY s."leadId"),
    seen AS MATERIALIZED (
      SELECT l.id, ${groupColumns(db, query)}, l."createdAt" AS lead_at, r.mql_at, r.sql_at, r.opp_at, r.won_at
      FROM "Lead" l LEFT JOIN reach r ON r.id = l.id WHERE l.id IN (SELECT id FROM moved)),
    arrival AS (${arrivals}),
    placed AS (
      SELECT id, rep, seg_type, seg_text, stage, ${bucketIndex(sql`at`, bounds)} AS bucket FROM arrival
      WHERE at >= ${from} AND at < ${to})`;
  return countPlaced(db, query, ctes);
}

/**
 * The cohort funnel: the leads created in each bucket (before `asOf`), and of them those that
 * reached each stage before `asOf` (and within `withinDays` of their creation); with
 * `withinDays`, the cohort leads whose days are not over at `asOf` as stage `maturing`.
 */
export async function cohortArrivals(db: Db, query: ArrivalQuery, withinDays?: number): Promise<ArrivalRow[]> {
  const { sight, asOf, bounds } = query;
  const from = bounds[0]!;
  const to = new Date(Math.min(bounds.at(-1)!.getTime(), asOf.getTime()));
  const within =
    withinDays === undefined ? empty : sql`AND s."occurredAt" < ${plusDays(db, sql`c.created`, withinDays)}`;
  const reached = join(
    FUNNEL_COLUMNS.map(
      ([stage, column]) =>
        sql`MAX(CASE WHEN s."toStage" IN (${join(stagesReaching(stage))}) THEN 1 ELSE 0 END) AS ${raw(column)}`,
    ),
  );
  // Each part reads one CTE, no join: PostgreSQL, without statistics on a CTE, nested-loops a join of two.
  const parts = [
    sql`SELECT id, rep, seg_type, seg_text, 'lead' AS stage, bucket FROM cohort`,
    ...FUNNEL_COLUMNS.map(
      ([stage, column]) => sql`SELECT id, rep, seg_type, seg_text, ${raw(`'${stage}'`)}, bucket
        FROM reach WHERE ${raw(column)} = 1`,
    ),
  ];
  if (withinDays !== undefined) {
    // createdAt + N days > asOf, in milliseconds as cohortFunnel counts them.
    const matureBy = new Date(asOf.getTime() - withinDays * 86_400_000);
    parts.push(sql`SELECT id, rep, seg_type, seg_text, 'maturing', bucket FROM cohort WHERE created > ${matureBy}`);
  }
  const ctes = sql`cohort AS MATERIALIZED (
      SELECT l.id, ${groupColumns(db, query)}, l."createdAt" AS created, ${bucketIndex(sql`l."createdAt"`, bounds)} AS bucket
      FROM "Lead" l WHERE l.tenant = ${sight.tenant} AND l."createdAt" >= ${from} AND l."createdAt" < ${to}
      ${leadsOfSight(db, sight, asOf)}),
    reach AS MATERIALIZED (
      SELECT c.id, c.rep, c.seg_type, c.seg_text, c.bucket, ${reached}
      FROM cohort c JOIN "StageEvent" s ON s."leadId" = c.id AND s."occurredAt" < ${asOf} ${within}
      GROUP BY c.id, c.rep, c.seg_type, c.seg_text, c.bucket),
    placed AS (${join(parts, ' UNION ALL ')})`;
  return countPlaced(db, query, ctes);
}

/**
 * A key a breakdown lists: the owner that decides whether the record is in sight, and the rep and
 * segment field its key is read from (as ArrivalRow's).
 */
export interface KeyRow {
  owner: string | null;
  rep: string | null;
  segType: string | null;
  segText: string | null;
}

/**
 * The breakdown keys of everything a broken-down report on loaded facts lists a group for
 * (splitFacts): the leads and deals read for the window up to `asOf` (fact-rows' selection), and,
 * by rep or team, the people who logged an activity on them. A group without arrivals still shows,
 * with its figures at zero, as it does when computed on the facts.
 */
export async function breakdownKeys(db: Db, query: ArrivalQuery & { dimension: Dimension }): Promise<KeyRow[]> {
  const { sight, asOf, bounds } = query;
  const window = wholeWindow({ from: bounds[0]!, to: asOf, asOf });
  const byPerson = query.dimension === 'rep' || query.dimension === 'team';
  const sorts = [
    sql`SELECT rep AS owner, rep, seg_type, seg_text FROM seen`,
    sql`SELECT d."ownerEmail", d."ownerEmail", s.seg_type, s.seg_text FROM "Deal" d JOIN seen s ON s.id = d."leadId"
      WHERE d.id IN (SELECT id FROM worked)`,
  ];
  if (byPerson) {
    const actor = jsonField(db, sql`i.payload`, 'actor');
    sorts.push(
      sql`SELECT s.rep, ${actor.text}, s.seg_type, s.seg_text FROM "Interaction" i JOIN seen s ON s.id = i."leadId"
        WHERE i."occurredAt" < ${asOf} AND i.kind IN (${join([...TOUCH_EVENTS])}) AND ${actor.type} = 'string'`,
      sql`SELECT d."ownerEmail", a.actor, CAST(NULL AS TEXT), CAST(NULL AS TEXT) FROM "DealActivity" a
        JOIN "Deal" d ON d.id = a."dealId"
        WHERE a."dealId" IN (SELECT id FROM worked) AND a."occurredAt" < ${asOf}
          AND a.kind IN ('call', 'email', 'meeting', 'demo')
          AND NOT EXISTS (SELECT 1 FROM "Meeting" m WHERE m."dealId" = a."dealId" AND m.status <> 'held'
            AND a."idempotencyKey" = m.id || ':outcome')`,
    );
  }
  const rows = await db.$queryRaw<
    { owner: string | null; rep: string | null; seg_type: string | null; seg_text: string | null }[]
  >(sql`WITH active AS MATERIALIZED (${activeLeads(db, sight, window)}),
    worked AS MATERIALIZED (${windowDeals(db, sight, window, sql`(SELECT id FROM active)`)}),
    seen AS MATERIALIZED (
      SELECT l.id, ${sight.all && !byPerson ? sql`CAST(NULL AS TEXT)` : ownerAt(query.ownerCut, asOf)} AS rep,
        ${groupColumnsOf(db, query.dimension)}
      FROM "Lead" l WHERE l.tenant = ${sight.tenant}
        AND l.id IN (SELECT id FROM active UNION SELECT "leadId" FROM "Deal" WHERE id IN (SELECT id FROM worked)))
    ${join(sorts, ' UNION ')}`);
  return rows.map((row) => ({ owner: row.owner, rep: row.rep, segType: row.seg_type, segText: row.seg_text }));
}
