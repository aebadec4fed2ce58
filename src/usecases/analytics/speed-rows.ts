/**
 * The rows behind the speed report, read in SQL as narrow projections instead of loaded facts: per
 * lead, the instants response time and SLA attainment read (when it became an MQL, its first touch
 * after that, its SLA deadline), and every stay in a stage that ended in the window (the stage, when
 * it was entered and left). Business hours and percentiles stay in JS, in the pure functions of
 * src/domain/analytics (responseTimeOf, slaAttainmentOf, dwellIn): SQL cannot count business hours
 * in each owner's calendar, and the percentiles must be the exact nearest-rank values.
 *
 * The leads are among those loadFacts reads for the report, so the figures are the ones computed on
 * the facts; the differential test (test/analytics/loader-differential.int.test.ts) checks this on
 * both providers.
 */
import type { Db } from '../../db/client';
import { empty, instantOf as instant, join, sql } from '../../db/raw-sql';
import { DEAL_STAGES } from '../../rules/facts';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { Sight } from '../visibility';
import { leadsOfSight } from './fact-rows';
import { ownerAt } from './lead-arrivals';

export interface SpeedQuery {
  sight: Sight;
  /** The previous period's start. */
  from: Date;
  /** The period's end. */
  to: Date;
  asOf: Date;
}

/** What response time and SLA attainment read of one lead, with its owner at the period's end. */
export interface ResponseRow {
  id: string;
  rep: string | null;
  mqlAt: Date | null;
  firstTouch: Date | null;
  slaDueAt: Date | null;
}

/** One stay that ended in [from, to), with the owner of its lead at the period's end (when read). */
export interface StayRow {
  leadId: string;
  dealId: string | null;
  rep: string | null;
  stage: string;
  enteredAt: Date;
  leftAt: Date;
}

const touchKinds = join([...TOUCH_EVENTS]);

/**
 * Every lead in the caller's sight that became an MQL and was touched or became an MQL in [from, to), or was
 * qualified with an SLA due in [from, to): its MQL instant (stagesReaching('mql'), as reachedAt: LeadFunnel's
 * mqlAt), its first touch at or after that (LeadFunnel's mqlTouchAt; with no MQL before `asOf`, its first touch
 * since its creation), its SLA deadline when qualified, and its owner at the period's end.
 *
 * One statement. The leads it looks up are found by index ranges of LeadFunnel and Lead: those
 * that became MQLs (mqlAt) or were first touched after it (mqlTouchAt) from `from` to the end of
 * the period or `asOf` if earlier, and those with an SLA due in [from, to). A response row counts
 * only such a lead (its MQL, its first touch or its SLA deadline falls in the window; the first two
 * are before `asOf`), and each of them is one loadFacts reads (activeLeads: moved or touched in the
 * window, or an SLA due in it or still ahead at `asOf`), so the figures are the same.
 */
export async function responseRows(db: Db, query: SpeedQuery): Promise<ResponseRow[]> {
  const { sight, from, to, asOf } = query;
  const until = new Date(Math.min(to.getTime(), asOf.getTime()));
  const rows = await db.$queryRaw<
    { id: string; rep: string | null; mql_at: unknown; touch: unknown; sla_due: unknown }[]
  >(sql`WITH candidate AS MATERIALIZED (
      SELECT f."leadId" AS id FROM "LeadFunnel" f WHERE f.tenant = ${sight.tenant} AND f."mqlAt" >= ${from} AND f."mqlAt" < ${until}
      UNION SELECT f."leadId" FROM "LeadFunnel" f
      WHERE f.tenant = ${sight.tenant} AND f."mqlTouchAt" >= ${from} AND f."mqlTouchAt" < ${until}
      UNION SELECT n.id FROM "Lead" n WHERE n.tenant = ${sight.tenant} AND n."slaDueAt" >= ${from} AND n."slaDueAt" < ${to}),
    base AS MATERIALIZED (
      SELECT l.id, l."ownerId", l."createdAt" AS created, CASE WHEN f."mqlAt" < ${asOf} THEN f."mqlAt" END AS mql_at,
        CASE WHEN f."mqlAt" < ${asOf} AND f."mqlTouchAt" < ${asOf} THEN f."mqlTouchAt" END AS mql_touch,
        CASE WHEN f."qualifiedAt" < ${asOf} THEN l."slaDueAt" END AS sla_due
      FROM candidate c CROSS JOIN "Lead" l LEFT JOIN "LeadFunnel" f ON f."leadId" = l.id
      WHERE l.id = c.id AND l.tenant = ${sight.tenant} AND l."createdAt" < ${asOf} ${leadsOfSight(db, sight, asOf)}),
    touched AS MATERIALIZED (
      SELECT b.id, b."ownerId", b.mql_at, b.sla_due, CASE WHEN b.mql_at IS NOT NULL THEN b.mql_touch
        ELSE (SELECT MIN(i."occurredAt") FROM "Interaction" i WHERE i."leadId" = b.id AND i.kind IN (${touchKinds})
          AND i."occurredAt" < ${asOf} AND i."occurredAt" >= b.created) END AS touch
      FROM base b WHERE b.mql_at IS NOT NULL OR (b.sla_due >= ${from} AND b.sla_due < ${to})),
    counted AS MATERIALIZED (
      SELECT id, "ownerId", mql_at, touch, sla_due FROM touched
      WHERE (mql_at IS NOT NULL AND ((touch >= ${from} AND touch < ${to}) OR (mql_at >= ${from} AND mql_at < ${to})))
        OR (sla_due >= ${from} AND sla_due < ${to}))
    SELECT l.id, ${ownerAt(until, asOf)} AS rep, l.mql_at, l.touch, l.sla_due
    FROM counted l`);
  return rows.map((row) => ({
    id: row.id,
    rep: row.rep,
    mqlAt: instant(row.mql_at),
    firstTouch: instant(row.touch),
    slaDueAt: instant(row.sla_due),
  }));
}

/**
 * Every stay of a lead in the caller's sight, or of its deal, that ended in [from, min(to, asOf)):
 * the ended stays StageStay keeps (each stage event with the next one's instant, in the loader's
 * order, occurredAt then id), read by index range on StageStay(tenant, leftAt, …), but none in a
 * closed deal stage. A stay that ended before asOf began and ended with events before it, as the
 * loader reads them; its lead is one the loader reads (activeLeads: it moved in the window). For the whole
 * tenant no lead is looked up; the deal of a stay is, for a stay in a deal stage only.
 */
export async function stayRows(db: Db, query: SpeedQuery): Promise<StayRow[]> {
  const { sight, from, to, asOf } = query;
  const end = new Date(Math.min(to.getTime(), asOf.getTime()));
  const lead = sight.all
    ? sql`CAST(NULL AS TEXT) AS rep FROM "StageStay" e`
    : sql`${ownerAt(end, asOf)} AS rep FROM "StageStay" e CROSS JOIN "Lead" l`;
  const mine = sight.all ? empty : sql`AND l.id = e."leadId" ${leadsOfSight(db, sight, asOf)}`;
  const rows = await db.$queryRaw<
    {
      lead_id: string;
      deal_id: string | null;
      rep: string | null;
      stage: string;
      entered_at: unknown;
      left_at: unknown;
    }[]
  >(sql`SELECT e."leadId" AS lead_id, e.stage, e."enteredAt" AS entered_at, e."leftAt" AS left_at,
      CASE WHEN e.stage IN (${join([...DEAL_STAGES])}) THEN (SELECT d.id FROM "Deal" d
        WHERE d."leadId" = e."leadId" AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf}) END AS deal_id,
      ${lead}
    WHERE e.tenant = ${sight.tenant} AND e."leftAt" >= ${from} AND e."leftAt" < ${end}
      AND e.stage NOT IN ('closed-won', 'closed-lost') AND e."leadCreatedAt" < ${asOf} ${mine}`);
  return rows.map((row) => ({
    leadId: row.lead_id,
    dealId: row.deal_id,
    rep: row.rep,
    stage: row.stage,
    enteredAt: instant(row.entered_at)!,
    leftAt: instant(row.left_at)!,
  }));
}
