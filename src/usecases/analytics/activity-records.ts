/**
 * The records behind the activity report, read in SQL as narrow projections instead of loaded
 * facts: the deals closed between the start of the previous period and the end of the period (or
 * `asOf`, if earlier; closedDeals), and the calls, emails and meetings logged in that window or on
 * the leads and deals of those closed deals before `asOf`. activityFigures (./reports.ts) then
 * computes the report, as it does on the facts, so the figures are identical; the differential
 * test (test/analytics/loader-differential.int.test.ts) checks this on both providers.
 *
 * Each activity is read as the fact loader builds it (leadActivities and dealActivities in
 * ./load-facts.ts): a touch on a lead (call logged, email sent, meeting booked) with a person as
 * its actor, or a call, email, meeting or demo on a deal, but not the outcome of a meeting that was
 * not held; its rep is its actor. The caller sees a lead's activity when they (or their reports)
 * own the lead at the period's end, and a deal's when they own the deal, as on the facts.
 *
 * The fact path reads, for the same report, every lead active in the window with all its stage
 * events, touches and assignments, and every deal of them or still open with its whole timeline;
 * here only the window's activities and those behind the deals it closed are read.
 */
import type { Db } from '../../db/client';
import { empty, instantOf, join, jsonField, sql, valuesOf, valuesTable } from '../../db/raw-sql';
import type { ActivityRecord } from '../../domain/analytics/activity';
import type { ClosedDealCourse } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import { closedDeals, reviewWindow } from './closed-deals';
import type { DealQuery } from './deal-courses';
import { leadsOfSight } from './fact-rows';
import { ownerAt } from './lead-arrivals';
import { DEAL_ACTIVITY, LEAD_ACTIVITY, sightFilter } from './load-facts';

/** What the activity report reads: the activities, and the deals closed in the window. */
export interface ActivityRecords {
  activities: ActivityRecord[];
  deals: ClosedDealCourse[];
}

interface ActivityRow {
  id: string;
  kind: string;
  actor: string | null;
  at: unknown;
  lead_id: string;
  /** The lead's owner at the period's end (a lead's touch) or the deal's owner (a deal's activity). */
  owner: string | null;
}

/** The activity report's records for `query`, activities in id order. */
export async function activityRecords(db: Db, query: DealQuery): Promise<ActivityRecords> {
  const deals = await closedDeals(db, query);
  const inSight = sightFilter(query.sight);
  const rows = [...(await leadTouches(db, query, deals)), ...(await dealActivities(db, query, deals))];
  const activities = rows
    .filter((row) => inSight(row.owner))
    .map((row) => ({
      id: row.id,
      kind: (LEAD_ACTIVITY[row.kind] ?? DEAL_ACTIVITY[row.kind])!,
      at: instantOf(row.at)!,
      leadId: row.lead_id,
      segment: { rep: row.actor },
    }))
    .sort((a, b) => compareText(a.id, b.id));
  return { activities, deals };
}

/**
 * The touches people logged on the tenant's leads in the window (on a lead recorded before `asOf`
 * that the caller may see, as the loader's active leads are) or, before `asOf`, on the leads of
 * `deals` (loaded with their deals, whoever owns them; the owner is checked after). The two parts are
 * separate statements joined by UNION, each starting from its own index (SQLite, with no
 * statistics, would otherwise loop over every lead of the tenant; see ofDealsInSight in
 * ./desk-records.ts).
 */
async function leadTouches(db: Db, query: DealQuery, deals: readonly ClosedDealCourse[]): Promise<ActivityRow[]> {
  const { sight, period, asOf } = query;
  const { from, to } = reviewWindow(query);
  const ownerCut = new Date(Math.min(period.to.getTime(), asOf.getTime()));
  const actor = jsonField(db, sql`i.payload`, 'actor');
  const kinds = join(Object.keys(LEAD_ACTIVITY));
  const columns = sql`i.id, i.kind, ${actor.text} AS actor, i."occurredAt" AS at, i."leadId" AS lead_id,
      ${sight.all ? sql`CAST(NULL AS TEXT)` : ownerAt(ownerCut, asOf)} AS owner`;
  const touch = sql`i.kind IN (${kinds}) AND ${actor.type} = 'string' AND i."occurredAt" < ${asOf}
      AND l.tenant = ${sight.tenant}`;
  return db.$queryRaw<ActivityRow[]>(sql`
    SELECT ${columns} FROM "Interaction" i CROSS JOIN "Lead" l
    WHERE l.id = i."leadId" AND i."occurredAt" >= ${from} AND i."occurredAt" < ${to}
      AND l."createdAt" < ${asOf} ${leadsOfSight(db, sight, asOf)} AND ${touch}
    UNION
    SELECT ${columns} FROM ${valuesTable(
      db,
      deals.map((deal) => deal.leadId),
    )} w CROSS JOIN "Interaction" i CROSS JOIN "Lead" l
    WHERE i."leadId" = w.value AND l.id = i."leadId" AND ${touch}`);
}

/**
 * The calls, emails, meetings and demos logged on the tenant's deals (recorded before `asOf`, of a
 * lead of the tenant) in the window or, before `asOf`, on `deals`; not a meeting's outcome when the
 * meeting was not held.
 */
async function dealActivities(db: Db, query: DealQuery, deals: readonly ClosedDealCourse[]): Promise<ActivityRow[]> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  const columns = sql`a.id, a.kind, a.actor, a."occurredAt" AS at, d."leadId" AS lead_id, d."ownerEmail" AS owner`;
  const mine = sight.all ? empty : sql`AND d."ownerEmail" IN ${valuesOf(db, sight.owners)}`;
  const counted = sql`d.id = a."dealId" AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${mine}
      AND l.id = d."leadId" AND l.tenant = ${sight.tenant}
      AND a.kind IN (${join(Object.keys(DEAL_ACTIVITY))}) AND a."occurredAt" < ${asOf}
      AND NOT EXISTS (SELECT 1 FROM "Meeting" m WHERE m."dealId" = a."dealId" AND m.status <> 'held'
        AND a."idempotencyKey" = m.id || ':outcome')`;
  return db.$queryRaw<ActivityRow[]>(sql`
    SELECT ${columns} FROM "DealActivity" a CROSS JOIN "Deal" d CROSS JOIN "Lead" l
    WHERE a."occurredAt" >= ${from} AND a."occurredAt" < ${to} AND ${counted}
    UNION
    SELECT ${columns} FROM ${valuesTable(
      db,
      deals.map((deal) => deal.id),
    )} w CROSS JOIN "DealActivity" a CROSS JOIN "Deal" d CROSS JOIN "Lead" l
    WHERE a."dealId" = w.value AND ${counted}`);
}
