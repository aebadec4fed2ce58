/**
 * A scoring file compiled once for the hot path of every scoring decision, the backtest and the
 * bench. It decides exactly as evaluating the rules one by one does (the differential test holds
 * it to json-rules-engine), with less work per lead:
 *
 * - each fact a rule reads (`company.employees`, …) is read once per lead into a slot, not once
 *   per condition that names it (the source rules alone name `source.channel` seven times);
 * - a rule of one condition, the shape every shipped rule has, is one closure without a group loop,
 *   and keeps its (frozen) trace for the values it sees most, since the trace depends on nothing else;
 * - the text a breakdown line and its reason share is built once per tier, so a matched tier adds
 *   only what it saw (`seen 1,200`).
 *
 * Pure module; plans are cached per compiled file, never written into the ruleset.
 */
import type { ConditionTrace, FactGroups, RuleTrace } from './evaluate-condition';
import { factReader } from './evaluate-condition';
import { shortReason, show } from './explain';
import { OP_WORDS, PREDICATES, READABLE_OP } from './operators';
import type { AttributePoints, CompiledDecay, CompiledRule, CompiledScoring, EngineCondition } from './ruleset';

type Slots = readonly unknown[];
type SlotCondition = (slots: Slots) => ConditionTrace;

/** One attribute tier, ready to evaluate and to explain. */
export interface TierPlan {
  evaluate: (slots: Slots) => RuleTrace;
  group: string;
  points: number;
  /** The breakdown line's detail for a match: `1,000+ employees (company.employees is at least 1,000, seen 1,200)`. */
  detail: (trace: RuleTrace) => string;
  /** What the reason line puts before the detail: `+25 company-size: `. */
  reasonHead: string;
}

/** One source rule; a match's line and reason never vary. */
export interface SourcePlan {
  evaluate: (slots: Slots) => RuleTrace;
  name: string;
  points: number;
  detail: string;
  reason: string;
}

/** One scored behaviour type, with its decay table and the fixed parts of its breakdown line. */
export interface BehaviourPlan {
  points: number;
  cap: number | null;
  decay: CompiledDecay | null;
  /** `Math.round(points * (1 - lose) ** k)` for k whole decay periods, up to expiry (at most 64 entries). */
  afterPeriods: number[];
  /** ` × 15` in `2 × 15, −8 decay, capped at 30`. */
  countTail: string;
  /** `, capped at 30`. */
  capTail: string;
}

export interface ScoringPlan {
  /** Reads every fact the rules name, once: the slots the rules are evaluated on. */
  read: (facts: FactGroups) => unknown[];
  attributes: TierPlan[][];
  sources: SourcePlan[];
  behaviours: Map<string, BehaviourPlan>;
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
  readonly readers: ((facts: FactGroups) => unknown)[] = [];

  slotOf(fact: string, path: string | undefined): number {
    const key = `${fact}\u0000${path ?? ''}`;
    let slot = this.index.get(key);
    if (slot === undefined) {
      slot = this.readers.length;
      this.readers.push(factReader(fact, path));
      this.index.set(key, slot);
    }
    return slot;
  }
}

function compilePlan(scoring: CompiledScoring): ScoringPlan {
  const table = new SlotTable();
  const attributes = scoring.attributes.map((attribute) => attribute.tiers.map((tier) => tierPlan(tier, table)));
  const sources = scoring.sources.map((rule): SourcePlan => {
    const { channel, points } = rule.event.params;
    const name = `source ${channel}`;
    const detail = `came from ${channel}`;
    return { evaluate: ruleOnSlots(rule, table), name, points, detail, reason: `${signed(points)} ${name}: ${detail}` };
  });
  const readers = table.readers;
  const count = readers.length;
  const threshold = scoring.mql.threshold;
  return {
    read: (facts) => {
      const slots = new Array<unknown>(count);
      for (let i = 0; i < count; i++) slots[i] = readers[i]!(facts);
      return slots;
    },
    attributes,
    sources,
    behaviours: new Map(
      Object.entries(scoring.behaviours).flatMap(([type, spec]) => (spec ? [[type, behaviourPlan(spec)] as const] : [])),
    ),
    verdicts: { mql: `: reaches the MQL threshold of ${threshold}.`, below: `: is below the MQL threshold of ${threshold}.` },
  };
}

function behaviourPlan(spec: { points: number; cap: number | null; decay: CompiledDecay | null }): BehaviourPlan {
  const { points, cap, decay } = spec;
  let periods = 0;
  if (decay && decay.everyMs > 0)
    periods = decay.expireAfterMs === null ? 64 : Math.min(64, Math.ceil(decay.expireAfterMs / decay.everyMs) + 1);
  return {
    points,
    cap,
    decay,
    afterPeriods: Array.from({ length: periods }, (_, k) => Math.round(points * (1 - decay!.lose) ** k)),
    countTail: ` × ${points}`,
    capTail: `, capped at ${cap}`,
  };
}

function tierPlan(tier: CompiledRule<AttributePoints>, table: SlotTable): TierPlan {
  const { group, points, label } = tier.event.params;
  const leaf = singleLeaf(tier.conditions);
  let detail: TierPlan['detail'];
  if (leaf) {
    // shortReason of a one-condition rule that matched is that condition's reason.
    const head = `${label} (${leaf.fact}${leaf.path ? leaf.path.slice(1) : ''} ${OP_WORDS[READABLE_OP[leaf.operator]]} ${show(leaf.value)}, seen `;
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
  return { evaluate: ruleOnSlots(tier, table), group, points, detail, reasonHead: `${signed(points)} ${group}: ` };
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

/** A rule compiled into a function of the slots, returning the same trace `evaluateRule` does. */
function ruleOnSlots(rule: CompiledRule<object>, table: SlotTable): (slots: Slots) => RuleTrace {
  const { name, line } = rule;
  const leaf = singleLeaf(rule.conditions);
  if (leaf) {
    const slot = table.slotOf(leaf.fact, leaf.path);
    const predicate = PREDICATES[leaf.operator];
    const op = READABLE_OP[leaf.operator];
    const expected = leaf.value;
    const fact = leaf.path ? `${leaf.fact}${leaf.path.slice(1)}` : leaf.fact;
    const seen = new Map<unknown, RuleTrace>();
    return (slots) => {
      const actual = slots[slot];
      const kept = seen.get(actual);
      if (kept !== undefined) return kept;
      const held = predicate(actual, expected);
      const trace: RuleTrace = {
        rule: name,
        line,
        matched: held,
        condition: { type: 'all', held, conditions: [{ type: 'fact', fact, op, expected, actual, held }] },
      };
      if (seen.size < KEPT_VALUES && keepable(actual)) seen.set(actual, frozen(trace));
      return trace;
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
