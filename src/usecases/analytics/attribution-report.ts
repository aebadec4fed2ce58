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
import { NONE, type ClosedDealCourse, type Dimension, type StageEventFact } from '../../domain/analytics/facts';
import { groupBy } from '../../domain/group-by';
import { append, compareText } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import { ownerCalendar } from '../../domain/analytics/response';
import type { Sight } from '../visibility';
import { attributionLeads, type AttributedLeadRow } from './attribution-leads';
import { breakdownRoster, listedGroups } from './breakdown-groups';
import { closedDeals } from './closed-deals';
import { segmentKeyOf } from './lead-arrivals';
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
}

/**
 * The lead's first arrivals as stage transitions, one per funnel stage reached (at the stage that
 * stands for it: a deal's first stage for an opportunity, closed-won for won). The arrivals are
 * the minimum over the transitions that reach a stage or a later one, so they are in time order and
 * reachedAt reads each back as the first transition reaching it, as it does on the lead's own.
 */
function arrivalStages(row: AttributedLeadRow): StageEventFact[] {
  // Pushed one by one: 181 000 leads at 1M leads, a list of pairs for each cost more than this.
  const stages: StageEventFact[] = [];
  const arrive = (to: string, at: Date | null) => {
    if (at !== null) stages.push({ from: null, to, at, rulesetVersion: null });
  };
  arrive('mql', row.mqlAt);
  arrive('sql', row.sqlAt);
  arrive('needs-analysis', row.opportunityAt);
  arrive('closed-won', row.wonAt);
  return stages;
}

function attributedLead(row: AttributedLeadRow, roster: Roster): AttributedLead {
  return {
    id: row.id,
    createdAt: row.createdAt,
    stages: arrivalStages(row),
    touches: row.firstTouch === null ? [] : [row.firstTouch],
    slaDueAt: null,
    ownerTimeZone: roster.timeZoneOf(row.rep),
  };
}

/** The versions, leads and deals of `seen` (leads in id order) and `deals`. */
function inputsOf(seen: readonly AttributedLeadRow[], deals: ClosedDealCourse[], roster: Roster): AttributionInputs {
  // Grouped by version as they come, and the version kept only of the leads of a deal: a map of
  // every lead's version cost 0.1 s at 1M leads (181 000 leads, 13 600 deals).
  const dealLeads = new Set(deals.map((deal) => deal.leadId));
  const leadsOf = new Map<string, AttributedLead[]>();
  const versionOf = new Map<string, string>();
  for (const row of seen) {
    const version = row.version ?? NONE;
    append(leadsOf, version, attributedLead(row, roster));
    if (dealLeads.has(row.id)) versionOf.set(row.id, version);
  }
  return { versions: orderKeys(leadsOf.keys()), leadsOf, versionOf, deals };
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
  const { sight, period, previous, asOf, by, dimension } = request;
  const window = { from: previous.from, to: new Date(Math.min(period.to.getTime(), asOf.getTime())), asOf };
  const inSight = sightFilter(sight);
  const roster = await loadRoster(db, sight.tenant);
  const ownerZones = roster.worksBeyond(request.calendar.timezone);
  const dealKeys = new Map<string, string>();
  // The leads and the deals read side by side (the leads' statement runs in no parallel worker).
  const [read, deals] = await Promise.all([
    attributionLeads(db, { sight, by, window, ownerZones, dimension }),
    closedDeals(db, { sight, period, previous, asOf }, dimension, dimension ? dealKeys : undefined),
  ]);
  // In id order: every tally of the rows is then a copy, not a sort (sortedIds).
  const seen = read.filter((row) => inSight(row.rep)).sort((a, b) => compareText(a.id, b.id));
  const whole = inputsOf(seen, deals, roster);
  if (!dimension) return { whole, groups: null };
  const leadsByKey = groupBy(seen, (row) =>
    segmentKeyOf({ rep: row.rep, segType: row.segType ?? null, segText: row.segText ?? null }, dimension, roster),
  );
  const dealsByKey = groupBy(deals, (deal) => dealKeys.get(deal.id)!);
  const keys = new Set([...leadsByKey.keys(), ...dealsByKey.keys()]);
  return {
    whole,
    groups: new Map(
      [...keys].map((key) => [key, inputsOf(leadsByKey.get(key) ?? [], dealsByKey.get(key) ?? [], roster)] as const),
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
