/**
 * Checks a condition tree makes sense for the facts it tests: numbers compared with
 * numbers, lists given to `in`, enum values spelt right. The schema already guarantees
 * the shape; this catches `company.employees >= "1000"` and `source.channel == "event"`.
 */
import { suggestion } from '../did-you-mean';
import { factSpec, type FactType } from '../facts';
import { LIST_FACT_OPS, LIST_VALUE_OPS, NUMERIC_OPS } from '../operators';
import type { Condition, FactCondition } from '../schema/common';
import { describe } from '../schema-issues';
import type { DocPath, Finding } from '../yaml-source';

/** Findings for every fact test in `condition`, which sits at `path`. */
export function checkCondition(condition: Condition, path: DocPath): Finding[] {
  if (condition === 'always') return [];
  if ('all' in condition) return condition.all.flatMap((c, i) => checkCondition(c, [...path, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((c, i) => checkCondition(c, [...path, 'any', i]));
  if ('not' in condition) return checkCondition(condition.not, [...path, 'not']);
  return checkFactCondition(condition, path);
}

function error(path: DocPath, message: string, hint?: string): Finding {
  return { path, at: 'value', severity: 'error', code: 'fact-type-mismatch', message, ...(hint ? { hint } : {}) };
}

function checkFactCondition(condition: FactCondition, path: DocPath): Finding[] {
  const spec = factSpec(condition.fact);
  if (!spec) return []; // the schema reported the unknown fact already
  const { op, value } = condition;
  const valuePath = [...path, 'value'];
  const type = spec.type;
  if (LIST_FACT_OPS.has(op)) {
    return [error([...path, 'op'], `"${op}" tests a list, but ${condition.fact} holds a single value`, Array.isArray(value) ? 'use "in" to test against several values' : 'use "==" to compare with one value')];
  }
  if (NUMERIC_OPS.has(op) && type.type !== 'number') {
    return [error([...path, 'op'], `"${op}" compares numbers, but ${condition.fact} is ${typeName(type)}`, 'use "==", "!=", "in" or "not in"')];
  }
  if (LIST_VALUE_OPS.has(op)) {
    if (!Array.isArray(value)) return [error(valuePath, `"${op}" needs a list of values, got ${describe(value)}`, `write value: [${JSON.stringify(value)}] or use "${op === 'in' ? '==' : '!='}"`)];
    return value.flatMap((item, i) => checkScalar(condition.fact, type, item, [...valuePath, i]));
  }
  if (Array.isArray(value)) return [error(valuePath, `"${op}" compares with one value, got a list`, `use "${op === '!=' ? 'not in' : 'in'}" to test against several values`)];
  return checkScalar(condition.fact, type, value, valuePath);
}

function checkScalar(fact: string, type: FactType, value: string | number | boolean, path: DocPath): Finding[] {
  switch (type.type) {
    case 'number':
      if (typeof value === 'number') return [];
      return [error(path, `${fact} is a number, got ${describe(value)}`, typeof value === 'string' && !Number.isNaN(Number(value.replace(/,/g, ''))) ? 'remove the quotes and any thousands separators' : undefined)];
    case 'boolean':
      if (typeof value === 'boolean') return [];
      return [error(path, `${fact} is true or false, got ${describe(value)}`, value === 'true' || value === 'false' ? 'remove the quotes' : undefined)];
    case 'string':
      return typeof value === 'string' ? [] : [error(path, `${fact} is text, got ${describe(value)}`, 'put the value in quotes')];
    case 'enum':
      if (typeof value === 'string' && type.values.includes(value)) return [];
      return [{ path, at: 'value', severity: 'error', code: 'unknown-value', message: `${fact} is never ${typeof value === 'string' ? `"${value}"` : describe(value)}`, ...hintFor(String(value), type.values) }];
  }
}

function hintFor(value: string, values: readonly string[]): { hint?: string } {
  const hint = suggestion(value, values);
  return hint ? { hint } : {};
}

function typeName(type: FactType): string {
  switch (type.type) {
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'string': return 'text';
    case 'enum': return `one of ${type.values.join(', ')}`;
  }
}

/** True for a condition that holds for every lead: `always`, or `all`/`any` of those. */
export function isCatchAll(condition: Condition): boolean {
  if (condition === 'always') return true;
  if ('all' in condition) return condition.all.every(isCatchAll);
  if ('any' in condition) return condition.any.some(isCatchAll);
  return false;
}

/**
 * Findings for ordered first-match lists: an entry after a catch-all, or with exactly
 * the same condition as an earlier entry, can never be reached.
 */
export function checkShadowing(entries: readonly { name: string; when: Condition }[], path: DocPath, noun: string): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  let catchAll: string | undefined;
  entries.forEach((entry, i) => {
    const at: DocPath = [...path, i, 'when'];
    if (catchAll !== undefined) {
      findings.push({ path: at, at: 'key', severity: 'error', code: 'shadowed-rule', message: `${noun} "${entry.name}" can never match: the earlier ${noun} "${catchAll}" matches every lead`, hint: `move "${entry.name}" above "${catchAll}", or delete it` });
      return;
    }
    const key = JSON.stringify(entry.when);
    const twin = seen.get(key);
    if (twin !== undefined) {
      findings.push({ path: at, at: 'key', severity: 'error', code: 'shadowed-rule', message: `${noun} "${entry.name}" can never match: the earlier ${noun} "${twin}" has exactly the same conditions`, hint: 'change its conditions or delete it' });
    }
    seen.set(key, entry.name);
    if (isCatchAll(entry.when)) catchAll = entry.name;
  });
  return findings;
}

/** Findings for names used twice in one list (rule names, cadence names, …). */
export function checkDuplicateNames(entries: readonly { name: string }[], path: DocPath, noun: string): Finding[] {
  const first = new Map<string, number>();
  return entries.flatMap((entry, i): Finding[] => {
    const earlier = first.get(entry.name);
    if (earlier === undefined) {
      first.set(entry.name, i);
      return [];
    }
    return [{ path: [...path, i, 'name'], at: 'value', severity: 'error', code: 'duplicate-name', message: `${noun} "${entry.name}" is defined twice (first at ${String(path[path.length - 1])}[${earlier}])`, hint: 'give each one a unique name' }];
  });
}

/** A finding for a reference to a name that is not defined. */
export function unknownReference(path: DocPath, noun: string, name: string, known: readonly string[], where: string): Finding {
  const hint = suggestion(name, known);
  return { path, at: 'value', severity: 'error', code: 'unknown-reference', message: `unknown ${noun} "${name}": it is not defined in ${where}`, ...(hint ? { hint } : {}) };
}
