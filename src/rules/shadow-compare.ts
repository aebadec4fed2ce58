/**
 * Comparing a live decision with the decision a shadowed candidate takes on the same facts: whether
 * they differ, a short key per side for the shadow report's tallies (MQL or not, the routing target,
 * the approval tier), and, when they differ, the flipped condition and the explanation lines only
 * one side gives (the backtest's words, src/rules/backtest/replay.ts). Pure.
 */
import { explanationDiff, scoringFlip } from './backtest/replay';
import type { ApprovalOutcome } from './evaluate-approvals';
import type { RoutingOutcome } from './evaluate-routing';
import type { ScoringOutcome } from './evaluate-scoring';
import type { Decision } from './explain';

/** The live decisions a shadow follows. */
export const SHADOW_KINDS = ['scoring', 'routing', 'approval'] as const;
export type ShadowKind = (typeof SHADOW_KINDS)[number];

/** A decision of one kind under both versions. */
export type ShadowPair =
  | { kind: 'scoring'; live: Decision<ScoringOutcome>; shadow: Decision<ScoringOutcome>; at: Date }
  | { kind: 'routing'; live: Decision<RoutingOutcome>; shadow: Decision<RoutingOutcome> }
  | { kind: 'approval'; live: Decision<ApprovalOutcome>; shadow: Decision<ApprovalOutcome>; discountPct: number; dealSize: number };

export interface ShadowComparison {
  differs: boolean;
  /** `mql` / `not-mql`; `pool enterprise` / `rep alice` / `queue unassigned-mql`; a tier or `out-of-range`. */
  liveKey: string;
  shadowKey: string;
  /** Present when the two differ. */
  change?: {
    liveSummary: string;
    shadowSummary: string;
    /** The condition that flipped, in one line: `MQL threshold 80 → 75 at score 76 on 2026-03-02`. */
    flipped: string;
    /** `- line` only under the live version, `+ line` only under the shadow (the summaries when no reason line differs). */
    diff: string[];
  };
}

/** Whether a live decision and its shadow differ, and how. */
export function compareShadow(pair: ShadowPair): ShadowComparison {
  const { live, shadow } = pair;
  let differs: boolean;
  let liveKey: string;
  let shadowKey: string;
  let flipped: string;
  switch (pair.kind) {
    case 'scoring': {
      const [a, c] = [pair.live.outcome, pair.shadow.outcome];
      liveKey = a.mql ? 'mql' : 'not-mql';
      shadowKey = c.mql ? 'mql' : 'not-mql';
      differs = a.score !== c.score || a.mql !== c.mql;
      flipped = scoringFlip(a, c, pair.at);
      break;
    }
    case 'routing': {
      const [a, c] = [pair.live.outcome, pair.shadow.outcome];
      liveKey = routingKey(a);
      shadowKey = routingKey(c);
      differs = liveKey !== shadowKey;
      flipped =
        ruleOf(a) === ruleOf(c)
          ? `same rule "${ruleOf(a)}": ${liveKey} → ${shadowKey}`
          : `rule "${ruleOf(a)}" → "${ruleOf(c)}": ${liveKey} → ${shadowKey}`;
      break;
    }
    case 'approval': {
      liveKey = tierOf(pair.live.outcome);
      shadowKey = tierOf(pair.shadow.outcome);
      differs = liveKey !== shadowKey || pair.live.outcome.kind !== pair.shadow.outcome.kind;
      flipped = `tier ${liveKey} → ${shadowKey} at ${pair.discountPct}% on ${pair.dealSize.toLocaleString('en-US')}`;
      break;
    }
  }
  if (!differs) return { differs, liveKey, shadowKey };
  const reasons = explanationDiff(live.explanation, shadow.explanation);
  // A moved threshold changes no reason line, only the summary: then the summaries are the difference.
  const diff =
    reasons.length > 0 || live.explanation.summary === shadow.explanation.summary
      ? reasons
      : [`- ${live.explanation.summary}`, `+ ${shadow.explanation.summary}`];
  return {
    differs,
    liveKey,
    shadowKey,
    change: {
      liveSummary: live.explanation.summary,
      shadowSummary: shadow.explanation.summary,
      flipped,
      diff,
    },
  };
}

/** Where routing sends a lead, as the report tallies it: the pool, named rep or queue. */
export function routingKey(outcome: RoutingOutcome): string {
  if (outcome.kind === 'fallback') return `queue ${outcome.queue}`;
  const { target } = outcome;
  switch (target.type) {
    case 'pool':
      return `pool ${target.pool.name}`;
    case 'rep':
      return `rep ${target.rep}`;
    case 'queue':
      return `queue ${target.queue}`;
  }
}

function ruleOf(outcome: RoutingOutcome): string {
  return outcome.kind === 'assign' ? outcome.rule : 'fallback';
}

function tierOf(outcome: ApprovalOutcome): string {
  return outcome.kind === 'out-of-range' ? 'out-of-range' : outcome.tier;
}
