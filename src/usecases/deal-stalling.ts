/**
 * Why listed deals are stalling, from stored data alone (no workflow queries, so a board of
 * thousands of deals answers fast): the next step missing or overdue on the owner's today, and the
 * time in the current stage beyond the threshold of the escalation.yaml `stalled:` alert that the
 * active rules give the deal's stage. The stage was entered at the latest stage event into it (the
 * deal's creation when none is stored); the clock runs on the alert's calendar, as the journey's
 * own stall clock does (workflows/dealJourney.ts watchForStall).
 */
import type { Db } from '../db/client';
import { addDuration } from '../domain/business-time';
import { stallReasons, type StageAlert, type StallReason } from '../domain/deal-stall';
import { toWholeUnits, isCurrencyCode } from '../domain/money';
import { localToday } from '../domain/tasks';
import type { ConditionTrace } from '../rules/evaluate-condition';
import { evaluateStalled, type StalledOutcome } from '../rules/evaluate-escalation';
import type { Ruleset } from '../rules/ruleset';
import { dealFacts, type DealFacts } from './deal-facts';

export interface StallingDeal {
  id: string;
  tenant: string;
  leadId: string;
  ownerEmail: string;
  stage: string;
  amountMinor: bigint | null;
  currency: string;
  nextStep: string | null;
  nextStepDueOn: string | null;
  createdAt: Date;
}

/** Facts a stored deal row gives without further reads. */
const ROW_FACTS = new Set(['deal.stage', 'deal.amount']);
const CLOSED = new Set(['closed-won', 'closed-lost']);

/**
 * The stalling reasons of each deal, by id (empty for a deal that is not stalling). Without active
 * rules (`ruleset` null) only the next step is judged.
 */
export async function stallingOf(
  db: Db,
  ruleset: Ruleset | null,
  deals: readonly StallingDeal[],
  now: Date,
): Promise<Map<string, StallReason[]>> {
  const open = deals.filter((d) => !CLOSED.has(d.stage));
  const [zones, entered] = await Promise.all([ownerZones(db, open), stageEntries(db, open)]);
  const alerts = ruleset ? await stageAlerts(db, ruleset, open, entered, now) : new Map<string, StageAlert>();
  const todayIn = new Map<string, string>();
  const today = (zone: string) => {
    let day = todayIn.get(zone);
    if (day === undefined) todayIn.set(zone, (day = localToday(now, zone)));
    return day;
  };
  return new Map(
    deals.map((deal) => [
      deal.id,
      stallReasons(
        { ...deal, stageAlert: alerts.get(deal.id) ?? null },
        today(zones.get(deal.ownerEmail.toLowerCase()) ?? 'UTC'),
      ),
    ]),
  );
}

/** Each owner's time zone (lower-cased email → zone), in one read. */
async function ownerZones(db: Db, deals: readonly StallingDeal[]): Promise<Map<string, string>> {
  const owners = [...new Set(deals.flatMap((d) => [d.ownerEmail, d.ownerEmail.toLowerCase()]))];
  if (owners.length === 0) return new Map();
  const reps = await db.rep.findMany({
    where: { tenant: { in: [...new Set(deals.map((d) => d.tenant))] }, email: { in: owners } },
    select: { email: true, timeZone: true },
  });
  return new Map(reps.map((r) => [r.email.toLowerCase(), r.timeZone ?? 'UTC']));
}

/** When each deal entered its current stage: the latest stage event into it, else its creation. */
async function stageEntries(db: Db, deals: readonly StallingDeal[]): Promise<Map<string, Date>> {
  if (deals.length === 0) return new Map();
  const latest = await db.stageEvent.groupBy({
    by: ['leadId', 'toStage'],
    where: { leadId: { in: deals.map((d) => d.leadId) }, toStage: { in: [...new Set(deals.map((d) => d.stage))] } },
    _max: { occurredAt: true },
  });
  const byLeadStage = new Map(latest.map((row) => [`${row.leadId} ${row.toStage}`, row._max.occurredAt]));
  return new Map(deals.map((d) => [d.id, byLeadStage.get(`${d.leadId} ${d.stage}`) ?? d.createdAt]));
}

/** The stall alert each deal has passed the threshold of, by deal id. */
async function stageAlerts(
  db: Db,
  ruleset: Ruleset,
  deals: readonly StallingDeal[],
  entered: Map<string, Date>,
  now: Date,
): Promise<Map<string, StageAlert>> {
  const alerts = new Map<string, StageAlert>();
  const factsNeeded = new Map<string, boolean>();
  for (const deal of deals) {
    // A stage whose alerts test more than the row holds (a quote sent, a demo held) reads the deal's facts.
    let needsMore = factsNeeded.get(deal.stage);
    if (needsMore === undefined) factsNeeded.set(deal.stage, (needsMore = testsMoreThanRow(ruleset, deal.stage)));
    const facts: Partial<DealFacts> = needsMore
      ? await dealFacts(db, deal.id)
      : { stage: deal.stage as DealFacts['stage'], ...amountOf(deal) };
    const decision = evaluateStalled(ruleset, { stage: deal.stage, facts: { deal: { ...facts, stage: deal.stage } } });
    const outcome: StalledOutcome = decision.outcome;
    if (outcome.kind !== 'stalled-alert') continue;
    const since = entered.get(deal.id) ?? deal.createdAt;
    if (addDuration(since, outcome.after, outcome.defaultCalendar).getTime() > now.getTime()) continue;
    alerts.set(deal.id, {
      alert: outcome.alert,
      stage: deal.stage,
      after: outcome.after.text,
      since: since.toISOString(),
    });
  }
  return alerts;
}

function amountOf(deal: StallingDeal): { amount?: number } {
  if (deal.amountMinor === null || !isCurrencyCode(deal.currency)) return {};
  const minor = Number(deal.amountMinor);
  return Number.isSafeInteger(minor) ? { amount: toWholeUnits(minor, deal.currency) } : {};
}

/** Whether the stall alerts checked for `stage` test a fact other than the deal's stage and amount. */
function testsMoreThanRow(ruleset: Ruleset, stage: string): boolean {
  // The fast path evaluates every condition (no short-circuit), so the traces name every fact tested.
  const { explanation } = evaluateStalled(ruleset, { stage, facts: { deal: { stage } } });
  const facts = (trace: ConditionTrace): string[] =>
    trace.type === 'fact'
      ? [trace.fact]
      : trace.type === 'not'
        ? facts(trace.condition)
        : trace.conditions.flatMap(facts);
  return explanation.rules.some((rule) => facts(rule.condition).some((fact) => !ROW_FACTS.has(fact)));
}
