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
});
