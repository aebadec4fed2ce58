/**
 * The rule attribution report from narrow SQL projections instead of loaded facts: each lead's
 * version, funnel arrivals, owner and first touch (./attribution-leads.ts), the deals closed in the
 * window (./closed-deals.ts) and the rule activations, for the period and the previous one,
 * computed by the same pure function as on facts (attributionRowsOf), so business hours are counted
 * in each owner's calendar and every figure and drill-down is the same.
 *
 * Broken down, each lead carries its key (its owner at the period's end, or its segment field) and
 * each deal its (its owner, or its lead's field); each group's rows are computed on its own leads
 * and deals, and the groups are those listedGroups lists.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import {
  activationsIn,
  attributionRowsOf,
  type AttributedLead,
  type AttributionBy,
  type AttributionInputs,
} from '../../domain/analytics/attribution';
import { orderKeys } from '../../domain/analytics/breakdown';
import { NONE, type ClosedDealCourse, type Dimension } from '../../domain/analytics/facts';
import { cohortFunnelOf, type CohortFunnelReport } from '../../domain/analytics/funnel';
import { groupBy } from '../../domain/group-by';
import { append, compareText, sortedIds, type Tally } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import { ownerCalendar } from '../../domain/analytics/response';
import type { Sight } from '../visibility';
import { attributionRead, COHORT_BITS, type AttributedLeadRow, type AttributionCohort } from './attribution-leads';
import { breakdownRoster, listedGroups } from './breakdown-groups';
import { closedDeals } from './closed-deals';
import { segmentKeyOf, type SegmentColumns } from './lead-arrivals';
import { idsToRead } from './report-ids';
import { sightFilter } from './load-facts';
import { loadRoster, type Roster } from './roster';
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

/** The lead's MQL as the one stage transition its response reads (reachedAt), if it became one. */
function attributedLead(row: AttributedLeadRow, roster: Roster): AttributedLead {
  return {
    id: row.id,
    createdAt: row.createdAt,
    stages: row.mqlAt === null ? [] : [{ from: null, to: 'mql', at: row.mqlAt, rulesetVersion: null }],
    touches: row.firstTouch === null ? [] : [row.firstTouch],
    slaDueAt: null,
    ownerTimeZone: roster.timeZoneOf(row.rep),
  };
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

/**
 * The versions, leads and deals of one part: `seen` its leads (in id order) whose responses or deals
 * count, `deals` its deals and `cells` its cohort funnels.
 */
function inputsOf(
  seen: readonly AttributedLeadRow[],
  deals: ClosedDealCourse[],
  cohorts: Cohorts,
  roster: Roster,
  cap: number | undefined,
): AttributionInputs {
  // Grouped by version as they come, and the version kept only of the leads of a deal.
  const dealLeads = new Set(deals.map((deal) => deal.leadId));
  const leadsOf = new Map<string, AttributedLead[]>();
  const versionOf = new Map<string, string>();
  for (const row of seen) {
    const version = row.version ?? NONE;
    append(leadsOf, version, attributedLead(row, roster));
    if (dealLeads.has(row.id)) versionOf.set(row.id, version);
  }
  const versions = new Set(leadsOf.keys());
  for (const cohort of cohorts.values()) versions.add(cohort[0]!.version ?? NONE);
  const funnelOf = (version: string, period: number) => funnelOfCohorts(cohorts.get(cohortKey(period, version)) ?? [], cap);
  return { versions: orderKeys(versions), leadsOf, versionOf, deals, funnelOf };
}

/**
 * The versions, leads and deals the caller may see: leads by their owner at the period's end, deals
 * by theirs; with `dimension`, also per group: a lead's key its owner at the period's end or its
 * segment field, a deal's its owner or its lead's field (closedDeals), as the facts key them. A
 * group's deal has a version only when its lead is the group's too, as on a part of the facts.
 */
async function attributionInputs(
  db: Db,
  request: AttributionRequest,
): Promise<{ whole: AttributionInputs; groups: Map<string, AttributionInputs> | null }> {
  const { sight, period, previous, asOf, by, dimension, withinDays } = request;
  const window = { from: previous.from, to: new Date(Math.min(period.to.getTime(), asOf.getTime())), asOf };
  const inSight = sightFilter(sight);
  const roster = await loadRoster(db, sight.tenant);
  const ownerZones = roster.worksBeyond(request.calendar.timezone);
  const dealKeys = new Map<string, string>();
  const cap = idsToRead(request.idLimit);
  // The leads and the deals read side by side (the leads' statement runs in no parallel worker).
  const [read, deals] = await Promise.all([
    attributionRead(db, {
      sight,
      by,
      window,
      periods: [period, previous],
      withinDays,
      ownerZones,
      dimension,
    }),
    closedDeals(db, { sight, period, previous, asOf }, dimension, dimension ? dealKeys : undefined),
  ]);
  // In id order: every tally of the rows is then a copy, not a sort (sortedIds).
  const seen = read.leads.filter((row) => inSight(row.rep)).sort((a, b) => compareText(a.id, b.id));
  const cohorts = read.cohorts.filter((cohort) => inSight(cohort.rep));
  const wholeCohorts: Cohorts = new Map();
  for (const cohort of cohorts) addCohort(wholeCohorts, cohort);
  const whole = inputsOf(seen, deals, wholeCohorts, roster, cap);
  if (!dimension) return { whole, groups: null };
  const keyOf = (row: SegmentColumns & { rep: string | null }) => segmentKeyOf(row, dimension, roster);
  const leadsByKey = groupBy(seen, (row) => keyOf({ rep: row.rep, segType: row.segType ?? null, segText: row.segText ?? null }));
  const dealsByKey = groupBy(deals, (deal) => dealKeys.get(deal.id)!);
  const cohortsByKey = new Map<string, Cohorts>();
  for (const cohort of cohorts) {
    const key = keyOf(cohort);
    if (!cohortsByKey.has(key)) cohortsByKey.set(key, new Map());
    addCohort(cohortsByKey.get(key)!, cohort);
  }
  const keys = new Set([...leadsByKey.keys(), ...dealsByKey.keys(), ...cohortsByKey.keys()]);
  return {
    whole,
    groups: new Map(
      [...keys].map(
        (key) =>
          [
            key,
            inputsOf(leadsByKey.get(key) ?? [], dealsByKey.get(key) ?? [], cohortsByKey.get(key) ?? new Map<string, AttributionCohort[]>(), roster, cap),
          ] as const,
      ),
    ),
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
