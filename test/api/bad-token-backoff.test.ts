import { describe, expect, it } from 'vitest';
import { BadTokenBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from '../../src/api/abuse/bad-token-backoff';

const MINUTE = 60_000;
const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, threshold: 10 };

/** Presents `count` invalid tokens from `key`, one a second from `start`; returns the last block's length. */
function fail(backoff: BadTokenBackoff, key: string, count: number, start: number): number {
  let blockMs = 0;
  for (let i = 0; i < count; i++) blockMs = backoff.recordFailure(key, start + i * 1000);
  return blockMs;
}

describe('backoff after invalid tokens', () => {
  it('when an address presents fewer invalid tokens than the threshold, then it is not blocked', () => {
    const backoff = new BadTokenBackoff(policy);
    expect(fail(backoff, 'a', 9, 0)).toBe(0);
    expect(backoff.retryAfterSeconds('a', 9_000)).toBe(0);
  });

  it('when it reaches the threshold, then it is blocked for a minute, counted down in whole seconds', () => {
    const backoff = new BadTokenBackoff(policy);
    expect(fail(backoff, 'a', 10, 0)).toBe(MINUTE);
    expect(backoff.retryAfterSeconds('a', 9_000)).toBe(60);
    expect(backoff.retryAfterSeconds('a', 9_000 + 59_500)).toBe(1);
    expect(backoff.retryAfterSeconds('a', 9_000 + MINUTE)).toBe(0);
    expect(backoff.retryAfterSeconds('b', 9_000)).toBe(0);
  });

  it('when invalid tokens come slower than the threshold per window (10 in 10 minutes), then they never add up to a block', () => {
    const backoff = new BadTokenBackoff(policy);
    for (let i = 0; i < 30; i++) expect(backoff.recordFailure('a', i * 70_000)).toBe(0);
  });

  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [6, 32],
    [7, 60],
    [9, 60],
  ])(
    'when an address is blocked for the %i. time, then the block lasts %i minutes (doubling, at most an hour)',
    (nth, minutes) => {
      const backoff = new BadTokenBackoff(policy);
      let now = 0;
      let blockMs = 0;
      for (let i = 0; i < nth; i++) {
        blockMs = fail(backoff, 'a', 10, now);
        now += 9_000 + blockMs; // the next round starts when this block ends
      }
      expect(blockMs).toBe(minutes * MINUTE);
    },
  );

  it('when an address stays quiet for a day after a block, then its next block is a minute again', () => {
    const backoff = new BadTokenBackoff(policy);
    fail(backoff, 'a', 10, 0);
    expect(fail(backoff, 'a', 10, 2 * MINUTE)).toBe(2 * MINUTE); // its last invalid token at 2:09
    expect(fail(backoff, 'a', 10, 2 * MINUTE + 9_000 + 24 * 60 * MINUTE + 1)).toBe(MINUTE);
  });

  it('when the threshold is 0, then nothing is ever blocked', () => {
    const backoff = new BadTokenBackoff({ ...policy, threshold: 0 });
    expect(fail(backoff, 'a', 100, 0)).toBe(0);
    expect(backoff.retryAfterSeconds('a', 100_000)).toBe(0);
  });

  it('when many addresses present a bad token, then memory stays bounded and stale addresses are dropped', () => {
    const backoff = new BadTokenBackoff({ ...policy, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) backoff.recordFailure(`addr-${i}`, i);
    expect(backoff.size).toBe(100);
    backoff.recordFailure('late', 11 * MINUTE); // a window later: the sweep drops the unblocked ones
    expect(backoff.size).toBe(1);
  });
});
