/**
 * Deal figures on the hand-computed fixture: win rate by count and by value (per currency), average
 * deal size (ACV excluding tax), sales cycle, sales velocity and the win/loss review.
 *
 * Closed in C (2026-03-02 … 03-29, New York):
 *   won  D01 USD 1 200 000 (03-05) · D05 USD 800 000 (03-20) · D06 EUR 3 000 000 (03-25) · D08 USD 2 000 000 (03-27)
 *   lost D02 EUR 5 000 000 (03-10) · D09 USD 1 500 000 (03-26) · D20 USD — no ACV (03-12)
 * Open at the end of C: D12 USD (no ACV), D13 EUR, D16 USD (won only on 04-20).
 */
import { describe, expect, it } from 'vitest';
import { averageDealSize, closedIn, salesCycle, salesVelocity, winRate } from '../../src/domain/analytics/deals';
import { UNCODED, winLoss, winLossBy } from '../../src/domain/analytics/win-loss';
import { CURRENT, PREVIOUS, fixtureFacts, pick } from './fixture';

const { deals } = fixtureFacts();

describe('win rate', () => {
  it('when C closed 4 won and 3 lost, then the rate by count is 4/7 and by value is per currency', () => {
    const report = winRate(deals, CURRENT);
    expect(report.byCount).toEqual({
      numerator: { count: 4, ids: ['D01', 'D05', 'D06', 'D08'] },
      denominator: { count: 7, ids: ['D01', 'D02', 'D05', 'D06', 'D08', 'D09', 'D20'] },
      value: 4 / 7,
    });
    // EUR: won D06 3 000 000 of closed D02 + D06 = 8 000 000 → 0.375.
    // USD: won 1 200 000 + 800 000 + 2 000 000 = 4 000 000 of 4 000 000 + D09 1 500 000 = 5 500 000 → 8/11.
    // D20 has no ACV: in the count, not in the value.
    expect(report.byValue).toEqual([
      {
        currency: 'EUR',
        numeratorMinor: 3_000_000,
        denominatorMinor: 8_000_000,
        value: 0.375,
        numeratorIds: ['D06'],
        denominatorIds: ['D02', 'D06'],
      },
      {
        currency: 'USD',
        numeratorMinor: 4_000_000,
        denominatorMinor: 5_500_000,
        value: 4_000_000 / 5_500_000,
        numeratorIds: ['D01', 'D05', 'D08'],
        denominatorIds: ['D01', 'D05', 'D08', 'D09'],
      },
    ]);
    expect(report.unvalued.ids).toEqual(['D20']);
  });

  it('when P closed nothing, then the win rate has no value rather than 0%', () => {
    expect(winRate(deals, PREVIOUS).byCount.value).toBeNull();
    expect(closedIn(deals, PREVIOUS)).toEqual({ won: [], lost: [] });
  });
});

describe('average deal size', () => {
  it('when the deals won in C are averaged, then each currency has its own ACV average, rounded to the cent', () => {
    // USD: (1 200 000 + 800 000 + 2 000 000) / 3 = 1 333 333.33… → 1 333 333. EUR: D06 alone.
    expect(averageDealSize(deals, CURRENT)).toEqual({
      acv: [
        { currency: 'EUR', averageMinor: 3_000_000, totalMinor: 3_000_000, count: 1, ids: ['D06'] },
        { currency: 'USD', averageMinor: 1_333_333, totalMinor: 4_000_000, count: 3, ids: ['D01', 'D05', 'D08'] },
      ],
      unvalued: { count: 0, ids: [] },
    });
  });
});

describe('sales cycle', () => {
  it('when the deals won in C are measured from SQL to won, then the days are 17, 18, 23 and 26', () => {
    // D01 SQL 02-10 → won 03-05 = 23 · D05 03-03 → 03-20 = 17 · D06 02-27 → 03-25 = 26 · D08 03-09 → 03-27 = 18.
    // Mean 84 / 4 = 21; median = 2nd of 17 18 23 26 = 18; p75 = 3rd = 23; p90 = 4th = 26.
    expect(salesCycle(deals, CURRENT)).toEqual({
      n: 4,
      mean: 21,
      median: 18,
      p75: 23,
      p90: 26,
      ids: ['D01', 'D05', 'D06', 'D08'],
    });
  });

  it('when a won deal has no SQL transition (imported), then its cycle starts when it became an opportunity', () => {
    // D08 opened 03-10 15:00 and was won 03-27 15:00: 17 days instead of 18.
    const [d08] = pick(deals, 'D08');
    expect(salesCycle([{ ...d08!, sqlAt: null }], CURRENT)).toMatchObject({ n: 1, median: 17 });
  });
});

describe('sales velocity', () => {
  it('when C ends with 2 USD and 1 EUR opportunities open, then velocity is per currency per day', () => {
    // USD: 2 open (D12, D16) × 4/7 × 1 333 333 / 21 days = 10 666 664 / 147 = 72 562.3… → 72 562.
    // EUR: 1 open (D13) × 4/7 × 3 000 000 / 21 = 12 000 000 / 147 = 81 632.65… → 81 633.
    expect(salesVelocity(deals, CURRENT)).toEqual([
      {
        currency: 'EUR',
        openOpportunities: { count: 1, ids: ['D13'] },
        winRate: 4 / 7,
        averageDealMinor: 3_000_000,
        cycleDays: 21,
        perDayMinor: 81_633,
      },
      {
        currency: 'USD',
        openOpportunities: { count: 2, ids: ['D12', 'D16'] },
        winRate: 4 / 7,
        averageDealMinor: 1_333_333,
        cycleDays: 21,
        perDayMinor: 72_562,
      },
    ]);
  });
});

describe('win/loss review', () => {
  it('when C is reviewed, then loss reasons are counted by code and competitors by name', () => {
    const review = winLoss(deals, CURRENT);
    // Lost: D02 competitor (Acme CRM), D09 no-budget, D20 without a code.
    expect(review.lossReasons).toEqual([
      { key: UNCODED, deals: { count: 1, ids: ['D20'] } },
      { key: 'competitor', deals: { count: 1, ids: ['D02'] } },
      { key: 'no-budget', deals: { count: 1, ids: ['D09'] } },
    ]);
    expect(review.competitors).toEqual([{ key: 'Acme CRM', deals: { count: 1, ids: ['D02'] } }]);
  });

  it('when the review is broken down by rep, then alice won 2/2, bob 1/3 and carol 1/2', () => {
    // alice: D01 D08 won · bob: D05 won, D02 D09 lost · carol: D06 won, D20 lost.
    const byRep = winLossBy(deals, CURRENT, 'rep');
    expect(byRep.map(({ key, value }) => [key, value.won.ids, value.lost.ids, value.winRate.value])).toEqual([
      ['alice@example.com', ['D01', 'D08'], [], 1],
      ['bob@example.com', ['D05'], ['D02', 'D09'], 1 / 3],
      ['carol@example.com', ['D06'], ['D20'], 1 / 2],
    ]);
  });

  it('when the review is broken down by source, then every loss of C came from events', () => {
    // ads: D01 D08 won · cold-outreach: D05 won · events: D02 D09 D20 lost · partner-referral: D06 won.
    const bySource = winLossBy(deals, CURRENT, 'source').filter(({ value }) => value.winRate.denominator.count > 0);
    expect(bySource.map(({ key, value }) => [key, value.won.count, value.lost.count])).toEqual([
      ['ads', 2, 0],
      ['cold-outreach', 1, 0],
      ['events', 0, 3],
      ['partner-referral', 1, 0],
    ]);
  });
});
