import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyStore, type IdempotencyStore } from '../../src/db/idempotency-store';
import { LeadflowError } from '../../src/domain/errors';
import {
  requestFingerprint,
  runIdempotently,
  type IdempotencyTiming,
  type WorkAnswer,
} from '../../src/usecases/idempotency';
import { providers, createTestDatabase, type TestDatabase } from '../support/database';

/**
 * The idempotency rules on a real database, without HTTP: what a repeat gets while the first
 * request is still working, after it crashed, after a 202 and after the key expired.
 */
describe.each(providers)('runIdempotently on %s', (provider) => {
  let database: TestDatabase;
  let store: IdempotencyStore;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    store = createIdempotencyStore(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const timing: IdempotencyTiming = { ttlMs: 60_000, leaseMs: 30_000, waitMs: 300, pollMs: 20 };
  const request = (key: string, body: unknown = { email: 'a@b.io' }) => ({
    scope: { tenant: 't1', caller: 'api' },
    key,
    fingerprint: requestFingerprint('POST', '/api/leads', body),
  });
  const created = (workId: string): WorkAnswer => ({ status: 201, body: { workId }, final: true });

  it('when a repeat arrives while the first request is still working, then it gets 409 idempotency_key_in_use and the work runs once', async () => {
    let release: () => void = () => undefined;
    const runs: string[] = [];
    const first = runIdempotently({ store, timing }, request('in-flight-1'), async (workId) => {
      runs.push(workId);
      await new Promise<void>((resolve) => (release = resolve));
      return created(workId);
    });
    await expect.poll(() => runs.length).toBe(1);
    const repeat = await runIdempotently({ store, timing }, request('in-flight-1'), (workId) => {
      runs.push(workId);
      return Promise.resolve(created(workId));
    }).catch((error: unknown) => error);
    expect(repeat).toBeInstanceOf(LeadflowError);
    expect(repeat).toMatchObject({ code: 'idempotency_key_in_use' });
    release();
    expect(await first).toMatchObject({ status: 201, replayed: false });
    expect(runs).toHaveLength(1);
  });

  it('when a repeat arrives just before the first request finishes, then it waits and gets the replayed answer', async () => {
    let release: () => void = () => undefined;
    const first = runIdempotently({ store, timing }, request('in-flight-2'), async (workId) => {
      await new Promise<void>((resolve) => (release = resolve));
      return created(workId);
    });
    await expect
      .poll(async () => (await database.db.idempotencyRecord.count({ where: { key: 'in-flight-2' } })) === 1)
      .toBe(true);
    const repeat = runIdempotently({ store, timing: { ...timing, waitMs: 10_000 } }, request('in-flight-2'), () =>
      Promise.reject(new Error('ran twice')),
    );
    setTimeout(release, 50);
    const [original, replay] = await Promise.all([first, repeat]);
    expect(replay).toEqual({ ...original, replayed: true });
  });

  it('when the first request died holding the key, then a repeat waits for its lock to run out and resumes the same work', async () => {
    // What a process that died mid-request leaves behind: the record, locked for its lease.
    const { scope, key, fingerprint } = request('crash-1');
    await store.claim({
      id: 'work-of-a-dead-process',
      scope,
      key,
      fingerprint,
      lockedUntil: new Date(Date.now() + 100),
      expiresAt: new Date(Date.now() + 60_000),
    });
    const resumed = await runIdempotently(
      { store, timing: { ...timing, waitMs: 10_000 } },
      request('crash-1'),
      (workId) => Promise.resolve(created(workId)),
    );
    expect(resumed).toEqual({ status: 201, body: { workId: 'work-of-a-dead-process' }, replayed: false });
  });

  it('when the work answered 202 (not final), then a retry resumes the same work and its final answer is stored', async () => {
    const workIds: string[] = [];
    const accepted = await runIdempotently({ store, timing }, request('accepted-1'), (workId) => {
      workIds.push(workId);
      return Promise.resolve({ status: 202, body: { workId }, final: false });
    });
    const settled = await runIdempotently({ store, timing }, request('accepted-1'), (workId) => {
      workIds.push(workId);
      return Promise.resolve(created(workId));
    });
    const replay = await runIdempotently({ store, timing }, request('accepted-1'), () =>
      Promise.reject(new Error('ran again')),
    );
    expect([accepted.status, settled.status, replay.status]).toEqual([202, 201, 201]);
    expect(replay.replayed).toBe(true);
    expect(new Set(workIds).size).toBe(1);
  });

  it('when the key has expired, then it is bound afresh: a different request runs as new work', async () => {
    const brief = { ...timing, ttlMs: 50 };
    const first = await runIdempotently({ store, timing: brief }, request('expiring-1'), (workId) =>
      Promise.resolve(created(workId)),
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    const later = await runIdempotently(
      { store, timing: brief },
      request('expiring-1', { email: 'someone-else@b.io' }),
      (workId) => Promise.resolve(created(workId)),
    );
    expect(later.replayed).toBe(false);
    expect(later.body).not.toEqual(first.body);
  });

  it('when a request with the key differs from the first, then it is refused before its work starts', async () => {
    await runIdempotently({ store, timing }, request('bound-1'), (workId) => Promise.resolve(created(workId)));
    let started = false;
    const refused = await runIdempotently({ store, timing }, request('bound-1', { email: 'other@b.io' }), (workId) => {
      started = true;
      return Promise.resolve(created(workId));
    }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'idempotency_key_reused' });
    expect(started).toBe(false);
  });
});

describe('requestFingerprint', () => {
  it.each([
    ['keys in another order', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, true],
    ['an absent field and an undefined one', { a: 1 }, { a: 1, b: undefined }, true],
    ['a different value', { a: 1 }, { a: 2 }, false],
    ['a different array order', { a: [1, 2] }, { a: [2, 1] }, false],
  ])('when two bodies have %s, then their fingerprints are equal: %s', (_case, left, right, equal) => {
    expect(requestFingerprint('POST', '/api/leads', left) === requestFingerprint('POST', '/api/leads', right)).toBe(
      equal,
    );
  });

  it('when the same body goes to another route, then the fingerprint differs', () => {
    expect(requestFingerprint('POST', '/api/leads', { a: 1 })).not.toBe(
      requestFingerprint('POST', '/api/webhooks/forms', { a: 1 }),
    );
  });
});
