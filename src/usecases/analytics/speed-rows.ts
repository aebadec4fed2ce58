/**
 * The rows behind the speed report, read in SQL as narrow projections instead of loaded facts: per
 * lead, the instants response time and SLA attainment read (when it became an MQL, its first touch
 * after that, its SLA deadline), and every stay in a stage that ended in the window, measured (whom
 * it counts for, its stage, its length in milliseconds, and the period it ended in). Both come
 * grouped by owner and segment (the stays also by stage and period), each column a comma-separated
 * list. Business hours and percentiles stay in JS, in the pure functions of src/domain/analytics
 * (responseTimeOf, slaAttainmentOf, dwellOfStages): SQL does not count business hours in each
 * owner's calendar yet, and summing the stays up in SQL (nearest-rank percentiles and first ids per stage) cost more in its
 * sorts than the rows' transfer it saved (docs/analytics.md).
 *
 * The leads are among those loadFacts reads for the report, so the figures are the ones computed on
 * the facts; the differential test (test/analytics/loader-differential.int.test.ts) checks this on
 * both providers.
 */
import { providerOf, type Db } from '../../db/client';
import { commaList, durationMs, empty, instantFromText, instantText, join, raw, sql, type Sql } from '../../db/raw-sql';
import type { Dimension } from '../../domain/analytics/facts';
import type { StageStays } from '../../domain/analytics/stage-time';
import { DEAL_STAGES } from '../../rules/facts';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';
import { groupColumnsOf, ownerOfLead, type SegmentColumns } from './lead-arrivals';
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
 * What response time and SLA attainment read of the leads with one owner at the period's end (when
 * read) and one segment (when broken down): four lists of the same order, one entry per lead.
 */
export interface ResponseGroup extends SegmentColumns {
  ids: string[];
  mqlAt: (Date | null)[];
  firstTouch: (Date | null)[];
  slaDueAt: (Date | null)[];
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
 * A LeadFunnel column of lead `d`, as a subquery: a probe by key for each of the few leads with an
 * SLA due in the window and neither an MQL nor a first touch in it (a join, estimated at half the
 * window's SLAs, made PostgreSQL hash every MQL of LeadFunnel for them).
 */
const funnel = (column: 'mqlAt' | 'mqlTouchAt' | 'qualifiedAt'): Sql =>
  sql`(SELECT f.${raw(`"${column}"`)} FROM "LeadFunnel" f WHERE f."leadId" = d.id)`;

/**
 * Every lead in the caller's sight that became an MQL and was touched or became an MQL in [from, to), or was
 * qualified with an SLA due in [from, to): its MQL instant (stagesReaching('mql'), as reachedAt: LeadFunnel's
 * mqlAt), its first touch at or after that (LeadFunnel's mqlTouchAt; with no MQL before `asOf`, its first touch
 * since its creation), its SLA deadline when qualified and due in [from, to) (a deadline outside both periods
 * counts in neither: slaAttainmentOf skips it), and its owner at the period's end.
 *
 * One statement, from index ranges: the leads that became MQLs (mqlAt) or were first touched after
 * it (mqlTouchAt) from `from` to the end of the period or `asOf` if earlier, read from LeadFunnel
 * alone, and those with an SLA due in [from, to), from Lead. A response row counts only such a lead
 * (its MQL, its first touch or its SLA deadline falls in the window; the first two are before
 * `asOf`), and each of them is one loadFacts reads (activeLeads: moved or touched in the window, or
 * an SLA due in it or still ahead at `asOf`), so the figures are the same. For the whole tenant the
 * owner is read only for its calendar or its group, so only when `ownerZones` (people of the roster
 * work in other zones than the calendar's) or broken down by rep or team: from the lead's LeadFunnel
 * row (ownerOnRow), or for a lead only due in the window from its LeadOwnership row (ownerOfLead).
 * For a person, the leads their team owned (teamAt) come with their owner.
 *
 * The leads come in groups by owner and segment (ResponseGroup, one for the whole tenant when no owner
 * is read), each column as a comma-separated list aggregated in the same pass, as stayGroups reads the
 * stays: at 1M leads, 101 822 rows, each an object and three instants decoded, cost about 0.1 s more.
 */
export async function responseGroups(db: Db, query: SpeedQuery & { ownerZones: boolean }): Promise<ResponseGroup[]> {
  const { sight, from, to, asOf } = query;
  const until = new Date(Math.min(to.getTime(), asOf.getTime()));
  // For a person, each range joined with the leads their team owned at the period's end (teamAt),
  // each with that owner, before anything is grouped: at 1M leads a manager's responses were 25 000
  // of the tenant's 103 000 grouped first. For the whole tenant the owner is read per lead, and only
  // for its calendar.
  const person = !sight.all;
  const mine = (lead: Sql) => joinOwned(sight, lead);
  const segment = segmentOfRows(db, query.dimension);
  // The owner of a lead made an MQL or touched in the window is read from its LeadFunnel row
  // (ownerOnRow), of one only due in the window from its LeadOwnership row (ownerOfLead).
  const ownerNeeded = person || query.ownerZones || segment.byOwner;
  const repOf = person ? sql`t.rep` : ownerNeeded ? ownerOnRow(until, asOf, 'f') : sql`CAST(NULL AS TEXT)`;
  const slaRep = person ? sql`t.rep` : sql`CAST(NULL AS TEXT)`;
  const unansweredRep = person || !ownerNeeded ? sql`d.rep` : ownerOfLead(until, asOf, sql`d.id`);
  // The MQLs and first touches in the window (two disjoint ranges: no lead twice), and the SLAs due
  // in it; a lead may be in both.
  const mql = sql`f."leadId" AS id, f."mqlAt" AS mql_at, CASE WHEN f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END AS touch,
    f."qualifiedAt" AS qualified, ${repOf} AS rep`;
  const mqls = sql`SELECT ${mql} FROM "LeadFunnel" f ${mine(sql`f."leadId"`)} WHERE f.tenant = ${sight.tenant} AND f."createdAt" < ${asOf}
      AND f."mqlAt" >= ${from} AND f."mqlAt" < ${until}
    UNION ALL SELECT ${mql} FROM "LeadFunnel" f ${mine(sql`f."leadId"`)} WHERE f.tenant = ${sight.tenant} AND f."createdAt" < ${asOf}
      AND f."mqlTouchAt" >= ${from} AND f."mqlTouchAt" < ${until} AND (f."mqlAt" < ${from} OR f."mqlAt" >= ${until})`;
  const slas = sql`SELECT n.id, n."createdAt" AS created, n."slaDueAt" AS sla_due, ${slaRep} AS rep FROM "Lead" n ${mine(sql`n.id`)}
    WHERE n.tenant = ${sight.tenant} AND n."slaDueAt" >= ${from} AND n."slaDueAt" < ${to} AND n."createdAt" < ${asOf}`;
  // Matched by lead: on PostgreSQL in one hash join (grouping their union by lead sorted 206 000
  // rows at 1M leads, 0.25 s of the statement's 0.53 s); on SQLite, whose FULL JOIN of two
  // subqueries has no index to probe (4 s at 100k leads), grouped.
  const found =
    providerOf(db) === 'postgresql'
      ? sql`SELECT COALESCE(m.id, s.id) AS id, m.mql_at, m.touch, m.qualified, s.created, s.sla_due,
          CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS answered, COALESCE(m.rep, s.rep) AS rep
        FROM (${mqls}) m FULL JOIN (${slas}) s ON s.id = m.id`
      : sql`SELECT id, MAX(mql_at) AS mql_at, MAX(touch) AS touch, MAX(qualified) AS qualified, MAX(created) AS created,
          MAX(sla_due) AS sla_due, MAX(answered) AS answered, MAX(rep) AS rep
        FROM (SELECT m.id, m.mql_at, m.touch, m.qualified, NULL AS created, NULL AS sla_due, 1 AS answered, m.rep FROM (${mqls}) m
          UNION ALL SELECT s.id, NULL, NULL, NULL, s.created, s.sla_due, 0, s.rep FROM (${slas}) s) x
        GROUP BY id`;
  // Each instant as text, '' for none (a list leaves NULLs out, which would shift the entries after).
  const listed = (column: Sql) => commaList(db, sql`COALESCE(${instantText(db, column)}, '')`);
  const rows = await db.$queryRaw<
    {
      ids: string;
      rep: string | null;
      mql_at: string;
      touch: string;
      sla_due: string;
      seg_type: string | null;
      seg_text: string | null;
    }[]
  >(sql`WITH ${ownedTable(db, sight, until, asOf)}
    found AS MATERIALIZED (${found}),
    unanswered AS MATERIALIZED (
      SELECT d.id, d.created, d.sla_due, ${funnel('mqlAt')} AS mql_at, ${funnel('mqlTouchAt')} AS mql_touch,
        ${funnel('qualifiedAt')} AS qualified, ${unansweredRep} AS rep
      FROM found d WHERE d.answered = 0),
    answered AS MATERIALIZED (
      SELECT m.id, m.mql_at, m.touch, CASE WHEN m.qualified < ${asOf} THEN m.sla_due END AS sla_due, m.rep
      FROM found m WHERE m.answered = 1
      UNION ALL
      SELECT u.id, CASE WHEN u.mql_at < ${asOf} THEN u.mql_at END,
        CASE WHEN u.mql_at < ${asOf} THEN CASE WHEN u.mql_touch < ${asOf} THEN u.mql_touch END
        ELSE (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = u.id AND i.kind IN (${touchKinds})
          AND i."occurredAt" < ${asOf} AND i."occurredAt" >= u.created) END,
        u.sla_due, u.rep
      FROM unanswered u WHERE u.qualified < ${asOf})
    SELECT x.rep, x.seg_type, x.seg_text, ${commaList(db, sql`x.id`)} AS ids, ${listed(sql`x.mql_at`)} AS mql_at,
      ${listed(sql`x.touch`)} AS touch, ${listed(sql`x.sla_due`)} AS sla_due
    FROM (SELECT r.id, r.rep, r.mql_at, r.touch, r.sla_due ${segment.columns}
      FROM answered r ${segment.segmented ? sql`JOIN "Lead" l ON l.id = r.id` : empty}) x
    GROUP BY x.rep, x.seg_type, x.seg_text`);
  const instants = (list: string) => list.split(',').map((text) => (text === '' ? null : instantFromText(text)));
  return rows.map((row) => ({
    rep: row.rep,
    segType: row.seg_type,
    segText: row.seg_text,
    ids: row.ids.split(','),
    mqlAt: instants(row.mql_at),
    firstTouch: instants(row.touch),
    slaDueAt: instants(row.sla_due),
  }));
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
  const rows = await db.$queryRaw<
    {
      stage: string;
      p: unknown;
      ms: string;
      ids: string;
      rep: string | null;
      seg_type: string | null;
      seg_text: string | null;
    }[]
  >(sql`${team}
    SELECT s.stage, s.p, s.rep, s.seg_type, s.seg_text, ${commaList(db, sql`CAST(s.ms AS TEXT)`)} AS ms,
      ${commaList(db, sql`s.id`)} AS ids
    FROM (SELECT COALESCE(d.id, e."leadId") AS id,
      e.stage, CASE WHEN e."leftAt" < ${split} THEN 0 ELSE 1 END AS p,
      ${durationMs(db, sql`e."enteredAt"`, sql`e."leftAt"`)} AS ms ${segment.columns}, ${source}
    LEFT JOIN "Deal" d ON d."leadId" = e."leadId" AND e.stage IN (${join([...DEAL_STAGES])})
      AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf}
    ${segment.segmented ? sql`JOIN "Lead" l ON l.id = e."leadId"` : empty}) s
    GROUP BY s.stage, s.p, s.rep, s.seg_type, s.seg_text`);
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
