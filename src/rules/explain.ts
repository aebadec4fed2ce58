/**
 * Plain-language explanations of condition traces, for RevOps readers:
 * "✓ company.employees is at least 1000 (seen: 1200)". Pure module.
 */
import type { ConditionTrace, RuleTrace } from './evaluate-condition';
import { OP_WORDS } from './operators';

/** Every decision carries one of these next to its outcome and version. */
export interface Explanation {
  /** One sentence: what was decided. */
  summary: string;
  /** Why, line by line, in words. */
  reasons: string[];
  /** The structured trace of every rule checked (fact, operator, expected, seen, held). */
  rules: RuleTrace[];
}

/** The result of every evaluation: what, why, and which ruleset version decided. */
export interface Decision<O> {
  outcome: O;
  explanation: Explanation;
  version: string;
}

/** Rule values are the same list objects on every evaluation, so their text is worth keeping. */
const listText = new WeakMap<readonly unknown[], string>();

/** A value as explanations show it: `"US"`, `1,200`, `["c-level", "vp"]`, `no value`. */
export function show(value: unknown): string {
  if (value === undefined) return 'no value';
  if (Array.isArray(value)) {
    let text = listText.get(value);
    if (text === undefined) {
      text = `[${value.map(show).join(', ')}]`;
      listText.set(value, text);
    }
    return text;
  }
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number') return withThousands(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  return JSON.stringify(value);
}

/** `1200000` → `1,200,000` (Intl formatting is too slow for the hot path). */
export function withThousands(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 1000) return String(n);
  if (n > 0 && n < 1_000_000 && Number.isInteger(n)) {
    // The usual case (employees, revenue in thousands): two groups, without slicing text.
    const low = n % 1000;
    return `${(n - low) / 1000},${low < 10 ? '00' : low < 100 ? '0' : ''}${low}`;
  }
  const text = String(n);
  if (text.includes('e')) return text; // 1e+21 and beyond: no digits to group
  const point = text.indexOf('.');
  const whole = point === -1 ? text : text.slice(0, point);
  const sign = whole.startsWith('-') ? 1 : 0;
  let grouped = '';
  for (let end = whole.length; end > sign; end -= 3) {
    const start = Math.max(sign, end - 3);
    grouped = grouped === '' ? whole.slice(start, end) : `${whole.slice(start, end)},${grouped}`;
  }
  return `${sign ? '-' : ''}${grouped}${point === -1 ? '' : text.slice(point)}`;
}

/** Lines describing a condition trace, indented by depth. */
export function describeCondition(trace: ConditionTrace, depth = 0): string[] {
  const pad = '  '.repeat(depth);
  const mark = trace.held ? '✓' : '✗';
  switch (trace.type) {
    case 'fact':
      return [`${pad}${mark} ${trace.fact} ${OP_WORDS[trace.op]} ${show(trace.expected)} (seen: ${show(trace.actual)})`];
    case 'all':
    case 'any':
      if (trace.conditions.length === 0) return [`${pad}✓ always`];
      return [`${pad}${mark} ${trace.type === 'all' ? 'all of' : 'any of'}:`, ...trace.conditions.flatMap((c) => describeCondition(c, depth + 1))];
    case 'not':
      return [`${pad}${mark} not:`, ...describeCondition(trace.condition, depth + 1)];
  }
}

/** `rule "enterprise-na" (line 42) matched:` followed by its conditions. */
export function describeRule(trace: RuleTrace, file: string): string[] {
  const verdict = trace.matched ? 'matched' : 'did not match';
  const c = trace.condition;
  const shown = (c.type === 'all' || c.type === 'any') && c.conditions.length === 1 ? c.conditions[0]! : c;
  return [`${file} rule "${trace.rule}" (line ${trace.line}) ${verdict}:`, ...describeCondition(shown, 1)];
}

/** One-line summary of why a fact condition held, for breakdowns ("company.employees is 1,200"). */
export function shortReason(trace: ConditionTrace): string {
  switch (trace.type) {
    case 'fact': return `${trace.fact} ${OP_WORDS[trace.op]} ${show(trace.expected)}, seen ${show(trace.actual)}`;
    case 'all':
    case 'any': {
      const parts = trace.conditions.filter((c) => c.held === trace.held).map(shortReason);
      return parts.length === 0 ? 'always' : parts.join(trace.type === 'all' ? ' and ' : ' or ');
    }
    case 'not': return `not (${shortReason(trace.condition)})`;
  }
}
