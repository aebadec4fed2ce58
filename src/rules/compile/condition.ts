/**
 * File conditions → json-rules-engine conditions. `company.employees` becomes
 * `{ fact: 'company', path: '$.employees' }`: the engine's nested-fact (JSONPath) form,
 * which is how callers pass facts (one object per group).
 */
import { ENGINE_OPERATOR } from '../operators';
import type { EngineCondition, EngineTopCondition } from '../ruleset';
import type { Condition } from '../schema/common';

export function compileCondition(condition: Condition): EngineCondition {
  if (condition === 'always') return { all: [] };
  if ('all' in condition) return { all: condition.all.map(compileCondition) };
  if ('any' in condition) return { any: condition.any.map(compileCondition) };
  if ('not' in condition) return { not: compileCondition(condition.not) };
  const [group, key] = condition.fact.split('.');
  return { fact: group!, path: `$.${key!}`, operator: ENGINE_OPERATOR[condition.op], value: condition.value };
}

/** The engine requires `all`, `any` or `not` at the top of a rule. */
export function compileTopCondition(condition: Condition): EngineTopCondition {
  const compiled = compileCondition(condition);
  return 'fact' in compiled ? { all: [compiled] } : compiled;
}
