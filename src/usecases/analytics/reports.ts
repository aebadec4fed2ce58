/**
 * The analytics reports the API serves (`GET /api/analytics/<report>`): for each, the figures of
 * one fact set over one period, built from the pure metrics of src/domain/analytics. A report is a
 * function of (facts, period, context, options), so the same function gives the current period,
 * the previous one and every part of a breakdown (src/usecases/analytics/run-report.ts).
 *
 * Where an input the issue asks for is not recorded yet (stage probabilities, forecast categories,
 * expected close dates, quotas, marketing spend), the figure is computed from what is stored (no
 * probability weighs nothing, no category commits nothing) and the report lists the input under
 * `missingInputs`, so a reader never mistakes an absent input for a zero.
 */
import type { WorkingCalendar } from '../../domain/business-time';
import { activityByRep, activityPerWonDeal } from '../../domain/analytics/activity';
import { activationsIn, ruleAttribution } from '../../domain/analytics/attribution';
import { channelEconomics } from '../../domain/analytics/channel';
import { approvalTurnaround, discountDepth, quoteToClose } from '../../domain/analytics/deal-desk';
import { averageDealSize, salesCycle, salesVelocity, winRate } from '../../domain/analytics/deals';
import type { AnalyticsFacts, DealFact } from '../../domain/analytics/facts';
import { forecastVsActual, wonDeals } from '../../domain/analytics/forecast';
import { cohortFunnel, periodFunnel } from '../../domain/analytics/funnel';
import type { ReportPeriod } from '../../domain/analytics/period';
import { openPipelineByStage, weightedPipeline, type PipelineDeal } from '../../domain/analytics/pipeline';
import { ownerCalendar, responseTime, slaAttainment } from '../../domain/analytics/response';
import { renewals } from '../../domain/analytics/retention';
import { bottleneck, timeInStage } from '../../domain/analytics/stage-time';
import { closeOf } from '../../domain/analytics/stages';
import { volume, volumeTrend } from '../../domain/analytics/volume';
import { winLoss } from '../../domain/analytics/win-loss';

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

/** Inputs a report's definition asks for that leadflow does not record yet. */
export const MISSING_INPUTS = [
  'stage-probabilities',
  'forecast-categories',
  'expected-close-dates',
  'quotas',
  'marketing-spend',
] as const;
export type MissingInput = (typeof MISSING_INPUTS)[number];

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
}

export interface ReportDefinition {
  missingInputs: readonly MissingInput[];
  compute(facts: AnalyticsFacts, context: ReportContext): unknown;
}

/** The pipeline as it stood at `at`: the deals open then, each in the stage it was in. */
export function pipelineAt(deals: readonly DealFact[], at: Date): PipelineDeal[] {
  return deals.flatMap((deal) => {
    if (deal.openedAt.getTime() >= at.getTime() || closeOf(deal, at) !== null) return [];
    const stage = deal.stages.filter((event) => event.at.getTime() < at.getTime()).at(-1)?.to ?? 'needs-analysis';
    return [
      {
        dealId: deal.id,
        stage,
        acvMinor: deal.acvMinor,
        currency: deal.currency,
        // Not recorded yet: no deal is expected in a period or categorised, so forecasts hold no deal.
        expectedCloseAt: null,
        forecastCategory: null,
        owner: deal.segment.rep ?? '',
        team: deal.segment.team,
      },
    ];
  });
}

const earlier = (a: Date, b: Date) => (a.getTime() < b.getTime() ? a : b);

/** Stage probabilities of the weighted pipeline: no rule file holds them yet. */
const STAGE_PROBABILITIES = {};

export const REPORT_DEFINITIONS: Record<ReportName, ReportDefinition> = {
  volume: {
    missingInputs: [],
    compute: (facts, { period, options }) => ({
      stages: volume(facts.leads, period),
      trend: volumeTrend(facts.leads, period, options.grain),
      ruleActivations: activationsIn(facts.ruleActivations, period),
    }),
  },
  funnel: {
    missingInputs: [],
    compute: (facts, { period, asOf, options }) => {
      if (options.view === 'period') return { ...periodFunnel(facts.leads, period), maturing: null };
      return cohortFunnel(facts.leads, period, { asOf, withinDays: options.withinDays ?? undefined });
    },
  },
  speed: {
    missingInputs: [],
    compute: (facts, { period, before, current, asOf, calendar }) => ({
      responseTime: responseTime(facts.leads, period, ownerCalendar(calendar)),
      sla: slaAttainment(facts.leads, period, asOf),
      timeInStage: timeInStage(facts.leads, period),
      bottleneck: current ? bottleneck(facts.leads, period, before) : null,
    }),
  },
  deals: {
    missingInputs: [],
    compute: (facts, { period }) => ({
      winRate: winRate(facts.deals, period),
      dealSize: averageDealSize(facts.deals, period),
      cycle: salesCycle(facts.deals, period),
      velocity: salesVelocity(facts.deals, period),
    }),
  },
  pipeline: {
    missingInputs: ['stage-probabilities', 'forecast-categories', 'expected-close-dates', 'quotas'],
    compute: (facts, { period, asOf }) => {
      const end = pipelineAt(facts.deals, earlier(period.to, asOf));
      return {
        openByStage: openPipelineByStage(end),
        weighted: weightedPipeline(end, STAGE_PROBABILITIES),
        forecast: forecastVsActual(
          pipelineAt(facts.deals, earlier(period.from, asOf)),
          wonDeals(facts.deals, asOf),
          period,
        ),
      };
    },
  },
  'deal-desk': {
    missingInputs: [],
    compute: (facts, { period, asOf, calendar }) => ({
      discountDepth: discountDepth(facts.quotes, period),
      approvalTurnaround: approvalTurnaround(facts.approvals, period, calendar),
      quoteToClose: quoteToClose(facts.quotes, facts.deals, period, asOf),
    }),
  },
  activity: {
    missingInputs: [],
    compute: (facts, { period }) => ({
      byRep: activityByRep(facts.activities, period).map(({ key, value }) => ({ key, counts: value })),
      perWonDeal: activityPerWonDeal(facts.activities, facts.deals, period),
    }),
  },
  'win-loss': {
    missingInputs: [],
    compute: (facts, { period }) => winLoss(facts.deals, period),
  },
  channels: {
    missingInputs: ['marketing-spend'],
    compute: (facts, { period, options }) => ({
      channels: channelEconomics(facts.leads, facts.deals, [], period, options.level),
    }),
  },
  retention: {
    missingInputs: [],
    compute: (facts, { period, asOf }) => renewals(facts.contracts, period, asOf),
  },
  'rule-attribution': {
    missingInputs: [],
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
