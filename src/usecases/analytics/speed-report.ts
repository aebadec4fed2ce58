/**
 * The speed report from narrow SQL projections (./speed-rows.ts) instead of loaded facts: response
 * time, SLA attainment, time in stage and the bottleneck, for the period and the previous one,
 * computed by the same pure functions as on facts (responseTimeOf, slaAttainmentOf, measuredDwell,
 * bottleneckOf), so business hours are counted in each owner's calendar and every percentile is
 * the exact nearest-rank value. The bottleneck's conversions are the funnel's period view, from
 * the SQL aggregates of ./aggregated-reports.ts.
 *
 * A broken-down speed report still loads facts (run-report.ts): its groups are every key the facts
 * hold, not only those of the rows read here.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import type { FunnelStep } from '../../domain/analytics/funnel';
import type { ReportPeriod } from '../../domain/analytics/period';
import { ownerCalendar, responseTimeOf, slaAttainmentOf, type LeadResponse } from '../../domain/analytics/response';
import { bottleneckOf, measuredDwell, type StageDwell } from '../../domain/analytics/stage-time';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';
import { responseRows, stayRows, type SpeedQuery } from './speed-rows';
import type { Sight } from '../visibility';
import { aggregatedFigures } from './aggregated-reports';
import { idsToRead } from './report-ids';
import { DEFAULT_OPTIONS } from './reports';

export interface SpeedRequest {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  asOf: Date;
  calendar: WorkingCalendar;
  /** Ids each figure must carry (the bottleneck's conversions read the first `idLimit + 1`); all without it. */
  idLimit?: number;
}

/** The responses and the time in stage (each period's, its first `cap` ids) the caller may see (owner at the period's end in sight). */
async function speedInputs(
  db: Db,
  request: SpeedRequest,
  cap: number | undefined,
): Promise<{ responses: LeadResponse[]; dwell: readonly [StageDwell[], StageDwell[]] }> {
  const { sight, period, previous, asOf } = request;
  const query: SpeedQuery = { sight, from: previous.from, to: period.to, asOf };
  const roster = await loadRoster(db, sight.tenant);
  const inSight = sightFilter(sight);
  // For the whole tenant the owner only picks the calendar of a response.
  const ownerZones = roster.worksBeyond(request.calendar.timezone);
  // The responses and the stays read side by side: neither statement runs in parallel workers, so
  // each has a core.
  const [responseRead, stayRead] = await Promise.all([
    responseRows(db, { ...query, ownerZones }),
    stayRows(db, { ...query, split: period.from }),
  ]);
  const responses = responseRead
    .filter((row) => inSight(row.rep))
    .map((row) => ({
      id: row.id,
      mqlAt: row.mqlAt,
      firstTouch: row.firstTouch,
      slaDueAt: row.slaDueAt,
      ownerTimeZone: roster.timeZoneOf(row.rep),
    }));
  const stays = stayRead.filter((row) => inSight(row.rep));
  const measured = (which: 0 | 1) =>
    measuredDwell(
      stays.filter((row) => row.period === which),
      cap,
    );
  const dwell = [measured(0), measured(1)] as const;
  return { responses, dwell };
}

/** The funnel's steps (period view) of the period (1) and the previous one (0), from SQL aggregates. */
async function funnelSteps(db: Db, request: SpeedRequest): Promise<[FunnelStep[], FunnelStep[]]> {
  const { sight, period, previous, asOf, idLimit } = request;
  const options = { ...DEFAULT_OPTIONS, view: 'period' as const };
  const funnel = await aggregatedFigures(db, 'funnel', { sight, period, previous, asOf, options, idLimit });
  const steps = (figures: unknown) => (figures as { steps: FunnelStep[] }).steps;
  return [steps(funnel.previous), steps(funnel.current)];
}

/** The speed report's figures for the period and the previous one (no breakdown). */
export async function speedFigures(
  db: Db,
  request: SpeedRequest,
): Promise<{ current: unknown; previous: unknown; breakdown: null }> {
  const { period, previous, asOf, calendar } = request;
  // Each figure's first `idLimit + 1` ids (all without a limit), not every id sorted: the API's cut
  // to `idLimit` then gives what all of them give.
  const cap = idsToRead(request.idLimit);
  const { responses, dwell } = await speedInputs(db, request, cap);
  const steps = await funnelSteps(db, request);
  const calendarFor = ownerCalendar(calendar);
  const figures = (which: 0 | 1) => ({
    responseTime: responseTimeOf(responses, which ? period : previous, calendarFor, cap),
    sla: slaAttainmentOf(responses, which ? period : previous, asOf, cap),
    timeInStage: dwell[which],
    bottleneck: which
      ? bottleneckOf({ current: steps[1], previous: steps[0] }, { current: dwell[1], previous: dwell[0] })
      : null,
  });
  return { current: figures(1), previous: figures(0), breakdown: null };
}
