/**
 * Replaying stored history through two ruleset versions (the active one and a candidate), one
 * lead, routing decision or quote at a time, with the fast evaluators the journeys use. Pure:
 * the history and the rulesets are passed in; src/usecases/backtest.ts streams them from the
 * database.
 */
import { evaluateScoring, type ScoringOutcome } from '../evaluate-scoring';
import { evaluateRouting, type RoutingOutcome } from '../evaluate-routing';
import { requiredApprovals, type ApprovalOutcome } from '../evaluate-approvals';
import type { Decision, Explanation } from '../explain';
import type { Ruleset } from '../ruleset';
import type { Facts } from '../schema/facts';

/** One moment a lead was (or would have been) scored: the facts then, and when. */
export interface ScoringPoint {
  at: Date;
  facts: Facts;
}

/** A lead's scoring history, oldest point first. */
export interface LeadHistory {
  leadId: string;
  /** Who the lead is, for the report: name or email or id. */
  label: string;
  source: string;
  points: readonly ScoringPoint[];
}

/** Where one version takes a lead: MQL at a time, or never within the stored history. */
export interface MqlVerdict {
  mqlAt: Date | null;
  /** The score at the deciding point (the MQL point, or the last point). */
  score: number;
}

export interface ScoringReplay {
  leadId: string;
  label: string;
  source: string;
  /** Scoring decisions replayed (points), and how many of them decide differently (score or MQL). */
  decisions: number;
  changedDecisions: number;
  active: MqlVerdict;
  candidate: MqlVerdict;
  /** Present when the lead's MQL status or time differs. */
  change?: OutcomeChange;
}

/** What flipped: the two summaries, the condition in one line, and the explanation lines that differ. */
export interface OutcomeChange {
  before: string;
  after: string;
  flipped: string;
  /** `- line` only under the active version, `+ line` only under the candidate. */
  diff: string[];
}

/**
 * Scores every point of a lead under both versions. A lead becomes an MQL at its first point at or
 * above the threshold and stays one (as in the journey); decay only lowers a score between points,
 * so the first crossing is always at a point.
 */
export function replayLeadScoring(active: Ruleset, candidate: Ruleset, lead: LeadHistory): ScoringReplay {
  let changedDecisions = 0;
  let before: Scored | null = null;
  let after: Scored | null = null;
  let lastBefore: Decision<ScoringOutcome> | null = null;
  let lastAfter: Decision<ScoringOutcome> | null = null;
  for (const point of lead.points) {
    const a = evaluateScoring(active, point.facts, point.at);
    const c = evaluateScoring(candidate, point.facts, point.at);
    if (a.outcome.score !== c.outcome.score || a.outcome.mql !== c.outcome.mql) changedDecisions++;
    if (!before && a.outcome.mql) before = { point, decision: a, other: c };
    if (!after && c.outcome.mql) after = { point, decision: c, other: a };
    lastBefore = a;
    lastAfter = c;
  }
  const verdict = (hit: Scored | null, last: Decision<ScoringOutcome> | null): MqlVerdict => ({
    mqlAt: hit?.point.at ?? null,
    score: (hit?.decision ?? last)?.outcome.score ?? 0,
  });
  const replay: ScoringReplay = {
    leadId: lead.leadId,
    label: lead.label,
    source: lead.source,
    decisions: lead.points.length,
    changedDecisions,
    active: verdict(before, lastBefore),
    candidate: verdict(after, lastAfter),
  };
  if (replay.active.mqlAt?.getTime() !== replay.candidate.mqlAt?.getTime()) {
    // Explained at the decision where the earlier of the two versions made the lead an MQL.
    const candidateFirst = after !== null && (before === null || after.point.at < before.point.at);
    const [a, c] = candidateFirst ? [after!.other, after!.decision] : [before!.decision, before!.other];
    replay.change = {
      before: a.explanation.summary,
      after: c.explanation.summary,
      flipped: scoringFlip(a.outcome, c.outcome, (candidateFirst ? after : before)!.point.at),
      diff: explanationDiff(a.explanation, c.explanation),
    };
  }
  return replay;
}

/** The decision at which one version first made the lead an MQL, and the other version's decision there. */
interface Scored {
  point: ScoringPoint;
  decision: Decision<ScoringOutcome>;
  other: Decision<ScoringOutcome>;
}

/** The condition that flipped between two scoring outcomes at one decision, in one line. */
export function scoringFlip(a: ScoringOutcome, c: ScoringOutcome, at: Date): string {
  const when = at.toISOString().slice(0, 10);
  const verdict = (o: ScoringOutcome) => `${o.score} ${o.mql ? '≥' : '<'} ${o.threshold}`;
  if (a.threshold !== c.threshold && a.score === c.score)
    return `MQL threshold ${a.threshold} → ${c.threshold} at score ${a.score} on ${when}`;
  return `score ${verdict(a)} → ${verdict(c)} on ${when}`;
}

/** The reason lines only one of two explanations gives, `-` for the first and `+` for the second. */
export function explanationDiff(before: Explanation, after: Explanation): string[] {
  const seen = new Set(after.reasons);
  const had = new Set(before.reasons);
  return [
    ...before.reasons.filter((line) => !seen.has(line)).map((line) => `- ${line}`),
    ...after.reasons.filter((line) => !had.has(line)).map((line) => `+ ${line}`),
  ];
}

// ---- routing ------------------------------------------------------------------------------------

/** A stored routing decision: when, for which lead, on which facts. */
export interface RoutingHistory {
  decisionId: string;
  leadId: string;
  label: string;
  at: Date;
  facts: Facts;
}

export interface RoutingReplay {
  active: Decision<RoutingOutcome>;
  candidate: Decision<RoutingOutcome>;
}

/** Routes a stored decision's facts under both versions (the pool; the rep inside it is the tally's). */
export function replayRouting(active: Ruleset, candidate: Ruleset, decision: RoutingHistory): RoutingReplay {
  return { active: evaluateRouting(active, decision.facts), candidate: evaluateRouting(candidate, decision.facts) };
}

// ---- approvals ----------------------------------------------------------------------------------

/** A stored quote version and the facts its approval tier was judged on. */
export interface QuoteHistory {
  quoteVersionId: string;
  /** "Q-2026-0007 v2" */
  label: string;
  at: Date;
  discountPct: number;
  dealSize: number;
}

export interface QuoteReplay {
  quoteVersionId: string;
  label: string;
  activeTier: string | null;
  candidateTier: string | null;
  change?: OutcomeChange;
}

/** The discount approval tier of a quote version under both versions. */
export function replayQuote(active: Ruleset, candidate: Ruleset, quote: QuoteHistory): QuoteReplay {
  const facts = { discountPct: quote.discountPct, dealSize: quote.dealSize };
  const a = requiredApprovals(active, facts);
  const c = requiredApprovals(candidate, facts);
  const replay: QuoteReplay = {
    quoteVersionId: quote.quoteVersionId,
    label: quote.label,
    activeTier: tierOf(a.outcome),
    candidateTier: tierOf(c.outcome),
  };
  if (replay.activeTier !== replay.candidateTier)
    replay.change = {
      before: a.explanation.summary,
      after: c.explanation.summary,
      flipped: `tier ${replay.activeTier ?? 'none'} → ${replay.candidateTier ?? 'none'} at ${quote.discountPct}% on ${quote.dealSize.toLocaleString('en-US')}`,
      diff: explanationDiff(a.explanation, c.explanation),
    };
  return replay;
}

function tierOf(outcome: ApprovalOutcome): string | null {
  return outcome.kind === 'out-of-range' ? null : outcome.tier;
}
