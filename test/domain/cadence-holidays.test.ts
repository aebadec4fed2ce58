/**
 * Cadence send windows skip the lead's public holidays: the holidays the enrolment decision
 * resolves for a lead, fed to the same business-time calls the cadence workflow makes, at
 * fixed instants (a virtual clock). Expected instants are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { addDuration, nextSendTime, sendWindowCalendar } from '../../src/domain/business-time';
import { mustParseDuration } from '../../src/rules/duration';
import { evaluateEnrolment } from '../../src/rules/evaluate-cadences';
import type { Ruleset } from '../../src/rules/ruleset';
import { edit, rulesetWith, shippedTexts } from '../rules/support/rulesets';

const shipped = await rulesetWith();
const sendsOnHolidays = await rulesetWith({
  'cadences.yaml': edit((await shippedTexts())['cadences.yaml']!, '  holidays: lead ', '  holidays: none '),
});

/** The mql-standard enrolment of a lead, as the journey asks for it, and the holidays it gets. */
function enrol(ruleset: Ruleset, country: string, timeZone: string) {
  const { outcome } = evaluateEnrolment(ruleset, { source: { channel: 'content' } }, { country, timeZone });
  if (outcome.kind !== 'enrol') throw new Error('test setup: the shipped rules enrol every content lead');
  return outcome;
}

/** When a step goes out: its delay from `previous` in the window's business days, then the window's next opening (cadenceEnrolment does this). */
function dueAt(previous: string, after: string | null, ruleset: Ruleset, country: string, timeZone: string): string {
  const { cadence, holidays } = enrol(ruleset, country, timeZone);
  const window = cadence.sendWindow;
  const delayed = after
    ? addDuration(new Date(previous), mustParseDuration(after), sendWindowCalendar(window, timeZone, holidays))
    : new Date(previous);
  return nextSendTime(delayed, window, timeZone, holidays).toISOString();
}

describe('a cadence step due on a public holiday', () => {
  it.each<[string, string, string | null, Ruleset, string, string, string]>([
    // Enrolled Wednesday 2026-11-25 18:00 New York: the first email would go Thanksgiving 08:00.
    [
      'a US lead in New York is enrolled the evening before Thanksgiving',
      '2026-11-25T23:00:00Z',
      null,
      shipped,
      'US',
      'America/New_York',
      '2026-11-27T13:00:00.000Z',
    ], // Fri 08:00 EST
    [
      'a US lead in Los Angeles is enrolled the evening before Thanksgiving',
      '2026-11-26T02:00:00Z',
      null,
      shipped,
      'US',
      'America/Los_Angeles',
      '2026-11-27T16:00:00.000Z',
    ], // Fri 08:00 PST
    [
      'a GB lead in London is enrolled that Wednesday evening',
      '2026-11-25T19:00:00Z',
      null,
      shipped,
      'GB',
      'Europe/London',
      '2026-11-26T08:00:00.000Z',
    ], // Thu 08:00 GMT
    [
      'the send window says holidays: none',
      '2026-11-25T23:00:00Z',
      null,
      sendsOnHolidays,
      'US',
      'America/New_York',
      '2026-11-26T13:00:00.000Z',
    ], // Thu 08:00 EST
    // Previous step Tuesday 10:00 New York + 2 business days: Wednesday, then Friday (Thursday is Thanksgiving).
    [
      "a US lead's 2-business-day delay spans Thanksgiving",
      '2026-11-24T15:00:00Z',
      '2 business days',
      shipped,
      'US',
      'America/New_York',
      '2026-11-27T15:00:00.000Z',
    ], // Fri 10:00 EST
    [
      "a GB lead's 2-business-day delay spans that Thursday",
      '2026-11-24T10:00:00Z',
      '2 business days',
      shipped,
      'GB',
      'Europe/London',
      '2026-11-26T10:00:00.000Z',
    ], // Thu 10:00 GMT
    [
      "a US lead's delay spans Thanksgiving, with holidays: none",
      '2026-11-24T15:00:00Z',
      '2 business days',
      sendsOnHolidays,
      'US',
      'America/New_York',
      '2026-11-26T15:00:00.000Z',
    ], // Thu 10:00 EST
    // Christmas 2026 is a Friday: the step waits over the weekend.
    [
      "a US lead's email falls due on Christmas Day",
      '2026-12-24T23:00:00Z',
      null,
      shipped,
      'US',
      'America/New_York',
      '2026-12-28T13:00:00.000Z',
    ], // Mon 08:00 EST
    // Boxing Day 2026 is a Saturday, so Monday 28th is the UK holiday; US leads work that day.
    [
      "a GB lead's next step is 1 business day after Christmas Eve",
      '2026-12-24T10:00:00Z',
      '1 business day',
      shipped,
      'GB',
      'Europe/London',
      '2026-12-29T10:00:00.000Z',
    ], // Tue 10:00 GMT
    [
      "a US lead's next step is 1 business day after Christmas Eve",
      '2026-12-24T15:00:00Z',
      '1 business day',
      shipped,
      'US',
      'America/New_York',
      '2026-12-28T15:00:00.000Z',
    ], // Mon 10:00 EST
    [
      'a Brazilian lead in São Paulo has no calendar',
      '2026-11-25T21:00:00Z',
      null,
      shipped,
      'BR',
      'America/Sao_Paulo',
      '2026-11-26T11:00:00.000Z',
    ], // Thu 08:00 BRT
  ])('when %s, then the step goes out at %s', (_what, previous, after, ruleset, country, timeZone, expected) => {
    expect(dueAt(previous, after, ruleset, country, timeZone)).toBe(expected);
  });
});
