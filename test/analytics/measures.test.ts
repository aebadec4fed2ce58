/**
 * The order every drill-down lists its ids in: sortedIds sorts with the engine's default order,
 * which must be compareText's (the order the rest of the analytics code compares ids in),
 * whatever the ids hold.
 */
import { describe, expect, it } from 'vitest';
import { compareText, sortedIds } from '../../src/domain/analytics/measures';

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
