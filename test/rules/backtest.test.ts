/**
 * The backtest replay on hand-built history: which leads a lower MQL threshold turns into MQLs
 * (and in which week and source), which leads a routing change moves, which quotes change tier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { leadFacts } from '../../src/domain/lead-facts';
import type { Behaviour } from '../../src/rules/facts';
import { replayLeadScoring, replayQuote, type LeadHistory } from '../../src/rules/backtest/replay';
import { BacktestTally, weekOf } from '../../src/rules/backtest/tally';
import { renderBacktestHtml } from '../../src/rules/backtest/html';
import { formatBacktestText } from '../../src/rules/backtest/text';
import type { BacktestChange, BacktestKind } from '../../src/rules/backtest/tally';
import { writeBacktestHtml, writeBacktestJson } from '../../src/usecases/backtest-output';
import type { Ruleset } from '../../src/rules/ruleset';
import { edit, rulesetWith, shippedTexts } from './support/rulesets';

const DAY = 86_400_000;
const CAPTURED = Date.parse('2025-03-03T09:00:00Z'); // a Monday

/**
 * A lead scoring 70 at capture under the shipped scoring.yaml (1,200 employees +25, software +15,
 * VP +20, US +5, ads or content +5), then its behaviours, each re-scoring it as the journey does.
 */
function lead(id: string, source: 'ads' | 'content' | 'events', events: [Behaviour, number][]): LeadHistory {
  const profile = {
    email: `${id}@acme.example`,
    company: 'Acme',
    title: 'VP Marketing',
    country: 'US',
    source,
    sourceDetails: {},
    attributes: { employees: 1200, industry: 'software' },
  };
  const seen: { type: Behaviour; at: string }[] = [];
  const point = (atMs: number) => ({
    at: new Date(atMs),
    facts: leadFacts({ profile, stage: 'new', score: 0, behaviours: seen }),
  });
  const points = [point(CAPTURED)];
  for (const [type, day] of events) {
    const atMs = CAPTURED + day * DAY;
    seen.push({ type, at: new Date(atMs).toISOString() });
    points.push(point(atMs));
  }
  return { leadId: id, label: `${id}@acme.example`, source, points };
}

/** Five page visits (+1 each) on day `day`: 75. */
const visits = (day: number): [Behaviour, number][] => Array.from({ length: 5 }, () => ['page-visit', day]);

const HISTORY: LeadHistory[] = [
  lead('at-75', 'ads', visits(2)), // 75 on Wed 5 March
  lead('at-76', 'ads', [['email-click', 8], ['email-click', 9]]), // 76 on Wed 12 March
  lead('at-79', 'content', [['email-click', 8], ['email-click', 9], ['email-click', 10]]), // 79 on Thu 13 March
  lead('at-74', 'ads', [['email-click', 1], ['page-visit', 2]]), // 74: below both thresholds
  lead('at-80', 'ads', [['form-fill', 3]]), // 80: an MQL under both, the same day
  // 73 on 3 March, then a click 65 days later: the first has decayed to 1, so 74, not 76.
  lead('decayed', 'ads', [['email-click', 0], ['email-click', 65]]),
];

let active: Ruleset;
let lowered: Ruleset;

beforeAll(async () => {
  const texts = await shippedTexts();
  active = await rulesetWith();
  lowered = await rulesetWith({ 'scoring.yaml': edit(texts['scoring.yaml']!, 'threshold: 80', 'threshold: 75') });
});

function backtest(candidate: Ruleset, feed: (tally: BacktestTally) => void) {
  const tally = new BacktestTally(active, candidate, { since: null, until: null, kinds: ['scoring', 'routing', 'approvals'] });
  feed(tally);
  return tally.report();
}

describe('scoring backtest', () => {
  it('when the MQL threshold drops from 80 to 75, then exactly the leads planted between 75 and 80 become MQLs', () => {
    const report = backtest(lowered, (t) => HISTORY.forEach((h) => t.addLead(replayLeadScoring(active, lowered, h))));
    const scoring = report.scoring!;
    expect(scoring.mqls).toEqual({ before: 1, after: 4 });
    expect(scoring.changed.map((c) => c.leadId).sort()).toEqual(['at-75', 'at-76', 'at-79']);
    const at76 = scoring.changed.find((c) => c.leadId === 'at-76')!;
    expect(at76).toMatchObject({
      mqlAtBefore: null,
      mqlAtAfter: new Date(CAPTURED + 9 * DAY).toISOString(),
      scoreAfter: 76,
      flipped: 'MQL threshold 80 → 75 at score 76 on 2025-03-12',
      before: 'Score 76: is below the MQL threshold of 80.',
      after: 'Score 76: reaches the MQL threshold of 75.',
    });
  });

  it('when the threshold drops, then the new MQLs land in the week and source they happened in', () => {
    const report = backtest(lowered, (t) => HISTORY.forEach((h) => t.addLead(replayLeadScoring(active, lowered, h))));
    expect(report.scoring!.mqlsByWeek).toEqual([
      { week: '2025-03-03', before: 1, after: 2 },
      { week: '2025-03-10', before: 0, after: 2 },
    ]);
    expect(report.scoring!.mqlsBySource).toEqual([
      { source: 'ads', before: 1, after: 3 },
      { source: 'content', before: 0, after: 1 },
    ]);
  });

  it('when points have decayed, then the replay scores the decayed value (74, not 76)', () => {
    const replay = replayLeadScoring(active, lowered, HISTORY.find((h) => h.leadId === 'decayed')!);
    expect(replay.candidate).toEqual({ mqlAt: null, score: 74 });
    expect(replay.change).toBeUndefined();
  });

  it('when the candidate is the active version, then nothing changes', () => {
    const report = backtest(active, (t) => HISTORY.forEach((h) => t.addLead(replayLeadScoring(active, active, h))));
    expect(report.scoring).toMatchObject({ changedDecisions: 0, changed: [], mqls: { before: 1, after: 1 } });
  });

  it('when a job takes the changes as they come, then the report counts them all and lists only those left', () => {
    const taken: string[] = [];
    const report = backtest(lowered, (t) =>
      HISTORY.forEach((h) => {
        t.addLead(replayLeadScoring(active, lowered, h));
        taken.push(...t.takeChanges().scoring.map((c) => c.leadId));
      }),
    );
    expect(taken.sort()).toEqual(['at-75', 'at-76', 'at-79']);
    expect(report.scoring).toMatchObject({ changedTotal: 3, changed: [] });
  });

  it('weeks start on Monday', () => {
    expect(weekOf(new Date('2025-03-09T23:59:00Z'))).toBe('2025-03-03');
    expect(weekOf(new Date('2025-03-10T00:00:00Z'))).toBe('2025-03-10');
  });
});

describe('routing backtest', () => {
  const enterpriseNa = (n: number) => ({
    decisionId: `d${n}`,
    leadId: `na-${n}`,
    label: `na-${n}@acme.example`,
    at: new Date(CAPTURED + n * DAY),
    facts: { company: { employees: 5000, region: 'north-america' as const }, source: { channel: 'ads' as const } },
  });

  it("when carmen's weight in enterprise-na goes from 1 to 2, then the pool's turns move the expected leads to her", async () => {
    const texts = await shippedTexts();
    const weighted = await rulesetWith({
      'routing.yaml': edit(texts['routing.yaml']!, '- { rep: carmen, weight: 1 }', '- { rep: carmen, weight: 2 }'),
    });
    const report = backtest(weighted, (t) => [1, 2, 3, 4, 5, 6, 7, 8].forEach((n) => t.addRouting(enterpriseNa(n))));
    const routing = report.routing!;
    // Smooth weighted round-robin: 2:1:1 gives alice, alice, bruno, carmen, …; 2:1:2 gives alice, carmen, alice, bruno, …
    expect(routing.byRep).toEqual([
      { rep: 'alice.chen@example.com', before: 4, after: 4 },
      { rep: 'bruno.silva@example.com', before: 2, after: 1 },
      { rep: 'carmen.ortiz@example.com', before: 2, after: 3 },
    ]);
    expect(routing.byPool).toEqual([{ target: 'pool enterprise-na', before: 8, after: 8 }]);
    expect(routing.changed.map((c) => c.leadId)).toEqual(['na-2', 'na-3', 'na-4', 'na-5', 'na-7', 'na-8']);
    expect(routing.changed[0]).toMatchObject({
      before: 'pool enterprise-na → alice.chen@example.com',
      after: 'pool enterprise-na → carmen.ortiz@example.com',
    });
  });

  it('when the mid-market band starts at 500 employees, then a 300-employee lead moves to smb-inbound, with the condition that flipped', async () => {
    const texts = await shippedTexts();
    const banded = await rulesetWith({
      'routing.yaml': edit(
        texts['routing.yaml']!,
        'when: { fact: company.employees, op: ">=", value: 200 }\n    assign: { pool: mid-market }',
        'when: { fact: company.employees, op: ">=", value: 500 }\n    assign: { pool: mid-market }',
      ),
    });
    const report = backtest(banded, (t) =>
      t.addRouting({ ...enterpriseNa(1), leadId: 'mid', facts: { company: { employees: 300, region: 'emea' } } }),
    );
    const [change] = report.routing!.changed;
    expect(change).toMatchObject({ leadId: 'mid', flipped: 'rule "mid-market" → "everyone-else"' });
    expect(change!.before).toMatch(/^pool mid-market → /);
    expect(change!.after).toMatch(/^pool smb-inbound → /);
    expect(change!.diff).toContain('+   ✗ company.employees is at least 500 (seen: 300)');
  });
});

describe('approvals backtest', () => {
  it("when the rep's authority rises to 12%, then an 11% quote leaves the manager tier and a 15% one stays", async () => {
    const texts = await shippedTexts();
    let approvals = edit(texts['approvals.yaml']!, 'discount: { upTo: 10 }', 'discount: { upTo: 12 }');
    approvals = edit(approvals, '    discount: { over: 10, upTo: 20 }', '    discount: { over: 12, upTo: 20 }');
    const widened = await rulesetWith({ 'approvals.yaml': approvals });
    const quote = (label: string, discountPct: number) => ({
      quoteVersionId: label,
      label,
      at: new Date(CAPTURED),
      discountPct,
      dealSize: 40_000,
    });
    const report = backtest(widened, (t) =>
      [quote('Q-1 v1', 11), quote('Q-2 v1', 15)].forEach((q) => t.addQuote(replayQuote(active, widened, q))),
    );
    expect(report.approvals).toMatchObject({ quotes: 2, changedQuotes: 1 });
    expect(report.approvals!.changed).toEqual([
      expect.objectContaining({
        label: 'Q-1 v1',
        tierBefore: 'manager-authority',
        tierAfter: 'rep-authority',
        flipped: 'tier manager-authority → rep-authority at 11% on 40,000',
      }),
    ]);
    expect(report.approvals!.byTier).toEqual([
      { tier: 'manager-authority', before: 2, after: 1 },
      { tier: 'rep-authority', before: 0, after: 1 },
    ]);
  });
});

describe('report output', () => {
  it('when a label holds markup, then the HTML report shows it as text, with nothing loaded from elsewhere', () => {
    const report = backtest(lowered, (t) =>
      t.addLead(replayLeadScoring(active, lowered, { ...HISTORY[0]!, label: '<script>alert(1)</script>' })),
    );
    const html = renderBacktestHtml(report);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/(src|href)=/);
  });

  it('when the list of changes is streamed a batch at a time, then the JSON and HTML are exactly those of the whole report', async () => {
    const report = backtest(lowered, (t) => {
      for (const history of HISTORY) t.addLead(replayLeadScoring(active, lowered, history));
    });
    expect(report.scoring!.changed.length).toBeGreaterThan(1);
    const inPairs = (kind: BacktestKind) =>
      (async function* () {
        const all = (report[kind]?.changed ?? []).map((c) => ({ kind, ...c }) as BacktestChange);
        for (let i = 0; i < all.length; i += 2) yield await Promise.resolve(all.slice(i, i + 2));
      })();
    let json = '';
    let html = '';
    await writeBacktestJson(report, inPairs, (chunk) => Promise.resolve(void (json += chunk)));
    await writeBacktestHtml(report, inPairs, (chunk) => Promise.resolve(void (html += chunk)));
    expect(json).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(html).toBe(renderBacktestHtml(report));
  });

  it('the table names the MQL change and the lead that flipped', () => {
    const report = backtest(lowered, (t) => t.addLead(replayLeadScoring(active, lowered, HISTORY[0]!)));
    const text = formatBacktestText(report).join('\n');
    expect(text).toContain('MQLs: 0 → 1 (+1); 1 leads change');
    expect(text).toContain('at-75@acme.example (ads): no MQL → MQL 2025-03-05 09:00: MQL threshold 80 → 75 at score 75 on 2025-03-05');
  });
});
