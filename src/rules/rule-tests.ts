/**
 * Runs the `tests:` block of every rule file: each case's facts through the same pure
 * evaluators production uses, compared with the expected outcome. Used by
 * `leadflow rules test`, by `npm test`, and by the loader: a version whose tests fail is
 * never activated (see `testFailures` in load.ts).
 */
import { meetingReminderRecipients } from '../domain/meeting-reminders';
import { parseDuration } from './duration';
import { evaluateEnrolment, stepName } from './evaluate-cadences';
import { evaluateEscalation, evaluateStalled, stepLabel } from './evaluate-escalation';
import { checkStageExit, requiredApprovals } from './evaluate-approvals';
import { evaluateForecast } from './evaluate-forecast';
import { classifyLoss } from './evaluate-loss-reasons';
import { evaluateRouting } from './evaluate-routing';
import { evaluateQualification, evaluateScoring } from './evaluate-scoring';
import type { ApprovalStep, Ruleset } from './ruleset';
import type { ScoringTest } from './schema/scoring';
import { RULE_KINDS, type RuleKind } from './types';

/** One differing field: what the test expected and what the rules decided. */
export interface FieldDiff { field: string; expected: unknown; actual: unknown }

export interface CaseResult {
  kind: RuleKind;
  file: string;
  line: number;
  /** Its position in the file's `tests:` list. */
  index: number;
  name: string;
  passed: boolean;
  diff: FieldDiff[];
  /** The decision's one-line summary, to show next to a failure. */
  summary: string;
}

type Actual = { fields: Record<string, unknown>; summary: string };

/** Runs every case of every file (or of `kinds`). */
export function runRuleTests(ruleset: Ruleset, kinds: readonly RuleKind[] = RULE_KINDS): CaseResult[] {
  return kinds.flatMap((kind) => casesOf(ruleset, kind).map(({ name, line, expect, actual }, index) => {
    const { fields, summary } = safely(actual);
    const diff = Object.entries(expect)
      .filter(([, expected]) => expected !== undefined)
      .flatMap(([field, expected]): FieldDiff[] => (sameValue(field, expected, fields[field]) ? [] : [{ field, expected, actual: fields[field] }]));
    return { kind, file: ruleset.files[kind]?.fileName ?? `${kind}.yaml`, line, index, name, passed: diff.length === 0, diff, summary };
  }));
}

interface Case { name: string; line: number; expect: Record<string, unknown>; actual: () => Actual }

function casesOf(ruleset: Ruleset, kind: RuleKind): Case[] {
  switch (kind) {
    case 'scoring': return ruleset.scoring.tests.map((t) => ({ ...t, actual: () => scoringActual(ruleset, t) }));
    case 'routing': return ruleset.routing.tests.map((t) => ({ ...t, actual: () => routingActual(ruleset, t.facts) }));
    case 'escalation': return ruleset.escalation.tests.map((t) => ({ ...t, actual: () => ('sla' in t ? slaActual(ruleset, t.sla, t.facts) : stalledActual(ruleset, t.stalled, t.facts)) }));
    case 'cadences': return ruleset.cadences.tests.map((t) => ({ ...t, actual: () => enrolmentActual(ruleset, t.facts) }));
    case 'approvals': return ruleset.approvals.tests.map((t) => ({ ...t, actual: () => ('quote' in t ? approvalActual(ruleset, t.quote) : 'meetingReminder' in t ? reminderActual(ruleset, t.meetingReminder) : stageActual(ruleset, t.enterStage, t.facts)) }));
    case 'forecast': return (ruleset.forecast?.tests ?? []).map((t) => ({ ...t, actual: () => forecastActual(ruleset, t.stage) }));
    case 'loss-reasons': return (ruleset.lossReasons?.tests ?? []).map((t) => ({ ...t, actual: () => lossActual(ruleset, t.lost) }));
  }
}

function reminderActual(ruleset: Ruleset, meeting: { owner: string; attendees: Array<{ email?: string }> }): Actual {
  const to = meetingReminderRecipients(ruleset.approvals.meetingRemind, meeting.owner, meeting.attendees);
  return { fields: { to }, summary: `meetings.remind [${ruleset.approvals.meetingRemind.join(', ')}]: ${to.join(', ') || 'nobody'}` };
}

function forecastActual(ruleset: Ruleset, stage: Parameters<typeof evaluateForecast>[1]['stage']): Actual {
  const { outcome, explanation } = evaluateForecast(ruleset, { stage });
  if (outcome.kind === 'closed') return { fields: { probability: outcome.probability, category: null, rule: null }, summary: explanation.summary };
  return { fields: { probability: outcome.probability, category: outcome.category, rule: outcome.rule }, summary: explanation.summary };
}

function lossActual(ruleset: Ruleset, lost: Parameters<typeof classifyLoss>[1]): Actual {
  const { outcome, explanation } = classifyLoss(ruleset, lost);
  if (outcome.kind === 'refused') return { fields: { accepted: false, lossReason: null, refused: outcome.problems.map((p) => p.field) }, summary: explanation.summary };
  return { fields: { accepted: true, lossReason: outcome.lossReason, refused: [] }, summary: explanation.summary };
}

/** Tests without `now` are evaluated just after the last behaviour (or at the epoch). */
export function testNow(test: ScoringTest): Date {
  if (test.now) return new Date(test.now);
  const times = (test.facts.behaviours ?? []).map((b) => Date.parse(b.at));
  return new Date(times.length > 0 ? Math.max(...times) : 0);
}

function scoringActual(ruleset: Ruleset, test: ScoringTest): Actual {
  const score = evaluateScoring(ruleset, test.facts, testNow(test));
  const fields: Record<string, unknown> = { score: score.outcome.score, mql: score.outcome.mql };
  const summaries = [score.explanation.summary];
  if (test.expect.sql !== undefined) {
    const qualification = evaluateQualification(ruleset, test.facts);
    fields.sql = qualification.outcome.kind === 'sql';
    summaries.push(qualification.explanation.summary);
  }
  return { fields, summary: summaries.join(' ') };
}

function routingActual(ruleset: Ruleset, facts: Parameters<typeof evaluateRouting>[1]): Actual {
  const { outcome, explanation } = evaluateRouting(ruleset, facts);
  if (outcome.kind === 'fallback') return { fields: { rule: 'fallback', queue: outcome.queue }, summary: explanation.summary };
  const t = outcome.target;
  const target = t.type === 'pool' ? { pool: t.pool.name } : t.type === 'rep' ? { rep: t.rep } : { queue: t.queue };
  return { fields: { rule: outcome.rule, ...target }, summary: explanation.summary };
}

function slaActual(ruleset: Ruleset, sla: string, facts: Parameters<typeof evaluateRouting>[1]): Actual {
  const { outcome, explanation } = evaluateEscalation(ruleset, { sla, facts });
  return { fields: { within: outcome.within.text, override: outcome.override, steps: outcome.onBreach.map(stepLabel) }, summary: explanation.summary };
}

function stalledActual(ruleset: Ruleset, stage: string, facts: Parameters<typeof evaluateRouting>[1]): Actual {
  const { outcome, explanation } = evaluateStalled(ruleset, { stage, facts });
  if (outcome.kind === 'no-alert') return { fields: { alert: null }, summary: explanation.summary };
  return { fields: { alert: outcome.alert, after: outcome.after.text, steps: outcome.then.map(stepLabel) }, summary: explanation.summary };
}

function enrolmentActual(ruleset: Ruleset, facts: Parameters<typeof evaluateRouting>[1]): Actual {
  const { outcome, explanation } = evaluateEnrolment(ruleset, facts);
  if (outcome.kind === 'no-cadence') return { fields: { cadence: null }, summary: explanation.summary };
  return { fields: { cadence: outcome.cadence.name, rule: outcome.rule, steps: outcome.cadence.steps.map(stepName) }, summary: explanation.summary };
}

function chainAsWritten(chain: readonly ApprovalStep[]): unknown[] {
  return chain.map((step) => (step.mode === 'single' ? step.approvers[0]!.role : { parallel: step.approvers.map((a) => a.role) }));
}

function approvalActual(ruleset: Ruleset, quote: { discountPct: number; dealSize: number }): Actual {
  const { outcome, explanation } = requiredApprovals(ruleset, quote);
  switch (outcome.kind) {
    case 'not-required': return { fields: { tier: outcome.tier, chain: [] }, summary: explanation.summary };
    case 'required': return { fields: { tier: outcome.tier, chain: chainAsWritten(outcome.chain) }, summary: explanation.summary };
    case 'out-of-range': return { fields: { tier: null, chain: null }, summary: explanation.summary };
  }
}

function stageActual(ruleset: Ruleset, stage: Parameters<typeof checkStageExit>[1]['stage'], facts: Parameters<typeof evaluateRouting>[1]): Actual {
  const { outcome, explanation } = checkStageExit(ruleset, { stage, facts });
  return { fields: { allowed: outcome.kind === 'allowed', missing: outcome.kind === 'blocked' ? outcome.missing : [], warnings: outcome.warnings }, summary: explanation.summary };
}

/** A case whose evaluation throws fails with the error as its diff, instead of stopping the run. */
function safely(actual: () => Actual): Actual {
  try {
    return actual();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { fields: { error: message }, summary: message };
  }
}

/** Equal as JSON; durations compare by meaning ("1 business hours" = "1 business hour"). */
function sameValue(field: string, expected: unknown, actual: unknown): boolean {
  if ((field === 'within' || field === 'after') && typeof expected === 'string') {
    const parsed = parseDuration(expected);
    if (parsed.ok) return parsed.duration.text === actual;
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}
