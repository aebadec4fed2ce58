/**
 * The rule attribution report from narrow SQL projections instead of loaded facts: each lead's
 * version, funnel arrivals, owner and first touch (./attribution-leads.ts), the deals closed in the
 * window (./closed-deals.ts) and the rule activations, for the period and the previous one,
 * computed by the same pure function as on facts (attributionRows), so business hours are counted
 * in each owner's calendar and every figure and drill-down is the same.
 *
 * A broken-down report still loads facts (run-report.ts): its groups are every key the facts hold.
 */
import type { Db } from '../../db/client';
import type { WorkingCalendar } from '../../domain/business-time';
import {
  activationsIn,
  attributionRows,
  type AttributedLead,
  type AttributionBy,
  type AttributionInputs,
} from '../../domain/analytics/attribution';
import { orderKeys } from '../../domain/analytics/breakdown';
import { NONE, type StageEventFact } from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
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
  const arrivals: [string, Date | null][] = [
    ['mql', row.mqlAt],
    ['sql', row.sqlAt],
    ['needs-analysis', row.opportunityAt],
    ['closed-won', row.wonAt],
  ];
  return arrivals.flatMap(([to, at]) => (at === null ? [] : [{ from: null, to, at, rulesetVersion: null }]));
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
  const versionOf = new Map(seen.map((row) => [row.id, row.version ?? NONE]));
  return {
    versions: orderKeys(versionOf.values()),
    versionOf,
    leads: seen.map((row) => attributedLead(row, roster)),
    deals,
  };
}

/** The rule attribution report's figures for the period and the previous one (no breakdown). */
export async function attributionFigures(
  db: Db,
  request: AttributionRequest,
): Promise<{ current: unknown; previous: unknown; breakdown: null }> {
  const { period, previous, asOf, calendar, by, withinDays } = request;
  const inputs = await attributionInputs(db, request);
  const activations = await activationsBetween(db, { from: previous.from, to: asOf });
  const options = { by, calendarFor: ownerCalendar(calendar), withinDays, asOf };
  const figures = (which: ReportPeriod) => ({
    rows: attributionRows(inputs, which, options),
    ruleActivations: activationsIn(activations, which),
  });
  return { current: figures(period), previous: figures(previous), breakdown: null };
}
