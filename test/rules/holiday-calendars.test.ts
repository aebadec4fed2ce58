/**
 * Whose public holidays a lead's cadence skips: `countries:` on the escalation.yaml
 * calendars, the cadences.yaml `sendWindow: holidays:` setting, how they are checked, and
 * what the enrolment decision returns and says.
 */
import { describe, expect, it } from 'vitest';
import { evaluateEnrolment } from '../../src/rules/evaluate-cadences';
import { leadHolidays, type LeadLocale } from '../../src/rules/evaluate-escalation';
import { formatDiagnostic } from '../../src/rules/types';
import { edit, loadWith, rulesetWith, shippedTexts } from './support/rulesets';

const texts = await shippedTexts();
const shipped = await rulesetWith();
const sendsOnHolidays = await rulesetWith({ 'cadences.yaml': edit(texts['cadences.yaml']!, '  holidays: lead ', '  holidays: none ') });

describe('the lead\'s holiday calendar', () => {
  it.each<[string, LeadLocale, string | null, 'country' | 'time-zone' | 'none']>([
    ['a US lead in New York', { country: 'US', timeZone: 'America/New_York' }, 'north-america', 'country'],
    ['a US lead in Los Angeles', { country: 'US', timeZone: 'America/Los_Angeles' }, 'north-america', 'country'],
    ['a lead whose country is written "ca"', { country: ' ca ' }, 'north-america', 'country'],
    ['a Canadian lead in London', { country: 'CA', timeZone: 'Europe/London' }, 'north-america', 'country'],
    ['a GB lead', { country: 'GB', timeZone: 'Europe/London' }, 'emea', 'country'],
    ['a German lead', { country: 'DE', timeZone: 'Europe/Berlin' }, 'emea', 'country'],
    ['a New Zealand lead', { country: 'NZ', timeZone: 'Pacific/Auckland' }, 'apac', 'country'],
    ['a Brazilian lead in New York', { country: 'BR', timeZone: 'America/New_York' }, 'north-america', 'time-zone'],
    ['a lead without a country in Sydney', { timeZone: 'Australia/Sydney' }, 'apac', 'time-zone'],
    ['a Brazilian lead in São Paulo', { country: 'BR', timeZone: 'America/Sao_Paulo' }, null, 'none'],
    ['a lead with neither country nor time zone', {}, null, 'none'],
  ])('when %s enrols, then the holidays come from %s (matched by %s)', (_who, lead, calendar, matchedBy) => {
    const found = leadHolidays(shipped, lead);
    expect({ calendar: found.calendar, matchedBy: found.matchedBy }).toEqual({ calendar, matchedBy });
    expect(found.holidays).toEqual(calendar ? shipped.escalation.calendars[calendar]!.holidays : []);
  });

  it('when the shipped calendars are loaded, then US leads skip Thanksgiving 2026 and GB leads Boxing Day', () => {
    expect(leadHolidays(shipped, { country: 'US' }).holidays).toContain('2026-11-26');
    expect(leadHolidays(shipped, { country: 'GB' }).holidays).not.toContain('2026-11-26');
    expect(leadHolidays(shipped, { country: 'GB' }).holidays).toContain('2026-12-28');
  });
});

describe('the enrolment decision', () => {
  it('when a US lead is enrolled, then the decision carries the north-america holidays and names the calendar', () => {
    const decision = evaluateEnrolment(shipped, { source: { channel: 'content' } }, { country: 'US', timeZone: 'America/New_York' });
    expect(decision.outcome).toMatchObject({ kind: 'enrol', cadence: { name: 'mql-standard', holidayPolicy: 'lead' }, holidayCalendar: 'north-america' });
    expect(decision.outcome.kind === 'enrol' && decision.outcome.holidays).toEqual(shipped.escalation.calendars['north-america']!.holidays);
    expect(decision.explanation.summary).toMatch(/\. Skips the public holidays of calendar north-america \(lead country US\)\.$/);
  });

  it('when only the contact.country fact is known, then it picks the calendar', () => {
    const decision = evaluateEnrolment(shipped, { source: { channel: 'content' }, contact: { country: 'AU' } });
    expect(decision.outcome).toMatchObject({ kind: 'enrol', holidayCalendar: 'apac' });
  });

  it('when no calendar matches the lead, then no holidays are skipped and the explanation says why', () => {
    const decision = evaluateEnrolment(shipped, { source: { channel: 'content' } }, { country: 'BR', timeZone: 'America/Sao_Paulo' });
    expect(decision.outcome).toMatchObject({ kind: 'enrol', holidays: [], holidayCalendar: null });
    expect(decision.explanation.summary).toContain('Skips no holidays: no escalation.yaml calendar lists country BR or uses time zone America/Sao_Paulo.');
  });

  it('when the send window says holidays: none, then a US lead gets no holidays', () => {
    const decision = evaluateEnrolment(sendsOnHolidays, { source: { channel: 'content' } }, { country: 'US', timeZone: 'America/New_York' });
    expect(decision.outcome).toMatchObject({ kind: 'enrol', cadence: { holidayPolicy: 'none' }, holidays: [], holidayCalendar: null });
    expect(decision.explanation.summary).toContain('Sends on public holidays too (cadences.yaml sendWindow holidays: none).');
  });

  it('when a cadence has its own send window without holidays, then it keeps the file-wide setting; with one, its own', async () => {
    expect(sendsOnHolidays.cadences.cadences['event-follow-up']!.holidayPolicy).toBe('none');
    const own = await rulesetWith({
      'cadences.yaml': edit(edit(texts['cadences.yaml']!, '  holidays: lead ', '  holidays: none '), 'from: "07:30", to: "18:00" }', 'from: "07:30", to: "18:00", holidays: lead }'),
    });
    expect(own.cadences.cadences['event-follow-up']!.holidayPolicy).toBe('lead');
    expect(own.cadences.cadences['mql-standard']!.holidayPolicy).toBe('none');
    expect(own.cadences.cadences['event-follow-up']!.sendWindow).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '07:30', to: '18:00' });
  });

  it('when no enrolment rule matches, then there is no cadence and no holidays', () => {
    const none = evaluateEnrolment({ ...shipped, cadences: { ...shipped.cadences, enrolment: [] } }, {}, { country: 'US' });
    expect(none.outcome).toEqual({ kind: 'no-cadence' });
  });
});

describe('broken countries and holidays settings', () => {
  async function diagnostics(file: string, from: string, to: string): Promise<string[]> {
    const result = await loadWith({ [file]: edit(texts[file]!, from, to) });
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
  }

  it.each<[string, string, string, string, string[]]>([
    ['a country is listed in two calendars', 'escalation.yaml', 'countries: [AU, NZ]', 'countries: [AU, NZ, US]', [
      'rules/escalation.yaml:35:25: calendars.apac.countries[2]: country "US" is already listed in calendar north-america: a lead\'s holidays must come from one calendar (list each country in one calendar only)',
    ]],
    ['a country is listed twice in one calendar', 'escalation.yaml', 'countries: [AU, NZ]', 'countries: [AU, NZ, AU]', [
      'rules/escalation.yaml:35:25: calendars.apac.countries[2]: country "AU" is already listed earlier in this calendar: a lead\'s holidays must come from one calendar (list each country in one calendar only)',
    ]],
    ['the United Kingdom is written UK', 'escalation.yaml', 'countries: [GB, IE,', 'countries: [UK, IE,', [
      'rules/escalation.yaml:29:17: calendars.emea.countries[0]: unknown country code "UK" (did you mean "GB"? ISO 3166 writes it that way)',
    ]],
    ['a code ISO does not assign', 'escalation.yaml', 'countries: [AU, NZ]', 'countries: [AU, XX]', [
      'rules/escalation.yaml:35:21: calendars.apac.countries[1]: unknown country code "XX" (use the ISO 3166 two-letter code, e.g. "GB" for the United Kingdom)',
    ]],
    ['a code in lower case', 'escalation.yaml', 'countries: [AU, NZ]', 'countries: [AU, nz]', [
      'rules/escalation.yaml:35:21: calendars.apac.countries[1]: "nz" is not a two-letter ISO 3166 country code in upper case (write "NZ")',
    ]],
    ['a country name instead of a code', 'escalation.yaml', 'countries: [US, CA]', 'countries: [USA, CA]', [
      'rules/escalation.yaml:23:17: calendars.north-america.countries[0]: "USA" is not a two-letter ISO 3166 country code in upper case (e.g. "US", "GB", "DE")',
    ]],
    ['the send window holidays setting is misspelt', 'cadences.yaml', '  holidays: lead ', '  holidays: never ', [
      'rules/cadences.yaml:17:13: sendWindow.holidays: unknown value "never" (expected one of: lead, none)',
    ]],
  ])('when %s, then it is reported with file:line:col', async (_what, file, from, to, expected) => {
    expect(await diagnostics(file, from, to)).toEqual(expected);
  });
});
