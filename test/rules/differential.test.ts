/**
 * The fast evaluator must decide exactly as json-rules-engine does, condition by
 * condition, on randomised facts (including missing groups, nulls, numeric strings and
 * wrong types), for the shipped files and for a generated 500-rule file.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine, comparable, runEngine, scoreWithEngine, scoringRules } from '../../src/bench/engine-reference';
import { generateScoringYaml, randomFacts, randomSource } from '../../src/bench/generate-rules';
import { evaluateRule, type FactGroups } from '../../src/rules/evaluate-condition';
import { evaluateScoring } from '../../src/rules/evaluate-scoring';
import type { FactGroup } from '../../src/rules/facts';
import type { CompiledRule, Ruleset } from '../../src/rules/ruleset';
import type { Facts } from '../../src/rules/schema/facts';
import { rulesetWith } from './support/rulesets';

const NOW = new Date('2025-06-01T12:00:00Z');
const CASES = 1500;

async function expectScoringMatchesEngine(ruleset: Ruleset, seed: number, cases = CASES): Promise<number> {
  const engine = buildEngine(scoringRules(ruleset.scoring));
  const random = randomSource(seed);
  let mqls = 0;
  for (let i = 0; i < cases; i++) {
    const facts = randomFacts(random, NOW) as Facts;
    const fast = evaluateScoring(ruleset, facts, NOW);
    const reference = await scoreWithEngine(engine, ruleset.scoring, facts, NOW);
    expect(fast.outcome).toEqual(reference.outcome);
    expect(fast.explanation.summary).toBe(reference.explanation.summary);
    expect(fast.explanation.reasons).toEqual(reference.explanation.reasons);
    for (const trace of fast.explanation.rules) expect(comparable(trace)).toEqual(comparable(reference.traces.get(trace.rule)!));
    if (fast.outcome.mql) mqls++;
  }
  return mqls;
}

async function expectRulesMatchEngine(rules: readonly CompiledRule<object>[], groups: readonly FactGroup[], seed: number): Promise<void> {
  const engine = buildEngine(rules);
  const random = randomSource(seed);
  for (let i = 0; i < CASES / 3; i++) {
    const facts = randomFacts(random, NOW, groups);
    const reference = await runEngine(engine, facts);
    for (const rule of rules) expect(comparable(evaluateRule(rule, facts as FactGroups))).toEqual(comparable(reference.get(rule.name)!));
  }
}

describe('fast evaluator versus json-rules-engine', () => {
  it('when the shipped scoring.yaml scores random leads, then outcomes, explanations and every condition trace equal the engine\'s', async () => {
    const mqls = await expectScoringMatchesEngine(await rulesetWith(), 7);
    expect(mqls).toBeGreaterThan(0); // the sample must exercise both verdicts to mean anything
    expect(mqls).toBeLessThan(CASES);
  });

  it('when a generated 500-rule scoring file scores random leads, then outcomes and traces equal the engine\'s', async () => {
    const ruleset = await rulesetWith({ 'scoring.yaml': generateScoringYaml(500, 11) });
    expect(scoringRules(ruleset.scoring).length).toBe(500 + ruleset.scoring.sources.length);
    await expectScoringMatchesEngine(ruleset, 13, 300); // the engine needs ~15 ms per lead here
    // A correctness check, not a speed one: on a busy 2-core machine 300 engine runs can take over 30 s.
  }, 180_000);

  it('when the shipped routing, cadence, escalation and approval rules see random facts, then each rule decides as the engine does', async () => {
    const ruleset = await rulesetWith();
    const rules: CompiledRule<object>[] = [
      ...ruleset.routing.rules,
      ...ruleset.cadences.enrolment,
      ...ruleset.escalation.slas.flatMap((s) => s.overrides),
      ...ruleset.escalation.stalled.map((s) => s.rule),
      ...ruleset.approvals.tiers,
      ...Object.values(ruleset.approvals.stageExit).flat(),
      ruleset.scoring.sql,
    ];
    await expectRulesMatchEngine(rules, ['company', 'contact', 'source', 'lead', 'bant', 'deal', 'quote'], 17);
  });
});
