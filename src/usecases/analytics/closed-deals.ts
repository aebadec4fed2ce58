/**
 * The deals behind the win/loss and channels reports, read in SQL as narrow projections instead of
 * loaded facts: the deals with a closing stage event (closed-won or closed-lost) between the start
 * of the previous period and the end of the period (or `asOf`, if earlier), each with its owner,
 * currency and ACV, its lead's source and campaign, its loss code and competitor, and its
 * deal-stage transitions (ClosedDealCourse). The figures are then computed by the same functions
 * as on facts (winLoss, channelFigures), so they are identical; the differential test
 * (test/analytics/loader-differential.int.test.ts) checks this on both providers.
 *
 * Which deals: both reports count a deal in the period of its first close (closedIn), so a deal
 * that counts in either period has a closing event in that window; the statement finds them
 * through the index on StageEvent's `occurredAt`. Reading the closes of the window alone is enough
 * to select, not to decide: a deal's whole deal-stage history before `asOf` is read
 * (courseOf, in the same statement), and the pure functions pick its first close.
 *
 * The fact path reads, for the same reports, every lead active in the window with all its stage
 * events and its assignments, and every deal of them or still open; none of that is read here.
 */
import type { Db } from '../../db/client';
import { empty, instantOf, jsonField, sql, valuesOf } from '../../db/raw-sql';
import type { ClosedDealCourse } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import type { Sight } from '../visibility';
import type { DealQuery } from './deal-courses';
import { courseOf, parseCourse } from './deal-courses';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';

interface ClosedDealRow {
  id: string;
  lead_id: string;
  owner: string;
  currency: string;
  acv: bigint | number | null;
  created: unknown;
  loss_code: string | null;
  competitor: string | null;
  source: string;
  campaign_type: string | null;
  campaign: string | null;
  course: string | null;
}

/** A text attribute as the fact loader reads it: a string, trimmed, or null when blank or not a string. */
export function textField(type: string | null, value: string | null): string | null {
  return type === 'string' && value !== null && value.trim() !== '' ? value.trim() : null;
}

/** The first instant of the previous period, and the end of the period or `asOf` if earlier. */
export function reviewWindow({ period, previous, asOf }: DealQuery): { from: Date; to: Date } {
  return { from: previous.from, to: new Date(Math.min(period.to.getTime(), asOf.getTime())) };
}

/** The deals (in the caller's sight, in id order) that closed in the period or the one before. */
export async function closedDeals(db: Db, query: DealQuery): Promise<ClosedDealCourse[]> {
  const { sight, asOf } = query;
  const { from, to } = reviewWindow(query);
  const campaign = jsonField(db, sql`l."sourceDetails"`, 'campaign');
  const rows = await db.$queryRaw<ClosedDealRow[]>(sql`
    SELECT d.id, d."leadId" AS lead_id, d."ownerEmail" AS owner, d.currency, d."acvMinor" AS acv,
      d."createdAt" AS created, d."lossReason" AS loss_code, d."lossCompetitor" AS competitor,
      l.source, ${campaign.type} AS campaign_type, ${campaign.text} AS campaign,
      ${courseOf(db, sql`d."leadId"`, asOf)} AS course
    FROM "Deal" d JOIN "Lead" l ON l.id = d."leadId" AND l.tenant = ${sight.tenant}
    WHERE d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${ownedBy(db, sight)}
      AND d."leadId" IN (SELECT s."leadId" FROM "StageEvent" s
        WHERE s."occurredAt" >= ${from} AND s."occurredAt" < ${to} AND s."toStage" IN ('closed-won', 'closed-lost'))`);
  const inSight = sightFilter(sight);
  const deals = rows.filter((row) => inSight(row.owner)).sort((a, b) => compareText(a.id, b.id));
  const roster = await loadRoster(db, sight.tenant);
  return deals.map((row) => {
    const { stages, sqlAt } = parseCourse(row.course);
    return {
      id: row.id,
      leadId: row.lead_id,
      segment: {
        rep: row.owner,
        team: roster.teamOf(row.owner),
        source: row.source,
        campaign: textField(row.campaign_type, row.campaign),
      },
      currency: row.currency,
      acvMinor: row.acv === null ? null : Number(row.acv),
      openedAt: stages[0]?.at ?? instantOf(row.created)!,
      sqlAt,
      stages,
      // As the fact loader: a deal with a closed-lost transition carries the code and competitor it was lost with.
      lossReason: stages.some((event) => event.to === 'closed-lost')
        ? { code: row.loss_code, competitor: row.competitor }
        : null,
    };
  });
}

/** `AND …` keeping the deals `d` a person's sight holds; nothing for the whole tenant. */
function ownedBy(db: Db, sight: Sight) {
  return sight.all ? empty : sql`AND d."ownerEmail" IN ${valuesOf(db, sight.owners)}`;
}
