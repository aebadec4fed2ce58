/**
 * A semantic diff of two rule folders (or stored versions), in RevOps words: it compares what the
 * files say, not their text, so a moved comment or a reordered map is no change, and a change
 * reads `scoring.yaml: MQL threshold 80 → 75`, `routing.yaml: pool enterprise-emea member erik
 * weight 2 → 3`, `cadences.yaml: cadence mql-standard step 2 wait 2 business days → 1 business day`.
 *
 * It works on the parsed YAML as written (durations stay "3 business days"), for every file kind,
 * with a vocabulary of the collections each file has (pools, tiers, steps, …). Pure module.
 */
import { parse, stringify } from 'yaml';
import { kindOfFileName, RULE_KINDS, type RuleKind } from './types';

/** One difference, with its parts for a dashboard and its one-line text for people and logs. */
export interface RuleChange {
  file: string;
  kind: RuleKind;
  /** What changed, e.g. `MQL threshold`, `pool enterprise-emea member erik weight`. */
  what: string;
  change: 'changed' | 'added' | 'removed' | 'reordered';
  /** The value before and after, as written in YAML (flow style); absent when added or removed. */
  before?: string;
  after?: string;
  /** `scoring.yaml: MQL threshold 80 → 75` */
  text: string;
}

type Segment = { key: string } | { index: number; name?: string };

/** Collections: the key that holds them → the noun one of their entries is called by. */
const NOUNS: Record<string, string> = {
  attributes: 'attribute',
  tiers: 'tier',
  sources: 'source points for',
  behaviours: 'behaviour',
  reasons: 'reason',
  reps: 'rep',
  queues: 'queue',
  pools: 'pool',
  members: 'member',
  rules: 'rule',
  calendars: 'calendar',
  slas: 'SLA',
  overrides: 'override',
  onBreach: 'breach step',
  stalled: 'stalled alert',
  then: 'step',
  templates: 'template',
  cadences: 'cadence',
  steps: 'step',
  enrolment: 'enrolment rule',
  levels: 'approval level',
  taxRates: 'tax rate',
  stageExit: 'exit criteria for',
  probabilities: 'probability of',
  categories: 'category rule',
  tests: 'test case',
};

/** Words for plain keys where the camel-case name would read badly. */
const WORDS: Record<string, string> = {
  when: 'condition',
  all: '',
  any: '',
  do: 'action',
  mql: 'MQL',
  sql: 'SQL',
  expireAfter: 'expire after',
  maxOpenLeads: 'max open leads',
  fallbackQueue: 'fallback queue',
  defaultCalendar: 'default calendar',
  sendWindow: 'send window',
  stopWhen: 'stop when',
  remindBefore: 'remind before',
  remindAfter: 'remind after',
  onTimeout: 'on timeout',
  escalateTo: 'escalate to',
  validFor: 'valid for',
  dealSize: 'deal size',
};

/** Kind-specific names for whole paths (dotted keys), checked before the generic words. */
const PATHS: Partial<Record<RuleKind, Record<string, string>>> = {
  scoring: {
    'mql.then': 'MQL actions',
    'sql.when': 'SQL criteria',
    'disqualification.reasons': 'disqualification reason',
  },
  'loss-reasons': { reasons: 'loss reason', fallback: 'fallback loss reason' },
  approvals: { 'meetings.demoFollowUp.cadence': 'demo follow-up cadence' },
};

/** An entry's identity in a list, so a moved or inserted entry is matched by name, not position. */
function identityOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const key of ['name', 'rep', 'code', 'label', 'fact']) {
    const id = value[key];
    if (typeof id === 'string') return id;
    // A label written per language is known by its English.
    if (isObject(id) && typeof id.en === 'string') return id.en;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A condition `{ fact, op, value }` is compared as one sentence: `company.employees >= 200`. */
function isCondition(value: unknown): value is Record<string, unknown> & { fact: string; op: string } {
  return isObject(value) && typeof value.fact === 'string' && typeof value.op === 'string';
}

const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
}

/** A value as RevOps wrote it: YAML flow style, on one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (isCondition(value)) return `${value.fact} ${value.op} ${showValue(value.value)}`;
  if (typeof value === 'string') return value;
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 })
    .trim()
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']');
}

interface RawChange {
  path: Segment[];
  change: RuleChange['change'];
  before?: unknown;
  after?: unknown;
}

function diffValues(before: unknown, after: unknown, path: Segment[], out: RawChange[]): void {
  if (same(before, after)) return;
  const last = path.at(-1);
  const inTests = path.length > 0 && 'key' in path[0]! && path[0].key === 'tests';
  if (inTests && path.length === 2) {
    out.push({ path, change: 'changed' }); // one line per changed test case, not one per field
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && !(last && 'key' in last && last.key === 'value')) {
    diffLists(before, after, path, out);
    return;
  }
  if (isObject(before) && isObject(after) && !(isCondition(before) && isCondition(after))) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const segment = [...path, { key }];
      if (!(key in before)) out.push({ path: segment, change: 'added', after: after[key] });
      else if (!(key in after)) out.push({ path: segment, change: 'removed', before: before[key] });
      else diffValues(before[key], after[key], segment, out);
    }
    return;
  }
  out.push({ path, change: 'changed', before, after });
}

function diffLists(before: unknown[], after: unknown[], path: Segment[], out: RawChange[]): void {
  const scalars = [...before, ...after].every((v) => !isObject(v) && !Array.isArray(v));
  if (scalars) {
    const added = after.filter((v) => !before.some((b) => same(b, v)));
    const removed = before.filter((v) => !after.some((a) => same(a, v)));
    if (added.length === 0 && removed.length === 0) out.push({ path, change: 'reordered', before, after });
    else out.push({ path, change: 'changed', before, after });
    return;
  }
  const ids = (list: unknown[]) => list.map(identityOf);
  const beforeIds = ids(before);
  const afterIds = ids(after);
  const keyed = [...beforeIds, ...afterIds].every((id) => id !== undefined) && new Set(beforeIds).size === before.length;
  if (!keyed) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const segment = [...path, { index: i }];
      if (i >= before.length) out.push({ path: segment, change: 'added', after: after[i] });
      else if (i >= after.length) out.push({ path: segment, change: 'removed', before: before[i] });
      else diffValues(before[i], after[i], segment, out);
    }
    return;
  }
  afterIds.forEach((id, i) => {
    const j = beforeIds.indexOf(id);
    const segment = [...path, { index: i, name: id! }];
    if (j < 0) out.push({ path: segment, change: 'added', after: after[i] });
    else diffValues(before[j], after[i], segment, out);
  });
  beforeIds.forEach((id, j) => {
    if (!afterIds.includes(id)) out.push({ path: [...path, { index: j, name: id! }], change: 'removed', before: before[j] });
  });
  const kept = (list: (string | undefined)[], other: (string | undefined)[]) => list.filter((id) => other.includes(id));
  if (!isCondition(before[0]) && JSON.stringify(kept(beforeIds, afterIds)) !== JSON.stringify(kept(afterIds, beforeIds)))
    out.push({ path, change: 'reordered', before: kept(beforeIds, afterIds), after: kept(afterIds, beforeIds) });
}

const humanise = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
const quoted = (name: string) => (/^[\w.@-]+$/.test(name) ? name : `"${name}"`);

/** `['pools', 'emea', 'members', {name: 'erik'}, 'weight']` → `pool emea member erik weight`. */
function describe(kind: RuleKind, path: Segment[]): string {
  const words: string[] = [];
  let noun: string | undefined;
  const keys: string[] = [];
  for (const segment of path) {
    if ('key' in segment) {
      keys.push(segment.key);
      const named = PATHS[kind]?.[keys.join('.')];
      if (noun) {
        words.push(`${noun} ${quoted(segment.key)}`);
        noun = undefined;
      } else if (named && (segment.key === 'reasons' || !NOUNS[segment.key])) {
        words.length = 0;
        if (segment.key === 'reasons') noun = named;
        else words.push(named);
      } else if (NOUNS[segment.key]) {
        noun = NOUNS[segment.key];
      } else {
        // A step's `after` is the wait before it; elsewhere (recycle after 90 days) it is just "after".
        const at = path.indexOf(segment);
        const previous = path[at - 1];
        const collection = path[at - 2];
        const inSteps = collection && 'key' in collection && ['steps', 'then', 'onBreach'].includes(collection.key);
        const word = segment.key === 'after' && inSteps && previous && 'index' in previous ? 'wait' : (WORDS[segment.key] ?? humanise(segment.key));
        if (word) words.push(word);
      }
    } else {
      keys.push(segment.name ?? String(segment.index));
      const what = noun ?? 'entry';
      words.push(segment.name !== undefined ? `${what} ${quoted(segment.name)}` : `${what} ${segment.index + 1}`);
      noun = undefined;
    }
  }
  if (noun) words.push(noun === 'source points for' ? 'source points' : `${noun}s`.replace(/ys$/, 'ies'));
  const text = words.join(' ');
  if (kind === 'scoring' && text === 'MQL threshold') return 'MQL threshold';
  return text || 'the file';
}

function phrase(file: string, kind: RuleKind, raw: RawChange): RuleChange {
  const what = describe(kind, raw.path);
  const base = { file, kind, what, change: raw.change };
  const before = raw.before === undefined ? undefined : showValue(raw.before);
  const after = raw.after === undefined ? undefined : showValue(raw.after);
  switch (raw.change) {
    case 'added':
      return { ...base, ...(after !== undefined ? { after } : {}), text: `${file}: ${what} added${after && after.length <= 60 ? ` (${after})` : ''}` };
    case 'removed':
      return { ...base, ...(before !== undefined ? { before } : {}), text: `${file}: ${what} removed` };
    case 'reordered':
      return { ...base, before: before!, after: after!, text: `${file}: ${what} order ${before} → ${after}` };
    case 'changed':
      if (before === undefined || after === undefined) return { ...base, text: `${file}: ${what} changed` };
      // Long texts (an email body) are named, not quoted: the fields carry them.
      if ([before, after].some((v) => v.length > 80 || v.includes('\n')))
        return { ...base, before, after, text: `${file}: ${what} changed` };
      return { ...base, before, after, text: `${file}: ${what} ${listChange(raw.before, raw.after) ?? `${before} → ${after}`}` };
  }
}

/** For two lists of plain values (countries, holidays, members): `added JP; removed US`. */
function listChange(before: unknown, after: unknown): string | undefined {
  const values = (v: unknown) => (Array.isArray(v) ? v : isCondition(v) && Array.isArray(v.value) ? v.value : undefined);
  const a = values(before);
  const b = values(after);
  if (!a || !b || a.length + b.length <= 6) return undefined;
  if (isCondition(before) && isCondition(after) && (before.fact !== after.fact || before.op !== after.op)) return undefined;
  const added = b.filter((v) => !a.some((x) => same(x, v))).map(showValue);
  const removed = a.filter((v) => !b.some((x) => same(x, v))).map(showValue);
  if (added.length + removed.length === 0) return undefined;
  const prefix = isCondition(after) ? `${after.fact} ${after.op}: ` : '';
  return prefix + [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ');
}

/**
 * The changes in one file kind, from `before` to `after` (texts; either may be absent). A file whose
 * text changed but whose meaning did not reads `comments or formatting only`.
 */
export function diffRuleFile(kind: RuleKind, file: string, before: string | undefined, after: string | undefined): RuleChange[] {
  if (before === after) return [];
  if (before === undefined || after === undefined) {
    const change = before === undefined ? 'added' : 'removed';
    return [{ file, kind, what: 'the file', change, text: `${file}: ${change}` }];
  }
  const raw: RawChange[] = [];
  diffValues(parse(before) as unknown, parse(after) as unknown, [], raw);
  if (raw.length === 0) return [{ file, kind, what: 'the file', change: 'changed', text: `${file}: comments or formatting only` }];
  return raw.map((r) => phrase(file, kind, r));
}

/** The changes from one whole set of rule files (file name → text) to another, file by file in the usual order. */
export function diffRuleTexts(before: Record<string, string>, after: Record<string, string>): RuleChange[] {
  const byKind = (texts: Record<string, string>) => {
    const found: Partial<Record<RuleKind, { name: string; text: string }>> = {};
    for (const [name, text] of Object.entries(texts)) {
      const kind = kindOfFileName(name);
      if (kind && !found[kind]) found[kind] = { name, text };
    }
    return found;
  };
  const a = byKind(before);
  const b = byKind(after);
  return RULE_KINDS.flatMap((kind) => {
    const file = b[kind]?.name ?? a[kind]?.name ?? `${kind}.yaml`;
    return diffRuleFile(kind, file, a[kind]?.text, b[kind]?.text);
  });
}
