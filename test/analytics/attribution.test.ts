/**
 * Rule attribution on the hand-computed fixture: the leads scored into MQL by rules-v1 (everything
 * before 2026-03-16) against those scored by rules-v2, and the activation marks for trend charts.
 */
import { describe, expect, it } from 'vitest';
import { activationsIn, attributionRows, ruleAttribution, rulesetOf } from '../../src/domain/analytics/attribution';
import type { AttributedLead } from '../../src/domain/analytics/attribution';
import type { LeadFact } from '../../src/domain/analytics/facts';
import { ownerCalendar } from '../../src/domain/analytics/response';
import { reportPeriod } from '../../src/domain/analytics/period';
import { AS_OF, CURRENT, NEW_YORK_HOURS, V1, V2, ZONE, fixtureFacts, pick, when } from './fixture';

const facts = fixtureFacts();
const ids = (...numbers: number[]) => numbers.map((n) => `L${String(n).padStart(2, '0')}`);

describe('rule attribution', () => {
  it('when C is split by the version that scored each lead, then each version has its own funnel, speed and win rate', () => {
    const rows = ruleAttribution(facts, CURRENT, { by: 'scoring', calendarFor: ownerCalendar(NEW_YORK_HOURS) });
    // The 2025 leads no rule ever decided on count in nothing in C, so no row is listed for them.
    expect(rows.map((row) => row.version)).toEqual([V1, V2]);
    const [v1, v2] = rows;
    // v1 cohort (created in C): L08 L09 L10 L11 L12 → MQL L08 L09 L11 L12 → SQL and opportunity
    // L08 L09 L12 → won L08. v2 cohort: L13–L18 → MQL L13 L14 L16 L17 → SQL L13 L14 L16 →
    // opportunity L13 L16 → won L16.
    expect(v1!.funnel.stages.lead.ids).toEqual(ids(8, 9, 10, 11, 12));
    expect(v1!.funnel.steps.map((s) => [s.conversion.numerator.count, s.conversion.denominator.count])).toEqual([
      [4, 5],
      [3, 4],
      [3, 3],
      [1, 3],
    ]);
    expect(v2!.funnel.stages.lead.ids).toEqual(ids(13, 14, 15, 16, 17, 18));
    expect(v2!.funnel.steps.map((s) => [s.conversion.numerator.count, s.conversion.denominator.count])).toEqual([
      [4, 6],
      [3, 4],
      [2, 3],
      [1, 2],
    ]);
    // Response (hours, see speed.test.ts): v1 L08 0.75, L12 1, L09 2, L07 2.5 → median 2nd = 1, L11 untouched;
    // v2 L16 0.5, L14 2, L13 4, L17 16 → median 2.
    expect([v1!.response.businessHours.median, v1!.response.untouched.ids]).toEqual([1, ids(11)]);
    expect([v2!.response.businessHours.median, v2!.response.untouched.ids]).toEqual([2, []]);
    // Win rate of deals closed in C: every one came from a v1 lead (4/7); v2's first win is in April.
    expect(v1!.winRate.value).toBe(4 / 7);
    expect(v2!.winRate).toMatchObject({ value: null, denominator: { count: 0 } });
  });

  it('when the period is January to March 2025, then the leads no rule decided on form the (none) row, with their cohort and wins', () => {
    const early = reportPeriod('2025-01-01', '2025-03-31', ZONE);
    const rows = ruleAttribution(facts, early, { by: 'routing', calendarFor: ownerCalendar(NEW_YORK_HOURS) });
    expect(rows.map((row) => row.version)).toEqual(['(none)']);
    expect(rows[0]!.funnel.stages.lead.ids).toEqual(['LK1', 'LK2', 'LK4']);
    expect(rows[0]!.winRate).toMatchObject({ value: 1, numerator: { ids: ['DK1', 'DK2', 'DK4'] } });
  });

  it('when RevOps asks which version went live in C, then it is rules-v2 on 03-16', () => {
    expect(activationsIn(facts.ruleActivations, CURRENT)).toEqual([
      { version: V2, activatedAt: new Date('2026-03-16T12:00:00Z') },
    ]);
  });
});

describe('attributionRows', () => {
  it("when a version's only figure in C is a response, an unanswered MQL or a closed deal, then it has a row; with none, it has none", () => {
    // Every lead was created in February, before C (2026-03-02 to 03-29).
    const lead = (id: string, mqlAt: string | null, touches: string[] = []): AttributedLead => ({
      id,
      createdAt: when('02-10 15:00'),
      stages: mqlAt === null ? [] : [{ from: null, to: 'mql', at: when(mqlAt), rulesetVersion: null }],
      touches: touches.map(when),
      slaDueAt: null,
      ownerTimeZone: null,
    });
    const rows = attributionRows(
      {
        versions: ['v-answered', 'v-closed', 'v-nothing', 'v-unanswered'],
        leadsOf: new Map([
          ['v-answered', [lead('LA', '02-20 15:00', ['03-05 15:00'])]],
          ['v-unanswered', [lead('LB', '03-05 15:00')]],
          ['v-closed', [lead('LC', null)]],
          ['v-nothing', [lead('LD', '02-20 15:00', ['02-21 15:00'])]],
        ]),
        versionOf: new Map([['LC', 'v-closed']]),
        deals: [
          {
            id: 'DC',
            leadId: 'LC',
            segment: { rep: null, team: null, source: 'web', campaign: null },
            currency: 'USD',
            acvMinor: 100_00,
            stages: [{ to: 'closed-won', at: when('03-10 15:00') }],
            lossReason: null,
          },
        ],
      },
      CURRENT,
      { by: 'scoring', calendarFor: ownerCalendar(NEW_YORK_HOURS), asOf: AS_OF },
    );
    expect(
      rows.map((row) => [
        row.version,
        row.funnel.stages.lead.count,
        row.response.businessHours.ids,
        row.response.untouched.ids,
        row.winRate.denominator.ids,
      ]),
    ).toEqual([
      ['v-answered', 0, ['LA'], [], []],
      ['v-closed', 0, [], [], ['DC']],
      ['v-unanswered', 0, [], ['LB'], []],
    ]);
  });
});

describe('rulesetOf', () => {
  const [l12, l15] = pick(facts.leads, 'L12', 'L15');

  it('when a lead became an MQL, then the version on its MQL transition scored it and its first routing decision routed it', () => {
    expect(rulesetOf(l12!, 'scoring', AS_OF)).toBe(V1);
    expect(rulesetOf(l12!, 'routing', AS_OF)).toBe(V1);
  });

  it('when a lead is not an MQL, then its latest scoring decision counts and no routing version exists', () => {
    expect(rulesetOf(l15!, 'scoring', AS_OF)).toBe(V2);
    expect(rulesetOf(l15!, 'routing', AS_OF)).toBeNull();
  });

  it('when the MQL transition carries no version, then the last scoring decision before it counts', () => {
    const lead: LeadFact = {
      ...l12!,
      stages: l12!.stages.map((event) => (event.to === 'mql' ? { ...event, rulesetVersion: null } : event)),
      decisions: [
        { kind: 'scoring', version: V1, at: when('03-10 15:00') },
        { kind: 'scoring', version: V2, at: when('03-11 13:30') },
        { kind: 'scoring', version: 'rules-v3', at: when('03-20 15:00') },
      ],
    };
    expect(rulesetOf(lead, 'scoring', AS_OF)).toBe(V2);
    // Decisions at or after asOf are not known yet.
    expect(rulesetOf({ ...lead, stages: [] }, 'scoring', when('03-15 00:00'))).toBe(V2);
  });
});
