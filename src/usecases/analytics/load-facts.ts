/**
 * Loads the recorded facts a report needs (src/domain/analytics/facts.ts) for a tenant, a period
 * and a caller's sight: the leads and deals with something recorded in the period or the one
 * before it, with their stage events, decisions, touches, activities, quotes, approvals and
 * contracts, all as recorded before `asOf`.
 *
 * Only recorded, timestamped facts are read (StageEvent, Decision, Assignment, Interaction,
 * DealActivity, QuoteVersion, ApprovalRequest, Contract), never a record's current state, so a
 * closed period's figures come out the same whenever they are recomputed. A deal's stage changes
 * are StageEvent rows on its lead (the deal journey writes them beside the deal.stage-changed
 * audit entry), so one sequence holds a lead's whole journey.
 *
 * The set is generous (a metric selects what it counts by its own period rule), and is cut to the
 * sight: a rep sees the leads they owned at the period's end and the deals they own, a manager
 * those of everyone reporting to them, revops the whole tenant.
 */
import type { Db } from '../../db/client';
import { DEAL_STAGES } from '../../rules/facts';
import { TOUCH_EVENTS } from '../../domain/lead-events';
import type { AttributeValue } from '../../domain/lead';
import {
  companySize,
  type ActivityFact,
  type AnalyticsFacts,
  type DealFact,
  type LeadFact,
  type Segment,
  type StageEventFact,
} from '../../domain/analytics/facts';
import { compareText } from '../../domain/analytics/measures';
import { previousPeriod, type ReportPeriod } from '../../domain/analytics/period';
import type { Sight } from '../visibility';
import { loadFactRows, type DealRow, type FactNeeds, type FactRows, type LeadRow } from './fact-rows';
import { loadRoster, type Roster } from './roster';
import { dealDeskFacts } from './deal-desk-facts';
import { activationsBetween } from './rules-in-force';

export interface LoadFactsInput {
  sight: Sight;
  period: ReportPeriod;
  /** The moment the report is read at: nothing recorded at or after it is loaded. */
  asOf: Date;
  /** What one report reads (src/usecases/analytics/reports.ts REPORT_NEEDS); everything without it. */
  needs?: FactNeeds;
}

/** How the rows are read: loadFactRows, or the benchmark's naive read of everything. */
export type FactRowsLoader = typeof loadFactRows;

export async function loadFacts(
  db: Db,
  input: LoadFactsInput,
  loadRows: FactRowsLoader = loadFactRows,
): Promise<AnalyticsFacts> {
  const { sight, asOf } = input;
  const ownerCut = new Date(Math.min(input.period.to.getTime(), asOf.getTime()));
  // Records are selected by what happened from the previous period's start to asOf (to the
  // period's end when a report's needs say so); their history is read up to asOf.
  const window = { from: previousPeriod(input.period).from, to: ownerCut, asOf };
  const roster = await loadRoster(db, sight.tenant);
  const rows = await loadRows(db, sight, window, ownerCut, input.needs);
  const facts = cutToSight(assemble(rows, roster, asOf), sight);
  return {
    asOf,
    ...facts,
    ruleActivations: await activationsBetween(db, { from: window.from, to: asOf }),
    salesReps: roster.salesReps.filter((rep) => sightFilter(sight)(rep.email)),
  };
}

type RecordFacts = Omit<AnalyticsFacts, 'asOf' | 'ruleActivations'>;

/** Every fact of the loaded rows. */
function assemble(rows: FactRows, roster: Roster, asOf: Date): RecordFacts {
  const dealIdOfLead = new Map(rows.deals.map((deal) => [deal.leadId, deal.id]));
  const leadRowById = new Map(rows.leads.map((row) => [row.id, row]));
  const leads = rows.leads.map((row) => leadFact(row, roster, dealIdOfLead.get(row.id) ?? null));
  const leadById = new Map(leads.map((lead) => [lead.id, lead]));
  const deals = rows.deals.flatMap((row) => {
    const lead = leadById.get(row.leadId);
    return lead ? [dealFact(row, lead, lossNote(leadRowById.get(row.leadId)!), roster)] : [];
  });
  const dealById = new Map(deals.map((deal) => [deal.id, deal]));
  const activities = [
    ...rows.leads.flatMap((row) => leadActivities(row, leadById.get(row.id)!, roster)),
    ...rows.deals.flatMap((row) => dealActivities(row, dealById.get(row.id), roster)),
  ];
  const desk = dealDeskFacts(rows.deals, new Map(deals.map((deal) => [deal.id, deal.segment])), asOf);
  return { leads, deals, activities, ...desk };
}

/** The facts the caller may see, each kind in id order. */
function cutToSight(facts: RecordFacts, sight: Sight): RecordFacts {
  const inSight = sightFilter(sight);
  const leads = new Set(facts.leads.filter((lead) => inSight(lead.segment.rep)).map((lead) => lead.id));
  const deals = new Set(facts.deals.filter((deal) => inSight(deal.segment.rep)).map((deal) => deal.id));
  const ofDeal = (fact: { dealId: string }) => deals.has(fact.dealId);
  return {
    leads: byId(facts.leads.filter((lead) => leads.has(lead.id))),
    deals: byId(facts.deals.filter((deal) => deals.has(deal.id))),
    quotes: byId(facts.quotes.filter(ofDeal)),
    approvals: byId(facts.approvals.filter(ofDeal)),
    activities: byId(facts.activities.filter((a) => (a.dealId ? deals.has(a.dealId) : leads.has(a.leadId)))),
    contracts: byId(facts.contracts.filter(ofDeal)),
  };
}

/** Records in id order, so a report and its drill-down come out the same on every load. */
function byId<T extends { id: string }>(records: T[]): T[] {
  return records.sort((a, b) => compareText(a.id, b.id));
}

/** Whether a fact owned by `owner` is in sight. */
export function sightFilter(sight: Sight): (owner: string | null) => boolean {
  const owners = new Set(sight.owners.map((owner) => owner.toLowerCase()));
  return (owner) => sight.all || (owner !== null && owners.has(owner.toLowerCase()));
}

function text(value: AttributeValue | undefined): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function leadSegment(row: LeadRow, roster: Roster): Segment {
  const attributes = (row.attributes ?? {}) as Record<string, AttributeValue>;
  const details = (row.sourceDetails ?? {}) as Record<string, AttributeValue>;
  return {
    rep: row.ownerAtCut,
    team: roster.teamOf(row.ownerAtCut),
    source: row.source,
    campaign: text(details.campaign),
    industry: text(attributes.industry),
    size: companySize(attributes.employees),
    region: text(attributes.region),
  };
}

const stageFact = (event: LeadRow['stageEvents'][number]): StageEventFact => ({
  from: event.fromStage,
  to: event.toStage,
  at: event.occurredAt,
  rulesetVersion: event.rulesetVersion,
});

const TOUCHES: readonly string[] = TOUCH_EVENTS;

function leadFact(row: LeadRow, roster: Roster, dealId: string | null): LeadFact {
  const stages = row.stageEvents.map(stageFact);
  const qualified = stages.some((event) => event.to !== 'new' && event.to !== 'engaged');
  const segment = leadSegment(row, roster);
  return {
    id: row.id,
    createdAt: row.createdAt,
    segment,
    dealId,
    stages,
    touches: row.interactions.filter((i) => TOUCHES.includes(i.kind)).map((i) => i.occurredAt),
    slaDueAt: qualified ? row.slaDueAt : null,
    ownerTimeZone: roster.timeZoneOf(segment.rep),
    decisions: row.decisions.map((d) => ({
      kind: d.kind as 'scoring' | 'routing',
      version: d.rulesetVersion,
      at: d.decidedAt,
    })),
  };
}

const DEAL_STAGE_NAMES: readonly string[] = DEAL_STAGES;

/** The reason recorded with the lead's closed-lost transition, if any. */
function lossNote(row: LeadRow): string | null | undefined {
  return row.stageEvents.find((event) => event.toStage === 'closed-lost')?.reason;
}

function dealFact(row: DealRow, lead: LeadFact, lost: string | null | undefined, roster: Roster): DealFact {
  const stages = lead.stages.filter((event) => DEAL_STAGE_NAMES.includes(event.to));
  return {
    id: row.id,
    leadId: row.leadId,
    segment: { ...lead.segment, rep: row.ownerEmail, team: roster.teamOf(row.ownerEmail) },
    currency: row.currency,
    acvMinor: row.acvMinor === null ? null : Number(row.acvMinor),
    openedAt: stages[0]?.at ?? row.createdAt,
    sqlAt: lead.stages.find((event) => event.to === 'sql')?.at ?? null,
    stages,
    // The code (loss-reasons.yaml) and competitor the deal was closed lost with; the note is the stage event's reason.
    lossReason: lost === undefined ? null : { code: row.lossReason, note: lost, competitor: row.lossCompetitor },
  };
}

/** The lead events that are a person's activity, and the kind each counts as. */
export const LEAD_ACTIVITY: Record<string, ActivityFact['kind']> = {
  'call-logged': 'call',
  'email-sent': 'email',
  'meeting-booked': 'meeting',
};

/** Touches a person logged on the lead (the lead's own behaviour, with no actor, is not activity). */
function leadActivities(row: LeadRow, lead: LeadFact, roster: Roster): ActivityFact[] {
  return row.interactions.flatMap((interaction) => {
    const kind = LEAD_ACTIVITY[interaction.kind];
    const actor = (interaction.payload as { actor?: unknown } | null)?.actor;
    if (!kind || typeof actor !== 'string') return [];
    const segment = { ...lead.segment, rep: actor, team: roster.teamOf(actor) };
    return [{ id: interaction.id, kind, actor, at: interaction.occurredAt, leadId: row.id, dealId: null, segment }];
  });
}

/** The deal activities counted, and the kind each counts as (a demo is a meeting). */
export const DEAL_ACTIVITY: Record<string, ActivityFact['kind']> = {
  call: 'call',
  email: 'email',
  meeting: 'meeting',
  demo: 'meeting',
};

/** Calls, emails, and meetings and demos that were held, logged on the deal. */
function dealActivities(row: DealRow, deal: DealFact | undefined, roster: Roster): ActivityFact[] {
  if (!deal) return [];
  const notHeld = new Set(row.meetings.filter((m) => m.status !== 'held').map((m) => `${m.id}:outcome`));
  return row.activities.flatMap((activity) => {
    const kind = DEAL_ACTIVITY[activity.kind];
    if (!kind || notHeld.has(activity.idempotencyKey)) return [];
    const segment = { ...deal.segment, rep: activity.actor, team: roster.teamOf(activity.actor) };
    return [
      {
        id: activity.id,
        kind,
        actor: activity.actor,
        at: activity.occurredAt,
        leadId: row.leadId,
        dealId: row.id,
        segment,
      },
    ];
  });
}
