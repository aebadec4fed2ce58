/**
 * Cadence decisions: which follow-up sequence a new MQL is enrolled in and which public
 * holidays its send window skips, and lookups of cadences and templates by name for the
 * cadence workflow. Pure.
 */
import { firstMatch, type FactGroups } from './evaluate-condition';
import { leadHolidays, type LeadHolidays, type LeadLocale } from './evaluate-escalation';
import { describeRule, type Decision } from './explain';
import { DEFAULT_LANGUAGE, type Language } from '../domain/languages';
import type { CadenceStep, CompiledCadence, Ruleset, TemplateText } from './ruleset';
import type { Facts } from './schema/facts';

export type EnrolmentOutcome =
  | {
    kind: 'enrol';
    rule: string;
    cadence: CompiledCadence;
    /** Local dates (`2026-11-26`) the send window skips: the lead's public holidays, or none. */
    holidays: string[];
    /** The escalation.yaml calendar the holidays come from, or null. */
    holidayCalendar: string | null;
  }
  | { kind: 'no-cadence' };

/**
 * The cadence a lead is enrolled in: the first matching enrolment rule decides. With the
 * cadence comes the lead's holidays for its send window (see `leadHolidays`); the country
 * defaults to the `contact.country` fact.
 */
export function evaluateEnrolment(ruleset: Ruleset, facts: Facts, lead: LeadLocale = {}): Decision<EnrolmentOutcome> {
  const { match, traces } = firstMatch(ruleset.cadences.enrolment, facts as FactGroups);
  const cadence = match ? ruleset.cadences.cadences[match.event.params.cadence] : undefined;
  const reasons = traces.flatMap((t) => describeRule(t, 'cadences.yaml'));
  if (!match || !cadence) {
    return { outcome: { kind: 'no-cadence' }, explanation: { summary: 'No enrolment rule matched: no cadence.', reasons, rules: traces }, version: ruleset.version };
  }
  const contactCountry = facts.contact?.country;
  const country = (lead.country ?? (typeof contactCountry === 'string' ? contactCountry : undefined))?.trim().toUpperCase();
  const locale = { country, timeZone: lead.timeZone };
  const found = cadence.holidayPolicy === 'lead' ? leadHolidays(ruleset, locale) : null;
  const holidayText = describeHolidays(found, locale);
  return {
    outcome: { kind: 'enrol', rule: match.name, cadence, holidays: found?.holidays ?? [], holidayCalendar: found?.calendar ?? null },
    explanation: {
      summary: `Enrolled in cadence ${cadence.name} by rule "${match.name}": ${cadence.steps.map(stepLabel).join(', ')}. ${holidayText}`,
      reasons,
      rules: traces,
    },
    version: ruleset.version,
  };
}

/** "Skips the public holidays of calendar north-america (lead country US)." and the other cases. */
function describeHolidays(found: LeadHolidays | null, locale: LeadLocale): string {
  if (!found) return 'Sends on public holidays too (cadences.yaml sendWindow holidays: none).';
  switch (found.matchedBy) {
    case 'country':
      return `Skips the public holidays of calendar ${found.calendar} (lead country ${locale.country}).`;
    case 'time-zone':
      return `Skips the public holidays of calendar ${found.calendar} (lead time zone ${locale.timeZone}).`;
    case 'none': {
      const known = [locale.country ? `lists country ${locale.country}` : null, locale.timeZone ? `uses time zone ${locale.timeZone}` : null].filter((part) => part !== null);
      return known.length > 0
        ? `Skips no holidays: no escalation.yaml calendar ${known.join(' or ')}.`
        : "Skips no holidays: the lead's country and time zone are unknown.";
    }
  }
}

/** A cadence by name (e.g. to resume a running enrolment), or undefined. */
export function getCadence(ruleset: Ruleset, name: string): CompiledCadence | undefined {
  return Object.hasOwn(ruleset.cadences.cadences, name) ? ruleset.cadences.cadences[name] : undefined;
}

/** An email template by name, in `language` (its English text where the file gives none), or undefined. */
export function getTemplate(ruleset: Ruleset, name: string, language: Language = DEFAULT_LANGUAGE): TemplateText | undefined {
  return Object.hasOwn(ruleset.cadences.templates, name) ? ruleset.cadences.templates[name]?.[language] : undefined;
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
