/**
 * A scoring file compiled once for the hot path of every scoring decision, the backtest and the
 * bench. It decides exactly as evaluating the rules one by one does (the differential test holds
 * it to json-rules-engine), with less work per lead:
 *
 * - each fact a rule reads (`company.employees`, …) is read once per lead into a slot, not once
 *   per condition that names it, and the slots of one fact share one read of it;
 * - an attribute whose tiers are each one condition on the same fact (every shipped attribute),
 *   and the source rules (all on `source.channel`), decide from that one value: their traces and
 *   line are kept (frozen) per value for the values seen most, so a lead costs one lookup and a
 *   copy of the kept traces, not a lookup per rule;
 * - a behaviour's line and reason are kept per (events, points lost to decay): a lead's few events
 *   of a type repeat the same few pairs.
 *
 * Pure module; plans are cached per compiled file, never written into the ruleset.
 */
import type { ConditionTrace, FactGroups, RuleTrace } from './evaluate-condition';
import { factReader, plainKey } from './evaluate-condition';
import { shortReason, show } from './explain';
import { OP_WORDS, PREDICATES, READABLE_OP } from './operators';
import type { AttributePoints, CompiledDecay, CompiledRule, CompiledScoring, EngineCondition } from './ruleset';

type Slots = readonly unknown[];
type SlotCondition = (slots: Slots) => ConditionTrace;

/**
 * What a matched rule adds to a decision: its breakdown line and its reason line. The values a rule
 * keeps are frozen, since many decisions share them (as they share kept traces).
 */
export interface ScoredMatch {
  /** `{ part: 'attribute', name: 'company-size', points: 25, detail: '1,000+ employees (company.employees is at least 1,000, seen 1,200)' }`. */
  readonly line: Readonly<{ part: 'attribute' | 'source'; name: string; points: number; detail: string }>;
  /** `+25 company-size: ` and the detail. */
  readonly reason: string;
}

/** One attribute's tiers: pushes the trace of every tier checked onto `rules`, returns the tier that matched. */
export interface AttributePlan {
  run: (slots: Slots, rules: RuleTrace[]) => ScoredMatch | null;
}

/** The source rules: pushes the trace of every one onto `rules`, returns those that matched, in order. */
export interface SourcesPlan {
  run: (slots: Slots, rules: RuleTrace[]) => readonly ScoredMatch[];
}

/** One scored behaviour type, with its decay table and the fixed parts of its breakdown line. */
export interface BehaviourPlan {
  type: string;
  points: number;
  cap: number | null;
  decay: CompiledDecay | null;
  /** `Math.round(points * (1 - lose) ** k)` for k whole decay periods, up to expiry (at most 64 entries). */
  afterPeriods: number[];
  /** ` × 15` in `2 × 15, −8 decay, capped at 30`. */
  countTail: string;
  /** `, capped at 30`. */
  capTail: string;
  /** Breakdown details and reasons already written, by event count and points lost to decay (see `behaviourText`). */
  texts: Map<number, BehaviourText>;
}

/** A behaviour line (`{ part: 'behaviour', name: 'pricing-page-visit', points: 22, detail: '2 × 15, −8 decay' }`) and its reason. */
export interface BehaviourText {
  readonly line: Readonly<{ part: 'behaviour'; name: string; points: number; detail: string }>;
  /** `+22 pricing-page-visit: 2 × 15, −8 decay`. */
  readonly reason: string;
}

/** Scratch space for a lead's running totals per behaviour type (by index in `behaviours`), and the order types first occur in. */
export interface BehaviourTally {
  count: Float64Array;
  points: Float64Array;
  lost: Float64Array;
  order: Int32Array;
}

export interface ScoringPlan {
  /** Reads every fact the rules name, once: the slots the rules are evaluated on. */
  read: (facts: FactGroups) => unknown[];
  attributes: AttributePlan[];
  sources: SourcesPlan;
  /** The scored behaviour types, in the file's order: a lead's few types are found faster by a search than by a Map. */
  behaviours: readonly BehaviourPlan[];
  tally: BehaviourTally;
  /** `: reaches the MQL threshold of 80.` and `: is below the MQL threshold of 80.` */
  verdicts: { mql: string; below: string };
}

const plans = new WeakMap<CompiledScoring, ScoringPlan>();

/** `scoring` compiled for evaluation, once per compiled file. */
export function scoringPlan(scoring: CompiledScoring): ScoringPlan {
  let plan = plans.get(scoring);
  if (!plan) {
    plan = compilePlan(scoring);
    plans.set(scoring, plan);
  }
  return plan;
}

/** `+25` or `−10`, as score lines write points. */
export function signed(points: number): string {
  return points >= 0 ? `+${points}` : `−${-points}`;
}

/** The fact slots: one per distinct fact and path the rules read. */
class SlotTable {
  private readonly index = new Map<string, number>();
  readonly slots: { fact: string; path: string | undefined }[] = [];

  slotOf(fact: string, path: string | undefined): number {
    const key = `${fact}\u0000${path ?? ''}`;
    let slot = this.index.get(key);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slots.push({ fact, path });
      this.index.set(key, slot);
    }
    return slot;
  }

  /**
   * Reads every slot of a lead. Slots of one key in the same fact (`company.employees`,
   * `company.industry`, …) share one read of the fact; the others are read as `factReader` does.
   */
  reader(): (facts: FactGroups) => unknown[] {
    const count = this.slots.length;
    const groups = new Map<string, { fact: string; keys: string[]; slots: number[] }>();
    const others: { slot: number; read: (facts: FactGroups) => unknown }[] = [];
    this.slots.forEach(({ fact, path }, slot) => {
      const key = plainKey(fact, path);
      if (key === undefined) others.push({ slot, read: factReader(fact, path) });
      else {
        let group = groups.get(fact);
        if (!group) groups.set(fact, (group = { fact, keys: [], slots: [] }));
        group.keys.push(key);
        group.slots.push(slot);
      }
    });
    const grouped = [...groups.values()];
    return (facts) => {
      const slots = new Array<unknown>(count);
      for (let g = 0; g < grouped.length; g++) {
        const { fact, keys, slots: at } = grouped[g]!;
        const value = facts[fact];
        if (value === null || typeof value !== 'object') for (let i = 0; i < at.length; i++) slots[at[i]!] = value;
        else for (let i = 0; i < at.length; i++) slots[at[i]!] = (value as Record<string, unknown>)[keys[i]!];
      }
      for (let i = 0; i < others.length; i++) slots[others[i]!.slot] = others[i]!.read(facts);
      return slots;
    };
  }
}

function compilePlan(scoring: CompiledScoring): ScoringPlan {
  const table = new SlotTable();
  const attributes = scoring.attributes.map((attribute) => attributePlan(attribute.tiers, table));
  const sources = sourcesPlan(scoring.sources, table);
  const behaviours = Object.entries(scoring.behaviours).flatMap(([type, spec]) => (spec ? [behaviourPlan(type, spec)] : []));
  const threshold = scoring.mql.threshold;
  return {
    read: table.reader(),
    attributes,
    sources,
    behaviours,
    tally: {
      count: new Float64Array(behaviours.length),
      points: new Float64Array(behaviours.length),
      lost: new Float64Array(behaviours.length),
      order: new Int32Array(behaviours.length),
    },
    verdicts: { mql: `: reaches the MQL threshold of ${threshold}.`, below: `: is below the MQL threshold of ${threshold}.` },
  };
}

function behaviourPlan(type: string, spec: { points: number; cap: number | null; decay: CompiledDecay | null }): BehaviourPlan {
  const { points, cap, decay } = spec;
  let periods = 0;
  if (decay && decay.everyMs > 0)
    periods = decay.expireAfterMs === null ? 64 : Math.min(64, Math.ceil(decay.expireAfterMs / decay.everyMs) + 1);
  return {
    type,
    points,
    cap,
    decay,
    afterPeriods: Array.from({ length: periods }, (_, k) => Math.round(points * (1 - decay!.lose) ** k)),
    countTail: ` × ${points}`,
    capTail: `, capped at ${cap}`,
    texts: new Map(),
  };
}

/**
 * How many (count, points lost) pairs a behaviour keeps its line's text for. A lead has a few
 * events of a type, and decay halves whole points, so few pairs recur across leads.
 */
const KEPT_TEXTS = 256;

/**
 * The line and reason of a behaviour: `count` events worth `points` in all before the cap, `lost`
 * to decay. They depend on nothing else, so each pair's are written once and kept (frozen).
 */
export function behaviourText(spec: BehaviourPlan, count: number, points: number, lost: number): BehaviourText {
  const key = count * 1_048_576 + lost;
  const keep = count < 1024 && lost >= 0 && lost < 1_048_576 && Number.isInteger(lost);
  let text = keep ? spec.texts.get(key) : undefined;
  if (text === undefined) {
    const capped = spec.cap !== null && points > spec.cap;
    let detail = `${count}${spec.countTail}`;
    if (lost !== 0) detail += `, −${lost} decay`;
    if (capped) detail += spec.capTail;
    const total = capped ? spec.cap! : points;
    text = { line: { part: 'behaviour', name: spec.type, points: total, detail }, reason: `${signed(total)} ${spec.type}: ${detail}` };
    if (keep && spec.texts.size < KEPT_TEXTS) {
      Object.freeze(text.line);
      spec.texts.set(key, text);
    }
  }
  return text;
}

/** A kept result of a run of rules on one value: the (frozen) traces of the rules checked and what matched. */
interface KeptRun<M> {
  traces: readonly RuleTrace[];
  matched: M;
}

function attributePlan(tiers: readonly CompiledRule<AttributePoints>[], table: SlotTable): AttributePlan {
  const matches = tiers.map((tier) => {
    const { group, points } = tier.event.params;
    return { group, points, reasonHead: `${signed(points)} ${group}: ` };
  });
  const leaves = sameFactLeaves(tiers);
  if (leaves) {
    // Every tier reads the same fact (an attribute as scoring.yaml writes one): what the tiers
    // decide, traces and line, depends on that one value, and is kept for the values seen most.
    const slot = table.slotOf(leaves[0]!.fact, leaves[0]!.path);
    const tracers = tiers.map((tier, i) => leafTracer(tier, leaves[i]!));
    const heads = tiers.map((tier, i) => leafDetailHead(tier.event.params.label, leaves[i]!));
    const count = tiers.length;
    const kept = new Map<unknown, KeptRun<ScoredMatch | null>>();
    return {
      run: (slots, rules) => {
        const actual = slots[slot];
        const entry = kept.get(actual);
        if (entry !== undefined) {
          rules.push(...entry.traces); // a builtin copy, some three times a loop of pushes
          return entry.matched;
        }
        const start = rules.length;
        let matched: ScoredMatch | null = null;
        for (let i = 0; i < count; i++) {
          const trace = tracers[i]!(actual);
          rules.push(trace);
          if (trace.matched) {
            matched = attributeMatch(matches[i]!, `${heads[i]!}${show(actual)})`);
            break;
          }
        }
        if (kept.size < KEPT_VALUES && keepable(actual))
          kept.set(actual, {
            traces: Object.freeze(rules.slice(start).map(frozen)),
            matched: matched && Object.freeze({ line: Object.freeze(matched.line), reason: matched.reason }),
          });
        return matched;
      },
    };
  }
  const plans = tiers.map((tier) => tierPlan(tier, table));
  const count = plans.length;
  return {
    run: (slots, rules) => {
      for (let i = 0; i < count; i++) {
        const tier = plans[i]!;
        const trace = tier.evaluate(slots);
        rules.push(trace);
        if (trace.matched) return attributeMatch(matches[i]!, tier.detail(trace));
      }
      return null;
    },
  };
}

function attributeMatch(tier: { group: string; points: number; reasonHead: string }, detail: string): ScoredMatch {
  return { line: { part: 'attribute', name: tier.group, points: tier.points, detail }, reason: tier.reasonHead + detail };
}

function sourcesPlan(rules: readonly CompiledRule<{ channel: string; points: number }>[], table: SlotTable): SourcesPlan {
  // A match's line and reason never vary.
  const matches = rules.map((rule): ScoredMatch => {
    const { channel, points } = rule.event.params;
    const name = `source ${channel}`;
    const detail = `came from ${channel}`;
    return Object.freeze({
      line: Object.freeze({ part: 'source' as const, name, points, detail }),
      reason: `${signed(points)} ${name}: ${detail}`,
    });
  });
  const count = rules.length;
  const leaves = sameFactLeaves(rules);
  if (leaves && count > 0) {
    // Every source rule reads `source.channel`: the traces and the matches depend on that value alone.
    const slot = table.slotOf(leaves[0]!.fact, leaves[0]!.path);
    const tracers = rules.map((rule, i) => leafTracer(rule, leaves[i]!));
    const kept = new Map<unknown, KeptRun<readonly ScoredMatch[]>>();
    return {
      run: (slots, out) => {
        const actual = slots[slot];
        const entry = kept.get(actual);
        if (entry !== undefined) {
          out.push(...entry.traces);
          return entry.matched;
        }
        const traces = new Array<RuleTrace>(count);
        const matched: ScoredMatch[] = [];
        for (let i = 0; i < count; i++) {
          const trace = tracers[i]!(actual);
          traces[i] = trace;
          out.push(trace);
          if (trace.matched) matched.push(matches[i]!);
        }
        if (kept.size < KEPT_VALUES && keepable(actual))
          kept.set(actual, { traces: Object.freeze(traces.map(frozen)), matched: Object.freeze(matched) });
        return matched;
      },
    };
  }
  const evaluators = rules.map((rule) => ruleOnSlots(rule, table));
  return {
    run: (slots, out) => {
      const matched: ScoredMatch[] = [];
      for (let i = 0; i < count; i++) {
        const trace = evaluators[i]!(slots);
        out.push(trace);
        if (trace.matched) matched.push(matches[i]!);
      }
      return matched;
    },
  };
}

/** One attribute tier on the slots, for attributes whose tiers read different facts. */
interface TierPlan {
  evaluate: (slots: Slots) => RuleTrace;
  /** The breakdown line's detail for a match: `1,000+ employees (company.employees is at least 1,000, seen 1,200)`. */
  detail: (trace: RuleTrace) => string;
}

function tierPlan(tier: CompiledRule<AttributePoints>, table: SlotTable): TierPlan {
  const { label } = tier.event.params;
  const leaf = singleLeaf(tier.conditions);
  let detail: TierPlan['detail'];
  if (leaf) {
    const head = leafDetailHead(label, leaf);
    const seen = new Map<unknown, string>();
    detail = (trace) => {
      const actual = singleLeafActual(trace);
      let text = seen.get(actual);
      if (text === undefined) {
        text = `${head}${show(actual)})`;
        if (seen.size < KEPT_VALUES && keepable(actual)) seen.set(actual, text);
      }
      return text;
    };
  } else {
    detail = (trace) => `${label} (${shortReason(trace.condition)})`;
  }
  return { evaluate: ruleOnSlots(tier, table), detail };
}

/** What a one-condition tier's detail says before the value seen: shortReason of a one-condition rule that matched is that condition's reason. */
function leafDetailHead(label: string, leaf: Leaf): string {
  return `${label} (${leaf.fact}${leaf.path ? leaf.path.slice(1) : ''} ${OP_WORDS[READABLE_OP[leaf.operator]]} ${show(leaf.value)}, seen `;
}

type Leaf = Extract<EngineCondition, { fact: string }>;

/** The condition of a rule written as one condition (`{ all: [condition] }` once compiled), or undefined. */
function singleLeaf(condition: EngineCondition): Leaf | undefined {
  if (!('all' in condition) || condition.all.length !== 1) return undefined;
  const only = condition.all[0]!;
  return 'fact' in only ? only : undefined;
}

function singleLeafActual(trace: RuleTrace): unknown {
  const top = trace.condition;
  const leaf = top.type === 'all' ? top.conditions[0] : undefined;
  return leaf?.type === 'fact' ? leaf.actual : undefined;
}

/**
 * How many fact values a one-condition rule keeps its trace for. A rule's trace depends only on the
 * value it saw, and most facts take few values (an industry, a seniority, a channel, a flag), so
 * the same frozen trace serves every lead that saw that value; a fact of many values (employees)
 * fills the table and the rest are traced afresh.
 */
const KEPT_VALUES = 64;

/** Values kept by identity without keeping a lead's objects alive: primitives, short strings, not −0 (a Map key equal to 0). */
function keepable(actual: unknown): boolean {
  if (typeof actual === 'string') return actual.length <= 64;
  if (typeof actual === 'number') return !Object.is(actual, -0);
  return actual === undefined || actual === null || typeof actual === 'boolean';
}

/** A kept trace, frozen: shared by many decisions, it must never change. */
function frozen(trace: RuleTrace): RuleTrace {
  const condition = trace.condition;
  if (condition.type === 'all') {
    for (const c of condition.conditions) Object.freeze(c);
    Object.freeze(condition.conditions);
  }
  Object.freeze(condition);
  return Object.freeze(trace);
}

/** The conditions of rules that are each one condition on the same fact and path, or undefined. */
function sameFactLeaves(rules: readonly CompiledRule<object>[]): Leaf[] | undefined {
  const leaves: Leaf[] = [];
  for (const rule of rules) {
    const leaf = singleLeaf(rule.conditions);
    if (!leaf || (leaves.length > 0 && (leaf.fact !== leaves[0]!.fact || leaf.path !== leaves[0]!.path))) return undefined;
    leaves.push(leaf);
  }
  return leaves;
}

/** A one-condition rule as a function of the value its fact has, returning the trace `evaluateRule` does. */
function leafTracer(rule: CompiledRule<object>, leaf: Leaf): (actual: unknown) => RuleTrace {
  const { name, line } = rule;
  const predicate = PREDICATES[leaf.operator];
  const op = READABLE_OP[leaf.operator];
  const expected = leaf.value;
  const fact = leaf.path ? `${leaf.fact}${leaf.path.slice(1)}` : leaf.fact;
  return (actual) => {
    const held = predicate(actual, expected);
    return {
      rule: name,
      line,
      matched: held,
      condition: { type: 'all', held, conditions: [{ type: 'fact', fact, op, expected, actual, held }] },
    };
  };
}

/** A rule compiled into a function of the slots, returning the same trace `evaluateRule` does. */
function ruleOnSlots(rule: CompiledRule<object>, table: SlotTable): (slots: Slots) => RuleTrace {
  const { name, line } = rule;
  const leaf = singleLeaf(rule.conditions);
  if (leaf) {
    const slot = table.slotOf(leaf.fact, leaf.path);
    const trace = leafTracer(rule, leaf);
    const seen = new Map<unknown, RuleTrace>();
    return (slots) => {
      const actual = slots[slot];
      const kept = seen.get(actual);
      if (kept !== undefined) return kept;
      const fresh = trace(actual);
      if (seen.size < KEPT_VALUES && keepable(actual)) seen.set(actual, frozen(fresh));
      return fresh;
    };
  }
  const condition = conditionOnSlots(rule.conditions, table);
  return (slots) => {
    const trace = condition(slots);
    return { rule: name, line, matched: trace.held, condition: trace };
  };
}

/** Like evaluate-condition's compile, reading facts from the slots: every condition evaluated, no short-circuit. */
function conditionOnSlots(condition: EngineCondition, table: SlotTable): SlotCondition {
  if ('all' in condition) return groupOnSlots('all', condition.all, table);
  if ('any' in condition) return groupOnSlots('any', condition.any, table);
  if ('not' in condition) {
    const inner = conditionOnSlots(condition.not, table);
    return (slots) => {
      const trace = inner(slots);
      return { type: 'not', held: !trace.held, condition: trace };
    };
  }
  const slot = table.slotOf(condition.fact, condition.path);
  const predicate = PREDICATES[condition.operator];
  const op = READABLE_OP[condition.operator];
  const expected = condition.value;
  const fact = condition.path ? `${condition.fact}${condition.path.slice(1)}` : condition.fact;
  return (slots) => {
    const actual = slots[slot];
    return { type: 'fact', fact, op, expected, actual, held: predicate(actual, expected) };
  };
}

function groupOnSlots(type: 'all' | 'any', conditions: readonly EngineCondition[], table: SlotTable): SlotCondition {
  const children = conditions.map((c) => conditionOnSlots(c, table));
  const count = children.length;
  return (slots) => {
    const traces = new Array<ConditionTrace>(count);
    let all = true;
    let any = count === 0;
    for (let i = 0; i < count; i++) {
      const trace = children[i]!(slots);
      traces[i] = trace;
      if (trace.held) any = true;
      else all = false;
    }
    return { type, held: type === 'all' ? all : any, conditions: traces };
  };
}
