/** forecast.yaml → its compiled, serialisable form. Each category rule becomes an engine rule. */
import type { CompiledForecast } from '../ruleset';
import type { ForecastFile } from '../schema/forecast';
import { compileTopCondition } from './condition';
import type { LineOf } from './line-of';

export function compileForecast(file: ForecastFile, lineOf: LineOf): CompiledForecast {
  return {
    probabilities: { ...file.probabilities },
    categories: file.categories.map((rule, i) => ({
      name: rule.name,
      conditions: compileTopCondition(rule.when),
      event: { type: 'forecast-category', params: { category: rule.category } },
      line: lineOf(['categories', i]),
    })),
    otherwise: file.otherwise,
    overrides: { allowed: file.overrides.allowed, needsReason: file.overrides.needsReason ?? false },
    tests: (file.tests ?? []).map((test, i) => ({ ...test, line: lineOf(['tests', i]) })),
  };
}
