/**
 * Escalation decisions: an SLA's deadline for this lead (with any override), whose
 * business calendar measures it, and the chain to walk when it passes; which
 * stalled-stage alert applies; and whose public holidays a lead's send windows skip. Pure.
 */
import { evaluateRule, firstMatch, type FactGroups, type RuleTrace } from './evaluate-condition';
import { describeRule, type Decision } from './explain';
import type { Duration } from './duration';
import type { BusinessCalendar, CalendarChoice, CompiledEscalation, EscalationStep, Ruleset } from './ruleset';
import type { Facts } from './schema/facts';

export type SlaOutcome = {
  kind: 'sla';
  sla: string;
  starts: string;
  stops: string;
  within: Duration;
  /** Name of the override that set `within`, or null for the SLA's own deadline. */
  override: string | null;
  calendar: CalendarChoice;
  /** The calendar to use when the owner has none of their own (or the named calendar). */
  defaultCalendar: BusinessCalendar;
  onBreach: EscalationStep[];
};

export type StalledOutcome =
  | { kind: 'stalled-alert'; alert: string; after: Duration; calendar: CalendarChoice; defaultCalendar: BusinessCalendar; then: EscalationStep[] }
  | { kind: 'no-alert' };

/** Thrown when code asks for an SLA that escalation.yaml does not define (a programming error). */
export class UnknownSlaError extends Error {
  constructor(readonly sla: string, readonly known: readonly string[]) {
    super(`escalation.yaml defines no SLA "${sla}" (known: ${known.join(', ')})`);
    this.name = 'UnknownSlaError';
  }
}

function calendarFor(escalation: CompiledEscalation, choice: CalendarChoice): BusinessCalendar {
  const name = choice.type === 'owner' ? choice.fallback : choice.name;
  const calendar = escalation.calendars[name];
  if (!calendar) throw new Error(`internal: unvalidated calendar ${name}`);
  return calendar;
}

/** The SLA `sla` as it applies to this lead. */
export function evaluateEscalation(ruleset: Ruleset, input: { sla: string; facts: Facts }): Decision<SlaOutcome> {
  const escalation = ruleset.escalation;
  const sla = escalation.slas.find((s) => s.name === input.sla);
  if (!sla) throw new UnknownSlaError(input.sla, escalation.slas.map((s) => s.name));
  const { match, traces } = firstMatch(sla.overrides, input.facts as FactGroups);
  const outcome: SlaOutcome = {
    kind: 'sla', sla: sla.name, starts: sla.starts, stops: sla.stops,
    within: match ? match.event.params.within : sla.within,
    override: match ? match.event.params.override : null,
    calendar: sla.calendar,
    defaultCalendar: calendarFor(escalation, sla.calendar),
    onBreach: sla.onBreach,
  };
  const calendarText = sla.calendar.type === 'owner' ? "the owner's business hours" : `calendar ${sla.calendar.name}`;
  return {
    outcome,
    explanation: {
      summary: `SLA ${sla.name}: within ${outcome.within.text} of ${calendarText}${match ? ` (override ${match.event.params.override})` : ''}, then ${describeSteps(sla.onBreach)}.`,
      reasons: traces.flatMap((t) => describeRule(t, 'escalation.yaml')),
      rules: traces,
    },
    version: ruleset.version,
  };
}

/** The first stalled-stage alert for `stage` whose conditions hold, if any. */
export function evaluateStalled(ruleset: Ruleset, input: { stage: string; facts: Facts }): Decision<StalledOutcome> {
  const escalation = ruleset.escalation;
  const traces: RuleTrace[] = [];
  for (const alert of escalation.stalled.filter((a) => a.stage === input.stage)) {
    const trace = evaluateRule(alert.rule, input.facts);
    traces.push(trace);
    if (trace.matched) {
      return {
        outcome: { kind: 'stalled-alert', alert: alert.rule.name, after: alert.after, calendar: alert.calendar, defaultCalendar: calendarFor(escalation, alert.calendar), then: alert.then },
        explanation: { summary: `Alert ${alert.rule.name}: stalled after ${alert.after.text} in ${input.stage}, then ${describeSteps(alert.then)}.`, reasons: traces.flatMap((t) => describeRule(t, 'escalation.yaml')), rules: traces },
        version: ruleset.version,
      };
    }
  }
  return {
    outcome: { kind: 'no-alert' },
    explanation: { summary: `No stalled-stage alert applies to stage ${input.stage}.`, reasons: traces.flatMap((t) => describeRule(t, 'escalation.yaml')), rules: traces },
    version: ruleset.version,
  };
}

/** Where a lead is, as far as holidays go: its ISO country code and its IANA time zone, when known. */
export interface LeadLocale {
  country?: string | null;
  timeZone?: string | null;
}

/** The business calendar whose holidays are the lead's, and how it was found. */
export type LeadHolidays =
  | { calendar: string; matchedBy: 'country' | 'time-zone'; holidays: string[] }
  | { calendar: null; matchedBy: 'none'; holidays: [] };

/**
 * The lead's public holidays: those of the calendar in escalation.yaml that lists the lead's
 * country in `countries:`, else of the first calendar whose `timezone` is the lead's time
 * zone, else none (a send window then only keeps its days and hours).
 */
export function leadHolidays(ruleset: Pick<Ruleset, 'escalation'>, lead: LeadLocale): LeadHolidays {
  const calendars = Object.values(ruleset.escalation.calendars);
  const country = lead.country?.trim().toUpperCase();
  const byCountry = country ? calendars.find((c) => c.countries.includes(country)) : undefined;
  if (byCountry) return { calendar: byCountry.name, matchedBy: 'country', holidays: [...byCountry.holidays] };
  const byZone = lead.timeZone ? calendars.find((c) => c.timezone === lead.timeZone) : undefined;
  if (byZone) return { calendar: byZone.name, matchedBy: 'time-zone', holidays: [...byZone.holidays] };
  return { calendar: null, matchedBy: 'none', holidays: [] };
}

/** "remind-owner → after 1 business hour reassign → …" */
export function describeSteps(steps: readonly EscalationStep[]): string {
  return steps.map((step) => `${step.after ? `after ${step.after.text} ` : ''}${stepLabel(step)}`).join(' → ');
}

/** `move-to-queue unassigned-mql`, `reassign`, … */
export function stepLabel(step: EscalationStep): string {
  switch (step.do) {
    case 'move-to-queue': return `move-to-queue ${step.queue}`;
    case 'reassign': return step.pool ? `reassign via ${step.pool}` : 'reassign';
    case 'remind-owner':
    case 'notify-owner':
    case 'notify-manager':
      return step.do;
  }
}
