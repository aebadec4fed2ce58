import { describe, expect, it } from 'vitest';
import { evaluateScoring } from '../../src/rules/evaluate-scoring';
import { scoreItems } from '../../src/rules/score-items';
import type { Ruleset } from '../../src/rules/ruleset';
import { rulesetWith } from './support/rulesets';

const NOW = new Date('2026-03-10T15:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 3600 * 1000);

/** Items of the shipped rules' score for a content lead with these pricing-page visits. */
function itemsFor(ruleset: Ruleset, visits: Date[], rules: 'same' | 'none' = 'same') {
  const behaviours = visits.map((at) => ({ type: 'pricing-page-visit' as const, at: at.toISOString() }));
  const { outcome } = evaluateScoring(ruleset, { source: { channel: 'content' }, behaviours }, NOW);
  const events = visits.map((at) => ({ type: 'pricing-page-visit', at }));
  return {
    score: outcome.score,
    items: scoreItems(outcome.breakdown, rules === 'same' ? ruleset.scoring : null, events, NOW),
  };
}

describe('score items', () => {
  it('when three pricing visits pass the cap of 30, then the newest two fill it and the oldest shows as capped at 0', async () => {
    const ruleset = await rulesetWith();
    const { score, items } = itemsFor(ruleset, [daysAgo(3), daysAgo(1), daysAgo(2)]);
    expect(score).toBe(35);
    expect(items.map(({ signal, points, capped, at }) => ({ signal, points, capped, at }))).toEqual([
      { signal: 'source:content', points: 5, capped: false, at: null },
      { signal: 'pricing-page-visit', points: 15, capped: false, at: daysAgo(1).toISOString() },
      { signal: 'pricing-page-visit', points: 15, capped: false, at: daysAgo(2).toISOString() },
      { signal: 'pricing-page-visit', points: 0, capped: true, at: daysAgo(3).toISOString() },
    ]);
  });

  it('when visits decay (half after 30 days, nothing after 180), then each shows the points left and what it was worth', async () => {
    const ruleset = await rulesetWith();
    const { score, items } = itemsFor(ruleset, [daysAgo(45), daysAgo(200)]);
    expect(score).toBe(5 + 8);
    expect(items.slice(1).map(({ points, decayedFrom }) => ({ points, decayedFrom }))).toEqual([
      { points: 8, decayedFrom: 15 },
      { points: 0, decayedFrom: 15 },
    ]);
  });

  it('when the rules that scored it are not available, then a behaviour line stays one item without a time, and the items still add up', async () => {
    const ruleset = await rulesetWith();
    const { score, items } = itemsFor(ruleset, [daysAgo(1), daysAgo(2)], 'none');
    expect(items.at(-1)).toMatchObject({ signal: 'pricing-page-visit', label: 'Pricing page visit', points: 30, at: null });
    expect(items.reduce((sum, item) => sum + item.points, 0)).toBe(score);
  });

  it('when items are listed, then each says why as values: the source channel, and the visits × points less decay up to the cap', async () => {
    const ruleset = await rulesetWith();
    const { items } = itemsFor(ruleset, [daysAgo(45), daysAgo(1), daysAgo(2)]);
    expect(items[0]!.why).toEqual({ kind: 'source', channel: 'content' });
    expect(items[1]!.why).toEqual({ kind: 'behaviour', count: 3, each: 15, lost: 7, cap: 30 });
    expect(new Set(items.slice(1).map((item) => JSON.stringify(item.why))).size).toBe(1);
  });

  it('when the rules that scored it are not available, then an item has no why and its detail says it', async () => {
    const ruleset = await rulesetWith();
    const { items } = itemsFor(ruleset, [daysAgo(1)], 'none');
    expect(items.at(-1)).toMatchObject({ why: null, detail: expect.stringContaining('1 × 15') });
  });

  it('when a one-condition tier scored an attribute, then its why is that condition as the rules show it', async () => {
    const ruleset = await rulesetWith();
    const facts = { source: { channel: 'events' }, company: { employees: 1200 }, behaviours: [] };
    const { outcome } = evaluateScoring(ruleset, facts, NOW);
    const [size] = scoreItems(outcome.breakdown, ruleset.scoring, [], NOW);
    expect(size).toMatchObject({
      signal: 'company-size',
      why: { kind: 'condition', fact: 'company.employees', op: '>=', value: '1,000' },
    });
  });
});
