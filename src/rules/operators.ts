/**
 * Operators as RevOps writes them (`op: ">="`) and the json-rules-engine operators they
 * compile to. The predicate implementations reproduce json-rules-engine 7's default
 * operators exactly, including their fact-value validators (a numeric comparison is false
 * unless the fact parses as a number; `contains` is false unless the fact is a list), so
 * the fast evaluator decides exactly as the engine would. Pure module.
 */

export const OPS = ['==', '!=', '>', '>=', '<', '<=', 'in', 'not in', 'contains', 'does not contain'] as const;
export type Op = (typeof OPS)[number];

export type EngineOperator =
  | 'equal' | 'notEqual' | 'greaterThan' | 'greaterThanInclusive' | 'lessThan' | 'lessThanInclusive'
  | 'in' | 'notIn' | 'contains' | 'doesNotContain';

export const ENGINE_OPERATOR: Record<Op, EngineOperator> = {
  '==': 'equal',
  '!=': 'notEqual',
  '>': 'greaterThan',
  '>=': 'greaterThanInclusive',
  '<': 'lessThan',
  '<=': 'lessThanInclusive',
  in: 'in',
  'not in': 'notIn',
  contains: 'contains',
  'does not contain': 'doesNotContain',
};

/** Readable operator for an engine operator, for explanations. */
export const READABLE_OP: Record<EngineOperator, Op> = Object.fromEntries(
  Object.entries(ENGINE_OPERATOR).map(([op, engine]) => [engine, op]),
) as Record<EngineOperator, Op>;

/** Words used in plain-language explanations ("is at least"). */
export const OP_WORDS: Record<Op, string> = {
  '==': 'is',
  '!=': 'is not',
  '>': 'is more than',
  '>=': 'is at least',
  '<': 'is less than',
  '<=': 'is at most',
  in: 'is one of',
  'not in': 'is none of',
  contains: 'contains',
  'does not contain': 'does not contain',
};

/** Spellings people try that mean one of ours; used for hints ("use \">=\""). */
export const OP_ALIASES: Record<string, Op> = {
  '=': '==', '===': '==', eq: '==', equal: '==', equals: '==', is: '==',
  '<>': '!=', '!==': '!=', ne: '!=', notEqual: '!=', 'is not': '!=',
  gt: '>', greaterThan: '>', 'greater than': '>',
  gte: '>=', '=>': '>=', greaterThanInclusive: '>=', 'at least': '>=',
  lt: '<', lessThan: '<', 'less than': '<',
  lte: '<=', '=<': '<=', lessThanInclusive: '<=', 'at most': '<=',
  notIn: 'not in', nin: 'not in', 'not_in': 'not in',
  doesNotContain: 'does not contain', 'not contains': 'does not contain',
};

/** Operators whose value must be a number and fact numeric. */
export const NUMERIC_OPS: ReadonlySet<Op> = new Set(['>', '>=', '<', '<=']);
/** Operators whose value must be a list. */
export const LIST_VALUE_OPS: ReadonlySet<Op> = new Set(['in', 'not in']);
/** Operators whose fact must be a list. */
export const LIST_FACT_OPS: ReadonlySet<Op> = new Set(['contains', 'does not contain']);

/** What the engine calls `indexOf` on: a list (or, unvalidated, a string). */
type Searchable = { indexOf(item: unknown): number };
type Predicate = (fact: unknown, value: unknown) => boolean;

/**
 * The engine's check, `parseFloat(value).toString() !== 'NaN'`, without its string: a number
 * parses as itself (so only NaN fails), anything else as the engine parses it.
 */
function isNumeric(factValue: unknown): boolean {
  if (typeof factValue === 'number') return !Number.isNaN(factValue);
  return !Number.isNaN(Number.parseFloat(factValue as string));
}

/** json-rules-engine 7 default operators, verbatim in behaviour. */
export const PREDICATES: Record<EngineOperator, Predicate> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as Searchable).indexOf(a) > -1,
  notIn: (a, b) => (b as Searchable).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumeric(a) && (a as number) >= (b as number),
};
