/**
 * Channel economics on the hand-computed fixture's leads and deals plus the spend below, over the
 * whole month of March 2026 in New York (spend is monthly: a month counts when its first day is in
 * the period). March = [2026-03-01T05:00Z, 2026-04-01T04:00Z).
 *
 * Created in March: ads L07 L08 L12 L13 L17 L18 (6) · content L10 L11 L19 (3) · cold-outreach L15 ·
 * events L09 L14 · partner-referral L16. First MQL in March: ads L07 L08 L12 L13 L17 (5) · content
 * L11 · events L09 L14 · partner-referral L16. Won in March: ads D01 USD 1 200 000 and D08 USD
 * 2 000 000 · cold-outreach D05 USD 800 000 · partner-referral D06 EUR 3 000 000.
 */
import { describe, expect, it } from 'vitest';
import { channelEconomics, type SpendRecord } from '../../src/domain/analytics/channel';
import { monthsOf, reportPeriod } from '../../src/domain/analytics/period';
import { CURRENT, ZONE, fixtureFacts } from './fixture';

const MARCH = reportPeriod('2026-03-01', '2026-03-31', ZONE);
const { leads, deals } = fixtureFacts();

// prettier-ignore
const SPEND: SpendRecord[] = [
  { source: 'ads', campaign: 'spring-promo', month: '2026-03', currency: 'USD', amountMinor: 1_000_000 },
  { source: 'ads', campaign: null, month: '2026-03', currency: 'USD', amountMinor: 200_000 },
  { source: 'ads', campaign: 'spring-promo', month: '2026-02', currency: 'USD', amountMinor: 800_000 },
  { source: 'events', campaign: null, month: '2026-03', currency: 'EUR', amountMinor: 900_000 },
  { source: 'content', campaign: 'webinar-q1', month: '2026-03', currency: 'USD', amountMinor: 300_000 },
];

describe('channel economics', () => {
  it('when March is read by source, then cost per lead, per MQL, CAC and ROI come per currency of the spend', () => {
    const channels = channelEconomics(leads, deals, SPEND, MARCH, 'source');
    expect(channels.map((c) => c.source)).toEqual(['ads', 'cold-outreach', 'content', 'events', 'partner-referral']);
    const [ads, cold, content, events, partner] = channels;
    // ads: March spend 1 000 000 + 200 000 = 1 200 000 USD (February's 800 000 is not March's).
    // Per lead 1 200 000 / 6 = 200 000, per MQL / 5 = 240 000, CAC / 2 = 600 000; revenue D01 + D08 =
    // 3 200 000; ROI (3 200 000 − 1 200 000) / 1 200 000 = 5/3.
    expect(ads!.spend).toEqual([
      { currency: 'USD', amountMinor: 1_200_000, count: 2, ids: ['ads/(none)/2026-03', 'ads/spring-promo/2026-03'] },
    ]);
    expect(ads!.customers.ids).toEqual(['D01', 'D08']);
    expect(ads!.byCurrency).toEqual([
      {
        currency: 'USD',
        spendMinor: 1_200_000,
        costPerLeadMinor: 200_000,
        costPerMqlMinor: 240_000,
        cacMinor: 600_000,
        revenueMinor: 3_200_000,
        roi: 2_000_000 / 1_200_000,
      },
    ]);
    // cold-outreach and partner-referral spent nothing: revenue, but no cost figures.
    expect([cold!.revenue, cold!.byCurrency]).toEqual([
      [{ currency: 'USD', amountMinor: 800_000, count: 1, ids: ['D05'] }],
      [],
    ]);
    expect(partner!.revenue).toEqual([{ currency: 'EUR', amountMinor: 3_000_000, count: 1, ids: ['D06'] }]);
    // content: 300 000 USD over 3 leads and 1 MQL, no customer: CAC has no value, ROI −1.
    expect(content!.byCurrency).toEqual([
      {
        currency: 'USD',
        spendMinor: 300_000,
        costPerLeadMinor: 100_000,
        costPerMqlMinor: 300_000,
        cacMinor: null,
        revenueMinor: 0,
        roi: -1,
      },
    ]);
    // events spent EUR: 900 000 over 2 leads, 2 MQLs.
    expect(events!.byCurrency[0]).toMatchObject({
      currency: 'EUR',
      costPerLeadMinor: 450_000,
      costPerMqlMinor: 450_000,
    });
  });

  it('when ads are read by campaign, then spring-promo carries its own spend and both wins', () => {
    const ads = channelEconomics(leads, deals, SPEND, MARCH, 'campaign').filter((c) => c.source === 'ads');
    // (none): L18, 200 000 spent, nothing won. spring-promo: L07 L08 L12 L13 L17, 1 000 000 spent,
    // CAC 500 000, ROI (3 200 000 − 1 000 000) / 1 000 000 = 2.2.
    expect(ads.map((c) => [c.campaign, c.leads.count, c.mqls.count, c.customers.count])).toEqual([
      ['(none)', 1, 0, 0],
      ['spring-promo', 5, 5, 2],
    ]);
    expect(ads[1]!.byCurrency[0]).toMatchObject({ cacMinor: 500_000, roi: 2.2 });
  });

  it('when the period does not contain the first day of a month, then no spend counts', () => {
    // C runs 03-02 … 03-29: it contains no first of a month.
    expect(monthsOf(CURRENT)).toEqual([]);
    expect(channelEconomics(leads, deals, SPEND, CURRENT, 'source').flatMap((c) => c.spend)).toEqual([]);
  });
});
