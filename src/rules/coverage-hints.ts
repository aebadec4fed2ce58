/**
 * Coverage hints for `leadflow rules test`: thresholds and boundaries that no test case comes near,
 * so a change there would pass the tests unnoticed (issue #13: the MQL threshold went from 80 to 75
 * and no shipped case scored between 70 and 80). Hints are warnings, never failures.
 *
 * What counts as covered:
 * - the MQL threshold T: some scoring case scores strictly between T − 5 and T + 5;
 * - a numeric condition (`company.employees >= 200`, `lead.score >= 100`) or an approval tier's
 *   `discount` / `dealSize` bound V: some case of the same file gives that fact a value within
 *   10% of V (at least ±1).
 * forecast.yaml is left out: its cases name a stage, and the stage decides the probability.
 */
import { evaluateScoring } from './evaluate-scoring';
import type { Ruleset } from './ruleset';
import { testNow } from './rule-tests';
import { RULE_KINDS, type Diagnostic, type RuleKind } from './types';
import { parseYamlSource, positionOf, type DocPath, type YamlSource } from './yaml-source';

/** How near the MQL threshold a case's score must be (exclusive), in points. */
const MQL_WINDOW = 5;
const NUMERIC_OPS = new Set(['>', '>=', '<', '<=']);
/** Approval tier bounds (approvals.yaml `discount: { over, upTo }`, `dealSize: { from, below }`) and the quote fact each bounds. */
const TIER_BOUNDS: Record<string, string> = { discount: 'quote.discountPct', dealSize: 'quote.dealSize' };

interface Boundary {
  fact: string;
  value: number;
  /** How the rule states it, e.g. `company.employees >= 200`, `discount over 10`. */
  stated: string;
  /** Where it is, e.g. `rule mid-market`; empty at the top level. */
  owner: string;
  path: DocPath;
}

/** Every uncovered threshold or boundary of `ruleset`, as warnings at their `file:line:col`. */
export function coverageHints(ruleset: Ruleset, displayDir?: string): Diagnostic[] {
  return RULE_KINDS.flatMap((kind) => {
    const file = ruleset.files[kind];
    const text = file ? ruleset.texts[file.fileName] : undefined;
    if (!file || text === undefined || kind === 'forecast') return [];
    const display = displayDir ? `${displayDir.replace(/\/+$/, '')}/${file.fileName}` : file.fileName;
    const { source } = parseYamlSource(display, text);
    return [...(kind === 'scoring' ? mqlHint(ruleset, source) : []), ...boundaryHints(kind, source)];
  });
}

function hint(source: YamlSource, path: DocPath, message: string): Diagnostic {
  return { file: source.file, ...positionOf(source, path, 'value'), severity: 'warning', code: 'uncovered-boundary', message };
}

function mqlHint(ruleset: Ruleset, source: YamlSource): Diagnostic[] {
  const threshold = ruleset.scoring.mql.threshold;
  const scores = ruleset.scoring.tests.flatMap((t) => {
    try {
      return [evaluateScoring(ruleset, t.facts, testNow(t)).outcome.score];
    } catch {
      return [];
    }
  });
  const low = threshold - MQL_WINDOW;
  const high = threshold + MQL_WINDOW;
  if (scores.some((score) => score > low && score < high)) return [];
  return [hint(source, ['mql', 'threshold'], `MQL threshold ${threshold}: no test case with a score between ${low} and ${high}`)];
}

function boundaryHints(kind: RuleKind, source: YamlSource): Diagnostic[] {
  const document = source.value;
  if (!isObject(document)) return [];
  const values = testValues(kind, document.tests);
  const boundaries: Boundary[] = [];
  for (const [key, value] of Object.entries(document)) if (key !== 'tests') collect(value, [key], '', boundaries);
  const seen = new Set<string>();
  return boundaries.flatMap((b) => {
    const id = `${b.fact} ${b.value}`;
    if (seen.has(id)) return [];
    seen.add(id);
    const margin = Math.max(1, Math.abs(b.value) * 0.1);
    const [low, high] = [b.value - margin, b.value + margin];
    if ((values.get(b.fact) ?? []).some((v) => v >= low && v <= high)) return [];
    const owner = b.owner ? `${b.owner}: ` : '';
    return [hint(source, b.path, `${owner}${b.stated}: no test case with ${b.fact} between ${round(low)} and ${round(high)}`)];
  });
}

const round = (n: number) => Number(n.toPrecision(6));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Finds numeric conditions and tier bounds under `value`, remembering the nearest named owner. */
function collect(value: unknown, path: DocPath, owner: string, out: Boundary[]): void {
  if (Array.isArray(value)) {
    const collection = String(path.at(-1) ?? '');
    value.forEach((item, i) => {
      const name = isObject(item) ? (item.name ?? item.label) : undefined;
      const quoted = typeof name === 'string' && /[^\w.-]/.test(name) ? `"${name}"` : name;
      const named = typeof name === 'string' ? `${collection.replace(/s$/, '')} ${String(quoted)}` : owner;
      collect(item, [...path, i], named, out);
    });
    return;
  }
  if (!isObject(value)) return;
  const { fact, op } = value;
  if (typeof fact === 'string' && typeof op === 'string' && NUMERIC_OPS.has(op) && typeof value.value === 'number') {
    out.push({ fact, value: value.value, stated: `${fact} ${op} ${value.value}`, owner, path: [...path, 'value'] });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const bounded = TIER_BOUNDS[key];
    if (bounded && isObject(child)) {
      for (const [bound, limit] of Object.entries(child))
        if (typeof limit === 'number') out.push({ fact: bounded, value: limit, stated: `${key} ${bound} ${limit}`, owner, path: [...path, key, bound] });
      continue;
    }
    collect(child, [...path, key], owner, out);
  }
}

/** The numbers the file's test cases give each fact (`company.employees` → [1200, 80]). */
function testValues(kind: RuleKind, tests: unknown): Map<string, number[]> {
  const values = new Map<string, number[]>();
  const add = (prefix: string, value: unknown) => {
    if (typeof value === 'number') values.set(prefix, [...(values.get(prefix) ?? []), value]);
    else if (isObject(value)) for (const [key, child] of Object.entries(value)) add(prefix ? `${prefix}.${key}` : key, child);
  };
  for (const test of Array.isArray(tests) ? tests : []) {
    if (!isObject(test)) continue;
    add('', test.facts);
    if (kind === 'approvals') add('quote', test.quote);
  }
  return values;
}
