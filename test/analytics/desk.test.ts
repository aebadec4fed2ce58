/**
 * Deal desk, activity and retention figures on the hand-computed fixture: discount depth by
 * approval tier, approval turnaround in New York business hours (09:00–17:00 Mon–Fri; EST until
 * 03-08, EDT after), quote-to-close, calls/emails/meetings per rep and per won deal, renewals.
 */
import { describe, expect, it } from 'vitest';
import { activityByRep, activityPerWonDeal } from '../../src/domain/analytics/activity';
import { approvalTurnaround, discountDepth, quoteToClose } from '../../src/domain/analytics/deal-desk';
import { renewals } from '../../src/domain/analytics/retention';
import { AS_OF, CURRENT, NEW_YORK_HOURS, fixtureFacts } from './fixture';

const facts = fixtureFacts();

describe('discount depth', () => {
  it('when the versions sent in C are read, then the average and each tier are in basis points', () => {
    // Sent in C: qv-D01-2 1500 (03-02 20:00) · qv-D05-1 2500 · qv-D06-1 800 · qv-D08-1 1200 ·
    // qv-D09-1 3500 · qv-D13-2 1000. Not: qv-D01-1 and qv-D02-1 (February), qv-D16-1 (04-02),
    // qv-D13-1 and qv-D20-1 (never sent). Sorted 800 1000 1200 1500 2500 3500: mean 10 500 / 6 = 1750,
    // median = 3rd = 1200, p75 = ⌈4.5⌉ = 5th = 2500, p90 = 6th = 3500.
    const report = discountDepth(facts.quotes, CURRENT);
    expect(report.discountBp).toEqual({
      n: 6,
      mean: 1750,
      median: 1200,
      p75: 2500,
      p90: 3500,
      ids: ['qv-D01-2', 'qv-D05-1', 'qv-D06-1', 'qv-D08-1', 'qv-D09-1', 'qv-D13-2'],
    });
    // manager-authority 1500, 1200 → mean 1350, median 1200; rep-authority 800, 1000 → mean 900, median 800.
    expect(
      report.byTier.map(({ tier, discountBp }) => [tier, discountBp.n, discountBp.mean, discountBp.median]),
    ).toEqual([
      ['director-authority', 1, 2500, 2500],
      ['executive-authority', 1, 3500, 3500],
      ['manager-authority', 2, 1350, 1200],
      ['rep-authority', 2, 900, 800],
    ]);
  });
});

describe('approval turnaround', () => {
  it('when the approvals decided in C are timed in business hours, then the median is 8 hours', () => {
    // A1 Mon 10:00 → 14:00 EST = 4 · A2 Fri 15:00 EST → Tue 10:00 EDT = 2 + 8 + 1 = 11
    // A3 Fri 09:00 → Mon 09:00 EDT = 8 · A4 Wed 10:00 → Thu 14:00 EDT = 7 + 5 = 12
    // A5 (rejected) Wed 10:00 → Thu 10:00 EDT = 7 + 1 = 8. Not: A6 (decided 04-01), A7 (cancelled).
    // Sorted 4 8 8 11 12: median = 3rd = 8, p75 = ⌈3.75⌉ = 4th = 11, p90 = ⌈4.5⌉ = 5th = 12, mean 43 / 5.
    const report = approvalTurnaround(facts.approvals, CURRENT, NEW_YORK_HOURS);
    expect(report.businessHours).toEqual({
      n: 5,
      mean: 8.6,
      median: 8,
      p75: 11,
      p90: 12,
      ids: ['A1', 'A2', 'A3', 'A4', 'A5'],
    });
    // manager-authority: A1 4, A3 8, A5 8 → median 8, mean 20 / 3.
    const manager = report.byTier.find((tier) => tier.tier === 'manager-authority')!.businessHours;
    expect([manager.n, manager.median, manager.mean]).toEqual([3, 8, 20 / 3]);
    expect(report.byTier.map((tier) => tier.tier)).toEqual([
      'director-authority',
      'executive-authority',
      'manager-authority',
    ]);
  });
});

describe('quote-to-close', () => {
  it('when the deals first quoted in C are followed to AS_OF, then 3 of 5 were won', () => {
    // First sent in C: D05 (03-10, won), D06 (03-05, won), D08 (03-16, won), D09 (03-20, lost),
    // D13 (03-26, open). D01 and D02 were first quoted in February, D16 on 04-02; D20 never.
    const report = quoteToClose(facts.quotes, facts.deals, CURRENT, AS_OF);
    expect(report.rate).toEqual({
      numerator: { count: 3, ids: ['D05', 'D06', 'D08'] },
      denominator: { count: 5, ids: ['D05', 'D06', 'D08', 'D09', 'D13'] },
      value: 3 / 5,
    });
    expect(report.lost.ids).toEqual(['D09']);
    expect(report.open.ids).toEqual(['D13']);
  });
});

describe('activity', () => {
  it('when the activity logged in C is counted per rep, then alice has 9, bob 4 and carol 2', () => {
    // alice: calls t-L07 t-L08 t-L12b, emails t-L12a t-L14 a-D08-1 a-D08-3, meetings t-L17 a-D08-2.
    // bob: calls t-L09 t-L13, email a-D05-1, meeting mtg-D05:outcome. carol: calls t-L16 a-D06-2
    // (a-D06-1 and a-D01-1 were in February).
    const byRep = activityByRep(facts.activities, CURRENT);
    expect(
      byRep.map(({ key, value }) => [key, value.call.count, value.email.count, value.meeting.count, value.total.count]),
    ).toEqual([
      ['alice@example.com', 3, 4, 2, 9],
      ['bob@example.com', 2, 1, 1, 4],
      ['carol@example.com', 2, 0, 0, 2],
    ]);
  });

  it('when the deals won in C are traced back, then it took 2 activities per won deal', () => {
    // D01: a-D01-1 · D05: a-D05-1, mtg-D05:outcome · D06: a-D06-1, a-D06-2 · D08: t-L08 (on its lead),
    // a-D08-1, a-D08-2; a-D08-3 came after the win (03-28). Calls 3, emails 3, meetings 2 over 4 deals.
    const report = activityPerWonDeal(facts.activities, facts.deals, CURRENT);
    expect(report.wonDeals.ids).toEqual(['D01', 'D05', 'D06', 'D08']);
    expect(report.activities.total.ids).toEqual([
      'a-D01-1',
      'a-D05-1',
      'a-D06-1',
      'a-D06-2',
      'a-D08-1',
      'a-D08-2',
      'mtg-D05:outcome',
      't-L08',
    ]);
    expect(report.perDeal).toEqual({ call: 0.75, email: 0.75, meeting: 0.5, total: 2 });
  });
});

describe('renewals', () => {
  it('when the contracts ending in C are checked a month later, then 1 of 3 renewed', () => {
    // Ending in C: K1 (acc-1, 03-15), K2 (acc-2, 03-20), K4 (acc-3, 03-28). K1 is renewed by K3 (acc-1,
    // D05's contract, starting 03-20, within 30 days of K1's end); K2 and K4 have no successor and
    // their 30 days of grace are over at AS_OF.
    const report = renewals(facts.contracts, CURRENT, AS_OF);
    expect(report.due.ids).toEqual(['K1', 'K2', 'K4']);
    expect(report.dueValue).toEqual([
      { currency: 'EUR', amountMinor: 2_000_000, count: 1, ids: ['K2'] },
      { currency: 'USD', amountMinor: 1_500_000, count: 2, ids: ['K1', 'K4'] },
    ]);
    expect(report.renewed.ids).toEqual(['K1']);
    expect(report.notRenewed.ids).toEqual(['K2', 'K4']);
    expect(report.rate.value).toBe(1 / 3);
  });

  it('when read while the grace period is still running, then the unrenewed contracts are pending', () => {
    // At 04-10: K2's grace runs to 04-19, K4's to 04-27; K3 (created 03-20) already renews K1.
    const report = renewals(facts.contracts, CURRENT, new Date('2026-04-10T00:00:00Z'));
    expect(report.pending.ids).toEqual(['K2', 'K4']);
    expect(report.rate).toMatchObject({ value: 1, denominator: { ids: ['K1'] } });
  });
});
