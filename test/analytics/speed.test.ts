/**
 * Speed on the hand-computed fixture: response time in the owner's business hours, first-touch SLA
 * attainment, time in stage and the bottleneck flag. Business hours are 09:00–17:00 Monday to
 * Friday in the owner's zone: New York for alice and carol (EST = UTC−5 until 03-08, then EDT =
 * UTC−4), London for bob (GMT = UTC+0 all through C).
 */
import { describe, expect, it } from 'vitest';
import { countedTogether, ownerCalendar, responseTime, slaAttainment } from '../../src/domain/analytics/response';
import { bottleneck, dwellOfStages, timeInStage } from '../../src/domain/analytics/stage-time';
import { AS_OF, CURRENT, NEW_YORK_HOURS, PREVIOUS, fixtureFacts, when } from './fixture';

const { leads } = fixtureFacts();
const ids = (...numbers: number[]) => numbers.map((n) => `L${String(n).padStart(2, '0')}`);
const hours = (h: number) => h / 24;

describe('response time', () => {
  it('when the first touches of C are measured from the MQL before them, then it is in business hours of each owner', () => {
    const report = responseTime(leads, CURRENT, ownerCalendar(NEW_YORK_HOURS));
    // L07 alice Mon 11:00→13:30 EST = 2.5 · L08 alice Tue 10:00→10:45 EST = 0.75
    // L09 bob (London) Thu 16:00→17:00 + Fri 09:00→10:00 = 2 (New York hours would give 6)
    // L12 alice Wed 09:30→10:30 EDT = 1 (the 03-10 email came before the MQL: not a response)
    // L13 bob Tue 09:00→13:00 GMT = 4 · L14 alice Wed 16:00→17:00 + Thu 09:00→10:00 EDT = 2
    // L16 carol Mon 11:00→11:30 EDT = 0.5 · L17 alice Wed 09:00 → Fri 09:00 EDT = 8 + 8 = 16
    // Sorted: 0.5 0.75 1 2 2 2.5 4 16 (n = 8, nearest rank): median = 4th = 2, p75 = 6th = 2.5,
    // p90 = ⌈7.2⌉ = 8th = 16; mean = 28.75 / 8 = 3.59375. L11 was never touched. No lead that became
    // an MQL in P got its first touch in C (L01–L06 were worked on their deals, not touched as leads).
    expect(report.businessHours).toEqual({
      n: 8,
      mean: 3.59375,
      median: 2,
      p75: 2.5,
      p90: 16,
      ids: ids(7, 8, 9, 12, 13, 14, 16, 17),
    });
    expect(report.untouched.ids).toEqual(ids(11));
  });

  it('when bob is measured in New York hours instead of his own, then his London lead takes 6 hours', () => {
    const report = responseTime(
      leads.filter((lead) => lead.id === 'L09'),
      CURRENT,
      () => NEW_YORK_HOURS,
    );
    // MQL Thu 03-05 16:00Z = 11:00 EST → 17:00 EST = 6 h; the touch Fri 10:00Z = 05:00 EST is before opening.
    expect(report.businessHours.median).toBe(6);
  });

  it('when the first touch comes after the period, then the lead is untouched in it and answered in the next', () => {
    // L11 became an MQL on 03-09 and (say) was called on 04-02 09:00 EDT = 13:00Z.
    const late = leads.filter((lead) => lead.id === 'L11').map((lead) => ({ ...lead, touches: [when('04-02 13:00')] }));
    expect(responseTime(late, CURRENT, ownerCalendar(NEW_YORK_HOURS)).untouched.ids).toEqual(ids(11));
    const april = { from: CURRENT.to, to: when('04-30 04:00') };
    // Mon 03-09 10:00 EDT → 17:00 = 7 h, then 03-10 … 03-31 = 16 working days × 8 h = 128 h, 04-01 8 h, 04-02 0 h.
    expect(responseTime(late, april, ownerCalendar(NEW_YORK_HOURS)).businessHours.median).toBe(7 + 128 + 8);
  });
});

describe('SLA attainment', () => {
  it('when the deadlines in C are checked against the first touch after MQL, then 5 of 9 were met', () => {
    const report = slaAttainment(leads, CURRENT, AS_OF);
    // Met: L08 (15:45 ≤ 17:00), L09 (10:00 ≤ 10:00: on the deadline counts), L12 (14:30 ≤ 15:30),
    // L14 (14:00 ≤ 14:00), L16 (15:30 ≤ 17:00). Breached: L07 (18:30 > 18:00), L11 (no touch),
    // L13 (13:00 > 11:00), L17 (03-27 > 03-25 15:00).
    expect(report.met.ids).toEqual(ids(8, 9, 12, 14, 16));
    expect(report.breached.ids).toEqual(ids(7, 11, 13, 17));
    expect(report.attainment.value).toBe(5 / 9);
    expect(report.pending.count).toBe(0);
  });

  it('when a deadline is still ahead and nobody touched the lead yet, then it is pending, not breached', () => {
    // At 03-09 15:00Z, L11's deadline (16:00Z) is an hour away.
    const report = slaAttainment(
      leads.filter((lead) => lead.id === 'L11'),
      CURRENT,
      when('03-09 15:00'),
    );
    expect(report.pending.ids).toEqual(ids(11));
    expect(report.attainment).toEqual({
      numerator: { count: 0, ids: [] },
      denominator: { count: 0, ids: [] },
      value: null,
    });
  });
});

describe('time in stage', () => {
  it('when stays that ended in C are measured, then each stage has its median and p75 in days', () => {
    const stages = timeInStage(leads, CURRENT);
    expect(stages.map((stage) => [stage.stage, stage.subject, stage.days.n])).toEqual([
      ['new', 'lead', 9],
      ['mql', 'lead', 6],
      ['sql', 'lead', 6],
      ['needs-analysis', 'deal', 8],
      ['proposal', 'deal', 1],
    ]);
    const [fresh, mql, sql, needs, proposal] = stages.map((stage) => stage.days);
    // new, in hours: L08 1, L07 13, L13 17, L17 22, L12 22.5, L09 25, L14 29, L11 71, L16 72:
    // median = 5th = 22.5 h, p75 = ⌈6.75⌉ = 7th = 29 h, p90 = 9th = 72 h = 3 days.
    expect([fresh!.median, fresh!.p75, fresh!.p90]).toEqual([hours(22.5), hours(29), 3]);
    expect(fresh!.mean).toBeCloseTo(272.5 / 24 / 9, 12);
    // mql: L16 1, L13 3.25 (03-17 09:00 → 03-20 15:00), L08 6, L09 6 23/24, L12 7.0625, L05 8:
    // median = 3rd = 6, p75 = 5th = 7.0625.
    expect([mql!.median, mql!.p75, mql!.p90]).toEqual([6, 7.0625, 8]);
    expect(mql!.ids).toEqual(ids(5, 8, 9, 12, 13, 16));
    // sql: five stays of 1 day (L05 L08 L09 L12 L16) and L13's 3 (Friday → Monday).
    expect([sql!.median, sql!.p75, sql!.p90]).toEqual([1, 1, 3]);
    // needs-analysis (deal ids): D13 4, D12 5, D09 13, D05 16, D08 17, D02 19.875, D06 25, D20 35:
    // median = 4th = 16, p75 = 6th = 19.875, p90 = 8th = 35, mean = 134.875 / 8.
    expect(needs).toEqual({
      n: 8,
      mean: 134.875 / 8,
      median: 16,
      p75: 19.875,
      p90: 35,
      ids: ['D02', 'D05', 'D06', 'D08', 'D09', 'D12', 'D13', 'D20'],
    });
    // proposal: D01 from 02-20 to 03-05 = 13 days; D13 is still in proposal (not counted).
    expect(proposal).toMatchObject({ n: 1, median: 13, ids: ['D01'] });
  });

  it('when the stays come as lists split among owners, in any order, then each stage counts them all as one', () => {
    const day = 86_400_000;
    // needs-analysis split between two owners' lists, out of order, D05 counted twice (two stays):
    // 16, 4, 5 | 13, 17, 35 days → sorted 4 5 13 16 17 35: median = 3rd = 13, p75 = ⌈4.5⌉ = 5th = 17.
    const split = dwellOfStages([
      { stage: 'needs-analysis', ms: [16 * day, 4 * day, 5 * day], ids: ['D05', 'D13', 'D12'] },
      { stage: 'sql', ms: [day / 2], ids: ['L01'] },
      { stage: 'needs-analysis', ms: [13 * day, 17 * day, 35 * day], ids: ['D09', 'D05', 'D20'] },
      { stage: 'retired', ms: [day], ids: ['L02'] },
    ]);
    expect(split.map((stage) => [stage.stage, stage.subject])).toEqual([
      ['sql', 'lead'],
      ['needs-analysis', 'deal'],
      ['retired', 'lead'],
    ]);
    expect(split[1]!.days).toEqual({
      n: 6,
      mean: 90 / 6,
      median: 13,
      p75: 17,
      p90: 35,
      ids: ['D05', 'D09', 'D12', 'D13', 'D20'],
    });
    // The same stays in one list, in another order, give the same figures.
    const whole = dwellOfStages([
      { stage: 'retired', ms: [day], ids: ['L02'] },
      {
        stage: 'needs-analysis',
        ms: [35, 17, 16, 13, 5, 4].map((n) => n * day),
        ids: ['D20', 'D05', 'D05', 'D09', 'D12', 'D13'],
      },
      { stage: 'sql', ms: [day / 2], ids: ['L01'] },
    ]);
    expect(whole).toEqual(split);
  });

  it("when a closed deal's lead becomes a customer or lost right after, then the closed stage is no stay", () => {
    const followed = leads.map((lead) => {
      const close = lead.stages.find((event) => event.to === 'closed-won' || event.to === 'closed-lost');
      if (!close) return lead;
      const outcome = close.to === 'closed-won' ? 'customer' : 'lost';
      const at = new Date(close.at.getTime() + 1_000);
      return { ...lead, stages: [...lead.stages, { from: 'sql', to: outcome, at, rulesetVersion: null }] };
    });
    expect(timeInStage(followed, CURRENT)).toEqual(timeInStage(leads, CURRENT));
  });
});

describe('bottleneck', () => {
  it('when C is compared with P, then the deal stage whose dwell doubled is flagged', () => {
    const report = bottleneck(leads, CURRENT, PREVIOUS);
    const byKey = new Map(report.candidates.map((c) => [`${c.kind} ${c.stage}`, c]));
    // Conversions (period view): MQL → SQL 4/5 in P, 6/9 in C: (0.8 − 2/3) / 0.8 = 1/6 worse.
    expect(byKey.get('conversion mql')?.worsening).toBeCloseTo(1 / 6, 12);
    // opportunity → won was 0/4 in P: no base to compare with.
    expect(byKey.get('conversion opportunity')).toMatchObject({ previous: 0, worsening: null });
    // Median dwell: needs-analysis 8 days in P (D01 only), 16 in C: 100% worse;
    // sql 2 → 1 (better), new 1 → 0.9375 (better), mql 6 → 6 (same).
    expect(byKey.get('dwell needs-analysis')).toEqual({
      kind: 'dwell',
      stage: 'needs-analysis',
      current: 16,
      previous: 8,
      worsening: 1,
      ids: ['D02', 'D05', 'D06', 'D08', 'D09', 'D12', 'D13', 'D20'],
    });
    expect(byKey.get('dwell sql')?.worsening).toBe(-0.5);
    expect(byKey.get('dwell mql')?.worsening).toBe(0);
    expect(report.flagged).toBe(byKey.get('dwell needs-analysis'));
  });

  it('when nothing got worse, then nothing is flagged', () => {
    expect(bottleneck(leads, CURRENT, CURRENT).flagged).toBeNull();
  });
});

describe('counted responses of several groups', () => {
  it("when two owners' counts are put together, one with 200,000 SLAs met, then every list holds both, in order", () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `M${i}`);
    const first = { ids: ['A'], businessMs: [3_600_000], untouched: [], met: many, breached: ['B1'], pending: [] };
    const second = {
      ids: ['C'],
      businessMs: [60_000],
      untouched: ['U'],
      met: ['M-last'],
      breached: [],
      pending: ['P'],
    };
    const all = countedTogether([first, second]);
    expect(all.ids).toEqual(['A', 'C']);
    expect(all.businessMs).toEqual([3_600_000, 60_000]);
    expect(all.untouched).toEqual(['U']);
    expect(all.met).toHaveLength(200_001);
    expect([all.met[0], all.met.at(-1)]).toEqual(['M0', 'M-last']);
    expect(all.breached).toEqual(['B1']);
    expect(all.pending).toEqual(['P']);
  });
});
