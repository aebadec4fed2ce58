/**
 * Scoring decisions: the score with its breakdown (attribute tiers, source channel,
 * behaviours with caps and decay), whether it reaches the MQL threshold, when decay will
 * next change it, and the SQL (BANT) verdict. Pure: `now` is passed in.
 */
import { worded, type Worded } from '../domain/reason-codes';
import { evaluateRule, type ConditionTrace, type RuleTrace } from './evaluate-condition';
import { describeRule, shortReason, type Decision } from './explain';
import type { Behaviour } from './facts';
import type { AttributePoints, CompiledDecay, CompiledScoring, DisqualifyOutcome, MqlAction, Ruleset } from './ruleset';
import { scoringPlan, signed, type BehaviourPlan, type ScoringPlan } from './scoring-plan';
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

/**
 * SQL, or stay MQL with the criteria not met: `unmet` in English, `unmetReasons` the same as codes
 * (`bant-unmet` with the BANT field, the values it needs and the value seen; else
 * `criterion-unmet` with the English text). Decisions stored before codes have no `unmetReasons`.
 */
export type QualificationOutcome = { kind: 'sql' } | { kind: 'stay-mql'; unmet: string[]; unmetReasons?: Worded[] };

/** Scores a lead at `now`. */
export function evaluateScoring(ruleset: Ruleset, facts: Facts, now: Date): Decision<ScoringOutcome> {
  const scoring = ruleset.scoring;
  const plan = scoringPlan(scoring);
  const slots = plan.read(facts);
  const rules: RuleTrace[] = [];
  const breakdown: ScoreLine[] = [];
  const reasons: string[] = [];
  let score = 0;
  // Plain loops over the precompiled plan: this is the hot path of every scoring decision, the
  // backtest and the bench. Lines, reasons and score are built in one pass, in the order
  // assembleScore and explainScore give them (the differential test compares both).
  for (const attribute of plan.attributes) {
    for (const tier of attribute) {
      const trace = tier.evaluate(slots);
      rules.push(trace);
      if (trace.matched) {
        const detail = tier.detail(trace);
        breakdown.push({ part: 'attribute', name: tier.group, points: tier.points, detail });
        reasons.push(tier.reasonHead + detail);
        score += tier.points;
        break;
      }
    }
  }
  for (const source of plan.sources) {
    const trace = source.evaluate(slots);
    rules.push(trace);
    if (trace.matched) {
      breakdown.push({ part: 'source', name: source.name, points: source.points, detail: source.detail });
      reasons.push(source.reason);
      score += source.points;
    }
  }
  const decay = behaviourPoints(plan.behaviours, facts.behaviours ?? [], now.getTime());
  for (const line of decay.lines) {
    breakdown.push(line);
    reasons.push(`${signed(line.points)} ${line.name}: ${line.detail}`);
    score += line.points;
  }
  const threshold = scoring.mql.threshold;
  const mql = score >= threshold;
  const nextDecayAt = decay.nextChangeMs === null ? null : formatInstant(decay.nextChangeMs);
  if (nextDecayAt !== null) reasons.push(`behaviour points next decay at ${nextDecayAt}`);
  return {
    outcome: { kind: 'scored', score, mql, threshold, breakdown, mqlActions: mql ? scoring.mql.then : [], nextDecayAt },
    explanation: { summary: `Score ${score}${mql ? plan.verdicts.mql : plan.verdicts.below}`, reasons, rules },
    version: ruleset.version,
  };
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
  const decay = behaviourPoints(scoringPlan(scoring).behaviours, behaviours, now.getTime());
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
  spec: BehaviourPlan;
  count: number;
  points: number;
  lost: number;
}

function behaviourPoints(specs: ScoringPlan['behaviours'], events: readonly BehaviourEvent[], nowMs: number): { lines: ScoreLine[]; nextChangeMs: number | null } {
  // A lead has a handful of behaviour types: a list searched in order beats a Map, and keeps
  // the lines in the order their types first occur.
  const totals: BehaviourTotal[] = [];
  let nextChangeMs: number | null = null;
  for (let e = 0; e < events.length; e++) {
    const event = events[e]!;
    const spec = specs.get(event.type);
    if (spec === undefined) continue;
    const atMs = parseInstant(event.at);
    if (Number.isNaN(atMs) || atMs > nowMs) continue;
    let points = spec.points;
    let change: number | null = null;
    const decay = spec.decay;
    if (decay) {
      if (decay.expireAfterMs !== null && nowMs >= atMs + decay.expireAfterMs) points = 0;
      else {
        // decayedPoints, with the power looked up for the periods before expiry
        const periods = decay.everyMs > 0 ? Math.floor(Math.max(0, nowMs - atMs) / decay.everyMs) : 0;
        points = periods < spec.afterPeriods.length ? spec.afterPeriods[periods]! : decayedPoints(spec.points, decay, atMs, nowMs);
      }
      change = nextDecayChange(points, decay, atMs, nowMs);
    }
    let total: BehaviourTotal | undefined;
    for (let i = 0; i < totals.length; i++) if (totals[i]!.type === event.type) total = totals[i];
    if (total === undefined) totals.push((total = { type: event.type, spec, count: 0, points: 0, lost: 0 }));
    total.count++;
    total.points += points;
    total.lost += spec.points - points;
    if (change !== null && (nextChangeMs === null || change < nextChangeMs)) nextChangeMs = change;
  }
  const lines: ScoreLine[] = new Array<ScoreLine>(totals.length);
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i]!;
    const spec = total.spec;
    const capped = spec.cap !== null && total.points > spec.cap;
    let detail = `${total.count}${spec.countTail}`;
    if (total.lost !== 0) detail += `, −${total.lost} decay`;
    if (capped) detail += spec.capTail;
    lines[i] = { part: 'behaviour', name: total.type, points: capped ? spec.cap! : total.points, detail };
  }
  return { lines, nextChangeMs };
}

/**
 * The explanation of a score, from its outcome and the rules checked: how the json-rules-engine
 * reference path explains, and what the fast path's one-pass explanation must equal.
 */
export function explainScore(outcome: ScoringOutcome, rules: RuleTrace[]): Decision<ScoringOutcome>['explanation'] {
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
  const failed = trace.condition.type === 'fact' ? (trace.condition.held ? [] : [trace.condition]) : unmetOf(trace);
  const outcome: QualificationOutcome = trace.matched
    ? { kind: 'sql' }
    : { kind: 'stay-mql', unmet: failed.map(shortReason), unmetReasons: failed.map(unmetReason) };
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

function unmetOf(trace: RuleTrace): ConditionTrace[] {
  const c = trace.condition;
  if (c.type === 'all') return c.conditions.filter((x) => !x.held);
  return trace.matched ? [] : [c];
}

/** An unmet criterion as a code: a BANT field with the values it needs (`a,b`) and the one seen. */
function unmetReason(condition: ConditionTrace): Worded {
  if (condition.type === 'fact' && condition.fact.startsWith('bant.') && (condition.op === 'in' || condition.op === '=='))
    return worded('bant-unmet', {
      field: condition.fact.slice('bant.'.length),
      expected: (Array.isArray(condition.expected) ? condition.expected : [condition.expected]).join(','),
      seen: typeof condition.actual === 'string' ? condition.actual : null,
    });
  return worded('criterion-unmet', { text: shortReason(condition) });
}

/** What a disqualification reason leads to (nurture, or recycle after a delay), or undefined if the reason is unknown. */
export function disqualificationOutcome(ruleset: Ruleset, reason: string): DisqualifyOutcome | undefined {
  return Object.hasOwn(ruleset.scoring.disqualification, reason) ? ruleset.scoring.disqualification[reason] : undefined;
}
