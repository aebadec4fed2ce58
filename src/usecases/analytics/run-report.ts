/**
 * One analytics request, end to end: load the facts once (they cover the previous period too),
 * compute the report for the current and the previous period, and, with a breakdown, for each part
 * of the facts split by the dimension. The result is the report's envelope, the same for every
 * report: which period, zone and moment it was read at, and the figures.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import type { StageProbabilities } from '../../domain/analytics/pipeline';
import { splitFacts, withoutRecords } from '../../domain/analytics/breakdown';
import { groupBy } from '../../domain/group-by';
import { breakdownRoster, listedGroups, rosterKeys } from './breakdown-groups';
import type { AnalyticsFacts, ClosedDealCourse, Dimension } from '../../domain/analytics/facts';
import type { Tally } from '../../domain/analytics/measures';
import { periodOf, type AnalyticsFilters } from '../../domain/analytics/filters';
import { previousPeriod, type ReportPeriod } from '../../domain/analytics/period';
import type { Sight } from '../visibility';
import { aggregatedFigures } from './aggregated-reports';
import { loadFacts } from './load-facts';
import { speedFigures } from './speed-report';
import { pipelineInputs, type DealQuery } from './deal-courses';
import { closedDealCourses, openOpportunitiesOf, openOpportunityGroups } from './deal-outcomes';
import { closedDeals } from './closed-deals';
import { channelCounts, channelLeads } from './channel-leads';
import { deskRecords, type DeskKeys, type DeskRecords } from './desk-records';
import { renewalContracts } from './renewal-contracts';
import { activityReportFigures } from './activity-records';
import { attributionFigures } from './attribution-report';
import type { ProbabilitiesInForce } from './rules-in-force';
import { idsToRead, wired } from './report-ids';
import { loadChannelInputs, loadPipelineInputs, loadPlanInputs, NO_PLAN_INPUTS, type PlanInputs } from './plan-inputs';
import {
  channelCountsReport,
  channelReport,
  dealFigures,
  deskFigures,
  pipelineCourses,
  pipelineSnapshots,
  pipelineFigures,
  type PipelineCourses,
  REPORT_DEFINITIONS,
  REPORT_NEEDS,
  REPORT_OPTIONS,
  type ReportContext,
  type ReportName,
  type ReportOptions,
} from './reports';
import { renewals } from '../../domain/analytics/retention';
import { winLoss } from '../../domain/analytics/win-loss';

export interface ReportRequest {
  sight: Sight;
  filters: AnalyticsFilters;
  options: ReportOptions;
  /** The moment the report is read at (never later than now). */
  asOf: Date;
  /** The tenant's reporting zone, for filters that name none. */
  defaultZone: string;
  calendar: WorkingCalendar;
  /** Win probability per open stage (forecast.yaml), in basis points; empty without forecast.yaml. */
  probabilities: StageProbabilities;
  /** The rules version `probabilities` come from (the active one), if known. */
  probabilitiesVersion?: string | null;
  /**
   * The probabilities in force at a moment (the period's end), from the activation history; where
   * it has none, `probabilities` apply.
   */
  probabilitiesAt?: (at: Date) => ProbabilitiesInForce | undefined;
  /**
   * How many drill-down ids of each figure the caller keeps (the API's `idLimit`). A report
   * computed from SQL aggregates then reads only the first `idLimit + 1` of each list, so the cut
   * to `idLimit` (capIds) gives what the full lists give; without it every id is read.
   */
  idLimit?: number;
}

export interface PeriodView {
  from: string;
  to: string;
  zone: string;
  /** The first instant of the period, and the first after it. */
  start: string;
  end: string;
}

export interface ReportEnvelope {
  report: ReportName;
  period: PeriodView;
  previousPeriod: PeriodView;
  asOf: string;
  options: Partial<ReportOptions>;
  current: unknown;
  previous: unknown;
  breakdown: { dimension: Dimension; groups: { key: string; current: unknown; previous: unknown }[] } | null;
}

const view = (period: ReportPeriod): PeriodView => ({
  from: period.fromDate,
  to: period.toDate,
  zone: period.zone,
  start: period.from.toISOString(),
  end: period.to.toISOString(),
});

/** The report over the filters' period and the one before it, as JSON-ready values. */
export async function runReport(db: Db, report: ReportName, request: ReportRequest): Promise<ReportEnvelope> {
  switch (report) {
    case 'volume':
    case 'funnel': {
      const period = periodOf(request.filters, request.defaultZone);
      const figures = await aggregatedFigures(db, report, {
        sight: request.sight,
        period,
        previous: previousPeriod(period),
        asOf: request.asOf,
        options: request.options,
        breakdown: request.filters.breakdown,
        idLimit: request.idLimit,
      });
      return envelope(report, request, figures);
    }
    case 'speed': {
      const period = periodOf(request.filters, request.defaultZone);
      const figures = await speedFigures(db, {
        sight: request.sight,
        period,
        previous: previousPeriod(period),
        asOf: request.asOf,
        calendar: request.calendar,
        idLimit: request.idLimit,
        breakdown: request.filters.breakdown,
      });
      return envelope(report, request, figures);
    }
    case 'deals':
    case 'pipeline':
      return envelope(report, request, await dealReportFigures(db, report, request));
    case 'win-loss':
    case 'channels':
      return envelope(report, request, await reviewFigures(db, report, request));
    case 'deal-desk':
    case 'retention':
      return envelope(report, request, await deskReportFigures(db, report, request));
    case 'activity': {
      const period = periodOf(request.filters, request.defaultZone);
      const dimension = request.filters.breakdown;
      const query = { sight: request.sight, period, previous: previousPeriod(period), asOf: request.asOf };
      const [{ whole, groups, none }, roster] = await Promise.all([
        activityReportFigures(db, { ...query, idLimit: request.idLimit }, dimension),
        dimension ? breakdownRoster(db, request.sight, dimension) : [],
      ]);
      return envelope(report, request, {
        ...whole,
        breakdown:
          dimension && groups
            ? {
                dimension,
                groups: listedGroups(
                  groups.keys(),
                  roster,
                  (key) => groups.get(key)!,
                  () => none,
                ),
              }
            : null,
      });
    }
    case 'rule-attribution': {
      const period = periodOf(request.filters, request.defaultZone);
      const { sight, asOf, calendar, options } = request;
      const figures = await attributionFigures(db, {
        sight,
        period,
        previous: previousPeriod(period),
        asOf,
        calendar,
        by: options.by,
        withinDays: options.withinDays ?? undefined,
        dimension: request.filters.breakdown,
        idLimit: request.idLimit,
      });
      return envelope(report, request, figures);
    }
    default: {
      const unknown: never = report;
      throw new Error(`runReport: no report named ${String(unknown)}`);
    }
  }
}

/** How a report served from SQL is broken down: by `dimension`, each row's key by its id, and the roster's keys. */
interface Grouping {
  dimension: Dimension | undefined;
  keys: ReadonlyMap<string, string>;
  /** The keys listed even with nothing counted: by rep or team, the reps in sight (breakdownRoster). */
  roster: readonly string[];
}

/**
 * Rows read by `read`, which puts each row's breakdown key into the map it is given when broken
 * down, with the roster's keys read beside them.
 */
async function keyedRead<T>(
  db: Db,
  query: DealQuery,
  dimension: Dimension | undefined,
  read: (keys: Map<string, string>) => Promise<T>,
): Promise<[T, Grouping]> {
  const keys = new Map<string, string>();
  const [rows, roster] = await Promise.all([read(keys), dimension ? breakdownRoster(db, query.sight, dimension) : []]);
  return [rows, { dimension, keys, roster }];
}

/**
 * A report's figures whole (`figures` on every row, with key null) and, broken down, per group:
 * the groups listedGroups lists, of the keys of the rows and of `more` (keys only another input
 * has), each computed on the rows of its key.
 */
function keyedFigures<T extends { id: string }>(
  rows: readonly T[],
  { dimension, keys, roster }: Grouping,
  figures: (part: readonly T[], key: string | null) => { current: unknown; previous: unknown },
  more: Iterable<string> = [],
): Pick<ReportEnvelope, 'current' | 'previous' | 'breakdown'> {
  const whole = figures(rows, null);
  if (!dimension) return { ...whole, breakdown: null };
  const parts = groupBy(rows, (row) => keys.get(row.id));
  const groups = listedGroups(
    [...parts.keys(), ...more],
    roster,
    (key) => figures(parts.get(key) ?? [], key),
    (key) => figures([], key),
  );
  return { ...whole, breakdown: { dimension, groups } };
}

/**
 * The deals report (broken down or not) on the deals closed in the window and the open opportunities
 * counted in SQL (./deal-outcomes.ts), or the pipeline report on the deals read from SQL
 * (./deal-courses.ts), computed by the same functions as on facts.
 */
async function dealReportFigures(
  db: Db,
  report: 'deals' | 'pipeline',
  request: ReportRequest,
): Promise<Pick<ReportEnvelope, 'current' | 'previous' | 'breakdown'>> {
  const period = periodOf(request.filters, request.defaultZone);
  const query = { sight: request.sight, period, previous: previousPeriod(period), asOf: request.asOf };
  if (report === 'deals') {
    // The first `idLimit + 1` ids of each open tally: the cut to `idLimit` (capIds) then gives what all of them give.
    const limit = idsToRead(request.idLimit);
    const dimension = request.filters.breakdown;
    // The open opportunities are counted per group (one group, '', when not broken down), and the
    // whole's are its groups'.
    const [[closed, grouping], grouped] = await Promise.all([
      keyedRead(db, query, dimension, (keys) => closedDealCourses(db, query, dimension, keys)),
      openOpportunityGroups(db, query, limit, dimension),
    ]);
    const open = openOpportunitiesOf(grouped, limit);
    const none = [new Map<string, Tally>(), new Map<string, Tally>()] as const;
    return keyedFigures(
      closed,
      grouping,
      (deals, key) => {
        const ends = key === null ? open : (grouped.get(key) ?? none);
        const figures = (which: ReportPeriod, end: Map<string, Tally>) =>
          dealFigures(deals, which, (currency) => end.get(currency) ?? { count: 0, ids: [] });
        return { current: figures(period, ends[1]), previous: figures(query.previous, ends[0]) };
      },
      dimension ? grouped.keys() : [],
    );
  }
  const dimension = request.filters.breakdown;
  const [{ inputs, courses, deals }, grouping] = await keyedRead(db, query, dimension, (keys) =>
    pipelineInputs(db, query, dimension, keys),
  );
  const figures = (of: PipelineCourses, whole: boolean) => ({
    current: pipelineFigures(of, reportContext(request, period, true, whole, inputs)),
    previous: pipelineFigures(of, reportContext(request, query.previous, false, whole, inputs)),
  });
  const whole = figures(courses, true);
  if (!dimension) return { ...whole, breakdown: null };
  // Quotas belong to the whole: each part is computed without them, as on facts.
  const broken = keyedFigures(deals, grouping, (part, key) =>
    key === null ? whole : figures(pipelineCourses(part), false),
  );
  return { ...whole, breakdown: broken.breakdown };
}

/**
 * The win/loss or the channels report (broken down or not) on the deals closed in the window
 * (./closed-deals.ts) and, for channels, the leads created or made MQLs in it (./channel-leads.ts)
 * and the spend, all read from SQL, computed by the same functions as on facts.
 */
async function reviewFigures(
  db: Db,
  report: 'win-loss' | 'channels',
  request: ReportRequest,
): Promise<Pick<ReportEnvelope, 'current' | 'previous' | 'breakdown'>> {
  const period = periodOf(request.filters, request.defaultZone);
  const query: DealQuery = { sight: request.sight, period, previous: previousPeriod(period), asOf: request.asOf };
  const dimension = request.filters.breakdown;
  if (report === 'win-loss') {
    const [deals, grouping] = await keyedRead(db, query, dimension, (keys) => closedDeals(db, query, dimension, keys));
    return keyedFigures(deals, grouping, (part) => ({
      current: winLoss(part, period),
      previous: winLoss(part, query.previous),
    }));
  }
  if (dimension && request.sight.all && request.idLimit !== undefined) {
    // The whole tenant broken down: the leads counted per group and channel in SQL (channelCounts),
    // the deals each with its key; spend belongs to the whole.
    const [[deals, grouping], counts, inputs] = await Promise.all([
      keyedRead(db, query, dimension, (keys) => closedDeals(db, query, dimension, keys)),
      channelCounts(db, query, request.idLimit + 1, dimension),
      loadChannelInputs(db, query),
    ]);
    const figures = (part: readonly ClosedDealCourse[], key: string | null) => {
      const whole = key === null;
      const of = whole ? counts.whole : (counts.groups.get(key) ?? [[], []]);
      return {
        current: channelCountsReport(of[1], part, reportContext(request, period, true, whole, inputs)),
        previous: channelCountsReport(of[0], part, reportContext(request, query.previous, false, whole, inputs)),
      };
    };
    return keyedFigures(deals, grouping, figures, counts.groups.keys());
  }
  if (dimension) {
    // Broken down for a person, or with every id: the leads and deals each with its key; spend belongs to the whole.
    const leadKeys = new Map<string, string>();
    const [[deals, grouping], leads, inputs] = await Promise.all([
      keyedRead(db, query, dimension, (keys) => closedDeals(db, query, dimension, keys)),
      channelLeads(db, query, dimension, leadKeys),
      loadChannelInputs(db, query),
    ]);
    const leadsOf = groupBy(leads, (lead) => leadKeys.get(lead.id)!);
    const figures = (part: readonly ClosedDealCourse[], key: string | null) => {
      const whole = key === null;
      const of = whole ? leads : (leadsOf.get(key) ?? []);
      return {
        current: channelReport(of, part, reportContext(request, period, true, whole, inputs)),
        previous: channelReport(of, part, reportContext(request, query.previous, false, whole, inputs)),
      };
    };
    return keyedFigures(deals, grouping, figures, leadsOf.keys());
  }
  if (request.sight.all && request.idLimit !== undefined) {
    // The whole tenant: the leads counted per source and campaign in SQL (channelCounts), while the
    // deals and the spend are read (the counting statement leaves a core free).
    const [counts, deals, inputs] = await Promise.all([
      channelCounts(db, query, request.idLimit + 1),
      closedDeals(db, query),
      loadChannelInputs(db, query),
    ]);
    const figures = (which: 0 | 1) =>
      channelCountsReport(
        counts.whole[which],
        deals,
        reportContext(request, which ? period : query.previous, which === 1, true, inputs),
      );
    return { current: figures(1), previous: figures(0), breakdown: null };
  }
  const deals = await closedDeals(db, query);
  const inputs = await loadChannelInputs(db, query);
  const leads = await channelLeads(db, query);
  const figures = (which: ReportPeriod, current: boolean) =>
    channelReport(leads, deals, reportContext(request, which, current, true, inputs));
  return { current: figures(period, true), previous: figures(query.previous, false), breakdown: null };
}

/**
 * The deal desk report on the quote versions, approvals and quoted deals read from SQL
 * (./desk-records.ts), or the retention report on the contracts read from SQL
 * (./renewal-contracts.ts), broken down or not, computed by the same functions as on facts.
 */
async function deskReportFigures(
  db: Db,
  report: 'deal-desk' | 'retention',
  request: ReportRequest,
): Promise<Pick<ReportEnvelope, 'current' | 'previous' | 'breakdown'>> {
  const period = periodOf(request.filters, request.defaultZone);
  const query: DealQuery = { sight: request.sight, period, previous: previousPeriod(period), asOf: request.asOf };
  const { asOf, calendar } = request;
  if (report === 'retention') {
    const dimension = request.filters.breakdown;
    const [contracts, grouping] = await keyedRead(db, query, dimension, (keys) =>
      renewalContracts(db, query, dimension, keys),
    );
    // A contract renews only one of its own group, as on the facts split by the dimension.
    return keyedFigures(contracts, grouping, (part) => ({
      current: renewals(part, period, asOf),
      previous: renewals(part, query.previous, asOf),
    }));
  }
  const dimension = request.filters.breakdown;
  const keys: DeskKeys = { quotes: new Map(), approvals: new Map(), deals: new Map() };
  const [records, roster] = await Promise.all([
    deskRecords(db, query, dimension, keys),
    dimension ? breakdownRoster(db, query.sight, dimension) : [],
  ]);
  const figures = ({ quotes, approvals, deals }: DeskRecords) => ({
    current: deskFigures(quotes, approvals, deals, { period, asOf, calendar }),
    previous: deskFigures(quotes, approvals, deals, { period: query.previous, asOf, calendar }),
  });
  if (!dimension) return { ...figures(records), breakdown: null };
  // Each kind split by its records' keys; a group is computed on its versions, approvals and deals.
  const quotes = groupBy(records.quotes, (row) => keys.quotes.get(row.id)!);
  const approvals = groupBy(records.approvals, (row) => keys.approvals.get(row.id)!);
  const deals = groupBy(records.deals, (row) => keys.deals.get(row.id)!);
  const part = (key: string): DeskRecords => ({
    quotes: quotes.get(key) ?? [],
    approvals: approvals.get(key) ?? [],
    deals: deals.get(key) ?? [],
  });
  const groups = listedGroups(
    [...quotes.keys(), ...approvals.keys(), ...deals.keys()],
    roster,
    (key) => figures(part(key)),
    () => figures({ quotes: [], approvals: [], deals: [] }),
  );
  return { ...figures(records), breakdown: { dimension, groups } };
}

/** The envelope of a report's figures: which periods, zone, moment and options it was read with. */
function envelope(
  report: ReportName,
  request: ReportRequest,
  figures: Pick<ReportEnvelope, 'current' | 'previous' | 'breakdown'>,
): ReportEnvelope {
  const period = periodOf(request.filters, request.defaultZone);
  return {
    report,
    period: view(period),
    previousPeriod: view(previousPeriod(period)),
    asOf: request.asOf.toISOString(),
    options: Object.fromEntries(REPORT_OPTIONS[report].map((name) => [name, request.options[name]])),
    ...wired(figures, idsToRead(request.idLimit)),
  };
}

/**
 * The facts one report reads: only the kinds its metrics need, selected by its period, broken down
 * or not (a breakdown lists the groups with a record behind a figure, and the roster's: facts of
 * other kinds would list none).
 */
export async function reportFacts(db: Db, report: ReportName, request: ReportRequest): Promise<AnalyticsFacts> {
  const period = periodOf(request.filters, request.defaultZone);
  return loadFacts(db, { sight: request.sight, period, asOf: request.asOf, needs: REPORT_NEEDS[report] });
}

/** The plan inputs the report reads (forecasts, quotas, spend), for the deals of `facts`. */
export async function reportInputs(
  db: Db,
  report: ReportName,
  request: ReportRequest,
  facts: AnalyticsFacts,
): Promise<PlanInputs> {
  if (!PLAN_REPORTS.has(report)) return NO_PLAN_INPUTS;
  const period = periodOf(request.filters, request.defaultZone);
  const query = {
    sight: request.sight,
    period,
    previous: previousPeriod(period),
    asOf: request.asOf,
    dealIds: facts.deals.map((deal) => deal.id),
  };
  // What each report reads: channels the spend alone; the pipeline, of each deal, its forecasts up
  // to its last snapshot (the only entries forecastAt picks), read from DealForecast in one
  // statement rather than every entry through Prisma, 500 deals at a time.
  if (report === 'channels') return loadChannelInputs(db, query);
  if (report === 'pipeline') return loadPipelineInputs(db, query, pipelineSnapshots(query));
  return loadPlanInputs(db, query);
}

/** The reports that read forecasts, quotas or spend. */
const PLAN_REPORTS: ReadonlySet<ReportName> = new Set(['pipeline', 'channels']);

/**
 * What a report's computation reads besides its facts, for one period of the request: `current`
 * for the filters' period, `whole` unless computing a part of a breakdown.
 */
function reportContext(
  request: ReportRequest,
  period: ReportPeriod,
  current: boolean,
  whole: boolean,
  inputs: PlanInputs,
): ReportContext {
  return {
    period,
    before: previousPeriod(period),
    current,
    asOf: request.asOf,
    calendar: request.calendar,
    options: request.options,
    probabilitiesAt: (at) =>
      request.probabilitiesAt?.(at) ?? {
        version: request.probabilitiesVersion ?? null,
        probabilities: request.probabilities,
      },
    inputs,
    whole,
  };
}

/** The report computed on facts already loaded (they must cover the previous period too). */
export function reportFrom(
  facts: AnalyticsFacts,
  report: ReportName,
  request: ReportRequest,
  inputs: PlanInputs = NO_PLAN_INPUTS,
): ReportEnvelope {
  const period = periodOf(request.filters, request.defaultZone);
  const previous = previousPeriod(period);
  const definition = REPORT_DEFINITIONS[report];
  const both = (part: AnalyticsFacts, whole: boolean) => ({
    current: definition.compute(part, reportContext(request, period, true, whole, inputs)),
    previous: definition.compute(part, reportContext(request, previous, false, whole, inputs)),
  });
  const dimension = request.filters.breakdown;
  if (!dimension) return envelope(report, request, { ...both(facts, true), breakdown: null });
  const parts = new Map(splitFacts(facts, dimension).map(({ key, value }) => [key, value]));
  const none = withoutRecords(facts);
  const groups = listedGroups(
    parts.keys(),
    rosterKeys(facts.salesReps ?? [], dimension),
    (key) => both(parts.get(key)!, false),
    () => both(none, false),
  );
  return envelope(report, request, { ...both(facts, true), breakdown: { dimension, groups } });
}
