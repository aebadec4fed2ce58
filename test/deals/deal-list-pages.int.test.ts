import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

/**
 * GET /api/deals in keyset pages, open or closed: the pipeline board loads every open deal page by
 * page. Deals are written straight to the database (the list reads the table, not the workflows),
 * with creation times a second apart so the order is known.
 */
describe('deal list pages', () => {
  let system: TestSystem;
  const ids: string[] = [];

  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    const { db } = system.database;
    const tenant = system.config.tenant;
    const base = Date.parse('2026-01-05T09:00:00Z');
    for (let i = 0; i < 7; i++) {
      const id = `pg${String(i).padStart(20, '0')}`;
      const closed = i >= 5;
      await db.account.create({ data: { id: `acc_${id}`, tenant, name: `Account ${i}` } });
      await db.lead.create({
        data: {
          id: `ld_${id}`,
          tenant,
          email: `p${i}@pages.io`,
          source: 'events',
          sourceDetails: {},
          attributes: {},
          journeyId: `j-${id}`,
        },
      });
      await db.deal.create({
        data: {
          id: `dl_${id}`,
          tenant,
          leadId: `ld_${id}`,
          accountId: `acc_${id}`,
          name: `Deal ${i}`,
          ownerEmail: 'pages@example.com',
          stage: closed ? (i === 5 ? 'closed-won' : 'closed-lost') : 'proposal',
          closedAt: closed ? new Date(i === 5 ? '2026-01-20T00:00:00Z' : '2025-12-01T00:00:00Z') : null,
          workflowId: `w-${id}`,
          needs: {},
          createdAt: new Date(base + i * 1000),
        },
      });
      ids.push(`dl_${id}`);
    }
  }, 180_000);
  afterAll(async () => {
    await system?.stop();
  });

  const list = async (query: string) => (await http(`${system.url}/api/deals?${query}`)).body;

  it('when the open deals are read two at a time, then every one comes once, newest first, and the last page says so', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.deals.map((d: { id: string }) => d.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(pages).toBe(3);
  });

  it('when closed deals are asked for since a day, then only those closed since then come, with their closing time', async () => {
    const page = await list('status=closed&closedSince=2026-01-01');
    expect(page.deals.map((d: { id: string; closedAt: string }) => [d.id, d.closedAt])).toEqual([
      [ids[5], '2026-01-20T00:00:00.000Z'],
    ]);
    expect((await list('status=closed')).deals).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('when the list is asked badly, then each bad field is named (400), and a rep sees none of these deals', async () => {
    const bad = await http(`${system.url}/api/deals?status=won&limit=5000&cursor=nope&closedSince=2026-13-01`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'closedSince',
      'cursor',
      'limit',
      'status',
    ]);
    const notADay = await http(`${system.url}/api/deals?closedSince=2026-02-31`);
    expect(notADay.status).toBe(400);
    expect(notADay.body.error.fields).toEqual([expect.objectContaining({ path: 'closedSince' })]);
    const rep = await system.personToken('someone@example.com', 'rep');
    const theirs = await http(`${system.url}/api/deals?limit=1000`, { headers: bearer(rep) });
    expect(theirs.body).toEqual({ deals: [], nextCursor: null });
  });
});
