/**
 * The speed report from narrow SQL projections (./speed-rows.ts) instead of loaded facts: response
 * time, SLA attainment, time in stage and the bottleneck, for the period and the previous one. SQL
 * sorts the leads as responseTimeOf and slaAttainmentOf do and counts each response's business
 * hours in its owner's calendar; the figures come from the same pure functions as on facts
 * (responseTimeOfCounted, slaAttainmentOfCounted, dwellOfStages, bottleneckOf), so every percentile
 * is the exact nearest-rank value. The bottleneck's conversions are the funnel's period view, from
 * the SQL aggregates of ./aggregated-reports.ts.
 *
 * Broken down, each row carries its lead's key (its owner at the period's end, or a segment field)
 * and each group's figures are computed on its rows. The groups are those listedGroups lists (./breakdown-groups.ts)
 * of the keys of the rows and of the broken-down funnel's groups.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import { periodFunnel, type FunnelStep } from '../../domain/analytics/funnel';
import type { Dimension } from '../../domain/analytics/facts';
import { groupBy } from '../../domain/group-by';
import type { ReportPeriod } from '../../domain/analytics/period';
import { countedTogether, responseTimeOfCounted, slaAttainmentOfCounted } from '../../domain/analytics/response';
import { bottleneckOf, dwellOfStages } from '../../domain/analytics/stage-time';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';
import { segmentKeyOf, type SegmentColumns } from './lead-arrivals';
import { responseGroups, stayGroups, type ResponseGroup, type SpeedQuery, type StayGroup } from './speed-rows';
import type { Sight } from '../visibility';
import { aggregatedFigures } from './aggregated-reports';
import { listedGroups, rosterKeysInSight } from './breakdown-groups';
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
  /** Split every figure by this dimension of the lead's segment, as splitFacts splits the leads. */
  breakdown?: Dimension;
}

/** The responses the caller may see (owner at the period's end in sight), and the stays, each with its lead's key. */
async function speedInputs(
  db: Db,
  request: SpeedRequest,
): Promise<{
  responses: KeyedResponses[];
  stays: StayGroup[];
  keyOf: (row: SegmentColumns) => string;
  /** The keys listed even with nothing counted (listedGroups): by rep or team, the reps in sight. */
  roster: string[];
}> {
  const { sight, period, previous, asOf, breakdown, calendar } = request;
  const query: SpeedQuery = { sight, from: previous.from, to: period.to, asOf, dimension: breakdown };
  const roster = await loadRoster(db, sight.tenant);
  const inSight = sightFilter(sight);
  const keyOf = (row: SegmentColumns) => (breakdown ? segmentKeyOf(row, breakdown, roster) : '');
  // For the whole tenant the owner only picks the calendar of a response (and, by rep or team, the group).
  const zones = roster.worksBeyond(calendar.timezone) ? roster.timeZones : null;
  // The responses and the stays read side by side: neither statement runs in parallel workers, so
  // each has a core (broken down, the funnel's two statements run beside them too).
  const [responseRead, stayRead] = await Promise.all([
    responseGroups(db, { ...query, periods: [previous, period], calendar, zones }),
    stayGroups(db, { ...query, split: period.from }),
  ]);
  // A group of responses or stays is keyed by its own columns when broken down (keyOf).
  return {
    responses: responseRead.filter((group) => inSight(group.rep)).map((group) => ({ ...group, key: keyOf(group) })),
    stays: stayRead.filter((group) => inSight(group.rep)),
    keyOf,
    roster: breakdown ? rosterKeysInSight(roster, sight, breakdown) : [],
  };
}

/** A group of responses, with its breakdown key ('' when not broken down). */
type KeyedResponses = ResponseGroup & { key: string };

/** The funnel (period view) of the period and the previous one, whole and per breakdown group, from SQL aggregates. */
async function funnelSteps(db: Db, request: SpeedRequest): Promise<{ whole: Steps; groups: Map<string, Steps> }> {
  const { sight, period, previous, asOf, idLimit, breakdown } = request;
  const options = { ...DEFAULT_OPTIONS, view: 'period' as const };
  const funnel = await aggregatedFigures(db, 'funnel', { sight, period, previous, asOf, options, idLimit, breakdown });
  const steps = (figures: { current: unknown; previous: unknown }): Steps => [
    (figures.previous as { steps: FunnelStep[] }).steps,
    (figures.current as { steps: FunnelStep[] }).steps,
  ];
  return { whole: steps(funnel), groups: new Map(funnel.breakdown?.groups.map((group) => [group.key, steps(group)])) };
}

/** The funnel's steps of the previous period (0) and the period (1). */
type Steps = readonly [FunnelStep[], FunnelStep[]];

/**
 * The speed report's figures for the period and the previous one, whole and, broken down, for each
 * group listedGroups lists, each computed on the responses and stays of its leads, as on facts.
 */
export async function speedFigures(
  db: Db,
  request: SpeedRequest,
): Promise<{
  current: unknown;
  previous: unknown;
  breakdown: { dimension: Dimension; groups: { key: string; current: unknown; previous: unknown }[] } | null;
}> {
  const { period, breakdown } = request;
  // Each figure's first `idLimit + 1` ids (all without a limit), not every id sorted: the API's cut
  // to `idLimit` then gives what all of them give.
  const cap = idsToRead(request.idLimit);
  // The funnel's statements run beside the rows' (at 1M leads, speed 715–721 → 644–652 ms at p50
  // for the whole tenant, 701–755 → 573–586 ms for a manager).
  const [{ responses, stays, keyOf, roster }, steps] = await Promise.all([
    speedInputs(db, request),
    funnelSteps(db, request),
  ]);
  const figuresOf = (responses: readonly ResponseGroup[], stays: readonly StayGroup[], steps: Steps) => {
    const dwell = ([0, 1] as const).map((which) =>
      dwellOfStages(
        stays.filter((group) => group.period === which),
        cap,
      ),
    );
    const figures = (which: 0 | 1) => {
      const counted = countedTogether(responses.map((group) => group.periods[which]));
      return {
        responseTime: responseTimeOfCounted(counted, cap),
        sla: slaAttainmentOfCounted(counted, cap),
        timeInStage: dwell[which]!,
        bottleneck: which
          ? bottleneckOf({ current: steps[1], previous: steps[0] }, { current: dwell[1]!, previous: dwell[0]! })
          : null,
      };
    };
    return { current: figures(1), previous: figures(0) };
  };
  if (!breakdown) return { ...figuresOf(responses, stays, steps.whole), breakdown: null };
  const responsesOf = groupBy(responses, (row) => row.key);
  const staysOf = groupBy(stays, keyOf);
  // A group none of whose leads moved in the window has no steps of its own: a funnel of no leads.
  const none = periodFunnel([], period).steps;
  return {
    ...figuresOf(responses, stays, steps.whole),
    breakdown: {
      dimension: breakdown,
      groups: listedGroups(
        [...steps.groups.keys(), ...responsesOf.keys(), ...staysOf.keys()],
        roster,
        (key) => figuresOf(responsesOf.get(key) ?? [], staysOf.get(key) ?? [], steps.groups.get(key) ?? [none, none]),
        () => figuresOf([], [], [none, none]),
      ),
    },
  };
}
