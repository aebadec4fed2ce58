/**
 * Volume and the two funnel views on the hand-computed fixture (test/analytics/fixture.ts). The
 * expected ids are read off the fixture's lead table; each comment says how.
 */
import { describe, expect, it } from 'vitest';
import { breakDown } from '../../src/domain/analytics/breakdown';
import { cohortFunnel, periodFunnel } from '../../src/domain/analytics/funnel';
import { arrivalsOf, FUNNEL_STAGES, reachedAt } from '../../src/domain/analytics/stages';
import { volume, volumeTrend } from '../../src/domain/analytics/volume';
import { AS_OF, CURRENT, PREVIOUS, fixtureFacts, pick, when } from './fixture';

const { leads } = fixtureFacts();
const ids = (...numbers: number[]) => numbers.map((n) => `L${String(n).padStart(2, '0')}`);

describe('volume', () => {
  it('when C is counted in New York time, then leads, MQLs, SQLs, opportunities and wins are the ones that happened in it', () => {
    const figures = volume(leads, CURRENT);
    // Created in C: L08–L18 (L07 was created 03-01 22:00 New York time, L19 on 03-30 01:00).
    expect(figures.lead.ids).toEqual(ids(8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18));
    // First MQL in C: L07 (03-02 16:00), L08, L09, L11, L12, L13, L14, L16, L17; L05's was in February.
    expect(figures.mql.ids).toEqual(ids(7, 8, 9, 11, 12, 13, 14, 16, 17));
    // First SQL in C: L05 (03-03), L08, L09, L12, L13, L16; L14's is on 04-10.
    expect(figures.sql.ids).toEqual(ids(5, 8, 9, 12, 13, 16));
    // Became a deal (needs-analysis) in C: the same six.
    expect(figures.opportunity.ids).toEqual(ids(5, 8, 9, 12, 13, 16));
    // Won in C: L01 (03-05), L05 (03-20), L06 (03-25), L08 (03-27); L16 won on 04-20.
    expect(figures.won).toEqual({ count: 4, ids: ids(1, 5, 6, 8) });
  });

  it('when volume is broken down by source, then each source counts its own leads and the parts add up', () => {
    const bySource = breakDown(leads, 'source', (part) => volume(part, CURRENT));
    // ads: created L08 L12 L13 L17 L18, MQL L07 L08 L12 L13 L17, won L01 L08;
    // cold-outreach: created L15, SQL/opportunity/won L05; content: created L10 L11, MQL L11;
    // events: created L09 L14, MQL L09 L14, SQL L09; partner-referral: created L16, MQL L16, won L06.
    expect(
      bySource.map(({ key, value }) => [key, value.lead.count, value.mql.count, value.sql.count, value.won.count]),
    ).toEqual([
      ['ads', 5, 5, 3, 2],
      ['cold-outreach', 1, 0, 1, 1],
      ['content', 2, 1, 0, 0],
      ['events', 2, 2, 1, 0],
      ['partner-referral', 1, 1, 1, 1],
    ]);
  });

  it('when the trend is weekly, then each lead falls in its New York week and L18 (Sunday evening) stays in the last one', () => {
    const weeks = volumeTrend(leads, CURRENT, 'week');
    // Mondays 03-02, 03-09, 03-16, 03-23. Created: L08 L09 L10 L11 | L12 | L13 L14 L15 L16 | L17 L18.
    expect(weeks.map((week) => [week.bucket, week.figures.lead.ids])).toEqual([
      ['2026-03-02', ids(8, 9, 10, 11)],
      ['2026-03-09', ids(12)],
      ['2026-03-16', ids(13, 14, 15, 16)],
      ['2026-03-23', ids(17, 18)],
    ]);
  });
});

describe('funnel stages', () => {
  it('when a lead skips a stage (qualified by hand straight to SQL), then it reached the skipped stage at the same moment', () => {
    const [l10] = pick(leads, 'L10');
    const jumped = {
      ...l10!,
      stages: [...l10!.stages, { from: 'new', to: 'sql', at: when('03-06 15:00'), rulesetVersion: null }],
    };
    const figures = volume([jumped], CURRENT);
    expect([figures.mql.ids, figures.sql.ids, figures.opportunity.ids]).toEqual([['L10'], ['L10'], []]);
  });

  it('when every arrival is read in one walk, then each is the one reachedAt gives, transitions out of order and after asOf included', () => {
    const event = (to: string, at: string) => ({ from: null, to, at: when(at), rulesetVersion: null });
    const odd = {
      id: 'X1',
      createdAt: when('03-02 10:00'),
      // Listed out of time order, with a lead stage, a deal stage before the SQL and a win after asOf:
      // reachedAt takes the first listed transition that reaches a stage, and so must arrivalsOf.
      stages: [
        event('contacted', '03-02 11:00'),
        event('presentation', '03-05 10:00'),
        event('mql', '03-03 10:00'),
        event('closed-won', '05-01 10:00'),
        event('sql', '03-04 10:00'),
      ],
    };
    for (const lead of [...leads, odd])
      for (const asOf of [AS_OF, when('03-04 12:00'), when('03-01 00:00')])
        expect(arrivalsOf(lead, asOf)).toEqual(FUNNEL_STAGES.map((stage) => reachedAt(lead, stage, asOf)));
    // The presentation (a deal stage) came first in the list: it stands for MQL, SQL and opportunity alike.
    expect(arrivalsOf(odd, AS_OF).map((at) => at?.toISOString() ?? null)).toEqual([
      when('03-02 10:00').toISOString(),
      when('03-05 10:00').toISOString(),
      when('03-05 10:00').toISOString(),
      when('03-05 10:00').toISOString(),
      null,
    ]);
  });
});

describe('funnel, period view', () => {
  it('when C is compared with P, then each step is a ratio of the flows of its own period', () => {
    // C: 11 leads, 9 MQLs, 6 SQLs, 6 opportunities, 4 wins (see volume above).
    const current = periodFunnel(leads, CURRENT).steps.map((step) => [
      step.from,
      step.to,
      step.conversion.numerator.count,
      step.conversion.denominator.count,
    ]);
    expect(current).toEqual([
      ['lead', 'mql', 9, 11],
      ['mql', 'sql', 6, 9],
      ['sql', 'opportunity', 6, 6],
      ['opportunity', 'won', 4, 6],
    ]);
    // P: created L01–L07 (7); MQL L01 L02 L03 L05 L06 (5); SQL L01 L02 L06 L20 (4); opportunities
    // the same four; no win. So MQL → SQL was 4/5 = 0.8 in P and 6/9 in C.
    const previous = periodFunnel(leads, PREVIOUS);
    expect(previous.stages.lead.ids).toEqual(ids(1, 2, 3, 4, 5, 6, 7));
    expect(previous.stages.sql.ids).toEqual(ids(1, 2, 6, 20));
    expect(previous.steps.map((step) => step.conversion.value)).toEqual([5 / 7, 4 / 5, 1, 0]);
  });
});

describe('funnel, cohort view', () => {
  it('when the cohort of C is read a month later, then each stage counts the cohort leads that reached it so far', () => {
    const funnel = cohortFunnel(leads, CURRENT, { asOf: AS_OF });
    // Cohort: L08–L18 (11). MQL: all but L10 L15 L18 (8). SQL: L08 L09 L12 L13 L14 (04-10) L16 (6).
    // Opportunity: L08 L09 L12 L13 L16 (5). Won: L08, and L16 on 04-20 (2).
    expect(funnel.stages.lead.count).toBe(11);
    expect(funnel.stages.mql.ids).toEqual(ids(8, 9, 11, 12, 13, 14, 16, 17));
    expect(funnel.stages.sql.ids).toEqual(ids(8, 9, 12, 13, 14, 16));
    expect(funnel.stages.opportunity.ids).toEqual(ids(8, 9, 12, 13, 16));
    expect(funnel.stages.won.ids).toEqual(ids(8, 16));
    expect(funnel.steps.map((step) => step.conversion.value)).toEqual([8 / 11, 6 / 8, 5 / 6, 2 / 5]);
    // Each step's numerator is a subset of its denominator (a true conversion).
    for (const step of funnel.steps)
      expect(step.conversion.denominator.ids).toEqual(expect.arrayContaining(step.conversion.numerator.ids));
  });

  it('when only the first 14 days of each lead count, then later stages drop out and the figure no longer changes', () => {
    const within14 = cohortFunnel(leads, CURRENT, { asOf: AS_OF, withinDays: 14 });
    // L14's SQL came 24 days after creation; L08 won after 24 days, L16 after 31: none of these count.
    expect(within14.stages.sql.ids).toEqual(ids(8, 9, 12, 13, 16));
    expect(within14.stages.won.count).toBe(0);
    expect(within14.maturing.count).toBe(0);
    // Read again a year later: the same figure (every lead's 14 days are long over).
    const later = cohortFunnel(leads, CURRENT, { asOf: new Date('2027-04-30T00:00:00Z'), withinDays: 14 });
    expect(later).toEqual(within14);
  });

  it('when the cohort is read before its 14 days are over, then the leads still maturing are named', () => {
    // At 04-05 00:00Z, leads created after 03-22 00:00Z have not had 14 days yet: L17 (03-24) and L18 (03-29).
    const early = cohortFunnel(leads, CURRENT, { asOf: new Date('2026-04-05T00:00:00Z'), withinDays: 14 });
    expect(early.maturing.ids).toEqual(ids(17, 18));
    // And "so far" at the end of C, L14's SQL (04-10) and L16's win (04-20) have not happened yet.
    const atEnd = cohortFunnel(leads, CURRENT, { asOf: CURRENT.to });
    expect(atEnd.stages.sql.ids).toEqual(ids(8, 9, 12, 13, 16));
    expect(atEnd.stages.won.ids).toEqual(ids(8));
  });
});
