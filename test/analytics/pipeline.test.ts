/**
 * Pipeline, forecast and quota on plain records (what the deal data and the quota and probability
 * rule files will provide), hand-computed. Period C = 2026-03-02 … 03-29 in New York.
 *
 * Snapshot of the pipeline taken at the start of C (ACV excluding tax, minor units):
 *   S1 proposal       USD 1 000 000  expected 03-10  commit     alice (team maria)
 *   S2 negotiation    USD   500 000  expected 03-20  best-case  alice (maria)
 *   S3 needs-analysis EUR 2 000 000  expected 03-15  commit     bob   (maria)
 *   S4 presentation   USD —          expected 03-25  pipeline   carol (nina)
 *   S5 needs-analysis USD   300 000  expected 05-01  pipeline   carol (nina)
 *   S6 closed-won     USD   700 000  expected 03-05  commit     alice  (closed: never pipeline)
 *   S7 legal-review   EUR   100 000  no date, no category       bob    (a stage with no probability)
 *   S8 negotiation    USD       333  expected 06-01  pipeline   alice
 * Stage probabilities: needs-analysis 10%, presentation 25%, proposal 50%, negotiation 75%.
 */
import { describe, expect, it } from 'vitest';
import { forecastVsActual, quotaAttainment, type Quota, type WonDeal } from '../../src/domain/analytics/forecast';
import {
  openPipelineByStage,
  weightedPipeline,
  type ForecastCategory,
  type PipelineDeal,
  type StageProbabilities,
} from '../../src/domain/analytics/pipeline';
import { NO_PLAN_INPUTS, type PlanInputs } from '../../src/usecases/analytics/plan-inputs';
import { pipelineCourses, type PipelineCourses } from '../../src/usecases/analytics/reports';
import { ALICE, BOB, CAROL, CURRENT, MARIA, NINA, when } from './fixture';

function deal(
  dealId: string,
  stage: string,
  currency: string,
  acvMinor: number | null,
  expected: string | null,
  category: PipelineDeal['forecastCategory'],
  owner: string,
  team: string,
): PipelineDeal {
  const expectedCloseAt = expected ? when(expected) : null;
  return { dealId, stage, acvMinor, currency, expectedCloseAt, forecastCategory: category, owner, team };
}

// prettier-ignore
const SNAPSHOT: PipelineDeal[] = [
  deal('S1', 'proposal', 'USD', 1_000_000, '03-10 12:00', 'commit', ALICE, MARIA),
  deal('S2', 'negotiation', 'USD', 500_000, '03-20 12:00', 'best-case', ALICE, MARIA),
  deal('S3', 'needs-analysis', 'EUR', 2_000_000, '03-15 12:00', 'commit', BOB, MARIA),
  deal('S4', 'presentation', 'USD', null, '03-25 12:00', 'pipeline', CAROL, NINA),
  deal('S5', 'needs-analysis', 'USD', 300_000, '05-01 12:00', 'pipeline', CAROL, NINA),
  deal('S6', 'closed-won', 'USD', 700_000, '03-05 12:00', 'commit', ALICE, MARIA),
  deal('S7', 'legal-review', 'EUR', 100_000, null, null, BOB, MARIA),
  deal('S8', 'negotiation', 'USD', 333, '06-01 12:00', 'pipeline', ALICE, MARIA),
];

const PROBABILITIES: StageProbabilities = {
  'needs-analysis': 1000,
  presentation: 2500,
  proposal: 5000,
  negotiation: 7500,
};

// Won in C: S1 (for more than forecast), a deal nobody forecast, and an EUR deal; S2 only in April.
// prettier-ignore
const WON: WonDeal[] = [
  { dealId: 'S1', acvMinor: 1_100_000, currency: 'USD', closedAt: when('03-09 15:00'), owner: ALICE, team: MARIA },
  { dealId: 'N1', acvMinor: 400_000, currency: 'USD', closedAt: when('03-22 15:00'), owner: BOB, team: MARIA },
  { dealId: 'S2', acvMinor: 500_000, currency: 'USD', closedAt: when('04-05 15:00'), owner: ALICE, team: MARIA },
  { dealId: 'E1', acvMinor: 1_500_000, currency: 'EUR', closedAt: when('03-28 15:00'), owner: CAROL, team: NINA },
];

describe('open pipeline', () => {
  it('when the snapshot is read by stage, then open deals are counted in pipeline order with their ACV per currency', () => {
    expect(openPipelineByStage(SNAPSHOT)).toEqual([
      {
        stage: 'needs-analysis',
        deals: { count: 2, ids: ['S3', 'S5'] },
        value: [
          { currency: 'EUR', amountMinor: 2_000_000, count: 1, ids: ['S3'] },
          { currency: 'USD', amountMinor: 300_000, count: 1, ids: ['S5'] },
        ],
      },
      { stage: 'presentation', deals: { count: 1, ids: ['S4'] }, value: [] },
      {
        stage: 'proposal',
        deals: { count: 1, ids: ['S1'] },
        value: [{ currency: 'USD', amountMinor: 1_000_000, count: 1, ids: ['S1'] }],
      },
      {
        stage: 'negotiation',
        deals: { count: 2, ids: ['S2', 'S8'] },
        value: [{ currency: 'USD', amountMinor: 500_333, count: 2, ids: ['S2', 'S8'] }],
      },
      {
        stage: 'legal-review',
        deals: { count: 1, ids: ['S7'] },
        value: [{ currency: 'EUR', amountMinor: 100_000, count: 1, ids: ['S7'] }],
      },
    ]);
  });

  it('when it is weighted by stage probability, then each deal is weighted and rounded on its own', () => {
    // EUR: S3 2 000 000 × 10% = 200 000. USD: S1 1 000 000 × 50% = 500 000, S2 500 000 × 75% = 375 000,
    // S5 300 000 × 10% = 30 000, S8 333 × 75% = 249.75 → 250: 905 250 of 1 800 333.
    // S7's stage has no probability: left out and named. S4 has no ACV.
    expect(weightedPipeline(SNAPSHOT, PROBABILITIES)).toEqual({
      byCurrency: [
        { currency: 'EUR', weightedMinor: 200_000, unweightedMinor: 2_000_000, ids: ['S3'] },
        { currency: 'USD', weightedMinor: 905_250, unweightedMinor: 1_800_333, ids: ['S1', 'S2', 'S5', 'S8'] },
      ],
      unweighted: { count: 1, ids: ['S7'] },
    });
  });
});

describe('forecast against actuals', () => {
  it('when the start-of-C forecast is compared with the wins of C, then each currency has its accuracy', () => {
    // Expected to close in C: S1 commit USD 1 000 000, S2 best-case USD 500 000, S3 commit EUR 2 000 000,
    // S4 pipeline USD (no ACV). USD: commit 1 000 000, best case 1 500 000, pipeline 1 500 000; won
    // S1 1 100 000 + N1 400 000 = 1 500 000 → attainment 1.5, accuracy 1 − 500 000 / 1 000 000 = 0.5.
    // EUR: commit = best case = pipeline = 2 000 000; won E1 1 500 000 → 0.75 and 1 − 0.25 = 0.75;
    // the committed S3 was not won.
    const amount = (amountMinor: number, ...ids: string[]) => ({ amountMinor, deals: { count: ids.length, ids } });
    expect(forecastVsActual(SNAPSHOT, WON, CURRENT)).toEqual([
      {
        currency: 'EUR',
        commit: amount(2_000_000, 'S3'),
        bestCase: amount(2_000_000, 'S3'),
        pipeline: amount(2_000_000, 'S3'),
        actual: amount(1_500_000, 'E1'),
        attainment: 0.75,
        accuracy: 0.75,
        committedWon: { numerator: { count: 0, ids: [] }, denominator: { count: 1, ids: ['S3'] }, value: 0 },
      },
      {
        currency: 'USD',
        commit: amount(1_000_000, 'S1'),
        bestCase: amount(1_500_000, 'S1', 'S2'),
        pipeline: amount(1_500_000, 'S1', 'S2', 'S4'),
        actual: amount(1_500_000, 'N1', 'S1'),
        attainment: 1.5,
        accuracy: 0.5,
        committedWon: { numerator: { count: 1, ids: ['S1'] }, denominator: { count: 1, ids: ['S1'] }, value: 1 },
      },
    ]);
  });
});

describe('quota attainment and coverage', () => {
  // Coverage reads today's pipeline: by now S1 is won.
  const today = SNAPSHOT.map((d) => (d.dealId === 'S1' ? { ...d, stage: 'closed-won' } : d));
  const quota = (rep: string | null, team: string | null, currency: string, amountMinor: number): Quota => ({
    rep,
    team,
    from: CURRENT.from,
    to: CURRENT.to,
    currency,
    amountMinor,
  });

  it('when quotas of a rep, two teams and the company are checked, then each counts its own wins in its currency', () => {
    const results = quotaAttainment(
      [
        quota(ALICE, null, 'USD', 2_000_000),
        quota(null, MARIA, 'USD', 3_000_000),
        quota(null, NINA, 'EUR', 1_000_000),
        quota(null, null, 'EUR', 5_000_000),
      ],
      WON,
      today,
    );
    expect(
      results.map((r) => [r.wonMinor, r.attainment, r.remainingMinor, r.pipeline.ids, r.pipelineMinor, r.coverage]),
    ).toEqual([
      // alice USD: won S1 1 100 000 → 0.55, 900 000 to go; open and due before the end of C: S2 500 000
      // (S8 is due in June) → coverage 500 000 / 900 000.
      [1_100_000, 0.55, 900_000, ['S2'], 500_000, 500_000 / 900_000],
      // maria's team USD: S1 + N1 = 1 500 000 → 0.5; pipeline S2 → 500 000 / 1 500 000.
      [1_500_000, 0.5, 1_500_000, ['S2'], 500_000, 1 / 3],
      // nina's team EUR: E1 1 500 000 → 1.5; quota met, so no coverage.
      [1_500_000, 1.5, 0, [], 0, null],
      // The company in EUR: E1 → 0.3; pipeline S3 2 000 000 (S7 has no date) → 2 000 000 / 3 500 000.
      [1_500_000, 0.3, 3_500_000, ['S3'], 2_000_000, 2_000_000 / 3_500_000],
    ]);
  });

  it('when a quota and the deals spell a rep or team in other capitals, then it still counts them', () => {
    const capitals = (text: string | null) => text && text.replace(/^[a-z]|@[a-z]/g, (c) => c.toUpperCase());
    const respelled = <T extends { owner: string; team: string | null }>(d: T) => ({
      ...d,
      owner: capitals(d.owner)!,
      team: capitals(d.team),
    });
    const results = quotaAttainment(
      [quota(ALICE.toUpperCase(), null, 'USD', 2_000_000), quota(null, MARIA.toUpperCase(), 'USD', 3_000_000)],
      WON.map(respelled),
      today.map(respelled),
    );
    // As above: alice's S1 won and S2 open; maria's team's S1 and N1 won and S2 open.
    expect(results.map((r) => [r.won.ids, r.pipeline.ids])).toEqual([
      [['S1'], ['S2']],
      [['N1', 'S1'], ['S2']],
    ]);
  });
});

describe('pipeline snapshots of deal courses (pipelineCourses)', () => {
  // D1 opened 03-01, in proposal from 03-05, won 03-20; D2 opened 03-10 (its stages listed out of
  // order), lost 03-12; D3 opened 03-15, never closed; D4 opened at the cut of 03-15 exactly.
  const course = (id: string, stages: [string, string][], rep = ALICE) => ({
    id,
    segment: { rep, team: MARIA },
    currency: 'USD',
    acvMinor: 100,
    openedAt: when(stages.map(([, at]) => at).sort()[0]!),
    sqlAt: null,
    stages: stages.map(([to, at]) => ({ to, at: when(at) })),
  });
  const deals = [
    course('D1', [
      ['needs-analysis', '03-01 12:00'],
      ['proposal', '03-05 12:00'],
      ['closed-won', '03-20 12:00'],
    ]),
    course(
      'D2',
      [
        ['closed-lost', '03-12 12:00'],
        ['needs-analysis', '03-10 12:00'],
      ],
      BOB,
    ),
    course(
      'D3',
      [
        ['needs-analysis', '03-15 12:00'],
        ['negotiation', '03-18 12:00'],
      ],
      CAROL,
    ),
    course('D4', [['needs-analysis', '03-15 12:00']]),
  ];
  const inputsWith = (category: ForecastCategory) => ({
    ...NO_PLAN_INPUTS,
    forecasts: new Map([
      ['D1', [{ at: when('03-02 12:00').getTime(), expectedCloseAt: when('03-25 00:00'), category }]],
    ]),
  });
  const stagesAt = (courses: PipelineCourses, at: string) =>
    courses.pipelineAt(when(at), NO_PLAN_INPUTS).map(({ dealId, stage }) => [dealId, stage]);

  it('when snapshots are taken at several moments, then each has the deals open then in their stage', () => {
    const courses = pipelineCourses(deals);
    expect(stagesAt(courses, '03-11 12:00')).toEqual([
      ['D1', 'proposal'],
      ['D2', 'needs-analysis'],
    ]);
    // D2 closed before it; D4 opened at this very moment, so not before it.
    expect(stagesAt(courses, '03-15 12:00')).toEqual([['D1', 'proposal']]);
    expect(stagesAt(courses, '03-19 00:00')).toEqual([
      ['D1', 'proposal'],
      ['D3', 'negotiation'],
      ['D4', 'needs-analysis'],
    ]);
    // Asked again, the first moment gives what it gave.
    expect(stagesAt(courses, '03-11 12:00')).toEqual([
      ['D1', 'proposal'],
      ['D2', 'needs-analysis'],
    ]);
  });

  it('when the same moment is read with other forecasts, then the snapshot has those forecasts', () => {
    const courses = pipelineCourses(deals);
    const category = (inputs: PlanInputs) =>
      courses.pipelineAt(when('03-11 12:00'), inputs).map((deal) => [deal.dealId, deal.forecastCategory]);
    expect(category(inputsWith('commit'))).toEqual([
      ['D1', 'commit'],
      ['D2', null],
    ]);
    expect(category(inputsWith('best-case'))).toEqual([
      ['D1', 'best-case'],
      ['D2', null],
    ]);
  });

  it('when deals are won before or after asOf, then only the earlier count as won', () => {
    const courses = pipelineCourses(deals);
    expect(courses.wonBefore(when('03-19 00:00'))).toEqual([]);
    expect(courses.wonBefore(when('03-21 00:00')).map((deal) => [deal.dealId, deal.closedAt])).toEqual([
      ['D1', when('03-20 12:00')],
    ]);
    // Asked again for the earlier moment, it gives what it gave.
    expect(courses.wonBefore(when('03-19 00:00'))).toEqual([]);
  });
});
