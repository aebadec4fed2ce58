/**
 * Text output of `leadflow rules test` and `leadflow rules explain`: test cases as
 * passed/failed with a diff, and decisions with their reasons and version.
 */
import type { Decision } from '../rules/explain';
import {
  checkStageExit,
  evaluateEnrolment,
  evaluateEscalation,
  evaluateQualification,
  evaluateRouting,
  evaluateScoring,
  requiredApprovals,
  evaluateStalled,
} from '../rules/evaluate';
import { evaluateForecast } from '../rules/evaluate-forecast';
import { DEAL_STAGES, type DealStage } from '../rules/facts';
import type { CaseResult } from '../rules/rule-tests';
import type { Ruleset } from '../rules/ruleset';
import type { Facts } from '../rules/schema/facts';
import type { RuleKind } from '../rules/types';

const show = (value: unknown) => (value === undefined ? '(nothing)' : JSON.stringify(value));

/** `✓ scoring.yaml:140 name` / `✗ …` with `- expected` / `+ actual` lines, then a tally. */
export function formatCaseResults(cases: readonly CaseResult[], dir: string): string[] {
  const lines = cases.flatMap((c) => {
    const head = `${c.passed ? '✓' : '✗'} ${dir}/${c.file}:${c.line} ${c.name}`;
    if (c.passed) return [head];
    return [
      head,
      ...c.diff.flatMap((d) => [
        `    - expected ${d.field}: ${show(d.expected)}`,
        `    + actual   ${d.field}: ${show(d.actual)}`,
      ]),
      `    ${c.summary}`,
    ];
  });
  const failed = cases.filter((c) => !c.passed).length;
  return [...lines, '', failed === 0 ? `${cases.length} passed` : `${failed} failed, ${cases.length - failed} passed`];
}

/** Any decision, for printing: outcome, explanation and version. */
type AnyDecision = Decision<unknown>;

/** Evaluates the decision `kind` makes for these facts (what `rules explain` shows). */
export function explainForKind(
  ruleset: Ruleset,
  kind: RuleKind,
  facts: Facts,
  options: { now: Date; sla?: string | undefined; stage?: string | undefined },
): AnyDecision[] {
  switch (kind) {
    case 'scoring':
      return [
        evaluateScoring(ruleset, facts, options.now),
        ...(facts.bant ? [evaluateQualification(ruleset, facts)] : []),
      ];
    case 'routing':
      return [evaluateRouting(ruleset, facts)];
    case 'escalation': {
      const sla = options.sla ?? ruleset.escalation.slas[0]?.name;
      const stage = options.stage ?? asText(facts.deal?.stage) ?? asText(facts.lead?.stage);
      return [
        ...(sla ? [evaluateEscalation(ruleset, { sla, facts })] : []),
        ...(stage ? [evaluateStalled(ruleset, { stage, facts })] : []),
      ];
    }
    case 'cadences':
      return [evaluateEnrolment(ruleset, facts)];
    case 'approvals': {
      const quote = facts.quote;
      const stage = options.stage as DealStage | undefined;
      return [
        ...(typeof quote?.discountPct === 'number'
          ? [
              requiredApprovals(ruleset, {
                discountPct: quote.discountPct,
                dealSize: typeof quote.dealSize === 'number' ? quote.dealSize : 0,
              }),
            ]
          : []),
        ...(stage ? [checkStageExit(ruleset, { stage, facts })] : []),
      ];
    }
    case 'forecast': {
      const stage = DEAL_STAGES.find((s) => s === (options.stage ?? asText(facts.deal?.stage)));
      return stage ? [evaluateForecast(ruleset, { stage })] : [];
    }
    case 'loss-reasons':
      // A loss is classified from what the closer types, not from a lead's facts: see `rules test`.
      return [];
  }
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `== scoring.yaml ==`, the summary, the reasons, and `decided by version …`. */
export function formatExplanation(kind: RuleKind, decisions: readonly AnyDecision[], ruleset: Ruleset): string[] {
  const file = ruleset.files[kind];
  const name = file?.fileName ?? `${kind}.yaml`;
  if (decisions.length === 0)
    return [
      `== ${name} ==`,
      'nothing to decide: give --sla/--stage or quote facts (loss reasons are checked by `rules test`)',
    ];
  return [
    `== ${name} ==`,
    ...decisions.flatMap((d) => [d.explanation.summary, ...d.explanation.reasons.map((r) => `  ${r}`)]),
    `decided by rules version ${ruleset.version} (${name} ${file?.hash ?? 'absent'})`,
  ];
}
