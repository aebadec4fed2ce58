/**
 * The leads behind the channels report, read in SQL as a narrow projection instead of loaded
 * facts: the leads created, or first reaching MQL, between the start of the previous period and
 * the end of the period (or `asOf`, if earlier), each with its creation, source, campaign and
 * first MQL transition (ChannelLead). channelFigures then computes the report, as it does on the
 * facts (channelLead reads the same from a LeadFact); the differential test
 * (test/analytics/loader-differential.int.test.ts) checks that both give the same report.
 *
 * The definitions stay those of src/domain/analytics: a lead reaches MQL at its first stage event
 * whose stage stands for MQL or a later one (stagesReaching, as reachedAt reads it), and a person
 * sees the leads they (or their reports) owned when the period ended (ownerAt, as the fact
 * loader's owner at the cut).
 */
import type { Db } from '../../db/client';
import { instantOf, join, jsonField, sql } from '../../db/raw-sql';
import type { ChannelLead } from '../../domain/analytics/channel';
import { compareText } from '../../domain/analytics/measures';
import { stagesReaching } from '../../domain/analytics/stages';
import { textField, reviewWindow } from './closed-deals';
import type { DealQuery } from './deal-courses';
import { leadsOfSight } from './fact-rows';
import { ownerAt } from './lead-arrivals';
import { sightFilter } from './load-facts';

interface ChannelLeadRow {
  id: string;
  created: unknown;
  source: string;
  campaign_type: string | null;
  campaign: string | null;
  rep: string | null;
  mql_at: unknown;
}

/** The leads (in the caller's sight, in id order) created or first made MQLs in the period or the one before. */
export async function channelLeads(db: Db, query: DealQuery): Promise<ChannelLead[]> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  const reaching = join(stagesReaching('mql'));
  const campaign = jsonField(db, sql`l."sourceDetails"`, 'campaign');
  const rep = sight.all ? sql`CAST(NULL AS TEXT)` : ownerAt(to, asOf);
  // A lead counts when it was created in the window or reached MQL (or later) in it; its first
  // arrival comes from all its stage events before asOf. CROSS JOIN keeps SQLite's loop on the
  // leads of the window rather than on every lead (as lead-arrivals.ts), and its loop over their
  // stage events on StageEvent(leadId, occurredAt) rather than on every MQL-or-later event before
  // asOf (StageEvent(toStage, occurredAt)).
  const rows = await db.$queryRaw<ChannelLeadRow[]>(sql`
    WITH moved AS MATERIALIZED (
      SELECT l.id FROM (
        SELECT n.id FROM "Lead" n WHERE n.tenant = ${sight.tenant} AND n."createdAt" >= ${from} AND n."createdAt" < ${to}
        UNION SELECT s."leadId" FROM "StageEvent" s
          WHERE s."occurredAt" >= ${from} AND s."occurredAt" < ${to} AND s."toStage" IN (${reaching})) m
      CROSS JOIN "Lead" l
      WHERE l.id = m.id AND l.tenant = ${sight.tenant} AND l."createdAt" < ${asOf} ${leadsOfSight(db, sight, asOf)}),
    reach AS MATERIALIZED (
      SELECT s."leadId" AS id, MIN(s."occurredAt") AS mql_at FROM moved mv CROSS JOIN "StageEvent" s
      WHERE s."leadId" = mv.id AND s."occurredAt" < ${asOf} AND s."toStage" IN (${reaching})
      GROUP BY s."leadId")
    SELECT l.id, l."createdAt" AS created, l.source, ${campaign.type} AS campaign_type, ${campaign.text} AS campaign,
      ${rep} AS rep, r.mql_at
    FROM "Lead" l LEFT JOIN reach r ON r.id = l.id WHERE l.id IN (SELECT id FROM moved)`);
  const inSight = sightFilter(sight);
  return rows
    .filter((row) => inSight(row.rep))
    .sort((a, b) => compareText(a.id, b.id))
    .map((row) => ({
      id: row.id,
      createdAt: instantOf(row.created)!,
      segment: { source: row.source, campaign: textField(row.campaign_type, row.campaign) },
      mqlAt: instantOf(row.mql_at),
    }));
}
