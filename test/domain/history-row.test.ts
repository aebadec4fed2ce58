/**
 * One row of a CRM history export, as the import reads it: dates (a day is noon in the reporting
 * zone, across DST), how won and lost are spelled, loss reasons by code, label or words, and the
 * key that makes a re-import add nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkHistoryRow, parseHistoryDate, type HistoryRowContext } from '../../src/domain/history-row';
import { countryCodeOfName } from '../../src/usecases/country-names';

const context: HistoryRowContext = {
  zone: 'America/New_York',
  now: new Date('2026-01-01T00:00:00Z'),
  lossReasons: {
    codes: ['price', 'competitor', 'other'],
    labels: new Map([
      ['price too high', 'price'],
      ['价格过高', 'price'],
    ]),
    fallback: 'other',
  },
};
const lead = { email: 'Ana+crm@Acme.example', source: 'Partner Referral', created: '2025-03-01' };
const deal = { ...lead, amount: '1200.50', currency: 'usd', closedDate: '2025-04-01' };

describe('a CRM history row', () => {
  it.each([
    ['2025-03-08', '2025-03-08T17:00:00.000Z'], // the day before the DST change: EST
    ['2025-03-09', '2025-03-09T16:00:00.000Z'], // the day of it: EDT at noon
    ['2025-02-14T14:30:00Z', '2025-02-14T14:30:00.000Z'],
    ['2025-02-14T14:30:00+01:00', '2025-02-14T13:30:00.000Z'],
  ])('when the date is %s, then it is the instant %s', (text, instant) => {
    expect(parseHistoryDate(text, 'America/New_York')?.toISOString()).toBe(instant);
  });

  it.each(['2025-02-30', '03/01/2025', '2025-02-14T14:30:00', 'yesterday'])(
    'when the date is %s, then it is not a date',
    (text) => {
      expect(parseHistoryDate(text, 'America/New_York')).toBeNull();
    },
  );

  it.each([
    [{ outcome: 'Won' }, 'won'],
    [{ outcome: 'closed lost' }, 'lost'],
    [{ stage: 'Closed Won' }, 'won'],
    [{ stage: 'closed-lost', outcome: 'lost' }, 'lost'],
    [{ outcome: 'TRUE' }, 'won'],
  ])('when the deal says %o, then it was %s', (cells, outcome) => {
    const checked = checkHistoryRow({ ...deal, ...cells }, context);
    expect('record' in checked && checked.record.deal?.outcome).toBe(outcome);
  });

  it.each([
    ['price', 'price', 'price'],
    ['Price too high', 'price', 'Price too high'],
    ['价格过高', 'price', '价格过高'],
    ['the champion left', 'other', 'the champion left'],
    ['', 'other', 'imported: lost'],
  ])(
    'when a lost deal gives the loss reason "%s", then it is filed under %s with the words "%s"',
    (text, code, words) => {
      const checked = checkHistoryRow({ ...deal, outcome: 'lost', lossReason: text }, context);
      expect('record' in checked && [checked.record.deal?.lossReason, checked.record.deal?.closeReason]).toEqual([
        code,
        words,
      ]);
    },
  );

  it.each([
    ['de', 'DE'],
    ['UK', 'GB'],
    ['Germany', 'DE'],
    ['United Kingdom', 'GB'],
    ['德国', 'DE'],
    ['中国', 'CN'],
    ['', null],
  ])('when the country is written "%s", then the lead keeps %s', (written, code) => {
    const checked = checkHistoryRow({ ...lead, country: written }, { ...context, countryNamed: countryCodeOfName });
    expect('record' in checked && checked.record.country).toBe(code);
  });

  it('when the country is an unassigned code or an unknown name, then it is a problem of its field naming what to write', () => {
    const withNames = { ...context, countryNamed: countryCodeOfName };
    for (const written of ['XX', 'Atlantis'])
      expect(checkHistoryRow({ ...lead, country: written }, withNames)).toEqual({
        problems: [
          {
            field: 'country',
            message: `"${written}" is not a country: write its ISO 3166 code ("DE") or its name in English or Chinese ("Germany", "德国")`,
          },
        ],
      });
    // Without a way to read names, only codes are taken.
    expect(checkHistoryRow({ ...lead, country: 'Germany' }, context)).toMatchObject({
      problems: [{ field: 'country' }],
    });
  });

  it('when a row has no external id, then its key is its normalised email and creation moment, and its source is a known one', () => {
    const checked = checkHistoryRow(lead, context);
    expect(checked).toMatchObject({
      record: { key: 'email:ana@acme.example|2025-03-01T17:00:00.000Z', source: 'partner-referral', deal: null },
    });
    expect(checkHistoryRow({ ...lead, externalId: 'crm-9' }, context)).toMatchObject({ record: { key: 'id:crm-9' } });
  });

  it('when a deal is open, won with a loss reason, or its stage and outcome disagree, then each is a problem of its field', () => {
    const problems = (cells: Record<string, string>) => {
      const checked = checkHistoryRow({ ...deal, ...cells }, context);
      return 'problems' in checked ? checked.problems.map((p) => p.field) : [];
    };
    expect(problems({ stage: 'proposal' })).toEqual(['stage']);
    expect(problems({ outcome: 'won', lossReason: 'price' })).toEqual(['lossReason']);
    expect(problems({ stage: 'closed won', outcome: 'lost' })).toEqual(['outcome']);
    expect(problems({ outcome: 'won', closedDate: '2025-02-01' })).toEqual(['closedDate']);
    expect(problems({ outcome: 'won', amount: '12.345' })).toEqual(['amount']);
  });
});
