/**
 * Turns zod's issues into findings a RevOps reader can act on: "unknown key "asign" (did
 * you mean "assign"?)", "missing required key "points"", "unknown fact …". zod knows what
 * went wrong; this module knows how to say it, and where the known alternatives are.
 */
import type { z } from 'zod';
import { suggestion } from './did-you-mean';
import { ALL_FACT_NAMES } from './facts';
import { OP_ALIASES } from './operators';
import { valueAt, type DocPath, type Finding } from './yaml-source';
import type { DiagnosticCode } from './types';

type Issue = z.core.$ZodIssue;

/** Known keys for each object zod saw, recorded while parsing (see `parseWithKnownKeys`). */
type KnownKeys = WeakMap<object, readonly string[]>;

/**
 * Parses `value` with `schema`, recording for every object zod rejects a key of which
 * keys it would have accepted, so the unknown key can get a "did you mean".
 */
export function parseWithFindings<T>(schema: z.ZodType<T>, value: unknown): { ok: true; data: T } | { ok: false; findings: Finding[] } {
  const known: KnownKeys = new WeakMap();
  const result = schema.safeParse(value, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys' && typeof iss.input === 'object' && iss.input !== null) {
        known.set(iss.input, acceptedKeys(iss.inst));
      }
      return undefined;
    },
  });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, findings: withoutMisspeltMissing(result.error.issues.flatMap((issue) => findingsFor(issue, [], value, known))) };
}

/** `asign:` gives both "unknown key asign (did you mean assign?)" and "missing assign"; keep the first only. */
function withoutMisspeltMissing(findings: Finding[]): Finding[] {
  const parentOf = (f: Finding) => JSON.stringify(f.path.slice(0, -1));
  const misspelt = new Set(
    findings
      .filter((f) => f.code === 'unknown-key' && f.hint?.startsWith('did you mean'))
      .map((f) => `${parentOf(f)}:${/"([^"]+)"/.exec(f.hint ?? '')?.[1] ?? ''}`),
  );
  return findings.filter((f) => !(f.code === 'missing-key' && misspelt.has(`${parentOf(f)}:${String(f.path[f.path.length - 1])}`)));
}

function acceptedKeys(inst: unknown): readonly string[] {
  const def = (inst as { _zod?: { def?: { type?: string; shape?: object; keyType?: { options?: unknown } } } })?._zod?.def;
  if (def?.type === 'object' && def.shape) return Object.keys(def.shape);
  if (def?.type === 'record' && Array.isArray(def.keyType?.options)) return def.keyType.options as string[];
  return [];
}

const NOUNS: Record<string, string> = {
  fact: 'fact', op: 'operator', do: 'action', then: 'outcome', strategy: 'strategy', skip: 'skip reason',
  stopWhen: 'stop condition', starts: 'clock start', stops: 'clock stop', stage: 'stage', enterStage: 'stage',
  onTimeout: 'timeout outcome', escalateTo: 'approver role', days: 'weekday', who: 'recipient', type: 'behaviour',
  chain: 'approver role', parallel: 'approver role', whenOutOfOffice: 'option', delegateTo: 'option', delegateNeeds: 'option',
  behaviours: 'behaviour', sources: 'source channel', levels: 'approver role', stageExit: 'stage', channel: 'source channel',
  requires: 'requirement', category: 'category', otherwise: 'category',
};

/** What the thing at `path` is called ("operator", "fact"), from the nearest named key. */
function nounAt(path: DocPath): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === 'string') return NOUNS[segment] ?? 'value';
  }
  return 'value';
}

function finding(path: DocPath, code: DiagnosticCode, message: string, hint?: string, at: 'key' | 'value' = 'value'): Finding {
  return { path, at, severity: 'error', code, message, ...(hint ? { hint } : {}) };
}

function findingsFor(issue: Issue, prefix: DocPath, root: unknown, known: KnownKeys): Finding[] {
  const path: DocPath = [...prefix, ...(issue.path as (string | number)[])];
  const actual = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const container = valueAt(root, path);
      const accepted = (typeof container === 'object' && container !== null ? known.get(container) : undefined) ?? [];
      return issue.keys.map((key) => finding([...path, key], 'unknown-key', `unknown ${keyNoun(path)} "${key}"`, suggestion(key, accepted), 'key'));
    }
    case 'invalid_union':
      return unionFindings(issue, path, actual, root, known);
    case 'invalid_value':
      if (actual === undefined) return [missing(path, issue.values.map(String))];
      return [unknownValue(path, actual, issue.values.map(String))];
    case 'invalid_type':
      if (actual === undefined) return [missing(path)];
      return [finding(path, 'wrong-type', `expected ${article(issue.expected)}, got ${describe(actual)}`)];
    case 'too_small':
      return [finding(path, 'invalid-value', tooSmall(issue))];
    case 'too_big':
      return [finding(path, 'invalid-value', issue.origin === 'array' ? `must have at most ${String(issue.maximum)} items` : `must be at most ${String(issue.maximum)}`)];
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; diagnostic?: DiagnosticCode };
      return [finding(path, params.diagnostic ?? 'invalid-value', issue.message, params.hint)];
    }
    case 'invalid_key': {
      // A record key that is not a valid name: say which key, and what a name looks like.
      const key = path[path.length - 1];
      const inner = issue.issues[0]?.message ?? issue.message;
      return [finding(path, 'invalid-value', `"${String(key)}" is not a valid name: ${inner}`, typeof key === 'string' && key !== key.toLowerCase() ? `write "${key.toLowerCase()}"` : undefined, 'key')];
    }
    case 'invalid_format':
    case 'invalid_element':
    case 'not_multiple_of':
      return [finding(path, 'invalid-value', issue.message)];
  }
}

function keyNoun(path: DocPath): string {
  const last = path[path.length - 1];
  return typeof last === 'string' && ['behaviours', 'sources', 'levels', 'stageExit'].includes(last) ? nounAt(path) : 'key';
}

function missing(path: DocPath, options?: readonly string[]): Finding {
  const key = path[path.length - 1];
  const hint = options && options.length <= 12 ? `expected one of: ${options.join(', ')}` : undefined;
  return finding(path, 'missing-key', `missing required key "${String(key)}"`, hint);
}

function unknownValue(path: DocPath, actual: unknown, options: readonly string[]): Finding {
  const noun = nounAt(path);
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
  if (noun === 'operator' && OP_ALIASES[text]) {
    return finding(path, 'unknown-value', `unknown operator "${text}"`, `write "${OP_ALIASES[text]}" instead`);
  }
  if (noun === 'fact' && ALL_FACT_NAMES.includes(text)) {
    return finding(path, 'unknown-value', `fact "${text}" cannot be used in this file`, `facts available here: ${options.length <= 4 ? options.join(', ') : groupsOf(options)}`);
  }
  const shown = typeof actual === 'string' ? `"${actual}"` : describe(actual);
  if (options.length === 1) return finding(path, 'unknown-value', `expected "${options[0]}", got ${shown}`, suggestion(text, options));
  return finding(path, 'unknown-value', `unknown ${noun} ${shown}`, suggestion(text, options));
}

function groupsOf(factNames: readonly string[]): string {
  return [...new Set(factNames.map((name) => `${name.split('.')[0]}.*`))].join(', ');
}

/** Of a union's branches, the one the author evidently meant: the fewest top-level mismatches. */
function unionFindings(issue: z.core.$ZodIssueInvalidUnion, path: DocPath, actual: unknown, root: unknown, known: KnownKeys): Finding[] {
  const discriminated = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
  if (discriminated.discriminator !== undefined) {
    const options = (discriminated.options ?? []).map(String);
    if (actual === undefined) return [missing(path, options)];
    return [unknownValue(path, actual, options)];
  }
  const cost = (branch: readonly Issue[]) =>
    branch.reduce((sum, i) => {
      const topLevel = i.path.length === 0 && ['invalid_type', 'invalid_value', 'unrecognized_keys'].includes(i.code);
      return sum + (topLevel ? 100 * (i.code === 'unrecognized_keys' ? i.keys.length : 1) : 1);
    }, 0);
  const best = [...issue.errors].sort((a, b) => cost(a) - cost(b))[0] ?? [];
  if (best.length === 0) return [finding(path, 'invalid-value', issue.message)];
  return best.flatMap((inner) => findingsFor(inner, path, root, known));
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case 'array': return `must have at least ${min} item${min === 1 ? '' : 's'}`;
    case 'string': return 'must not be empty';
    case 'bigint':
    case 'date':
    case 'file':
    case 'int':
    case 'number':
    case 'set':
    default:
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
  }
}

function article(expected: string): string {
  switch (expected) {
    case 'object': return 'a block of keys';
    case 'array': return 'a list';
    case 'int': return 'a whole number';
    default: return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

/** `"1000" (a string)`, `a list`, `null` */
export function describe(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `"${value}" (text)`;
    case 'number': return `${value} (a number)`;
    case 'boolean': return `${String(value)} (true/false)`;
    case 'object': return 'a block of keys';
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
    default:
      return typeof value;
  }
}
