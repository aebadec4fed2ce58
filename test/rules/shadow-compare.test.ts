/**
 * The pure side of shadow mode: a live decision and the shadow's decision on the same facts,
 * compared into "differs or not", a tally key per side, and the flipped condition with the
 * explanation lines only one side gives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { leadFacts } from '../../src/domain/lead-facts';
import { requiredApprovals } from '../../src/rules/evaluate-approvals';
import { evaluateRouting } from '../../src/rules/evaluate-routing';
import { evaluateScoring } from '../../src/rules/evaluate-scoring';
import type { Ruleset } from '../../src/rules/ruleset';
import { compareShadow } from '../../src/rules/shadow-compare';
import { edit, rulesetWith, shippedTexts } from './support/rulesets';

const AT = new Date('2025-03-05T09:00:00Z');

/** A VP at a 1,200-person software company in the US, from an ad (70 at capture), with `clicks` email clicks (+3 each). */
function leadWith(clicks: number) {
  return leadFacts({
    profile: {
      email: 'ann@acme.example',
      company: 'Acme',
      title: 'VP Marketing',
      country: 'US',
      source: 'ads',
      sourceDetails: {},
      attributes: { employees: 1200, industry: 'software' },
    },
    stage: 'new',
    score: 0,
    behaviours: Array.from({ length: clicks }, () => ({ type: 'email-click' as const, at: AT.toISOString() })),
  });
}

let live: Ruleset;
let texts: Record<string, string>;

beforeAll(async () => {
  live = await rulesetWith();
  texts = await shippedTexts();
});

describe('scoring', () => {
  it('when the shadow lowers the MQL threshold to 75, then a lead at 76 differs: not an MQL live, an MQL in the shadow, with the threshold as the flipped condition', async () => {
    const shadow = await rulesetWith({ 'scoring.yaml': edit(texts['scoring.yaml']!, 'threshold: 80', 'threshold: 75') });
    const facts = leadWith(2);
    const result = compareShadow({
      kind: 'scoring',
      live: evaluateScoring(live, facts, AT),
      shadow: evaluateScoring(shadow, facts, AT),
      at: AT,
    });
    expect(result).toMatchObject({ differs: true, liveKey: 'not-mql', shadowKey: 'mql' });
    expect(result.change!.flipped).toBe('MQL threshold 80 → 75 at score 76 on 2025-03-05');
    expect(result.change!.liveSummary).toMatch(/below the MQL threshold of 80/);
    // The threshold changes no reason line, so the summaries are the difference.
    expect(result.change!.diff).toEqual([`- ${result.change!.liveSummary}`, `+ ${result.change!.shadowSummary}`]);
    expect(result.change!.shadowSummary).not.toBe(result.change!.liveSummary);
  });

  it('when both versions decide the same score and MQL, then nothing differs and no change is kept', async () => {
    const shadow = await rulesetWith({ 'scoring.yaml': edit(texts['scoring.yaml']!, 'threshold: 80', 'threshold: 75') });
    const facts = leadWith(1); // 73: below both thresholds
    const result = compareShadow({
      kind: 'scoring',
      live: evaluateScoring(live, facts, AT),
      shadow: evaluateScoring(shadow, facts, AT),
      at: AT,
    });
    expect(result).toEqual({ differs: false, liveKey: 'not-mql', shadowKey: 'not-mql' });
  });
});

describe('routing', () => {
  it('when the mid-market band starts at 500 employees, then a 300-employee lead differs from pool mid-market to smb-inbound, naming both rules', async () => {
    const shadow = await rulesetWith({
      'routing.yaml': edit(
        texts['routing.yaml']!,
        'when: { fact: company.employees, op: ">=", value: 200 }\n    assign: { pool: mid-market }',
        'when: { fact: company.employees, op: ">=", value: 500 }\n    assign: { pool: mid-market }',
      ),
    });
    const facts = { company: { employees: 300, region: 'emea' as const } };
    const result = compareShadow({
      kind: 'routing',
      live: evaluateRouting(live, facts),
      shadow: evaluateRouting(shadow, facts),
    });
    expect(result).toMatchObject({ differs: true, liveKey: 'pool mid-market', shadowKey: 'pool smb-inbound' });
    expect(result.change!.flipped).toBe('rule "mid-market" → "everyone-else": pool mid-market → pool smb-inbound');
    expect(result.change!.diff).toContain('+   ✗ company.employees is at least 500 (seen: 300)');
  });
});

describe('approvals', () => {
  it("when the rep's authority rises to 12%, then an 11% quote differs from the manager tier to the rep's and a 15% one does not", async () => {
    let approvals = edit(texts['approvals.yaml']!, 'discount: { upTo: 10 }', 'discount: { upTo: 12 }');
    approvals = edit(approvals, '    discount: { over: 10, upTo: 20 }', '    discount: { over: 12, upTo: 20 }');
    const shadow = await rulesetWith({ 'approvals.yaml': approvals });
    const pair = (discountPct: number) => {
      const quote = { discountPct, dealSize: 40_000 };
      return compareShadow({
        kind: 'approval',
        live: requiredApprovals(live, quote),
        shadow: requiredApprovals(shadow, quote),
        ...quote,
      });
    };
    expect(pair(11)).toMatchObject({
      differs: true,
      liveKey: 'manager-authority',
      shadowKey: 'rep-authority',
      change: { flipped: 'tier manager-authority → rep-authority at 11% on 40,000' },
    });
    expect(pair(15)).toEqual({ differs: false, liveKey: 'manager-authority', shadowKey: 'manager-authority' });
  });
});
