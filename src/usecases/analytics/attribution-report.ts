/**
 * The rule attribution report from narrow SQL projections instead of loaded facts: each lead's
 * version, funnel arrivals, owner and first touch (./attribution-leads.ts), the deals closed in the
 * window (./closed-deals.ts) and the rule activations, for the period and the previous one,
 * computed by the same pure function as on facts (attributionRowsOf), so business hours are counted
 * in each owner's calendar and every figure and drill-down is the same.
 *
 * A broken-down report still loads facts (run-report.ts): its groups are every key the facts hold.
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
import { NONE, type StageEventFact } from '../../domain/analytics/facts';
import { append, compareText } from '../../domain/analytics/measures';
import type { ReportPeriod } from '../../domain/analytics/period';
import { ownerCalendar } from '../../domain/analytics/response';
import type { Sight } from '../visibility';
import { attributionLeads, type AttributedLeadRow } from './attribution-leads';
import { closedDeals } from './closed-deals';
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

/** The versions, leads and deals the caller may see: leads by their owner at the period's end, deals by theirs. */
async function attributionInputs(db: Db, request: AttributionRequest): Promise<AttributionInputs> {
  const { sight, period, previous, asOf, by } = request;
  const window = { from: previous.from, to: new Date(Math.min(period.to.getTime(), asOf.getTime())), asOf };
  const inSight = sightFilter(sight);
  const roster = await loadRoster(db, sight.tenant);
  const ownerZones = roster.worksBeyond(request.calendar.timezone);
  // The leads and the deals read side by side (the leads' statement runs in no parallel worker).
  const [read, deals] = await Promise.all([
    attributionLeads(db, { sight, by, window, ownerZones }),
    closedDeals(db, { sight, period, previous, asOf }),
  ]);
  // In id order: every tally of the rows is then a copy, not a sort (sortedIds).
  const seen = read.filter((row) => inSight(row.rep)).sort((a, b) => compareText(a.id, b.id));
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

/** The rule attribution report's figures for the period and the previous one (no breakdown). */
export async function attributionFigures(
  db: Db,
  request: AttributionRequest,
): Promise<{ current: unknown; previous: unknown; breakdown: null }> {
  const { period, previous, asOf, calendar, by, withinDays } = request;
  const [inputs, activations] = await Promise.all([
    attributionInputs(db, request),
    activationsBetween(db, { from: previous.from, to: asOf }),
  ]);
  const options = { by, calendarFor: ownerCalendar(calendar), withinDays, asOf };
  const [current, before] = attributionRowsOf(inputs, [period, previous], options);
  return {
    current: { rows: current, ruleActivations: activationsIn(activations, period) },
    previous: { rows: before, ruleActivations: activationsIn(activations, previous) },
    breakdown: null,
  };
}
