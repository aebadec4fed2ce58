/**
 * Scoring decisions: the score with its breakdown (attribute tiers, source channel,
 * behaviours with caps and decay), whether it reaches the MQL threshold, when decay will
 * next change it, and the SQL (BANT) verdict. Pure: `now` is passed in.
 */
import { worded, type Worded } from '../domain/reason-codes';
import { evaluateRule, type ConditionTrace, type RuleTrace } from './evaluate-condition';
import { describeRule, shortReason, type Decision } from './explain';
import type { AttributePoints, CompiledDecay, CompiledScoring, DisqualifyOutcome, MqlAction, Ruleset } from './ruleset';
import { behaviourText, scoringPlan, signed, type ScoringPlan } from './scoring-plan';
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

const NO_EVENTS: readonly BehaviourEvent[] = Object.freeze([]);

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
  const attributes = plan.attributes;
  for (let a = 0; a < attributes.length; a++) {
    const match = attributes[a]!.run(slots, rules);
    if (match !== null) {
      breakdown.push(match.line);
      reasons.push(match.reason);
      score += match.line.points;
    }
  }
  const sources = plan.sources.run(slots, rules);
  for (let s = 0; s < sources.length; s++) {
    const match = sources[s]!;
    breakdown.push(match.line);
    reasons.push(match.reason);
    score += match.line.points;
  }
  const first = breakdown.length;
  const nextChangeMs = behaviourPoints(plan, facts.behaviours ?? NO_EVENTS, now.getTime(), breakdown, reasons);
  for (let i = first; i < breakdown.length; i++) score += breakdown[i]!.points;
  const threshold = scoring.mql.threshold;
  const mql = score >= threshold;
  const nextDecayAt = nextChangeMs === null ? null : formatInstant(nextChangeMs);
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
  const nextChangeMs = behaviourPoints(scoringPlan(scoring), behaviours, now.getTime(), breakdown, null);
  const score = breakdown.reduce((sum, line) => sum + line.points, 0);
  const mql = score >= scoring.mql.threshold;
  return {
    kind: 'scored', score, mql, threshold: scoring.mql.threshold, breakdown,
    mqlActions: mql ? scoring.mql.then : [],
    nextDecayAt: nextChangeMs === null ? null : formatInstant(nextChangeMs),
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

/**
 * Adds a line per behaviour type to `lines` (and its reason to `reasons`, when given), in the order
 * the types first occur; returns when decay next changes the points, or null.
 */
function behaviourPoints(
  plan: ScoringPlan,
  events: readonly BehaviourEvent[],
  nowMs: number,
  lines: ScoreLine[],
  reasons: string[] | null,
): number | null {
  // A lead has a handful of behaviour types: a list searched in order beats a Map. The running
  // totals go in the plan's scratch arrays, cleared first (facts are plain data: nothing here can call back into it).
  const specs = plan.behaviours;
  const { count, points: sum, lost, order } = plan.tally;
  count.fill(0);
  sum.fill(0);
  lost.fill(0);
  let types = 0;
  let nextChangeMs: number | null = null;
  for (let e = 0; e < events.length; e++) {
    const event = events[e]!;
    const type = event.type;
    let t = 0;
    while (t < specs.length && specs[t]!.type !== type) t++;
    if (t === specs.length) continue;
    const spec = specs[t]!;
    const atMs = parseInstant(event.at);
    if (Number.isNaN(atMs) || atMs > nowMs) continue;
    let points = spec.points;
    const decay = spec.decay;
    if (decay) {
      if (decay.expireAfterMs !== null && nowMs >= atMs + decay.expireAfterMs) points = 0;
      else {
        // decayedPoints, with the power looked up for the periods before expiry
        const periods = decay.everyMs > 0 ? Math.floor(Math.max(0, nowMs - atMs) / decay.everyMs) : 0;
        points = periods < spec.afterPeriods.length ? spec.afterPeriods[periods]! : decayedPoints(spec.points, decay, atMs, nowMs);
      }
      const change = nextDecayChange(points, decay, atMs, nowMs);
      if (change !== null && (nextChangeMs === null || change < nextChangeMs)) nextChangeMs = change;
    }
    if (count[t] === 0) order[types++] = t;
    count[t]!++;
    sum[t]! += points;
    lost[t]! += spec.points - points;
  }
  for (let i = 0; i < types; i++) {
    const t = order[i]!;
    const text = behaviourText(specs[t]!, count[t]!, sum[t]!, lost[t]!);
    lines.push(text.line);
    if (reasons !== null) reasons.push(text.reason);
  }
  return nextChangeMs;
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
