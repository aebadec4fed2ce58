/**
 * Scoring decisions: the score with its breakdown (attribute tiers, source channel,
 * behaviours with caps and decay), whether it reaches the MQL threshold, when decay will
 * next change it, and the SQL (BANT) verdict. Pure: `now` is passed in.
 */
import { evaluateRule, ruleEvaluator, type FactGroups, type RuleTrace } from './evaluate-condition';
import { describeRule, shortReason, type Decision } from './explain';
import type { Behaviour } from './facts';
import type { AttributePoints, CompiledDecay, CompiledRule, CompiledScoring, DisqualifyOutcome, MqlAction, Ruleset } from './ruleset';
import type { BehaviourEvent, Facts } from './schema/facts';
import { formatInstant, parseInstant } from './iso-time';

/** One line of a score breakdown: "+25 company-size: 1,000+ employees". */
export interface ScoreLine {
  part: 'attribute' | 'source' | 'behaviour';
  name: string;
  points: number;
  detail: string;
}

export interface ScoringOutcome {
  kind: 'scored';
  score: number;
  mql: boolean;
  threshold: number;
  breakdown: ScoreLine[];
  /** What the rules say to do when the lead becomes an MQL. */
  mqlActions: MqlAction[];
  /** Earliest time decay may change the score (ISO), or null: a durable timer can wait for it. */
  nextDecayAt: string | null;
}

export type QualificationOutcome = { kind: 'sql' } | { kind: 'stay-mql'; unmet: string[] };

/** A scoring file's rules, each compiled into a function of the facts, kept per compiled file. */
interface ScoringPlan {
  attributes: { tier: CompiledRule<AttributePoints>; evaluate: (facts: FactGroups) => RuleTrace }[][];
  sources: { rule: CompiledRule<{ channel: string; points: number }>; evaluate: (facts: FactGroups) => RuleTrace }[];
}

const plans = new WeakMap<CompiledScoring, ScoringPlan>();

function planOf(scoring: CompiledScoring): ScoringPlan {
  let plan = plans.get(scoring);
  if (!plan) {
    plan = {
      attributes: scoring.attributes.map((attribute) => attribute.tiers.map((tier) => ({ tier, evaluate: ruleEvaluator(tier) }))),
      sources: scoring.sources.map((rule) => ({ rule, evaluate: ruleEvaluator(rule) })),
    };
    plans.set(scoring, plan);
  }
  return plan;
}

/** Scores a lead at `now`. */
export function evaluateScoring(ruleset: Ruleset, facts: Facts, now: Date): Decision<ScoringOutcome> {
  const scoring = ruleset.scoring;
  const plan = planOf(scoring);
  const groups = facts as FactGroups;
  const traces: RuleTrace[] = [];
  const tiers: { points: AttributePoints; reason: string }[] = [];
  // Plain loops over precompiled rules: this is the hot path of every scoring decision, the
  // backtest and the bench.
  for (const attribute of plan.attributes) {
    for (const { tier, evaluate } of attribute) {
      const trace = evaluate(groups);
      traces.push(trace);
      if (trace.matched) {
        tiers.push({ points: tier.event.params, reason: shortReason(trace.condition) });
        break;
      }
    }
  }
  const matchedSources: { channel: string; points: number }[] = [];
  for (const { rule, evaluate } of plan.sources) {
    const trace = evaluate(groups);
    traces.push(trace);
    if (trace.matched) matchedSources.push(rule.event.params);
  }
  const outcome = assembleScore(scoring, tiers, matchedSources, facts.behaviours ?? [], now);
  return { outcome, explanation: explainScore(outcome, traces), version: ruleset.version };
}

/**
 * The score from the rules that matched plus behaviours. Shared by the fast path and the
 * json-rules-engine reference path, so both decide identically from identical matches.
 */
export function assembleScore(
  scoring: CompiledScoring,
  tiers: readonly { points: AttributePoints; reason: string }[],
  sources: readonly { channel: string; points: number }[],
  behaviours: readonly BehaviourEvent[],
  now: Date,
): ScoringOutcome {
  const breakdown: ScoreLine[] = [
    ...tiers.map(({ points, reason }): ScoreLine => ({ part: 'attribute', name: points.group, points: points.points, detail: `${points.label} (${reason})` })),
    ...sources.map((s): ScoreLine => ({ part: 'source', name: `source ${s.channel}`, points: s.points, detail: `came from ${s.channel}` })),
  ];
  const decay = behaviourPoints(scoring, behaviours, now.getTime());
  breakdown.push(...decay.lines);
  const score = breakdown.reduce((sum, line) => sum + line.points, 0);
  const mql = score >= scoring.mql.threshold;
  return {
    kind: 'scored', score, mql, threshold: scoring.mql.threshold, breakdown,
    mqlActions: mql ? scoring.mql.then : [],
    nextDecayAt: decay.nextChangeMs === null ? null : formatInstant(decay.nextChangeMs),
  };
}

export interface DecayedEvent { points: number; lost: number; nextChangeMs: number | null }

/** Points of one event after decay, and when they next drop. */
export function decayed(points: number, decay: CompiledDecay | null, atMs: number, nowMs: number): DecayedEvent {
  if (!decay) return { points, lost: 0, nextChangeMs: null };
  const value = decayedPoints(points, decay, atMs, nowMs);
  return { points: value, lost: points - value, nextChangeMs: nextDecayChange(value, decay, atMs, nowMs) };
}

function decayedPoints(points: number, decay: CompiledDecay, atMs: number, nowMs: number): number {
  if (decay.expireAfterMs !== null && nowMs >= atMs + decay.expireAfterMs) return 0;
  const periods = decay.everyMs > 0 ? Math.floor(Math.max(0, nowMs - atMs) / decay.everyMs) : 0;
  return Math.round(points * (1 - decay.lose) ** periods);
}

/** When an event now worth `value` next changes: its next decay step or its expiry, whichever is first. */
function nextDecayChange(value: number, decay: CompiledDecay, atMs: number, nowMs: number): number | null {
  if (value === 0) return null;
  const expiresAt = decay.expireAfterMs === null ? null : atMs + decay.expireAfterMs;
  const nextStep =
    decay.everyMs > 0 ? atMs + (Math.floor(Math.max(0, nowMs - atMs) / decay.everyMs) + 1) * decay.everyMs : null;
  if (nextStep === null) return expiresAt;
  return expiresAt === null ? nextStep : Math.min(nextStep, expiresAt);
}

/** One behaviour type's running total while a lead's events are added up. */
interface BehaviourTotal {
  type: Behaviour;
  count: number;
  points: number;
  lost: number;
}

function behaviourPoints(scoring: CompiledScoring, events: readonly BehaviourEvent[], nowMs: number): { lines: ScoreLine[]; nextChangeMs: number | null } {
  // A lead has a handful of behaviour types: a list searched in order beats a Map, and keeps
  // the lines in the order their types first occur.
  const totals: BehaviourTotal[] = [];
  let nextChangeMs: number | null = null;
  for (const event of events) {
    const spec = scoring.behaviours[event.type];
    if (!spec) continue;
    const atMs = parseInstant(event.at);
    if (Number.isNaN(atMs) || atMs > nowMs) continue;
    let points = spec.points;
    let change: number | null = null;
    if (spec.decay) {
      points = decayedPoints(spec.points, spec.decay, atMs, nowMs);
      change = nextDecayChange(points, spec.decay, atMs, nowMs);
    }
    let total: BehaviourTotal | undefined;
    for (const entry of totals) if (entry.type === event.type) total = entry;
    if (total === undefined) totals.push((total = { type: event.type, count: 0, points: 0, lost: 0 }));
    total.count++;
    total.points += points;
    total.lost += spec.points - points;
    if (change !== null && (nextChangeMs === null || change < nextChangeMs)) nextChangeMs = change;
  }
  const lines: ScoreLine[] = new Array<ScoreLine>(totals.length);
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i]!;
    const spec = scoring.behaviours[total.type]!;
    const capped = spec.cap !== null && total.points > spec.cap;
    let detail = `${total.count} × ${spec.points}`;
    if (total.lost !== 0) detail += `, −${total.lost} decay`;
    if (capped) detail += `, capped at ${spec.cap}`;
    lines[i] = { part: 'behaviour', name: total.type, points: capped ? spec.cap! : total.points, detail };
  }
  return { lines, nextChangeMs };
}

function signed(points: number): string {
  return points >= 0 ? `+${points}` : `−${-points}`;
}

function explainScore(outcome: ScoringOutcome, rules: RuleTrace[]): Decision<ScoringOutcome>['explanation'] {
  const verdict = outcome.mql ? `reaches the MQL threshold of ${outcome.threshold}` : `is below the MQL threshold of ${outcome.threshold}`;
  return {
    summary: `Score ${outcome.score}: ${verdict}.`,
    reasons: [
      ...outcome.breakdown.map((line) => `${signed(line.points)} ${line.name}: ${line.detail}`),
      ...(outcome.nextDecayAt ? [`behaviour points next decay at ${outcome.nextDecayAt}`] : []),
    ],
    rules,
  };
}

/** SQL or stay MQL, from the recorded BANT facts. */
export function evaluateQualification(ruleset: Ruleset, facts: Facts): Decision<QualificationOutcome> {
  const trace = evaluateRule(ruleset.scoring.sql, facts);
  const unmet = trace.condition.type === 'fact' ? (trace.condition.held ? [] : [shortReason(trace.condition)]) : unmetOf(trace);
  const outcome: QualificationOutcome = trace.matched ? { kind: 'sql' } : { kind: 'stay-mql', unmet };
  return {
    outcome,
    explanation: {
      summary: trace.matched ? 'The lead meets the SQL criteria.' : 'The lead stays MQL: the SQL criteria are not met.',
      reasons: describeRule(trace, 'scoring.yaml'),
      rules: [trace],
    },
    version: ruleset.version,
  };
}

function unmetOf(trace: RuleTrace): string[] {
  const c = trace.condition;
  if (c.type === 'all') return c.conditions.filter((x) => !x.held).map(shortReason);
  return trace.matched ? [] : [shortReason(c)];
}

/** What a disqualification reason leads to (nurture, or recycle after a delay), or undefined if the reason is unknown. */
export function disqualificationOutcome(ruleset: Ruleset, reason: string): DisqualifyOutcome | undefined {
  return Object.hasOwn(ruleset.scoring.disqualification, reason) ? ruleset.scoring.disqualification[reason] : undefined;
}
