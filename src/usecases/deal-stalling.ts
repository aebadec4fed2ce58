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
import { chunked } from '../db/chunked';
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
  // Only what a judgement needs is read: zones for next steps with a day, stage history for stall alerts.
  const [zones, alerts] = await Promise.all([
    ownerZones(
      db,
      open.filter((d) => d.nextStep !== null && d.nextStepDueOn !== null),
    ),
    ruleset ? stageAlerts(db, ruleset, open, now) : new Map<string, StageAlert>(),
  ]);
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
  const tenants = [...new Set(deals.map((d) => d.tenant))];
  const reps = await chunked(owners, (emails) =>
    db.rep.findMany({
      where: { tenant: { in: tenants }, email: { in: emails } },
      select: { email: true, timeZone: true },
    }),
  );
  return new Map(reps.map((r) => [r.email.toLowerCase(), r.timeZone ?? 'UTC']));
}

/** When each deal entered its current stage: the latest stage event into it, else its creation. */
async function stageEntries(db: Db, deals: readonly StallingDeal[]): Promise<Map<string, Date>> {
  const stages = [...new Set(deals.map((d) => d.stage))];
  const latest = await chunked(
    deals.map((d) => d.leadId),
    (leadIds) =>
      db.stageEvent.groupBy({
        by: ['leadId', 'toStage'],
        where: { leadId: { in: leadIds }, toStage: { in: stages } },
        _max: { occurredAt: true },
      }),
  );
  const byLeadStage = new Map(latest.map((row) => [`${row.leadId} ${row.toStage}`, row._max.occurredAt]));
  return new Map(deals.map((d) => [d.id, byLeadStage.get(`${d.leadId} ${d.stage}`) ?? d.createdAt]));
}

/** The stall alert each deal has passed the threshold of, by deal id. */
async function stageAlerts(
  db: Db,
  ruleset: Ruleset,
  deals: readonly StallingDeal[],
  now: Date,
): Promise<Map<string, StageAlert>> {
  const waiting = new Map<string, { outcome: Extract<StalledOutcome, { kind: 'stalled-alert' }>; deals: Watched[] }>();
  const factsNeeded = new Map<string, boolean>();
  const byRowFacts = new Map<string, StalledOutcome>();
  for (const deal of deals) {
    // A stage whose alerts test more than the row holds (a quote sent, a demo held) reads the deal's facts.
    let needsMore = factsNeeded.get(deal.stage);
    if (needsMore === undefined) factsNeeded.set(deal.stage, (needsMore = testsMoreThanRow(ruleset, deal.stage)));
    let outcome: StalledOutcome | undefined;
    if (needsMore) outcome = alertFor(ruleset, deal.stage, await dealFacts(db, deal.id));
    else {
      const facts = { stage: deal.stage as DealFacts['stage'], ...amountOf(deal) };
      const key = `${deal.stage} ${facts.amount ?? ''}`;
      outcome = byRowFacts.get(key);
      if (!outcome) byRowFacts.set(key, (outcome = alertFor(ruleset, deal.stage, facts)));
    }
    if (outcome.kind !== 'stalled-alert') continue;
    const group = waiting.get(outcome.alert) ?? { outcome, deals: [] };
    group.deals.push({ deal, since: deal.createdAt });
    waiting.set(outcome.alert, group);
  }
  const entered = await stageEntries(
    db,
    [...waiting.values()].flatMap((group) => group.deals.map((w) => w.deal)),
  );
  const alerts = new Map<string, StageAlert>();
  for (const { outcome, deals: unsorted } of waiting.values()) {
    const watched = unsorted.map((w) => ({ ...w, since: entered.get(w.deal.id) ?? w.since }));
    const due = (since: Date) => addDuration(since, outcome.after, outcome.defaultCalendar).getTime() <= now.getTime();
    for (const { deal, since } of overdue(watched, due))
      alerts.set(deal.id, {
        alert: outcome.alert,
        stage: deal.stage,
        after: outcome.after.text,
        since: since.toISOString(),
      });
  }
  return alerts;
}

interface Watched {
  deal: StallingDeal;
  since: Date;
}

/**
 * The deals whose clock has run out. A later start never runs out sooner (adding a duration, in
 * calendar or business time, keeps the order of its starts), so after sorting by start one binary
 * search finds them all: a few calendar computations for a whole board instead of one a deal.
 */
function overdue(watched: Watched[], due: (since: Date) => boolean): Watched[] {
  const sorted = watched.toSorted((a, b) => a.since.getTime() - b.since.getTime());
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (due(sorted[middle]!.since)) low = middle + 1;
    else high = middle;
  }
  return sorted.slice(0, low);
}

function alertFor(ruleset: Ruleset, stage: string, facts: Partial<DealFacts>): StalledOutcome {
  return evaluateStalled(ruleset, { stage, facts: { deal: { ...facts, stage } } }).outcome;
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
