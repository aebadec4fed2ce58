/**
 * The texts DealHistory keeps (a lead's course and its deal's forecasts, written by database
 * triggers: instants as epoch milliseconds on PostgreSQL, ISO text on SQLite) read back by the
 * pipeline report: parseCourse and the forecasts pipelineInputsOf reads. Both are read by index, not
 * split, so each case here is one a slip of an index would break.
 */
import { describe, expect, it } from 'vitest';
import { epochIn, epochOfText } from '../../src/db/raw-sql';
import { parseCourse } from '../../src/usecases/analytics/deal-courses';
import { pipelineInputsOf } from '../../src/usecases/analytics/plan-inputs';
import { CURRENT } from './fixture';

const at = (iso: string) => new Date(iso);
// The same instant as PostgreSQL (epoch milliseconds) and SQLite (ISO text) write it.
const spellings = [
  ['PostgreSQL', (iso: string) => String(at(iso).getTime())],
  ['SQLite', (iso: string) => at(iso).toISOString()],
] as const;

describe.each(spellings)('a course as %s writes it', (_, instant) => {
  const text = [
    `sql@${instant('2026-03-01T10:00:00Z')}`,
    `needs-analysis@${instant('2026-03-02T10:00:00Z')}`,
    `sql@${instant('2026-03-03T10:00:00Z')}`,
    `proposal@${instant('2026-03-04T10:00:00Z')}`,
    `closed-won@${instant('2026-03-05T10:00:00Z')}`,
  ].join(',');

  it('when it is read before asOf, then the deal stages come in order with the first SQL transition', () => {
    expect(parseCourse(text, at('2026-03-05T10:00:00Z'))).toEqual({
      stages: [
        { to: 'needs-analysis', at: at('2026-03-02T10:00:00Z') },
        { to: 'proposal', at: at('2026-03-04T10:00:00Z') },
      ],
      sqlAt: at('2026-03-01T10:00:00Z'),
    });
    expect(parseCourse(text, at('2026-03-06T00:00:00Z')).stages.map((stage) => stage.to)).toEqual([
      'needs-analysis',
      'proposal',
      'closed-won',
    ]);
  });

  it('when asOf comes before every event, or there is no course, then nothing is read', () => {
    expect(parseCourse(text, at('2026-03-01T10:00:00Z'))).toEqual({ stages: [], sqlAt: null });
    expect(parseCourse(null, at('2026-03-06T00:00:00Z'))).toEqual({ stages: [], sqlAt: null });
  });
});

describe.each(spellings)('forecasts as %s writes them', (_, instant) => {
  const forecasts = (history: string | null, before: string) =>
    pipelineInputsOf(
      { sight: { tenant: 't', all: true, admin: true, owners: [], queues: [], me: 'ops@t.example' }, period: CURRENT },
      [{ dealId: 'D1', history }],
      at(before),
      [],
    ).forecasts.get('D1');
  // Midnight of a day in the report's zone (New York, UTC−4 from 8 March 2026).
  const day = (date: string) => at(`${date}T04:00:00Z`);

  it('when a history holds empty and unknown fields, then each entry reads as it was set, up to the cut', () => {
    const history = [
      `${instant('2026-03-02T10:00:00Z')}|commit|2026-03-20`,
      `${instant('2026-03-03T10:00:00Z')}||2026-03-21`,
      `${instant('2026-03-04T10:00:00Z')}|best-case|`,
      `${instant('2026-03-05T10:00:00Z')}|upside|not a day`,
      `${instant('2026-03-06T10:00:00Z')}|pipeline|2026-03-22`,
    ].join(',');
    expect(forecasts(history, '2026-03-06T10:00:00Z')).toEqual([
      { at: at('2026-03-02T10:00:00Z').getTime(), expectedCloseAt: day('2026-03-20'), category: 'commit' },
      { at: at('2026-03-03T10:00:00Z').getTime(), expectedCloseAt: day('2026-03-21'), category: null },
      { at: at('2026-03-04T10:00:00Z').getTime(), expectedCloseAt: null, category: 'best-case' },
      { at: at('2026-03-05T10:00:00Z').getTime(), expectedCloseAt: null, category: null },
    ]);
    expect(forecasts(history, '2026-03-02T10:00:00Z')).toBeUndefined();
    expect(forecasts(null, '2026-03-06T10:00:00Z')).toBeUndefined();
  });
});

describe('forecasts looked up by deal', () => {
  const sight = { tenant: 't', all: true, admin: true, owners: [], queues: [], me: 'ops@t.example' };
  const entry = (iso: string, category: string) => `${at(iso).getTime()}|${category}|2026-03-20`;
  const lookup = pipelineInputsOf(
    { sight, period: CURRENT },
    [
      {
        dealId: 'D1',
        history: [entry('2026-03-02T10:00:00Z', 'commit'), entry('2026-03-04T10:00:00Z', 'pipeline')].join(','),
      },
      { dealId: 'D2', history: entry('2026-03-03T10:00:00Z', 'best-case') },
      { dealId: 'D3', history: entry('2026-03-09T10:00:00Z', 'commit') },
      { dealId: 'D4', history: null },
    ],
    at('2026-03-05T00:00:00Z'),
    [],
  ).forecasts;

  it('when deals are looked up in any order, and again, then each gets its own entries before the cut, or none', () => {
    const categories = (dealId: string) => lookup.get(dealId)?.map((forecast) => forecast.category);
    expect(categories('D2')).toEqual(['best-case']);
    expect(categories('D1')).toEqual(['commit', 'pipeline']);
    // D3's only entry is after the cut; D4 has no history; D5 is no deal of the report.
    expect([categories('D3'), categories('D4'), categories('D5')]).toEqual([undefined, undefined, undefined]);
    expect([categories('D1'), categories('D2'), categories('D3')]).toEqual([
      ['commit', 'pipeline'],
      ['best-case'],
      undefined,
    ]);
  });
});

describe('instants read in place', () => {
  it('when a text holds epoch milliseconds, ISO text or neither, then each part reads as epochOfText reads it alone', () => {
    const iso = '2026-03-02T10:00:00.123Z';
    const parts = ['1772445600123', '-86400000', '0', iso, '1234567890123456', '', 'soon', '12a4', '-'];
    const text = parts.join('|');
    let start = 0;
    const read = parts.map((part) => {
      const value = epochIn(text, start, start + part.length);
      start += part.length + 1;
      return value;
    });
    expect(read).toEqual([
      1_772_445_600_123,
      -86_400_000,
      0,
      Date.parse(iso),
      1_234_567_890_123_456,
      NaN,
      NaN,
      NaN,
      NaN,
    ]);
    expect(read).toEqual(parts.map(epochOfText));
  });
});
