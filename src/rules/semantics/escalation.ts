/**
 * Meaning checks for escalation.yaml: real time zones, dates and country codes, each
 * country in one calendar, working hours that make sense, calendars that exist, and queues
 * and pools that routing.yaml defines.
 */
import { intendedCountryCode, isCountryCode } from '../../domain/countries';
import { suggestion } from '../did-you-mean';
import type { EscalationFile, EscalationStepSpec } from '../schema/escalation';
import type { DocPath, Finding } from '../yaml-source';
import { checkCondition, checkDuplicateNames, checkShadowing, unknownReference } from './conditions';

/** The names escalation steps may reference in routing.yaml. */
export interface RoutingNames {
  queues: readonly string[];
  pools: readonly string[];
}

export function checkEscalation(file: EscalationFile, routing: RoutingNames | undefined): Finding[] {
  const calendars = Object.keys(file.calendars);
  const stalled = file.stalled ?? [];
  return [
    ...Object.entries(file.calendars).flatMap(([name, calendar]) => [
      ...checkTimezone(calendar.timezone, ['calendars', name, 'timezone']),
      ...checkHours(calendar.hours.from, calendar.hours.to, ['calendars', name, 'hours']),
      ...(calendar.holidays ?? []).flatMap((day, i) => checkDate(day, ['calendars', name, 'holidays', i])),
    ]),
    ...checkCountries(file.calendars),
    ...(Object.hasOwn(file.calendars, file.defaultCalendar) ? [] : [unknownReference(['defaultCalendar'], 'calendar', file.defaultCalendar, calendars, 'escalation.yaml calendars')]),
    ...checkDuplicateNames(file.slas, ['slas'], 'SLA'),
    ...file.slas.flatMap((sla, i) => [
      ...checkCalendarChoice(sla.calendar, calendars, ['slas', i, 'calendar']),
      ...(sla.overrides ?? []).flatMap((o, j) => checkCondition(o.when, ['slas', i, 'overrides', j, 'when'])),
      ...checkShadowing(sla.overrides ?? [], ['slas', i, 'overrides'], 'override'),
      ...checkSteps(sla.onBreach, ['slas', i, 'onBreach'], routing),
    ]),
    ...checkDuplicateNames(stalled, ['stalled'], 'stalled alert'),
    ...(file.tests ?? []).flatMap((test, i) => {
      const slas = file.slas.map((s) => s.name);
      return 'sla' in test && !slas.includes(test.sla) ? [unknownReference(['tests', i, 'sla'], 'SLA', test.sla, slas, 'escalation.yaml slas')] : [];
    }),
    ...stalled.flatMap((alert, i) => [
      ...checkCalendarChoice(alert.calendar, calendars, ['stalled', i, 'calendar']),
      ...(alert.when ? checkCondition(alert.when, ['stalled', i, 'when']) : []),
      ...checkSteps(alert.then, ['stalled', i, 'then'], routing),
    ]),
  ];
}

function checkCalendarChoice(calendar: string, calendars: readonly string[], path: DocPath): Finding[] {
  if (calendar === 'owner' || calendars.includes(calendar)) return [];
  return [unknownReference(path, 'calendar', calendar, ['owner', ...calendars], 'escalation.yaml calendars (or "owner")')];
}

function checkSteps(steps: readonly EscalationStepSpec[], path: DocPath, routing: RoutingNames | undefined): Finding[] {
  if (!routing) return []; // routing.yaml has its own errors; references are checked once it is valid
  return steps.flatMap((step, i): Finding[] => {
    switch (step.do) {
      case 'move-to-queue':
        return routing.queues.includes(step.queue) ? [] : [unknownReference([...path, i, 'queue'], 'queue', step.queue, routing.queues, 'routing.yaml queues')];
      case 'reassign':
        return step.pool === undefined || routing.pools.includes(step.pool) ? [] : [unknownReference([...path, i, 'pool'], 'pool', step.pool, routing.pools, 'routing.yaml pools')];
      case 'remind-owner':
      case 'notify-owner':
      case 'notify-manager':
        return [];
    }
  });
}

let knownZones: readonly string[] | undefined;

function checkTimezone(zone: string, path: DocPath): Finding[] {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return [];
  } catch {
    knownZones ??= Intl.supportedValuesOf('timeZone');
    const hint = suggestion(zone, knownZones);
    return [{ path, at: 'value', severity: 'error', code: 'unknown-value', message: `unknown time zone "${zone}"`, hint: hint?.startsWith('did') ? hint : 'use an IANA name such as "America/New_York" or "Europe/Berlin"' }];
  }
}

/** Each listed country is a real ISO code, and picks one calendar: a second listing is ambiguous. */
function checkCountries(calendars: EscalationFile['calendars']): Finding[] {
  const firstListing = new Map<string, string>();
  return Object.entries(calendars).flatMap(([name, calendar]) =>
    (calendar.countries ?? []).flatMap((country, i): Finding[] => {
      const path: DocPath = ['calendars', name, 'countries', i];
      if (!isCountryCode(country)) {
        const intended = intendedCountryCode(country);
        return [{ path, at: 'value', severity: 'error', code: 'unknown-value', message: `unknown country code "${country}"`, hint: intended ? `did you mean "${intended}"? ISO 3166 writes it that way` : 'use the ISO 3166 two-letter code, e.g. "GB" for the United Kingdom' }];
      }
      const first = firstListing.get(country);
      if (first === undefined) {
        firstListing.set(country, name);
        return [];
      }
      const where = first === name ? 'earlier in this calendar' : `in calendar ${first}`;
      return [{ path, at: 'value', severity: 'error', code: 'invalid-value', message: `country "${country}" is already listed ${where}: a lead's holidays must come from one calendar`, hint: 'list each country in one calendar only' }];
    }),
  );
}

function checkHours(from: string, to: string, path: DocPath): Finding[] {
  return from < to ? [] : [{ path: [...path, 'to'], at: 'value', severity: 'error', code: 'invalid-value', message: `working hours end (${to}) must be after they start (${from})` }];
}

function checkDate(day: string, path: DocPath): Finding[] {
  const parsed = new Date(`${day}T00:00:00Z`);
  const valid = !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
  return valid ? [] : [{ path, at: 'value', severity: 'error', code: 'invalid-value', message: `"${day}" is not a calendar date` }];
}
