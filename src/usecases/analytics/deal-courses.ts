/**
 * The deals behind the pipeline report, read in SQL as narrow projections instead of loaded facts:
 * each deal that can be open at the end or start of the period or the previous one, or won before
 * `asOf` (its id, owner, currency and ACV, when it was created), its deal-stage transitions and its
 * lead's first SQL transition (DealCourse), and its forecast history; then, of the deals open at a
 * snapshot, the forecasts, and the quotas (./plan-inputs.ts). The transitions and the forecasts
 * are read from the lead's DealHistory row (`course`, `forecasts`: whole texts that database
 * triggers keep, cut here at `asOf` and the last snapshot), one row per deal: at
 * 1 000 000 leads, probing 40 000 deals' stage events and 31 000 deals' forecasts took
 * 0.6–0.7 s each. The figures are then computed by the same function as on facts
 * (pipelineFigures in ./reports.ts), so they are identical; the differential test
 * (test/analytics/loader-differential.int.test.ts) checks this on both providers. The deals report
 * reads less (./deal-outcomes.ts).
 *
 * Which deals: the tenant's deals in the caller's sight, created before `asOf`, not closed before
 * the previous period's start (or `asOf`, if earlier). A deal's `closedAt` is the instant of its
 * latest close (setDealStage writes it with the closing stage event), so a deal closed earlier can
 * be neither open in the two periods nor closed in them; the fact loader narrows by the same column.
 * The leads' other events, touches and assignments, which the fact path reads, are not read.
 *
 * A broken-down report still loads facts (run-report.ts): its parts are split by the lead's
 * segment (source, campaign, industry, size, region), which is not read here.
 */
import type { Db } from '../../db/client';
import { instantFromText, instantOf, sql } from '../../db/raw-sql';
import type { DealCourse } from '../../domain/analytics/facts';
import { wonDeals } from '../../domain/analytics/forecast';
import { compareText } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import type { Sight } from '../visibility';
import { ownedBy } from './closed-deals';
import { sightFilter } from './load-facts';
import { NO_PLAN_INPUTS, pipelineInputsOf, type ForecastHistory, type PlanInputs } from './plan-inputs';
import { pipelineAt, pipelineCuts } from './reports';
import { loadRoster } from './roster';

export interface DealQuery {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  /** The moment the report is read at: nothing recorded at or after it is read. */
  asOf: Date;
}

interface DealRow {
  id: string;
  lead_id: string;
  owner: string;
  currency: string;
  acv: bigint | number | null;
  created: unknown;
  course: string | null;
  forecasts: string | null;
}

/** Which deals the pipeline may leave out (dealCourses). */
export interface DealNarrowing {
  /** Only the deals that may have opened before this moment… */
  openedBefore: Date;
  /** …or that were won (a closed-won transition) before this one. */
  wonBefore: Date;
}

/**
 * The deals that can count in a pipeline report of `query`, in id order, each with its course:
 * only those that may have opened before `openedBefore` (created before it, or with a deal-stage
 * transition before it: a course's opening is its first transition, or the deal's creation when it
 * has none) or have a closed-won transition before `wonBefore`.
 *
 * The pipeline passes the end of the period (or `asOf`, if earlier) and `asOf`: it reads the deals
 * open at a snapshot (opened before the period's end) and, for quota attainment, every deal won
 * before `asOf`; at 1 000 000 leads that left out 29 000 deals of 114 000 (the generator then made
 * 210 000 deals).
 */
export async function dealCourses(
  db: Db,
  query: DealQuery,
  narrowing: DealNarrowing,
): Promise<{ deals: DealCourse[]; histories: ForecastHistory[] }> {
  const { sight, previous, asOf } = query;
  const earliest = new Date(Math.min(previous.from.getTime(), asOf.getTime()));
  // LeadFunnel's `opportunityAt` is the lead's first deal-stage transition and `wonAt` its first
  // closed-won one: a transition before a moment exists when the first is before it.
  const opened = sql`AND (d."createdAt" < ${narrowing.openedBefore} OR f."opportunityAt" < ${narrowing.openedBefore}
        OR f."wonAt" < ${narrowing.wonBefore})`;
  const rows = await db.$queryRaw<DealRow[]>(sql`
    SELECT d.id, d."leadId" AS lead_id, d."ownerEmail" AS owner, d.currency, d."acvMinor" AS acv,
      d."createdAt" AS created, h.course, h.forecasts
    FROM "Deal" d CROSS JOIN "LeadFunnel" f LEFT JOIN "DealHistory" h ON h."leadId" = d."leadId"
    WHERE f."leadId" = d."leadId" AND f.tenant = ${sight.tenant}
      AND d.tenant = ${sight.tenant} AND d."createdAt" < ${asOf} ${ownedBy(db, sight)}
      AND (d."closedAt" IS NULL OR d."closedAt" >= ${earliest}) ${opened}`);
  const inSight = sightFilter(sight);
  const kept = rows.filter((row) => inSight(row.owner)).sort((a, b) => compareText(a.id, b.id));
  const roster = await loadRoster(db, sight.tenant);
  const deals = kept.map((row): DealCourse => {
    const { stages, sqlAt } = parseCourse(row.course, asOf);
    return {
      id: row.id,
      segment: { rep: row.owner, team: roster.teamOf(row.owner) },
      currency: row.currency,
      acvMinor: row.acv === null ? null : Number(row.acv),
      openedAt: stages[0]?.at ?? instantOf(row.created)!,
      sqlAt,
      stages,
    };
  });
  return { deals, histories: kept.map((row) => ({ dealId: row.id, history: row.forecasts })) };
}

/** What a lead recorded before `asOf` that a deal's course is made of. */
export interface LeadCourse {
  /** Its deal-stage transitions, oldest first (then by id, the loader's order; a deal's stage events are its lead's). */
  stages: { to: string; at: Date }[];
  /** Its first SQL transition. */
  sqlAt: Date | null;
}

/**
 * The course DealHistory's `course` holds (none when null: `stage@instant,…`, oldest first,
 * then by id), up to `asOf`: the deal-stage transitions before it in order, and the first SQL one.
 */
export function parseCourse(text: string | null, asOf: Date): LeadCourse {
  const course: LeadCourse = { stages: [], sqlAt: null };
  if (text === null) return course;
  for (const event of text.split(',')) {
    const mark = event.indexOf('@');
    const stage = event.slice(0, mark);
    const at = instantFromText(event.slice(mark + 1));
    // Oldest first: the rest are later still.
    if (at.getTime() >= asOf.getTime()) break;
    if (stage !== 'sql') course.stages.push({ to: stage, at });
    else course.sqlAt ??= at;
  }
  return course;
}

/**
 * The forecasts and quotas the pipeline report reads: of the deals open at one of its snapshots
 * (the period's and the previous period's start and end), the only deals whose forecast a figure
 * reads, their histories before the last snapshot (pipelineInputsOf: forecastAt picks the entry in
 * force at each), from the texts dealCourses read. With them, the deals its
 * figures read (pipelineFigures: those open at a snapshot, pipelineAt, and those won before
 * `asOf`, wonDeals), in their order: at 1 000 000 leads, 81 000 of the 114 000 read, so each
 * snapshot walks fewer.
 */
export async function pipelineInputs(
  db: Db,
  query: DealQuery,
  { deals, histories }: { deals: readonly DealCourse[]; histories: readonly ForecastHistory[] },
): Promise<{ inputs: PlanInputs; counted: DealCourse[] }> {
  const { period, previous, asOf } = query;
  const cuts = [pipelineCuts(period, asOf), pipelineCuts(previous, asOf)].flatMap(({ start, end }) => [start, end]);
  const open = new Set(cuts.flatMap((cut) => pipelineAt(deals, cut, NO_PLAN_INPUTS).map((deal) => deal.dealId)));
  const won = new Set(wonDeals(deals, asOf).map((deal) => deal.dealId));
  const last = new Date(Math.max(...cuts.map((cut) => cut.getTime())));
  return {
    inputs: await pipelineInputsOf(
      db,
      query,
      histories.filter((history) => open.has(history.dealId)),
      last,
    ),
    counted: deals.filter((deal) => open.has(deal.id) || won.has(deal.id)),
  };
}
