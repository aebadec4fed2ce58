/**
 * The texts DealHistory keeps (a lead's course and its deal's forecasts, written by database
 * triggers: instants as epoch milliseconds on PostgreSQL, ISO text on SQLite) read back by the
 * pipeline report: parseCourse and the forecasts pipelineInputsOf reads. Both are read by index, not
 * split, so each case here is one a slip of an index would break.
 */
import { describe, expect, it } from 'vitest';
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
