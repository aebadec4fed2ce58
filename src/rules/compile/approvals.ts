/**
 * approvals.yaml → its compiled, serialisable form. Each tier becomes an engine rule on
 * `quote.discountPct` and `quote.dealSize`, so the choice of tier is explained like any
 * other decision.
 */
import { parsePartsPerMillion } from '../../domain/money';
import { mustParseDuration, type Duration } from '../duration';
import type { ApprovalLevel, ApprovalStep, CompiledApprovals, CompiledTaxRates, EngineFactCondition } from '../ruleset';
import type { ApprovalsFile, ApprovalTierSpec, ApproverRole, ChainEntrySpec } from '../schema/approvals';
import { textIn } from '../schema/common';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

function tierConditions(tier: ApprovalTierSpec): EngineFactCondition[] {
  const q = (path: string, operator: EngineFactCondition['operator'], value: number): EngineFactCondition => ({ fact: 'quote', path, operator, value });
  const { over, upTo } = tier.discount;
  return [
    over === undefined ? q('$.discountPct', 'greaterThanInclusive', 0) : q('$.discountPct', 'greaterThan', over),
    q('$.discountPct', 'lessThanInclusive', upTo ?? 100),
    ...(tier.dealSize?.from !== undefined ? [q('$.dealSize', 'greaterThanInclusive', tier.dealSize.from)] : []),
    ...(tier.dealSize?.below !== undefined ? [q('$.dealSize', 'lessThan', tier.dealSize.below)] : []),
  ];
}

function compileTaxRates(file: ApprovalsFile): CompiledTaxRates {
  const { default: defaultRate, ...regions } = file.quotes.taxRates ?? { default: '0%' };
  return {
    rates: Object.fromEntries(Object.entries(regions).map(([region, rate]) => [region, parsePartsPerMillion(rate)])),
    defaultRate: parsePartsPerMillion(defaultRate),
  };
}

/** Longest lead time first, so reminders come out in the order they fire. */
function byLeadTime(durations: readonly Duration[]): Duration[] {
  return [...durations].sort((a, b) => (b.kind === 'calendar' ? b.ms : 0) - (a.kind === 'calendar' ? a.ms : 0));
}

export function compileApprovals(file: ApprovalsFile, lineOf: LineOf): CompiledApprovals {
  const level = (role: ApproverRole): ApprovalLevel => {
    const spec = file.levels[role];
    if (!spec) throw new Error(`internal: unvalidated approver role ${role}`);
    return {
      role,
      deadline: mustParseDuration(spec.deadline),
      remindAfter: spec.remindAfter === undefined ? null : mustParseDuration(spec.remindAfter),
      onTimeout: spec.onTimeout,
      escalateTo: spec.onTimeout === 'escalate' ? (spec.escalateTo ?? null) : null,
    };
  };
  const step = (entry: ChainEntrySpec): ApprovalStep =>
    typeof entry === 'string' ? { mode: 'single', approvers: [level(entry)] } : { mode: 'parallel', approvers: entry.parallel.map(level) };
  return {
    tiers: file.tiers.map((tier, i) => ({
      name: tier.name,
      conditions: { all: tierConditions(tier) },
      event: { type: 'approval-tier', params: { tier: tier.name } },
      line: lineOf(['tiers', i]),
    })),
    chains: Object.fromEntries(file.tiers.map((tier) => [tier.name, tier.chain.map(step)])),
    delegation: file.delegation,
    quoteValidFor: mustParseDuration(file.quotes.validFor),
    taxRates: compileTaxRates(file),
    priceOverridesWithoutApproval: [...new Set(file.priceOverrides?.withoutApproval ?? [])],
    renewalRemindBefore: file.renewals.remindBefore.map(mustParseDuration),
    meetingReminders: byLeadTime((file.meetings?.remindBefore ?? []).map(mustParseDuration)),
    demoFollowUpCadence: file.meetings?.demoFollowUp?.cadence ?? null,
    meetingRemind: [...new Set(file.meetings?.remind ?? ['owner' as const])],
    stageExit: Object.fromEntries(
      Object.entries(file.stageExit).map(([stage, criteria]) => [
        stage,
        (criteria ?? []).map((c, i) => ({
          name: c.name,
          conditions: compileTopCondition(c.when),
          event: { type: 'exit-criterion', params: { missing: textIn(c.missing, 'en'), severity: c.severity ?? 'block' } },
          line: lineOf(['stageExit', stage, i]),
        })),
      ]),
    ),
    stageExitTexts: Object.fromEntries(
      Object.entries(file.stageExit).map(([stage, criteria]) => [
        stage,
        Object.fromEntries((criteria ?? []).map((c) => [textIn(c.missing, 'en'), c.missing])),
      ]),
    ),
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
