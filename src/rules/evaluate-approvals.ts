/**
 * Deal-desk decisions: which approvals a discount needs (the tier of the authority
 * matrix and its chain of levels, each with deadline, reminder and timeout behaviour),
 * and whether a deal meets a stage's exit criteria. Pure.
 */
import { evaluateRule, type FactGroups } from './evaluate-condition';
import { describeRule, shortReason, type Decision } from './explain';
import type { DealStage } from './facts';
import type { ApprovalStep, CompiledApprovals, Ruleset } from './ruleset';
import type { Facts } from './schema/facts';

export type ApprovalOutcome =
  | { kind: 'not-required'; tier: string }
  | { kind: 'required'; tier: string; chain: ApprovalStep[] }
  /** A discount outside 0–100% (or a negative deal size) matches no tier. */
  | { kind: 'out-of-range' };

export type StageExitOutcome = { kind: 'allowed' } | { kind: 'blocked'; missing: string[] };

/** The approvals a quote needs. `discountPct` is the largest discount, `dealSize` in whole currency units. */
export function requiredApprovals(ruleset: Ruleset, quote: { discountPct: number; dealSize: number }): Decision<ApprovalOutcome> {
  const approvals = ruleset.approvals;
  const facts: FactGroups = { quote };
  const traces = approvals.tiers.map((tier) => evaluateRule(tier, facts));
  const matched = approvals.tiers.find((_, i) => traces[i]!.matched);
  const outcome = matched ? outcomeFor(approvals, matched.event.params.tier) : ({ kind: 'out-of-range' } as const);
  const relevant = traces.filter((t) => t.matched);
  return {
    outcome,
    explanation: {
      summary: summarise(outcome, quote),
      reasons: (relevant.length > 0 ? relevant : traces).flatMap((t) => describeRule(t, 'approvals.yaml')),
      rules: traces,
    },
    version: ruleset.version,
  };
}

function outcomeFor(approvals: CompiledApprovals, tier: string): ApprovalOutcome {
  const chain = approvals.chains[tier] ?? [];
  return chain.length === 0 ? { kind: 'not-required', tier } : { kind: 'required', tier, chain };
}

/** `manager → director → vp + finance` */
export function describeChain(chain: readonly ApprovalStep[]): string {
  return chain.map((step) => step.approvers.map((a) => a.role).join(' + ')).join(' → ');
}

function summarise(outcome: ApprovalOutcome, quote: { discountPct: number; dealSize: number }): string {
  const what = `A ${quote.discountPct}% discount on a deal of ${quote.dealSize.toLocaleString('en-US')}`;
  switch (outcome.kind) {
    case 'not-required': return `${what} is within the rep's authority (tier ${outcome.tier}).`;
    case 'required': return `${what} needs approval (tier ${outcome.tier}): ${describeChain(outcome.chain)}.`;
    case 'out-of-range': return `${what} is outside every tier: discounts must be between 0% and 100%.`;
  }
}

/** Whether a deal may enter `stage`, and what is missing if not. */
export function checkStageExit(ruleset: Ruleset, input: { stage: DealStage; facts: Facts }): Decision<StageExitOutcome> {
  const criteria = ruleset.approvals.stageExit[input.stage] ?? [];
  const traces = criteria.map((c) => evaluateRule(c, input.facts as FactGroups));
  const missing = criteria.filter((_, i) => !traces[i]!.matched).map((c) => c.event.params.missing);
  const outcome: StageExitOutcome = missing.length === 0 ? { kind: 'allowed' } : { kind: 'blocked', missing };
  return {
    outcome,
    explanation: {
      summary: outcome.kind === 'allowed' ? `The deal may enter ${input.stage}.` : `The deal cannot enter ${input.stage} yet: ${missing.join('; ')}.`,
      reasons: traces.map((t) => `${t.matched ? '✓' : '✗'} ${t.rule}: ${shortReason(t.condition)}`),
      rules: traces,
    },
    version: ruleset.version,
  };
}
