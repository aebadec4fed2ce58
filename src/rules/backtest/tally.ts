/**
 * Adds replayed leads, routing decisions and quotes up into the backtest report: decisions
 * changed per kind, MQLs per week and per source, the routing distribution per pool and per rep,
 * approval tiers, and every lead or quote whose outcome changes with the condition that flipped.
 * Pure; fed in history order by src/usecases/backtest.ts. A job takes the changes out as it goes
 * (`takeChanges`) to store them; the report then counts them all and lists the ones left.
 */
import { pickFromPool, repKey, type RoutingState } from '../../domain/routing';
import type { RoutingOutcome } from '../evaluate-routing';
import type { Ruleset } from '../ruleset';
import {
  explanationDiff,
  replayRouting,
  type OutcomeChange,
  type QuoteReplay,
  type RoutingHistory,
  type ScoringReplay,
} from './replay';

export const BACKTEST_KINDS = ['scoring', 'routing', 'approvals'] as const;
export type BacktestKind = (typeof BACKTEST_KINDS)[number];

/** A count under the active version and under the candidate. */
export interface BeforeAfter {
  before: number;
  after: number;
}

export interface LeadMqlChange extends OutcomeChange {
  leadId: string;
  label: string;
  source: string;
  /** ISO time the lead became an MQL under each version, or null: never. */
  mqlAtBefore: string | null;
  mqlAtAfter: string | null;
  scoreBefore: number;
  scoreAfter: number;
}

export interface RoutingChange extends OutcomeChange {
  leadId: string;
  label: string;
  at: string;
}

export interface QuoteTierChange extends OutcomeChange {
  quoteVersionId: string;
  label: string;
  tierBefore: string | null;
  tierAfter: string | null;
}

/** Changes found and not yet taken, per kind, in the order found. */
export interface BacktestChanges {
  scoring: LeadMqlChange[];
  routing: RoutingChange[];
  approvals: QuoteTierChange[];
}

export type BacktestChange =
  | ({ kind: 'scoring' } & LeadMqlChange)
  | ({ kind: 'routing' } & RoutingChange)
  | ({ kind: 'approvals' } & QuoteTierChange);

/**
 * Where a change sits in its kind's list: by the time the lead became an MQL (scoring; the later
 * version's time first), by the decision's time (routing), or in the order found (approvals, '').
 * Ties keep the order found.
 */
export function changeSortKey(change: BacktestChange): string {
  switch (change.kind) {
    case 'scoring':
      return mqlTimeOf(change);
    case 'routing':
      return change.at;
    case 'approvals':
      return '';
  }
}

const mqlTimeOf = (change: LeadMqlChange): string => change.mqlAtAfter ?? change.mqlAtBefore ?? '';

export interface BacktestReport {
  activeVersion: string;
  candidateVersion: string;
  since: string | null;
  until: string | null;
  kinds: BacktestKind[];
  scoring?: {
    leads: number;
    decisions: number;
    changedDecisions: number;
    mqls: BeforeAfter;
    /** By the Monday (UTC) of the week the lead became an MQL. */
    mqlsByWeek: (BeforeAfter & { week: string })[];
    mqlsBySource: (BeforeAfter & { source: string })[];
    /** How many leads change; `changed` lists them all, or the first few when a job stored the list. */
    changedTotal: number;
    changed: LeadMqlChange[];
  };
  routing?: {
    decisions: number;
    changedDecisions: number;
    byPool: (BeforeAfter & { target: string })[];
    byRep: (BeforeAfter & { rep: string })[];
    changedTotal: number;
    changed: RoutingChange[];
  };
  approvals?: {
    quotes: number;
    changedQuotes: number;
    byTier: (BeforeAfter & { tier: string })[];
    changedTotal: number;
    changed: QuoteTierChange[];
  };
}

/** Counts per key, before and after. */
class Split {
  private readonly counts = new Map<string, BeforeAfter>();
  add(before: string | null, after: string | null): void {
    if (before !== null) this.entry(before).before++;
    if (after !== null) this.entry(after).after++;
  }
  rows<K extends string>(key: K): (BeforeAfter & Record<K, string>)[] {
    return [...this.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, count]) => ({ [key]: name, ...count }) as BeforeAfter & Record<K, string>);
  }
  private entry(key: string): BeforeAfter {
    let entry = this.counts.get(key);
    if (!entry) this.counts.set(key, (entry = { before: 0, after: 0 }));
    return entry;
  }
}

/** `2026-03-11T…` → `2026-03-09`, the Monday (UTC) of its week. */
export function weekOf(at: Date): string {
  const day = (at.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day)).toISOString().slice(0, 10);
}

/** Collects one backtest's replays; `report()` gives the totals. */
export class BacktestTally {
  private readonly scoring = { leads: 0, decisions: 0, changedDecisions: 0, mqls: { before: 0, after: 0 } };
  private readonly weeks = new Split();
  private readonly sources = new Split();
  private readonly leadChanges: LeadMqlChange[] = [];
  private changedLeads = 0;
  private readonly routing = { decisions: 0, changedDecisions: 0 };
  private readonly pools = new Split();
  private readonly reps = new Split();
  private readonly routingChanges: RoutingChange[] = [];
  /** Round-robin turns per version, as the journeys' pool picker keeps them (every rep available). */
  private readonly turns = { before: emptyState(), after: emptyState() };
  private readonly quotes = { quotes: 0, changedQuotes: 0 };
  private readonly tiers = new Split();
  private readonly quoteChanges: QuoteTierChange[] = [];

  constructor(
    private readonly active: Ruleset,
    private readonly candidate: Ruleset,
    private readonly scope: { since: Date | null; until: Date | null; kinds: BacktestKind[] },
  ) {}

  addLead(replay: ScoringReplay): void {
    const s = this.scoring;
    s.leads++;
    s.decisions += replay.decisions;
    s.changedDecisions += replay.changedDecisions;
    const { mqlAt: before } = replay.active;
    const { mqlAt: after } = replay.candidate;
    if (before) s.mqls.before++;
    if (after) s.mqls.after++;
    this.weeks.add(before && weekOf(before), after && weekOf(after));
    this.sources.add(before && replay.source, after && replay.source);
    if (!replay.change) return;
    this.changedLeads++;
    this.leadChanges.push({
        leadId: replay.leadId,
        label: replay.label,
        source: replay.source,
        mqlAtBefore: before?.toISOString() ?? null,
        mqlAtAfter: after?.toISOString() ?? null,
        scoreBefore: replay.active.score,
        scoreAfter: replay.candidate.score,
      ...replay.change,
    });
  }

  /** Routes one stored decision under both versions and picks the rep in the pool (fed in time order). */
  addRouting(decision: RoutingHistory): void {
    const { active, candidate } = replayRouting(this.active, this.candidate, decision);
    const before = this.place(this.active, active.outcome, this.turns.before, decision.at);
    const after = this.place(this.candidate, candidate.outcome, this.turns.after, decision.at);
    this.routing.decisions++;
    this.pools.add(before.target, after.target);
    this.reps.add(before.owner, after.owner);
    if (before.target === after.target && before.owner === after.owner) return;
    this.routing.changedDecisions++;
    const sameRule = ruleOf(active.outcome) === ruleOf(candidate.outcome);
    this.routingChanges.push({
      leadId: decision.leadId,
      label: decision.label,
      at: decision.at.toISOString(),
      before: `${before.target} → ${before.owner}`,
      after: `${after.target} → ${after.owner}`,
      flipped: sameRule
        ? `same rule "${ruleOf(active.outcome)}"; the pool's turn gave it to ${after.owner} instead of ${before.owner}`
        : `rule "${ruleOf(active.outcome)}" → "${ruleOf(candidate.outcome)}"`,
      diff: explanationDiff(active.explanation, candidate.explanation),
    });
  }

  addQuote(replay: QuoteReplay): void {
    this.quotes.quotes++;
    this.tiers.add(replay.activeTier ?? 'out-of-range', replay.candidateTier ?? 'out-of-range');
    if (!replay.change) return;
    this.quotes.changedQuotes++;
    this.quoteChanges.push({
      quoteVersionId: replay.quoteVersionId,
      label: replay.label,
      tierBefore: replay.activeTier,
      tierAfter: replay.candidateTier,
      ...replay.change,
    });
  }

  /** The changes found since the last call, in the order found; the tally keeps counting them. */
  takeChanges(): BacktestChanges {
    return {
      scoring: this.leadChanges.splice(0),
      routing: this.routingChanges.splice(0),
      approvals: this.quoteChanges.splice(0),
    };
  }

  /** Whether anything at all was replayed (an empty range gets a message, not a report). */
  isEmpty(): boolean {
    return this.scoring.leads + this.routing.decisions + this.quotes.quotes === 0;
  }

  report(): BacktestReport {
    const { kinds } = this.scope;
    const byTime = (a: LeadMqlChange, b: LeadMqlChange) => mqlTimeOf(a).localeCompare(mqlTimeOf(b));
    return {
      activeVersion: this.active.version,
      candidateVersion: this.candidate.version,
      since: this.scope.since?.toISOString() ?? null,
      until: this.scope.until?.toISOString() ?? null,
      kinds,
      ...(kinds.includes('scoring')
        ? {
            scoring: {
              ...this.scoring,
              mqlsByWeek: this.weeks.rows('week'),
              mqlsBySource: this.sources.rows('source'),
              changedTotal: this.changedLeads,
              changed: [...this.leadChanges].sort(byTime),
            },
          }
        : {}),
      ...(kinds.includes('routing')
        ? {
            routing: {
              ...this.routing,
              byPool: this.pools.rows('target'),
              byRep: this.reps.rows('rep'),
              changedTotal: this.routing.changedDecisions,
              changed: this.routingChanges,
            },
          }
        : {}),
      ...(kinds.includes('approvals')
        ? {
            approvals: {
              ...this.quotes,
              byTier: this.tiers.rows('tier'),
              changedTotal: this.quotes.changedQuotes,
              changed: [...this.quoteChanges],
            },
          }
        : {}),
    };
  }

  /** Where a routing outcome puts the lead: its target, and the rep the pool's turn picks. */
  private place(
    ruleset: Ruleset,
    outcome: RoutingOutcome,
    state: RoutingState,
    at: Date,
  ): { target: string; owner: string } {
    if (outcome.kind === 'fallback') return { target: `queue ${outcome.queue}`, owner: `queue ${outcome.queue}` };
    const { target } = outcome;
    switch (target.type) {
      case 'rep':
        return { target: `rep ${target.rep}`, owner: repKey(target.email) };
      case 'queue':
        return { target: `queue ${target.queue}`, owner: `queue ${target.queue}` };
      case 'pool': {
        const pick = pickFromPool(ruleset.routing, target.pool.name, state, at);
        if (pick.kind === 'queue') return { target: `pool ${target.pool.name}`, owner: `queue ${pick.queue}` };
        if (pick.pool !== null) {
          const counters = (state.assigned[pick.pool] ??= {});
          counters[pick.email] = (counters[pick.email] ?? 0) + 1;
        }
        return { target: `pool ${target.pool.name}`, owner: pick.email };
      }
    }
  }
}

function emptyState(): RoutingState {
  return { reps: {}, assigned: {} };
}

function ruleOf(outcome: RoutingOutcome): string {
  return outcome.kind === 'assign' ? outcome.rule : `(fallback ${outcome.queue})`;
}
