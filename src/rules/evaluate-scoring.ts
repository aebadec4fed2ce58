/**
 * Scoring decisions: the score with its breakdown (attribute tiers, source channel,
 * behaviours with caps and decay), whether it reaches the MQL threshold, when decay will
 * next change it, and the SQL (BANT) verdict. Pure: `now` is passed in.
 */
import { firstMatch, evaluateRule, type FactGroups, type RuleTrace } from './evaluate-condition';
import { describeRule, shortReason, type Decision } from './explain';
import type { Behaviour } from './facts';
import type { AttributePoints, CompiledDecay, CompiledScoring, DisqualifyOutcome, MqlAction, Ruleset } from './ruleset';
import type { BehaviourEvent, Facts } from './schema/facts';

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

/** Scores a lead at `now`. */
export function evaluateScoring(ruleset: Ruleset, facts: Facts, now: Date): Decision<ScoringOutcome> {
  const scoring = ruleset.scoring;
  const traces: RuleTrace[] = [];
  const tiers: { points: AttributePoints; reason: string }[] = [];
  for (const attribute of scoring.attributes) {
    const { match, traces: checked } = firstMatch(attribute.tiers, facts as FactGroups);
    traces.push(...checked);
    const last = checked[checked.length - 1];
    if (match && last) tiers.push({ points: match.event.params, reason: shortReason(last.condition) });
  }
  const sources = scoring.sources.map((rule) => ({ rule, trace: evaluateRule(rule, facts as FactGroups) }));
  traces.push(...sources.map((s) => s.trace));
  const matchedSources = sources.filter((s) => s.trace.matched).map((s) => s.rule.event.params);
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
    nextDecayAt: decay.nextChangeMs === null ? null : new Date(decay.nextChangeMs).toISOString(),
  };
}

export interface DecayedEvent { points: number; lost: number; nextChangeMs: number | null }

/** Points of one event after decay, and when they next drop. */
export function decayed(points: number, decay: CompiledDecay | null, atMs: number, nowMs: number): DecayedEvent {
  const age = Math.max(0, nowMs - atMs);
  if (!decay) return { points, lost: 0, nextChangeMs: null };
  const expiresAt = decay.expireAfterMs === null ? null : atMs + decay.expireAfterMs;
  if (expiresAt !== null && nowMs >= expiresAt) return { points: 0, lost: points, nextChangeMs: null };
  const periods = decay.everyMs > 0 ? Math.floor(age / decay.everyMs) : 0;
  const value = Math.round(points * (1 - decay.lose) ** periods);
  const nextStep = decay.everyMs > 0 && value !== 0 ? atMs + (periods + 1) * decay.everyMs : null;
  const candidates = [nextStep, value !== 0 ? expiresAt : null].filter((t): t is number => t !== null);
  return { points: value, lost: points - value, nextChangeMs: candidates.length > 0 ? Math.min(...candidates) : null };
}

function behaviourPoints(scoring: CompiledScoring, events: readonly BehaviourEvent[], nowMs: number): { lines: ScoreLine[]; nextChangeMs: number | null } {
  const byType = new Map<Behaviour, { count: number; points: number; lost: number }>();
  let nextChangeMs: number | null = null;
  for (const event of events) {
    const spec = scoring.behaviours[event.type];
    const atMs = Date.parse(event.at);
    if (!spec || Number.isNaN(atMs) || atMs > nowMs) continue;
    const d = decayed(spec.points, spec.decay, atMs, nowMs);
    const entry = byType.get(event.type) ?? { count: 0, points: 0, lost: 0 };
    byType.set(event.type, { count: entry.count + 1, points: entry.points + d.points, lost: entry.lost + d.lost });
    if (d.nextChangeMs !== null) nextChangeMs = nextChangeMs === null ? d.nextChangeMs : Math.min(nextChangeMs, d.nextChangeMs);
  }
  const lines = [...byType].map(([type, total]): ScoreLine => {
    const spec = scoring.behaviours[type]!;
    const capped = spec.cap !== null && total.points > spec.cap;
    const points = capped ? spec.cap! : total.points;
    const parts = [`${total.count} × ${spec.points}`];
    if (total.lost !== 0) parts.push(`−${total.lost} decay`);
    if (capped) parts.push(`capped at ${spec.cap}`);
    return { part: 'behaviour', name: type, points, detail: parts.join(', ') };
  });
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
