/**
 * Reading the audit trail over HTTP: newest first, keyset pages that neither repeat nor skip
 * (also when entries share a timestamp or arrive while paging), filters, and the tenant boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, type AuditEntry } from '../../src/db/audit-trail';
import { providers } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

const READER = 'rita.reader@example.com';

describe.each(providers)('audit trail API on %s', (provider) => {
  let system: TestSystem;
  let reader: string;
  const audit = (query: string, token = reader) => http(`${system.url}/api/audit${query}`, { headers: bearer(token) });

  /** Twelve entries on two deals, three of them in the same millisecond, plus one of another tenant. */
  beforeAll(async () => {
    system = await startTestSystem(provider);
    reader = await system.personToken(READER, 'revops');
    const tenant = system.config.tenant;
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 9, minute));
    const entries: AuditEntry[] = Array.from({ length: 12 }, (_, i) => ({
      tenant,
      subjectType: i % 3 === 0 ? 'approval' : 'quote',
      subjectId: `subject-${i % 4}`,
      dealId: i % 2 === 0 ? 'deal-even' : 'deal-odd',
      action: i % 3 === 0 ? 'approval.requested' : 'quote.version-created',
      actor: i % 2 === 0 ? 'maya@example.com' : 'system',
      reason: i === 5 ? 'discount over 20%' : null,
      details: { n: i },
      occurredAt: at(i < 3 ? 0 : i),
      idempotencyKey: `seed:${i}`,
    }));
    for (const entry of entries) await recordAudit(system.database.db, entry);
    await recordAudit(system.database.db, {
      ...entries[0]!,
      tenant: 'someone-else',
      idempotencyKey: 'seed:other-tenant',
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** The seeded entries' numbers, in the order shown. */
  const seeded = (body: { entries: { details: { n?: number } }[] }) =>
    body.entries.map((e) => e.details.n).filter((n) => n !== undefined);

  it('when the trail is paged two at a time, then every entry shows once, newest first, and the last page has no cursor', async () => {
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await audit(`?dealId=deal-even&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      seen.push(...seeded(page.body));
      cursor = page.body.nextCursor;
      pages += 1;
    }
    // 2 and 0 share a timestamp; the id breaks the tie.
    expect(seen).toEqual([10, 8, 6, 4, 2, 0]);
    expect(pages).toBe(3);
  });

  it('when entries share a timestamp and page boundaries fall between them, then none repeats or goes missing', async () => {
    const seen: number[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page = await audit(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...seeded(page.body));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('when an entry arrives while someone pages, then the next page continues where they were', async () => {
    const first = await audit('?dealId=deal-odd&limit=3');
    expect(seeded(first.body)).toEqual([11, 9, 7]);
    await recordAudit(system.database.db, {
      tenant: system.config.tenant,
      subjectType: 'deal',
      subjectId: 'deal-odd',
      dealId: 'deal-odd',
      action: 'deal.stage-changed',
      actor: 'system',
      details: { late: true },
      occurredAt: new Date(),
    });
    const next = await audit(`?dealId=deal-odd&limit=3&cursor=${first.body.nextCursor}`);
    expect(seeded(next.body)).toEqual([5, 3, 1]);
    expect((await audit('?dealId=deal-odd&limit=1')).body.entries[0]).toMatchObject({
      action: 'deal.stage-changed',
      details: { late: true },
    });
  });

  it.each([
    { filter: 'subjectType=approval', expected: [9, 6, 3, 0] },
    { filter: 'subjectType=quote&subjectId=subject-1', expected: [5, 1] },
    { filter: 'action=approval.requested&dealId=deal-even', expected: [6, 0] },
    { filter: 'actor=Maya@Example.com&subjectType=quote', expected: [10, 8, 4, 2] },
    { filter: 'dealId=no-such-deal', expected: [] },
  ])('when filtered by $filter, then only the matching entries show', async ({ filter, expected }) => {
    const page = await audit(`?${filter}`);
    expect(page.status).toBe(200);
    expect(seeded(page.body)).toEqual(expected);
    expect(page.body.nextCursor).toBeNull();
  });

  it('when an entry is shown, then it says who did what, when and why', async () => {
    const page = await audit('?subjectType=quote&subjectId=subject-1&limit=1');
    expect(page.body.entries[0]).toEqual({
      id: 'seed:5',
      occurredAt: '2026-03-02T09:05:00.000Z',
      subjectType: 'quote',
      subjectId: 'subject-1',
      dealId: 'deal-odd',
      action: 'quote.version-created',
      actor: 'system',
      reason: 'discount over 20%',
      details: { n: 5 },
    });
  });

  it('when another tenant has entries, then a person never sees them', async () => {
    const outsider = await createPersonToken(system.database.db, 'someone-else', 'olga@example.com', 'revops');
    const theirs = await audit('?subjectType=approval', outsider);
    expect(theirs.body.entries.map((e: { id: string }) => e.id)).toEqual(['seed:other-tenant']);
    expect((await audit('')).body.entries.map((e: { id: string }) => e.id)).not.toContain('seed:other-tenant');
  });

  it.each([
    { when: 'no token', query: '', token: null, status: 401, path: null },
    {
      when: 'an unknown subject type',
      query: '?subjectType=planet',
      token: 'reader',
      status: 400,
      path: 'query.subjectType',
    },
    { when: 'a limit over 200', query: '?limit=500', token: 'reader', status: 400, path: 'query.limit' },
    { when: 'a limit that is no number', query: '?limit=ten', token: 'reader', status: 400, path: 'query.limit' },
    {
      when: 'a cursor that was not issued',
      query: '?cursor=bm90LWEtY3Vyc29y',
      token: 'reader',
      status: 400,
      path: 'query.cursor',
    },
    { when: 'an unknown filter', query: '?subject=deal', token: 'reader', status: 400, path: 'query' },
  ])('when the trail is read with $when, then $status', async ({ query, token, status, path }) => {
    const response = token ? await audit(query) : await http(`${system.url}/api/audit${query}`, { anonymous: true });
    expect(response.status).toBe(status);
    if (path) expect(response.body.error.fields).toEqual([expect.objectContaining({ path })]);
  });
});
