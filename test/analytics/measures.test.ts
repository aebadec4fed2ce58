/**
 * The order every drill-down lists its ids in: sortedIds sorts with the engine's default order,
 * which must be compareText's (the order the rest of the analytics code compares ids in),
 * whatever the ids hold.
 */
import { describe, expect, it } from 'vitest';
import { compareText, distribution, ratio, sortedIds, tally } from '../../src/domain/analytics/measures';

describe('sortedIds', () => {
  it('when ids mix cases, digits, punctuation and accents, then they come once each, in compareText order', () => {
    const ids = ['ld_b', 'ld_B', 'ld_a', 'ld_10', 'ld_9', 'ld_é', 'ld_e', 'ld_-', 'ld_b', 'ld_Z', '客户_1', 'ld_a'];
    expect(sortedIds(ids)).toEqual(['ld_-', 'ld_10', 'ld_9', 'ld_B', 'ld_Z', 'ld_a', 'ld_b', 'ld_e', 'ld_é', '客户_1']);
    expect(sortedIds(ids)).toEqual([...new Set(ids)].sort(compareText));
    // The caller's list is left in its order.
    expect(ids.slice(0, 3)).toEqual(['ld_b', 'ld_B', 'ld_a']);
  });

  it('when ids hold characters beyond the Basic Multilingual Plane, then they sort as compareText does (by UTF-16 units)', () => {
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF5E (a full-width tilde) in
    // UTF-16 units although its code point is larger: both orders must agree on it.
    const ids = ['x\u{1F600}', 'x\uFF5E', 'x~', 'x'];
    expect(sortedIds(ids)).toEqual([...new Set(ids)].sort(compareText));
    expect(sortedIds(ids)).toEqual(['x', 'x~', 'x\u{1F600}', 'x\uFF5E']);
  });

  it('when ids come already in order, with or without repeats, then the caller gets its own sorted copy', () => {
    const ascending = ['ld_1', 'ld_2', 'ld_3'];
    const sorted = sortedIds(ascending);
    expect(sorted).toEqual(ascending);
    sorted.push('ld_4');
    expect(ascending).toEqual(['ld_1', 'ld_2', 'ld_3']);
    expect(sortedIds(['ld_1', 'ld_2', 'ld_2', 'ld_3'])).toEqual(['ld_1', 'ld_2', 'ld_3']);
    expect(sortedIds(new Set(['ld_1', 'ld_3', 'ld_2']))).toEqual(['ld_1', 'ld_2', 'ld_3']);
    expect(sortedIds(new Set(['ld_1', 'ld_2']).values())).toEqual(['ld_1', 'ld_2']);
  });
});

describe('the first ids of a figure (sortedIds and tally with a cap)', () => {
  // Ids in no order with repeats, and the same ids already sorted and unique.
  const shuffled = ['ld_7', 'ld_3', 'ld_9', 'ld_3', 'ld_1', 'ld_8', 'ld_2', 'ld_1', 'ld_6', 'ld_5', 'ld_4'];
  const unique = [...new Set(shuffled)].sort(compareText);

  it('when ids in no order are capped, then the first ones come, once each, as a sort of them all would give', () => {
    for (const cap of [0, 1, 2, 3, 5, 9, 12])
      expect(sortedIds(shuffled, cap), `cap ${cap}`).toEqual(unique.slice(0, cap));
    expect(sortedIds(unique, 4)).toEqual(['ld_1', 'ld_2', 'ld_3', 'ld_4']);
  });

  it('when the cap is large and the ids come in descending order, then the first ones still come once each', () => {
    const descending = Array.from({ length: 600 }, (_, i) => `ld_${String(599 - (i % 500)).padStart(3, '0')}`);
    const all = [...new Set(descending)].sort(compareText);
    for (const cap of [1, 101, 256, 257, 400, 500, 700])
      expect(sortedIds(descending, cap), `cap ${cap}`).toEqual(all.slice(0, cap));
    expect(tally(descending, 300)).toEqual({ count: 500, ids: all.slice(0, 300) });
  });

  it('when a tally is capped, then it still counts every unique id and lists the first ones', () => {
    expect(tally(shuffled, 3)).toEqual({ count: 9, ids: ['ld_1', 'ld_2', 'ld_3'] });
    expect(tally(unique, 3)).toEqual({ count: 9, ids: ['ld_1', 'ld_2', 'ld_3'] });
    expect(tally(['ld_2', 'ld_1', 'ld_2'], 3)).toEqual({ count: 2, ids: ['ld_1', 'ld_2'] });
    expect(tally(new Set(shuffled), 2)).toEqual({ count: 9, ids: ['ld_1', 'ld_2'] });
  });

  it('when a distribution or a ratio is capped, then its counts are of all samples and its ids the first ones', () => {
    const samples = shuffled.map((id, i) => ({ id, value: i }));
    const capped = distribution(samples, 2);
    expect(capped).toEqual({ ...distribution(samples), ids: ['ld_1', 'ld_2'] });
    expect(capped.n).toBe(11);
    const r = ratio(['ld_3', 'ld_1'], shuffled, 1);
    expect([r.numerator, r.denominator, r.value]).toEqual([
      { count: 2, ids: ['ld_1'] },
      { count: 9, ids: ['ld_1'] },
      2 / 9,
    ]);
  });
});
