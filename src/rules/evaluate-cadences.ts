/**
 * Cadence decisions: which follow-up sequence a new MQL is enrolled in, and lookups of
 * cadences and templates by name for the cadence workflow. Pure.
 */
import { firstMatch, type FactGroups } from './evaluate-condition';
import { describeRule, type Decision } from './explain';
import type { CadenceStep, CompiledCadence, Ruleset } from './ruleset';
import type { Facts } from './schema/facts';

export type EnrolmentOutcome = { kind: 'enrol'; rule: string; cadence: CompiledCadence } | { kind: 'no-cadence' };

/** The cadence a lead is enrolled in: the first matching enrolment rule decides. */
export function evaluateEnrolment(ruleset: Ruleset, facts: Facts): Decision<EnrolmentOutcome> {
  const { match, traces } = firstMatch(ruleset.cadences.enrolment, facts as FactGroups);
  const cadence = match ? ruleset.cadences.cadences[match.event.params.cadence] : undefined;
  const outcome: EnrolmentOutcome = match && cadence ? { kind: 'enrol', rule: match.name, cadence } : { kind: 'no-cadence' };
  return {
    outcome,
    explanation: {
      summary: outcome.kind === 'enrol' ? `Enrolled in cadence ${outcome.cadence.name} by rule "${outcome.rule}": ${outcome.cadence.steps.map(stepLabel).join(', ')}.` : 'No enrolment rule matched: no cadence.',
      reasons: traces.flatMap((t) => describeRule(t, 'cadences.yaml')),
      rules: traces,
    },
    version: ruleset.version,
  };
}

/** A cadence by name (e.g. to resume a running enrolment), or undefined. */
export function getCadence(ruleset: Ruleset, name: string): CompiledCadence | undefined {
  return Object.hasOwn(ruleset.cadences.cadences, name) ? ruleset.cadences.cadences[name] : undefined;
}

/** An email template by name, or undefined. */
export function getTemplate(ruleset: Ruleset, name: string): { subject: string; body: string } | undefined {
  return Object.hasOwn(ruleset.cadences.templates, name) ? ruleset.cadences.templates[name] : undefined;
}

/** `email mql-intro`, `call`, `linkedin` (with the delay when there is one) */
export function stepLabel(step: CadenceStep): string {
  const what = step.do === 'email' ? `email ${step.template}` : step.do;
  return step.after ? `${what} after ${step.after.text}` : what;
}

/** `email mql-intro`, `call`, `linkedin`: the step without its delay, as tests name them. */
export function stepName(step: CadenceStep): string {
  return step.do === 'email' ? `email ${step.template}` : step.do;
}
