/**
 * The rule attribution report from SQL aggregates instead of loaded facts: per ruleset version,
 * owner and segment field, the cohort leads and the stages each reached, the responses with their
 * business hours counted as the speed report counts them, and the leads of closed deals
 * (./attribution-leads.ts); the deals closed in the window (./closed-deals.ts) and the rule
 * activations; for the period and the previous one. The rows are made by the same pure function as
 * on facts (attributionRowsOf), given each version's funnel and response time, so every figure and
 * drill-down is the same.
 *
 * Broken down, each group of rows carries its key (its owner at the period's end, or its segment
 * field) and each deal its (its owner, or its lead's field); each group's rows are computed on its
 * own, and the groups are those listedGroups lists.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import {
  activationsIn,
  attributionRowsOf,
  type AttributionBy,
  type AttributionInputs,
} from '../../domain/analytics/attribution';
import { orderKeys } from '../../domain/analytics/breakdown';
import { NONE, type ClosedDealCourse, type Dimension } from '../../domain/analytics/facts';
import { cohortFunnelOf, type CohortFunnelReport } from '../../domain/analytics/funnel';
import { groupBy } from '../../domain/group-by';
import { sortedIds, type Tally } from '../../domain/analytics/measures';
import type { Interval, ReportPeriod } from '../../domain/analytics/period';
import { countedTogether, ownerCalendar, responseTimeOfCounted } from '../../domain/analytics/response';
import type { Sight } from '../visibility';
import {
  attributionRead,
  COHORT_BITS,
  type AttributionCohort,
  type AttributionDealLeads,
  type AttributionGroup,
  type AttributionResponses,
} from './attribution-leads';
import { breakdownRoster, listedGroups } from './breakdown-groups';
import { closedDeals } from './closed-deals';
import { segmentKeyOf } from './lead-arrivals';
import { idsToRead } from './report-ids';
import { sightFilter } from './load-facts';
import { loadRoster } from './roster';
import { activationsBetween } from './rules-in-force';

export interface AttributionRequest {
  sight: Sight;
  period: ReportPeriod;
  previous: ReportPeriod;
  asOf: Date;
  calendar: WorkingCalendar;
  by: AttributionBy;
  withinDays?: number;
  /** Split every figure by this dimension, as splitFacts splits the leads and deals. */
  dimension?: Dimension;
  /** Ids each figure must carry (the API's idLimit); every id without it. */
  idLimit?: number;
}

/** The cohorts of one part (the whole, or a breakdown group) by `period version`. */
type Cohorts = Map<string, AttributionCohort[]>;

const cohortKey = (period: number, version: string) => `${period} ${version}`;

function addCohort(cohorts: Cohorts, cohort: AttributionCohort): void {
  const key = cohortKey(cohort.period, cohort.version ?? NONE);
  const found = cohorts.get(key);
  if (found) found.push(cohort);
  else cohorts.set(key, [cohort]);
}

/** The cohort funnel of `cohorts` (of one version and period), each figure's ids cut to `cap`. */
function funnelOfCohorts(cohorts: readonly AttributionCohort[], cap: number | undefined): CohortFunnelReport {
  const lead: string[] = [];
  const reached = { mql: [] as string[], sql: [] as string[], opportunity: [] as string[], won: [] as string[] };
  const maturing: string[] = [];
  for (const cohort of cohorts)
    cohort.ids.forEach((id, i) => {
      const bits = cohort.reached[i]!;
      lead.push(id);
      if (bits & COHORT_BITS.mql) reached.mql.push(id);
      if (bits & COHORT_BITS.sql) reached.sql.push(id);
      if (bits & COHORT_BITS.opportunity) reached.opportunity.push(id);
      if (bits & COHORT_BITS.won) reached.won.push(id);
      if (bits & COHORT_BITS.maturing) maturing.push(id);
    });
  // A lead is in one cohort only: each list's length is its count.
  const tallied = (ids: string[]): Tally => ({ count: ids.length, ids: sortedIds(ids, cap) });
  return cohortFunnelOf(
    {
      lead: tallied(lead),
      mql: tallied(reached.mql),
      sql: tallied(reached.sql),
      opportunity: tallied(reached.opportunity),
      won: tallied(reached.won),
    },
    tallied(maturing),
  );
}

/** What one part of the report (the whole, or a breakdown group) reads. */
interface Part {
  cohorts: AttributionCohort[];
  responses: AttributionResponses[];
  dealLeads: AttributionDealLeads[];
  deals: ClosedDealCourse[];
}

const nothing = (): Part => ({ cohorts: [], responses: [], dealLeads: [], deals: [] });

/**
 * The versions, cohort funnels, responses and deals of one part, each figure's ids cut to `cap`. A
 * deal has a version only when its lead is the part's too, as on a part of the facts.
 */
function inputsOf(part: Part, cap: number | undefined, indexOf: (period: Interval) => 0 | 1): AttributionInputs {
  const cohorts: Cohorts = new Map();
  for (const cohort of part.cohorts) addCohort(cohorts, cohort);
  const responses = groupBy(part.responses, (group) => group.version ?? NONE);
  const dealLeads = new Set(part.deals.map((deal) => deal.leadId));
  const versionOf = new Map<string, string>();
  for (const group of part.dealLeads)
    for (const id of group.ids) if (dealLeads.has(id)) versionOf.set(id, group.version ?? NONE);
  const versions = new Set([...responses.keys(), ...versionOf.values()]);
  for (const cohort of part.cohorts) versions.add(cohort.version ?? NONE);
  return {
    versions: orderKeys(versions),
    leadsOf: new Map(),
    versionOf,
    deals: part.deals,
    funnelOf: (version, period) => funnelOfCohorts(cohorts.get(cohortKey(indexOf(period), version)) ?? [], cap),
    responsesOf: (version, period) =>
      responseTimeOfCounted(
        countedTogether((responses.get(version) ?? []).map((group) => group.periods[indexOf(period)])),
        cap,
      ),
  };
}

/**
 * The versions, cohorts, responses and deals the caller may see: leads by their owner at the
 * period's end, deals by theirs; with `dimension`, also per group: a lead's key its owner at the
 * period's end or its segment field, a deal's its owner or its lead's field (closedDeals), as the
 * facts key them.
 */
async function attributionInputs(
  db: Db,
  request: AttributionRequest,
): Promise<{ whole: AttributionInputs; groups: Map<string, AttributionInputs> | null }> {
  const { sight, period, previous, asOf, by, dimension, withinDays, calendar } = request;
  const inSight = sightFilter(sight);
  const roster = await loadRoster(db, sight.tenant);
  const zones = roster.worksBeyond(calendar.timezone) ? roster.timeZones : null;
  const dealKeys = new Map<string, string>();
  const cap = idsToRead(request.idLimit);
  // The leads and the deals read side by side (the leads' statement runs in no parallel worker).
  const [read, deals] = await Promise.all([
    attributionRead(db, { sight, period, previous, asOf, by, withinDays, calendar, zones, dimension }),
    closedDeals(db, { sight, period, previous, asOf }, dimension, dimension ? dealKeys : undefined),
  ]);
  const whole: Part = { ...nothing(), deals };
  const groups = new Map<string, Part>();
  const partOf = (key: string): Part => {
    let part = groups.get(key);
    if (!part) groups.set(key, (part = nothing()));
    return part;
  };
  const keyOf = (group: AttributionGroup) => segmentKeyOf(group, dimension!, roster);
  const place = <T extends AttributionGroup>(rows: readonly T[], list: (part: Part) => T[]) => {
    for (const row of rows) {
      if (!inSight(row.rep)) continue;
      list(whole).push(row);
      if (dimension) list(partOf(keyOf(row))).push(row);
    }
  };
  place(read.cohorts, (part) => part.cohorts);
  place(read.responses, (part) => part.responses);
  place(read.dealLeads, (part) => part.dealLeads);
  // What was read per period (0 the period, 1 the previous one), for the period asked for.
  const indexOf = ({ from }: Interval): 0 | 1 => {
    if (from.getTime() === period.from.getTime()) return 0;
    if (from.getTime() === previous.from.getTime()) return 1;
    throw new Error(`attributionFigures: nothing read for the period from ${from.toISOString()}`);
  };
  if (!dimension) return { whole: inputsOf(whole, cap, indexOf), groups: null };
  for (const deal of deals) partOf(dealKeys.get(deal.id)!).deals.push(deal);
  return {
    whole: inputsOf(whole, cap, indexOf),
    groups: new Map([...groups].map(([key, part]) => [key, inputsOf(part, cap, indexOf)] as const)),
  };
}

/** The rule attribution report's figures for the period and the previous one, whole and broken down. */
export async function attributionFigures(
  db: Db,
  request: AttributionRequest,
): Promise<{
  current: unknown;
  previous: unknown;
  breakdown: { dimension: Dimension; groups: { key: string; current: unknown; previous: unknown }[] } | null;
}> {
  const { sight, period, previous, asOf, calendar, by, withinDays, dimension } = request;
  const [inputs, activations, roster] = await Promise.all([
    attributionInputs(db, request),
    activationsBetween(db, { from: previous.from, to: asOf }),
    dimension ? breakdownRoster(db, sight, dimension) : [],
  ]);
  const options = { by, calendarFor: ownerCalendar(calendar), withinDays, asOf };
  const figures = (of: AttributionInputs) => {
    const [current, before] = attributionRowsOf(of, [period, previous], options);
    return {
      current: { rows: current, ruleActivations: activationsIn(activations, period) },
      previous: { rows: before, ruleActivations: activationsIn(activations, previous) },
    };
  };
  const whole = figures(inputs.whole);
  if (!dimension || !inputs.groups) return { ...whole, breakdown: null };
  const groups = inputs.groups;
  const none: AttributionInputs = { versions: [], leadsOf: new Map(), versionOf: new Map(), deals: [] };
  return {
    ...whole,
    breakdown: {
      dimension,
      groups: listedGroups(
        groups.keys(),
        roster,
        (key) => figures(groups.get(key)!),
        () => figures(none),
      ),
    },
  };
}
