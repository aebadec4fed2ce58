/**
 * Meaning checks for forecast.yaml: category rules that make sense for the facts they test, are
 * named once and can be reached, probabilities that do not fall as a deal advances, and tests that
 * name a category rule that exists. Facts are the stage and its probability only, so every rule can
 * be tried against every open stage: a rule no stage reaches is reported.
 */
import { evaluateRule } from '../evaluate-condition';
import { compileTopCondition } from '../compile/condition';
import { OPEN_DEAL_STAGES, type ForecastFile } from '../schema/forecast';
import type { Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, checkShadowing, unknownReference } from './conditions';

export function checkForecast(file: ForecastFile): Finding[] {
  const names = file.categories.map((rule) => rule.name);
  return [
    ...checkFallingProbabilities(file),
    ...checkDuplicateNames(file.categories, ['categories'], 'category rule'),
    ...file.categories.flatMap((rule, i) => checkCondition(rule.when, ['categories', i, 'when'])),
    ...checkShadowing(file.categories, ['categories'], 'category rule'),
    ...checkReachable(file),
    ...(file.tests ?? []).flatMap((test, i) =>
      typeof test.expect.rule === 'string' && !names.includes(test.expect.rule)
        ? [unknownReference(['tests', i, 'expect', 'rule'], 'category rule', test.expect.rule, names, 'forecast.yaml categories')]
        : [],
    ),
  ];
}

/** A later stage with a lower chance than an earlier one is almost always a typo (0.6 for 0.06). */
function checkFallingProbabilities(file: ForecastFile): Finding[] {
  return OPEN_DEAL_STAGES.slice(1).flatMap((stage, i): Finding[] => {
    const before = OPEN_DEAL_STAGES[i]!;
    const [earlier, later] = [file.probabilities[before], file.probabilities[stage]];
    if (later >= earlier) return [];
    return [
      {
        path: ['probabilities', stage],
        at: 'value',
        severity: 'warning',
        code: 'suspicious',
        message: `${stage} (${later}) has a lower probability than the earlier stage ${before} (${earlier})`,
        hint: 'a deal usually becomes more likely to close as it advances; check for a typo',
      },
    ];
  });
}

/** A category rule that matches no open stage can never decide. */
function checkReachable(file: ForecastFile): Finding[] {
  return file.categories.flatMap((rule, i): Finding[] => {
    const compiled = { name: rule.name, conditions: compileTopCondition(rule.when), event: { type: 'forecast-category', params: {} }, line: 0 };
    const reached = OPEN_DEAL_STAGES.some((stage) => evaluateRule(compiled, { deal: { stage, probability: file.probabilities[stage] } }).matched);
    if (reached) return [];
    return [
      {
        path: ['categories', i, 'when'],
        at: 'key',
        severity: 'error',
        code: 'shadowed-rule',
        message: `category rule "${rule.name}" matches no open stage with the probabilities above, so it can never decide`,
        hint: `the stages are ${OPEN_DEAL_STAGES.map((s) => `${s} (${file.probabilities[s]})`).join(', ')}`,
      },
    ];
  });
}
