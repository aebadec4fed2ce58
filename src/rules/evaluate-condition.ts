/**
 * The fast path: json-rules-engine conditions compiled once into closures, evaluated
 * synchronously, with the same per-condition results the engine records (fact value
 * seen, whether it held). A differential test over randomised facts holds this to the
 * engine's decisions and explanations.
 *
 * Like the engine with one priority level, every condition of an `all`/`any` is
 * evaluated (no short-circuit), so explanations are complete. Pure: no Node imports, no
 * clock; closures are cached per condition object, never written into the ruleset.
 */
import { PREDICATES, READABLE_OP, type Op } from './operators';
import type { CompiledRule, EngineCondition, Scalar } from './ruleset';

/** What one condition saw and decided; the raw material of every explanation. */
export type ConditionTrace =
  | { type: 'fact'; fact: string; op: Op; expected: Scalar | Scalar[]; actual: unknown; held: boolean }
  | { type: 'all' | 'any'; held: boolean; conditions: ConditionTrace[] }
  | { type: 'not'; held: boolean; condition: ConditionTrace };

/** A rule's verdict with the trace of its conditions. */
export interface RuleTrace {
  rule: string;
  line: number;
  matched: boolean;
  condition: ConditionTrace;
}

/** Facts as the engine takes them: one object per group (`company`, `contact`, …). */
export type FactGroups = Readonly<Record<string, unknown>>;

type Evaluator = (facts: FactGroups) => ConditionTrace;

const compiledConditions = new WeakMap<object, Evaluator>();

/** Evaluates `condition` against `facts`, compiling it on first use. */
export function evaluateCondition(condition: EngineCondition, facts: FactGroups): ConditionTrace {
  let evaluator = compiledConditions.get(condition);
  if (!evaluator) {
    evaluator = compile(condition);
    compiledConditions.set(condition, evaluator);
  }
  return evaluator(facts);
}

/** Evaluates one compiled rule. */
export function evaluateRule(rule: CompiledRule<object>, facts: FactGroups): RuleTrace {
  const condition = evaluateCondition(rule.conditions, facts);
  return { rule: rule.name, line: rule.line, matched: condition.held, condition };
}

/** `rule` compiled once into a function of the facts: for callers that evaluate it many times. */
export function ruleEvaluator(rule: CompiledRule<object>): (facts: FactGroups) => RuleTrace {
  let evaluator = compiledConditions.get(rule.conditions);
  if (!evaluator) {
    evaluator = compile(rule.conditions);
    compiledConditions.set(rule.conditions, evaluator);
  }
  const condition = evaluator;
  const { name, line } = rule;
  return (facts) => {
    const trace = condition(facts);
    return { rule: name, line, matched: trace.held, condition: trace };
  };
}

/** The first rule in order that matches, with the traces of every rule checked up to it. */
export function firstMatch<R extends CompiledRule<object>>(rules: readonly R[], facts: FactGroups): { match: R | undefined; traces: RuleTrace[] } {
  const traces: RuleTrace[] = [];
  for (const rule of rules) {
    const trace = evaluateRule(rule, facts);
    traces.push(trace);
    if (trace.matched) return { match: rule, traces };
  }
  return { match: undefined, traces };
}

function compile(condition: EngineCondition): Evaluator {
  if ('all' in condition) return compileGroup('all', condition.all.map(compile));
  if ('any' in condition) return compileGroup('any', condition.any.map(compile));
  if ('not' in condition) {
    const inner = compile(condition.not);
    return (facts) => {
      const trace = inner(facts);
      return { type: 'not', held: !trace.held, condition: trace };
    };
  }
  const read = factReader(condition.fact, condition.path);
  const predicate = PREDICATES[condition.operator];
  const op = READABLE_OP[condition.operator];
  const expected = condition.value;
  const fact = condition.path ? `${condition.fact}${condition.path.slice(1)}` : condition.fact;
  return (facts) => {
    const actual = read(facts);
    return { type: 'fact', fact, op, expected, actual, held: predicate(actual, expected) };
  };
}

function compileGroup(type: 'all' | 'any', children: Evaluator[]): Evaluator {
  const count = children.length;
  return (facts) => {
    const conditions: ConditionTrace[] = new Array<ConditionTrace>(count);
    let all = true;
    let any = count === 0;
    for (let i = 0; i < count; i++) {
      const trace = children[i]!(facts);
      conditions[i] = trace;
      if (trace.held) any = true;
      else all = false;
    }
    return { type, held: type === 'all' ? all : any, conditions };
  };
}

/**
 * Reads `fact` then `path` the way the engine's almanac does: a missing fact is
 * `undefined`; a path into a non-object returns the fact itself (an engine quirk kept
 * for identical results); a path through a missing key is `undefined`.
 */
export function factReader(fact: string, path: string | undefined): (facts: FactGroups) => unknown {
  const segments = pathSegments(path);
  if (segments?.length === 1) {
    // `company.employees`: every condition a rule file can write has this shape.
    const key = segments[0]!;
    if (plainKey(fact, path) !== undefined)
      // Facts are plain data (JSON objects and lists), so a name no prototype of theirs has can only
      // be read as an own property: one lookup instead of Object.hasOwn's and the read's two.
      return (facts) => {
        const value = facts[fact];
        if (value === null || typeof value !== 'object') return value;
        return (value as Record<string, unknown>)[key];
      };
    return (facts) => {
      const value = Object.hasOwn(facts, fact) ? facts[fact] : undefined;
      if (value === null || typeof value !== 'object') return value;
      return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    };
  }
  return (facts) => {
    const value = Object.hasOwn(facts, fact) ? facts[fact] : undefined;
    if (!segments || value === null || typeof value !== 'object') return value;
    let current: unknown = value;
    for (const segment of segments) {
      if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current;
  };
}

/** Whether a plain object or list inherits a property of this name (`constructor`, `length`, `map`, …). */
function pathSegments(path: string | undefined): string[] | undefined {
  return path ? path.replace(/^\$\.?/, '').split('.').filter((s) => s.length > 0) : undefined;
}

/**
 * The key of a path of one key (`$.employees`) when neither it nor the fact is a name a prototype
 * has: then the fact reads as `facts[fact]`, and, when that is an object, its property `key`
 * (else the value itself), as `factReader` reads it. Otherwise undefined.
 */
export function plainKey(fact: string, path: string | undefined): string | undefined {
  const segments = pathSegments(path);
  return segments?.length === 1 && !inherited(fact) && !inherited(segments[0]!) ? segments[0] : undefined;
}

function inherited(name: string): boolean {
  return name in Object.prototype || name in Array.prototype;
}
