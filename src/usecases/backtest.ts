/**
 * The backtest of a candidate ruleset against stored history: it streams leads (with their
 * behaviours or their stored scoring facts), routing decisions and quote versions from the
 * database in chunks, replays each through the active version and the candidate
 * (src/rules/backtest), and adds the results up into one report. Memory stays bounded by a chunk
 * plus the report when the caller takes the changed decisions as they come (`onChanges`, the job
 * stores them); without it the report lists them all.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import { empty, join, sql, valuesOf } from '../db/raw-sql';
import { LeadflowError } from '../domain/errors';
import { leadFacts, type Bant } from '../domain/lead-facts';
import type { LeadProfile } from '../domain/lead';
import { toWholeUnits } from '../domain/money';
import { BEHAVIOURS } from '../rules/facts';
import type { Ruleset } from '../rules/ruleset';
import { factsSchema, type BehaviourEvent, type Facts } from '../rules/schema/facts';
import { replayLeadScoring, replayQuote, type ScoringPoint } from '../rules/backtest/replay';
import { BacktestTally, type BacktestChanges, type BacktestKind, type BacktestReport } from '../rules/backtest/tally';
import { groupBy } from '../domain/group-by';

/** Leads (or decisions, or quote versions) read per query. */
const PAGE = 1000;

export interface BacktestInput {
  tenant: string;
  active: Ruleset;
  candidate: Ruleset;
  /** Inclusive start and exclusive end of the history replayed; null: unbounded. */
  since: Date | null;
  until: Date | null;
  kinds: BacktestKind[];
}

export interface BacktestProgress {
  done: number;
  total: number;
}

/**
 * Runs a backtest. `onProgress` hears after every chunk; `onChanges`, when given, takes the
 * decisions the chunk changed first (the report then lists only its counts). A range holding none of the history the
 * kinds replay is refused with a message (`not_found`) rather than answered with an empty report.
 */
export async function runBacktest(
  db: Db,
  input: BacktestInput,
  onProgress: (progress: BacktestProgress) => void | Promise<void> = () => {},
  onChanges?: (changes: BacktestChanges) => Promise<void>,
): Promise<BacktestReport> {
  const total = await countHistory(db, input);
  if (total === 0) throw new LeadflowError('not_found', emptyRangeMessage(input));
  const tally = new BacktestTally(input.active, input.candidate, input);
  const progress = { done: 0, total };
  const step = async (n: number) => {
    if (onChanges) await onChanges(tally.takeChanges());
    progress.done += n;
    await onProgress({ ...progress });
  };
  await onProgress({ ...progress });
  if (input.kinds.includes('scoring')) await replayScoring(db, input, tally, step);
  if (input.kinds.includes('routing')) await replayRoutingDecisions(db, input, tally, step);
  if (input.kinds.includes('approvals')) await replayQuotes(db, input, tally, step);
  return tally.report();
}

/** "No stored leads, routing decisions or quotes between 2025-01-01 and 2025-02-01 …" */
export function emptyRangeMessage(input: BacktestInput): string {
  const what = input.kinds.map((k) => ({ scoring: 'leads', routing: 'routing decisions', approvals: 'quotes' })[k]);
  const range =
    input.since && input.until
      ? `between ${day(input.since)} and ${day(input.until)}`
      : input.since
        ? `since ${day(input.since)}`
        : input.until
          ? `before ${day(input.until)}`
          : 'at all';
  return `nothing to backtest: there are no stored ${what.join(', ').replace(/, ([^,]*)$/, ' or $1')} ${range}; widen --since/--until or pick other --kind`;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function within(input: BacktestInput): { gte?: Date; lt?: Date } {
  return { ...(input.since ? { gte: input.since } : {}), ...(input.until ? { lt: input.until } : {}) };
}

/** How many leads, routing decisions and quote versions the backtest replays. */
export async function countHistory(db: Db, input: BacktestInput): Promise<number> {
  const range = within(input);
  const counts = await Promise.all([
    input.kinds.includes('scoring') ? db.lead.count({ where: { tenant: input.tenant, createdAt: range } }) : 0,
    input.kinds.includes('routing')
      ? db.decision.count({ where: { kind: 'routing', decidedAt: range, lead: { tenant: input.tenant } } })
      : 0,
    input.kinds.includes('approvals')
      ? db.quoteVersion.count({ where: { createdAt: range, quote: { tenant: input.tenant } } })
      : 0,
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

// ---- scoring ------------------------------------------------------------------------------------

const LEAD_COLUMNS = {
  id: true,
  email: true,
  externalId: true,
  company: true,
  title: true,
  country: true,
  source: true,
  sourceDetails: true,
  attributes: true,
  bant: true,
  score: true,
  stage: true,
  createdAt: true,
} as const;

type LeadRow = {
  id: string;
  email: string | null;
  externalId: string | null;
  company: string | null;
  title: string | null;
  country: string | null;
  source: string;
  sourceDetails: unknown;
  attributes: unknown;
  bant: unknown;
  score: number;
  stage: string;
  createdAt: Date;
};

async function replayScoring(
  db: Db,
  input: BacktestInput,
  tally: BacktestTally,
  step: (n: number) => Promise<void>,
): Promise<void> {
  let after: string | undefined;
  for (;;) {
    // Raw reads: the most rows of the backtest, where Prisma's object mapping would cost more than the replay.
    const leads = await db.$queryRaw<LeadRow[]>(sql`
      SELECT id, email, "externalId", company, title, country, source, "sourceDetails", attributes, bant, score, stage, "createdAt"
      FROM "Lead"
      WHERE tenant = ${input.tenant} ${input.since ? sql`AND "createdAt" >= ${input.since}` : empty}
        ${input.until ? sql`AND "createdAt" < ${input.until}` : empty} ${after ? sql`AND id > ${after}` : empty}
      ORDER BY id LIMIT ${PAGE}`);
    if (leads.length === 0) return;
    after = leads.at(-1)!.id;
    const ids = valuesOf(
      db,
      leads.map((l) => l.id),
    );
    const [behaviours, decisions] = await Promise.all([
      db.$queryRaw<{ leadId: string; kind: string; occurredAt: Date | string }[]>(sql`
        SELECT "leadId", kind, "occurredAt" FROM "Interaction"
        WHERE "leadId" IN ${ids} AND kind IN (${join([...BEHAVIOURS])})
        ORDER BY "occurredAt", id`),
      db.$queryRaw<{ leadId: string; facts: unknown; decidedAt: Date | string }[]>(sql`
        SELECT "leadId", facts, "decidedAt" FROM "Decision"
        WHERE "leadId" IN ${ids} AND kind = 'scoring'
        ORDER BY "decidedAt", id`),
    ]);
    const eventsOf = groupBy(behaviours, (b) => b.leadId);
    const storedOf = groupBy(decisions, (d) => d.leadId);
    for (const lead of leads) {
      lead.createdAt = new Date(lead.createdAt);
      const points =
        storedPoints(storedOf.get(lead.id) ?? []) ?? reconstructedPoints(lead, eventsOf.get(lead.id) ?? []);
      tally.addLead(
        replayLeadScoring(input.active, input.candidate, {
          leadId: lead.id,
          label: labelOf(lead),
          source: lead.source,
          points,
        }),
      );
    }
    await step(leads.length);
  }
}

/**
 * The scoring decisions exactly as the journey took them (their stored facts, at their time), or
 * null when any of them predates stored facts (the history is then rebuilt from the lead's events).
 */
function storedPoints(decisions: { facts: unknown; decidedAt: Date | string }[]): ScoringPoint[] | null {
  if (decisions.length === 0) return null;
  const points: ScoringPoint[] = [];
  for (const d of decisions) {
    const facts = factsSchema.safeParse(d.facts);
    if (d.facts === null || !facts.success) return null;
    points.push({ at: new Date(d.decidedAt), facts: facts.data });
  }
  return points;
}

/**
 * The lead's scoring history rebuilt as the journey scores: at capture, and again at every
 * behaviour, with the behaviours seen so far (profile and BANT as stored now).
 */
function reconstructedPoints(lead: LeadRow, events: { kind: string; occurredAt: Date | string }[]): ScoringPoint[] {
  const base = leadFacts({ profile: profileOf(lead), stage: 'new', score: 0, bant: bantOf(lead), behaviours: [] });
  const seen: BehaviourEvent[] = [];
  const points: ScoringPoint[] = [{ at: lead.createdAt, facts: base }];
  for (const event of events) {
    const at = new Date(event.occurredAt);
    seen.push({ type: event.kind as BehaviourEvent['type'], at: at.toISOString() });
    points.push({ at: at < lead.createdAt ? lead.createdAt : at, facts: { ...base, behaviours: [...seen] } });
  }
  return points;
}

/** The BANT answers stored on the lead, when they read as BANT. */
function bantOf(lead: LeadRow): Bant | undefined {
  const parsed = factsSchema.shape.bant.safeParse(lead.bant);
  return parsed.success ? parsed.data : undefined;
}

function profileOf(lead: LeadRow): LeadProfile {
  return {
    email: lead.email ?? undefined,
    externalId: lead.externalId ?? undefined,
    company: lead.company ?? undefined,
    title: lead.title ?? undefined,
    country: lead.country ?? undefined,
    source: lead.source as LeadProfile['source'],
    sourceDetails: lead.sourceDetails ?? {},
    attributes: (lead.attributes ?? {}) as LeadProfile['attributes'],
  };
}

function labelOf(lead: { id: string; email: string | null; externalId: string | null }): string {
  return lead.email ?? lead.externalId ?? lead.id;
}

// ---- routing ------------------------------------------------------------------------------------

async function replayRoutingDecisions(
  db: Db,
  input: BacktestInput,
  tally: BacktestTally,
  step: (n: number) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  for (;;) {
    const decisions = await db.decision.findMany({
      where: { kind: 'routing', decidedAt: within(input), lead: { tenant: input.tenant } },
      orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: { id: true, leadId: true, decidedAt: true, facts: true, lead: { select: LEAD_COLUMNS } },
    });
    if (decisions.length === 0) return;
    cursor = decisions.at(-1)!.id;
    for (const d of decisions) {
      const stored = d.facts === null ? null : factsSchema.safeParse(d.facts);
      tally.addRouting({
        decisionId: d.id,
        leadId: d.leadId,
        label: labelOf(d.lead),
        at: d.decidedAt,
        facts: stored?.success ? stored.data : routingFactsOf(d.lead),
      });
    }
    await step(decisions.length);
  }
}

/** A routing decision stored before facts were kept: the lead as it is stored now, at MQL. */
function routingFactsOf(lead: LeadRow): Facts {
  return leadFacts({
    profile: profileOf(lead),
    stage: 'mql',
    score: lead.score,
    bant: bantOf(lead),
    behaviours: [],
  });
}

// ---- approvals ----------------------------------------------------------------------------------

const storedTotals = z.object({ listTotalMinor: z.number().int(), currency: z.string() });

async function replayQuotes(
  db: Db,
  input: BacktestInput,
  tally: BacktestTally,
  step: (n: number) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  for (;;) {
    const versions = await db.quoteVersion.findMany({
      where: { createdAt: within(input), quote: { tenant: input.tenant } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: {
        id: true,
        version: true,
        createdAt: true,
        totals: true,
        approvalDiscountBp: true,
        quote: { select: { number: true } },
      },
    });
    if (versions.length === 0) return;
    cursor = versions.at(-1)!.id;
    for (const v of versions) {
      const totals = storedTotals.safeParse(v.totals);
      if (!totals.success) continue;
      tally.addQuote(
        replayQuote(input.active, input.candidate, {
          quoteVersionId: v.id,
          label: `${v.quote.number} v${v.version}`,
          at: v.createdAt,
          discountPct: v.approvalDiscountBp / 100,
          dealSize: toWholeUnits(totals.data.listTotalMinor, totals.data.currency),
        }),
      );
    }
    await step(versions.length);
  }
}
