/**
 * The analytics reports the API serves (`GET /api/analytics/<report>`): for each, the figures of
 * one fact set over one period, built from the pure metrics of src/domain/analytics. A report is a
 * function of (facts, period, context, options), so the same function gives the current period,
 * the previous one and every part of a breakdown (src/usecases/analytics/run-report.ts).
 *
 * The pipeline and channel reports also read the plan inputs (./plan-inputs.ts): forecasts as they
 * were set, quotas and marketing spend. Quotas and spend belong to a rep, a team or the tenant, not
 * to a part of a breakdown, so a breakdown's parts show no quota attainment and no spend.
 */
import type { WorkingCalendar } from '../../domain/business-time';
import { activityByRep, activityPerWonDeal, type ActivityRecord } from '../../domain/analytics/activity';
import { activationsIn, ruleAttribution } from '../../domain/analytics/attribution';
import {
  channelFiguresOf,
  channelLead,
  channelLeadCounts,
  type ChannelLead,
  type ChannelLeadCounts,
} from '../../domain/analytics/channel';
import {
  approvalTurnaround,
  discountDepth,
  quoteToClose,
  type DeskApproval,
  type DeskQuote,
} from '../../domain/analytics/deal-desk';
import {
  averageDealSize,
  salesCycle,
  salesVelocity,
  winRate,
  type OpenOpportunities,
} from '../../domain/analytics/deals';
import type { AnalyticsFacts, ClosedDealCourse, DealCourse } from '../../domain/analytics/facts';
import { forecastVsActual, quotaAttainment, wonDeals, type WonDeal } from '../../domain/analytics/forecast';
import { cohortFunnel, periodFunnel } from '../../domain/analytics/funnel';
import type { Interval, ReportPeriod } from '../../domain/analytics/period';
import {
  openPipelineByStage,
  weightedPipeline,
  type PipelineDeal,
  type StageProbabilities,
} from '../../domain/analytics/pipeline';
import { ownerCalendar, responseTime, slaAttainment } from '../../domain/analytics/response';
import { renewals } from '../../domain/analytics/retention';
import { bottleneck, timeInStage } from '../../domain/analytics/stage-time';
import { isClosing } from '../../domain/analytics/stages';
import { volume, volumeTrend } from '../../domain/analytics/volume';
import { winLoss } from '../../domain/analytics/win-loss';
import type { FactNeeds } from './fact-rows';
import type { ForecastEntry, PlanInputs } from './plan-inputs';

export const REPORTS = [
  'volume',
  'funnel',
  'speed',
  'deals',
  'pipeline',
  'deal-desk',
  'activity',
  'win-loss',
  'channels',
  'retention',
  'rule-attribution',
] as const;
export type ReportName = (typeof REPORTS)[number];

const needs = (reads: Partial<Omit<FactNeeds, 'periodOnly'>>): FactNeeds => ({
  periodOnly: true,
  decisions: false,
  touches: false,
  deals: false,
  dealTimeline: false,
  quotes: false,
  contracts: false,
  ...reads,
});

/**
 * What each report reads besides the leads and their stage events, broken down or not (a
 * breakdown lists only groups with a record behind a figure, and the roster's).
 * Such a report also selects its records by the period alone: a record whose only events fall
 * after the period's end adds nothing to a figure of the period or the one before. The
 * differential test (test/analytics/loader-differential.int.test.ts) checks every report against
 * the one computed on every row.
 */
export const REPORT_NEEDS: Record<ReportName, FactNeeds> = {
  volume: needs({}),
  funnel: needs({}),
  // Stays in a deal stage drill down to the deal: the leads need their deal's id.
  speed: needs({ touches: true, deals: true }),
  deals: needs({ deals: true }),
  pipeline: needs({ deals: true }),
  'deal-desk': needs({ deals: true, quotes: true }),
  activity: needs({ touches: true, deals: true, dealTimeline: true }),
  'win-loss': needs({ deals: true }),
  channels: needs({ deals: true }),
  retention: needs({ deals: true, contracts: true }),
  'rule-attribution': needs({ decisions: true, touches: true, deals: true }),
};

/** The options a report takes besides the filters (all have defaults). */
export interface ReportOptions {
  grain: 'day' | 'week' | 'month';
  view: 'cohort' | 'period';
  withinDays: number | null;
  by: 'scoring' | 'routing';
  level: 'source' | 'campaign';
}

/** Which options each report reads; any other option given to it is refused. */
export const REPORT_OPTIONS: Record<ReportName, readonly (keyof ReportOptions)[]> = {
  volume: ['grain'],
  funnel: ['view', 'withinDays'],
  speed: [],
  deals: [],
  pipeline: [],
  'deal-desk': [],
  activity: [],
  'win-loss': [],
  channels: ['level'],
  retention: [],
  'rule-attribution': ['by', 'withinDays'],
};

export const DEFAULT_OPTIONS: ReportOptions = {
  grain: 'month',
  view: 'cohort',
  withinDays: null,
  by: 'scoring',
  level: 'source',
};

/** What every report computation may read besides its facts. */
export interface ReportContext {
  /** The period computed: the current one or the previous one. */
  period: ReportPeriod;
  /** The period before `period`, for comparisons inside a report (the bottleneck). */
  before: ReportPeriod;
  /** Whether `period` is the current one: the bottleneck needs the period before it, loaded only for it. */
  current: boolean;
  asOf: Date;
  /** escalation.yaml's default business calendar: response time in the owner's zone, approvals in it. */
  calendar: WorkingCalendar;
  options: ReportOptions;
  /** Win probability per open stage (forecast.yaml), in basis points, as in force at a moment, and the rules version they come from. */
  probabilitiesAt: (at: Date) => { version: string | null; probabilities: StageProbabilities };
  inputs: PlanInputs;
  /** Whether the facts are the whole (not a part of a breakdown): quotas and spend apply to it only. */
  whole: boolean;
}

export interface ReportDefinition {
  compute(facts: AnalyticsFacts, context: ReportContext): unknown;
}

/** The forecast a deal had at `at`: its latest entry before then. */
function forecastAt(history: readonly ForecastEntry[] | undefined, at: Date): ForecastEntry | undefined {
  if (history === undefined) return undefined;
  const cut = at.getTime();
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.at < cut) return history[i];
  return undefined;
}

/**
 * The pipeline as it stood at `at`: the deals open then (opened before it and not closed before
 * it), each in the stage of its last transition before it (its first stage when none is), with the
 * expected close date and forecast category recorded for it by then.
 */
function pipelineDealsAt(deals: readonly DealCourse[], at: Date, inputs: PlanInputs): PipelineDeal[] {
  // Plain loops, no array or closure per deal: from SQL a report takes three snapshots of 40 500
  // deals at 1M leads, and each open deal is made at once.
  const cut = at.getTime();
  const open: PipelineDeal[] = [];
  deals: for (const deal of deals) {
    if (deal.openedAt.getTime() >= cut) continue;
    let stage = 'needs-analysis';
    for (const event of deal.stages) {
      if (event.at.getTime() >= cut) continue;
      if (isClosing(event.to)) continue deals;
      stage = event.to;
    }
    const forecast = forecastAt(inputs.forecasts.get(deal.id), at);
    open.push({
      dealId: deal.id,
      stage,
      acvMinor: deal.acvMinor,
      currency: deal.currency,
      expectedCloseAt: forecast?.expectedCloseAt ?? null,
      forecastCategory: forecast?.category ?? null,
      owner: deal.segment.rep ?? '',
      team: deal.segment.team,
    });
  }
  return open;
}

/**
 * A pipeline report's deals, with what its snapshots read worked out once and kept: the pipeline
 * at a moment with the forecasts in force then (pipelineAt), and the deals won before a moment
 * (wonBefore). A report takes snapshots at its period's start and end and at the previous
 * period's, and the period's start is the previous period's end: made per period, that snapshot
 * was made twice, and the won deals once per period. Make one per request (its deals) and compute
 * both periods on it.
 */
export interface PipelineCourses {
  /** The pipeline as it stood at `at` (pipelineDealsAt). */
  pipelineAt(at: Date, inputs: PlanInputs): readonly PipelineDeal[];
  /** The deals won before `asOf` (wonDeals). */
  wonBefore(asOf: Date): readonly WonDeal[];
}

export function pipelineCourses(deals: readonly DealCourse[]): PipelineCourses {
  const snapshots = new Map<number, { inputs: PlanInputs; deals: PipelineDeal[] }>();
  const won = new Map<number, WonDeal[]>();
  return {
    pipelineAt(at, inputs) {
      const kept = snapshots.get(at.getTime());
      if (kept?.inputs === inputs) return kept.deals;
      const made = pipelineDealsAt(deals, at, inputs);
      snapshots.set(at.getTime(), { inputs, deals: made });
      return made;
    },
    wonBefore(asOf) {
      let before = won.get(asOf.getTime());
      if (before === undefined) won.set(asOf.getTime(), (before = wonDeals(deals, asOf)));
      return before;
    },
  };
}

/** The earlier of two instants. */
export const earlier = (a: Date, b: Date) => (a.getTime() < b.getTime() ? a : b);

/** The latest of instants (a pipeline report's last snapshot, after which no forecast is read). */
export const latest = (moments: readonly Date[]) => new Date(Math.max(...moments.map((moment) => moment.getTime())));

/**
 * The deals report's figures for one period: win rate, deal size, sales cycle and velocity of the
 * deals closed in it. Served on loaded facts and from SQL, on the deals closed in the window
 * and the open opportunities counted in SQL (./deal-outcomes.ts): the same function either way.
 */
export function dealFigures(deals: readonly DealCourse[], period: ReportPeriod, open?: OpenOpportunities) {
  return {
    winRate: winRate(deals, period),
    dealSize: averageDealSize(deals, period),
    cycle: salesCycle(deals, period),
    velocity: salesVelocity(deals, period, open),
  };
}

/**
 * The moments the pipeline report takes its snapshots at for a period: its end (the open pipeline,
 * the weighted pipeline, quota coverage) and its start (what was forecast for it), or `asOf` when
 * earlier.
 */
export function pipelineCuts(period: ReportPeriod, asOf: Date): { end: Date; start: Date } {
  return { end: earlier(period.to, asOf), start: earlier(period.from, asOf) };
}

/** Every moment a pipeline report takes a snapshot at: the period's and the previous period's start and end (pipelineCuts). */
export function pipelineSnapshots({
  period,
  previous,
  asOf,
}: {
  period: ReportPeriod;
  previous: ReportPeriod;
  asOf: Date;
}): Date[] {
  return [pipelineCuts(period, asOf), pipelineCuts(previous, asOf)].flatMap(({ start, end }) => [start, end]);
}

/**
 * The pipeline report's figures for one period: the open and the weighted pipeline at its end,
 * the forecast made at its start against the deals won in it, and, on the whole (not a part of a
 * breakdown), quota attainment and coverage. Served on the deals read from SQL
 * (./deal-courses.ts), whole and broken down, and computed on loaded facts by the tests and the
 * benchmark: the same function either way.
 */
export function pipelineFigures(
  courses: PipelineCourses,
  { period, asOf, probabilitiesAt, inputs, whole }: ReportContext,
) {
  const cuts = pipelineCuts(period, asOf);
  const end = courses.pipelineAt(cuts.end, inputs);
  const won = courses.wonBefore(asOf);
  const inForce = probabilitiesAt(cuts.end);
  return {
    openByStage: openPipelineByStage(end),
    weighted: { ...weightedPipeline(end, inForce.probabilities), rulesVersion: inForce.version },
    forecast: forecastVsActual(courses.pipelineAt(cuts.start, inputs), won, period),
    quotas: whole ? quotaAttainment(inputs.quotas, won, end) : null,
  };
}

/**
 * The channels report's figures for one period: channel economics of the leads and deals, with the
 * spend on the whole (not a part of a breakdown) for a caller who may see it. Served on the leads
 * and deals read from SQL (./channel-leads.ts, ./closed-deals.ts), whole and broken down, and
 * computed on loaded facts by the tests and the benchmark: the same function either way.
 */
export function channelReport(
  leads: readonly ChannelLead[],
  deals: readonly ClosedDealCourse[],
  context: ReportContext,
) {
  return channelCountsReport(channelLeadCounts(leads, context.period), deals, context);
}

/** channelReport on the period's leads already counted per source and campaign (./channel-leads.ts, channelCounts). */
export function channelCountsReport(
  counts: readonly ChannelLeadCounts[],
  deals: readonly ClosedDealCourse[],
  { period, options, inputs, whole }: ReportContext,
) {
  return {
    spendIncluded: whole && inputs.spendVisible,
    channels: channelFiguresOf(counts, deals, whole ? inputs.spend : [], period, options.level),
  };
}

/**
 * The deal desk report's figures for one period: discount depth of the quote versions sent in it,
 * approval turnaround of the approvals decided in it, and how the deals first quoted in it ended.
 * Served on the versions, approvals and quoted deals read from SQL (./desk-records.ts), whole and
 * broken down, and computed on loaded facts by the tests and the benchmark: the same function
 * either way.
 */
export function deskFigures(
  quotes: readonly DeskQuote[],
  approvals: readonly DeskApproval[],
  deals: readonly Pick<DealCourse, 'id' | 'stages'>[],
  { period, asOf, calendar }: Pick<ReportContext, 'period' | 'asOf' | 'calendar'>,
) {
  return {
    discountDepth: discountDepth(quotes, period),
    approvalTurnaround: approvalTurnaround(approvals, period, calendar),
    quoteToClose: quoteToClose(quotes, deals, period, asOf),
  };
}

/**
 * The activity report's figures for one period: the activity logged in it per rep, and per deal won
 * in it, on loaded facts. ./activity-records.ts counts the same figures in SQL, whole and broken
 * down (the loader differential test requires them equal).
 */
export function activityFigures(
  activities: readonly ActivityRecord[],
  deals: readonly (DealCourse & { leadId: string })[],
  period: Interval,
) {
  return {
    byRep: activityByRep(activities, period).map(({ key, value }) => ({ key, counts: value })),
    perWonDeal: activityPerWonDeal(activities, deals, period),
  };
}

export const REPORT_DEFINITIONS: Record<ReportName, ReportDefinition> = {
  volume: {
    compute: (facts, { period, options }) => ({
      stages: volume(facts.leads, period),
      trend: volumeTrend(facts.leads, period, options.grain),
      ruleActivations: activationsIn(facts.ruleActivations, period),
    }),
  },
  funnel: {
    compute: (facts, { period, asOf, options }) => {
      if (options.view === 'period') return { ...periodFunnel(facts.leads, period), maturing: null };
      return cohortFunnel(facts.leads, period, { asOf, withinDays: options.withinDays ?? undefined });
    },
  },
  speed: {
    compute: (facts, { period, before, current, asOf, calendar }) => ({
      responseTime: responseTime(facts.leads, period, ownerCalendar(calendar)),
      sla: slaAttainment(facts.leads, period, asOf),
      timeInStage: timeInStage(facts.leads, period),
      bottleneck: current ? bottleneck(facts.leads, period, before) : null,
    }),
  },
  deals: {
    compute: (facts, { period }) => dealFigures(facts.deals, period),
  },
  pipeline: {
    compute: (facts, context) => pipelineFigures(pipelineCourses(facts.deals), context),
  },
  'deal-desk': {
    compute: (facts, context) => deskFigures(facts.quotes, facts.approvals, facts.deals, context),
  },
  activity: {
    compute: (facts, { period }) => activityFigures(facts.activities, facts.deals, period),
  },
  'win-loss': {
    compute: (facts, { period }) => winLoss(facts.deals, period),
  },
  channels: {
    compute: (facts, context) => channelReport(facts.leads.map(channelLead), facts.deals, context),
  },
  retention: {
    compute: (facts, { period, asOf }) => renewals(facts.contracts, period, asOf),
  },
  'rule-attribution': {
    compute: (facts, { period, calendar, options }) => ({
      rows: ruleAttribution(facts, period, {
        by: options.by,
        calendarFor: ownerCalendar(calendar),
        withinDays: options.withinDays ?? undefined,
      }),
      ruleActivations: activationsIn(facts.ruleActivations, period),
    }),
  },
};
