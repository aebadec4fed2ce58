/**
 * Deal-desk decisions: which approvals a discount needs (the tier of the authority
 * matrix and its chain of levels, each with deadline, reminder and timeout behaviour),
 * whether a deal meets a stage's exit criteria, and the tax rate for a customer's
 * region. Pure.
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

/**
 * `missing` lists the unmet `severity: block` criteria; `warnings` the unmet `severity: warn`
 * ones, which never block a move but must be shown (e.g. closing without an engaged decision maker).
 */
export type StageExitOutcome = { kind: 'allowed'; warnings: string[] } | { kind: 'blocked'; missing: string[]; warnings: string[] };

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

/** Whether a deal may enter `stage`, what is missing if not, and what it should be warned about. */
export function checkStageExit(ruleset: Ruleset, input: { stage: DealStage; facts: Facts }): Decision<StageExitOutcome> {
  const criteria = ruleset.approvals.stageExit[input.stage] ?? [];
  const traces = criteria.map((c) => evaluateRule(c, input.facts as FactGroups));
  const unmet = criteria.filter((_, i) => !traces[i]!.matched).map((c) => c.event.params);
  const missing = unmet.filter((c) => c.severity === 'block').map((c) => c.missing);
  const warnings = unmet.filter((c) => c.severity === 'warn').map((c) => c.missing);
  const outcome: StageExitOutcome = missing.length === 0 ? { kind: 'allowed', warnings } : { kind: 'blocked', missing, warnings };
  const warned = warnings.length === 0 ? '' : ` Warning: ${warnings.join('; ')}.`;
  return {
    outcome,
    explanation: {
      summary: (outcome.kind === 'allowed' ? `The deal may enter ${input.stage}.` : `The deal cannot enter ${input.stage} yet: ${missing.join('; ')}.`) + warned,
      reasons: traces.map((t, i) => `${t.matched ? '✓' : criteria[i]!.event.params.severity === 'warn' ? '⚠' : '✗'} ${t.rule}: ${shortReason(t.condition)}`),
      rules: traces,
    },
    version: ruleset.version,
  };
}


/** Where a tax rate came from: the exact region, its country ("US" for "US-TX"), or the default. */
export type TaxRateSource = 'region' | 'country' | 'default';

/** A resolved tax rate, in parts per million (8.875% = 88 750). */
export interface TaxRateChoice {
  region: string;
  rate: number;
  source: TaxRateSource;
}

/**
 * The tax rate approvals.yaml `quotes.taxRates` sets for a customer's region: the region
 * itself ("US-NY"), else its country ("US" for "US-TX"), else `default`. `region` is a code
 * as the API validates it (upper case, "CC" or "CC-SUB").
 */
export function taxRateFor(ruleset: Ruleset, region: string): TaxRateChoice {
  const { rates, defaultRate } = ruleset.approvals.taxRates;
  const exact = Object.hasOwn(rates, region) ? rates[region] : undefined;
  if (exact !== undefined) return { region, rate: exact, source: 'region' };
  const country = region.split('-')[0]!;
  const byCountry = country !== region && Object.hasOwn(rates, country) ? rates[country] : undefined;
  if (byCountry !== undefined) return { region, rate: byCountry, source: 'country' };
  return { region, rate: defaultRate, source: 'default' };
}
