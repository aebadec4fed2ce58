/**
 * The reference: json-rules-engine used "the plain way" (one Engine holding every rule,
 * nested facts read through JSONPath, `await engine.run(facts)` per lead). The benchmark
 * measures it as the baseline, and the differential test holds the fast evaluator to
 * its decisions and per-condition results.
 */
import { Engine, type NestedConditionResult, type RuleResult, type TopLevelConditionResult } from 'json-rules-engine';
import type { ConditionTrace, RuleTrace } from '../rules/evaluate-condition';
import { READABLE_OP, type EngineOperator } from '../rules/operators';
import { assembleScore, explainScore, type ScoringOutcome } from '../rules/evaluate-scoring';
import { shortReason, type Explanation } from '../rules/explain';
import type { CompiledRule, CompiledScoring, Scalar } from '../rules/ruleset';
import type { Facts } from '../rules/schema/facts';

/** One engine holding `rules`, as an application would build it once at start-up. */
export function buildEngine(rules: readonly CompiledRule<object>[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const rule of rules) {
    engine.addRule({
      name: rule.name,
      conditions: structuredClone(rule.conditions),
      event: structuredClone(rule.event),
      priority: 1,
    });
  }
  return engine;
}

/** Runs the engine and returns each rule's verdict and condition trace, by rule name. */
export async function runEngine(engine: Engine, facts: object): Promise<Map<string, RuleTrace>> {
  const { results, failureResults } = await engine.run(facts as Record<string, unknown>);
  const traces = new Map<string, RuleTrace>();
  for (const result of [...results, ...failureResults]) traces.set(result.name, toRuleTrace(result));
  return traces;
}

function toRuleTrace(result: RuleResult): RuleTrace {
  const top = toTrace(result.conditions);
  // The engine does not record a result on the top-level node; the rule's result is it.
  return {
    rule: result.name,
    line: 0,
    matched: result.result === true,
    condition: { ...top, held: result.result === true },
  };
}

function toTrace(node: NestedConditionResult | TopLevelConditionResult): ConditionTrace {
  if ('all' in node)
    return {
      type: 'all',
      held: node.result === true,
      conditions: node.all.map((c) => toTrace(c as NestedConditionResult)),
    };
  if ('any' in node)
    return {
      type: 'any',
      held: node.result === true,
      conditions: node.any.map((c) => toTrace(c as NestedConditionResult)),
    };
  if ('not' in node) return { type: 'not', held: node.result === true, condition: toTrace(node.not) };
  if ('condition' in node) throw new Error('condition references are not used by leadflow');
  const fact = node.path ? `${node.fact}${node.path.slice(1)}` : node.fact;
  return {
    type: 'fact',
    fact,
    op: READABLE_OP[node.operator as EngineOperator],
    expected: node.value as Scalar,
    actual: node.factResult,
    held: node.result === true,
  };
}

/**
 * Scores a lead from the engine's verdicts: the first matching tier of each attribute,
 * the matching source rules, then the score's arithmetic (assembleScore) and its explanation
 * (explainScore), written plainly. The fast path builds both in one pass and must equal them.
 */
export async function scoreWithEngine(
  engine: Engine,
  scoring: CompiledScoring,
  facts: Facts,
  now: Date,
): Promise<{ outcome: ScoringOutcome; traces: Map<string, RuleTrace>; explanation: Explanation }> {
  const traces = await runEngine(engine, facts);
  const tiers = scoring.attributes.flatMap((attribute) => {
    const first = attribute.tiers.find((tier) => traces.get(tier.name)?.matched);
    return first ? [{ points: first.event.params, reason: shortReason(traces.get(first.name)!.condition) }] : [];
  });
  const sources = scoring.sources.filter((rule) => traces.get(rule.name)?.matched).map((rule) => rule.event.params);
  const outcome = assembleScore(scoring, tiers, sources, facts.behaviours ?? [], now);
  return { outcome, traces, explanation: explainScore(outcome, [...traces.values()]) };
}

/** Every rule of the scoring file, as the engine holds them. */
export function scoringRules(scoring: CompiledScoring): CompiledRule<object>[] {
  return [...scoring.attributes.flatMap((a) => a.tiers), ...scoring.sources];
}

/** Strips what only one side records (line numbers), for comparing traces. */
export function comparable(trace: RuleTrace): Omit<RuleTrace, 'line'> {
  return { rule: trace.rule, matched: trace.matched, condition: trace.condition };
}
