/**
 * The `deal.*` facts the stage exit criteria test, read from the recorded deal: needs summary,
 * stakeholders, meetings and quotes. Also `markEngaged`, which meetings call.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealFacts } from '../../src/usecases/deal-facts';
import { markEngaged } from '../../src/usecases/stakeholders';
import { createTestDatabase, providers, type TestDatabase } from '../support/database';
import { createDeal } from './support';

const TENANT = 'facts';
const OWNER = 'olivia.owner@example.com';
const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

describe.each(providers)('deal facts on %s', (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const contact = (accountId: string, role: string, engagedAt: Date | null = null) =>
    database.db.contact.create({ data: { id: id('ct'), tenant: TENANT, accountId, name: role, role, engagedAt } });
  const meeting = (dealId: string, kind: string, status: string) =>
    database.db.meeting.create({
      data: {
        id: id('mtg'),
        dealId,
        kind,
        title: kind,
        startsAt: new Date('2026-03-02T10:00:00Z'),
        endsAt: new Date('2026-03-02T11:00:00Z'),
        attendees: [],
        status,
      },
    });
  async function quote(dealId: string, versions: { status: string; sentAt?: Date }[]) {
    const quoteId = id('qt');
    await database.db.quote.create({
      data: {
        id: quoteId,
        tenant: TENANT,
        dealId,
        number: `Q-${randomBytes(4).toString('hex')}`,
        currentVersion: versions.length,
      },
    });
    for (const [i, v] of versions.entries()) {
      await database.db.quoteVersion.create({
        data: {
          id: id('qv'),
          quoteId,
          version: i + 1,
          content: {},
          totals: {},
          contentHash: randomBytes(32).toString('hex'),
          status: v.status,
          sentAt: v.sentAt ?? null,
        },
      });
    }
  }

  it('when nothing is recorded on a new deal, then every fact is false and there is no amount', async () => {
    const { dealId } = await createDeal(database.db, TENANT, OWNER);
    await expect(dealFacts(database.db, dealId)).resolves.toEqual({
      stage: 'needs-analysis',
      needsSummary: false,
      decisionMakerIdentified: false,
      decisionMakerEngaged: false,
      demoCompleted: false,
      quoteSent: false,
      quoteApproved: false,
    });
  });

  it('when the deal is fully worked, then every fact holds and the amount is in whole units', async () => {
    const { dealId, accountId } = await createDeal(database.db, TENANT, OWNER);
    await database.db.deal.update({
      where: { id: dealId },
      data: { needsSummary: 'Routing for 40 reps', stage: 'negotiation', amountMinor: 12_345_678n, currency: 'EUR' },
    });
    await contact(accountId, 'economic-buyer', new Date('2026-03-02T10:00:00Z'));
    await contact(accountId, 'champion');
    await meeting(dealId, 'presentation', 'held');
    await quote(dealId, [{ status: 'superseded', sentAt: new Date('2026-03-03T00:00:00Z') }, { status: 'approved' }]);

    await expect(dealFacts(database.db, dealId)).resolves.toEqual({
      stage: 'negotiation',
      needsSummary: true,
      decisionMakerIdentified: true,
      decisionMakerEngaged: true,
      demoCompleted: true,
      quoteSent: true,
      quoteApproved: true,
      amount: 123_456,
    });
  });

  it('when the records fall short, then each fact says exactly what is missing', async () => {
    const { dealId, accountId } = await createDeal(database.db, TENANT, OWNER);
    await database.db.deal.update({ where: { id: dealId }, data: { needsSummary: '   ' } });
    await contact(accountId, 'decision-maker');
    await contact(accountId, 'champion', new Date('2026-03-02T10:00:00Z'));
    await meeting(dealId, 'demo', 'scheduled');
    await meeting(dealId, 'demo', 'no-show');
    await meeting(dealId, 'meeting', 'held');
    // An approved first version, then an edit: the current version is a draft again.
    await quote(dealId, [{ status: 'approved' }, { status: 'draft' }]);

    await expect(dealFacts(database.db, dealId)).resolves.toMatchObject({
      needsSummary: false,
      decisionMakerIdentified: true,
      decisionMakerEngaged: false,
      demoCompleted: false,
      quoteSent: false,
      quoteApproved: false,
    });
  });

  it('when there is no such deal, then it is not_found', async () => {
    await expect(dealFacts(database.db, 'dl_missingmissingmissing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('when stakeholders are marked engaged, then the latest time wins and the decision maker counts as engaged', async () => {
    const { dealId, accountId } = await createDeal(database.db, TENANT, OWNER);
    const dm = await contact(accountId, 'decision-maker');
    const user = await contact(accountId, 'user', new Date('2026-03-05T10:00:00Z'));

    expect(await markEngaged(database.db, [dm.id, user.id], new Date('2026-03-04T10:00:00Z'))).toBe(1);
    expect(await markEngaged(database.db, [], new Date('2026-03-04T10:00:00Z'))).toBe(0);
    const after = await database.db.contact.findMany({
      where: { id: { in: [dm.id, user.id] } },
      orderBy: { role: 'asc' },
    });
    expect(after.map((c) => [c.role, c.engagedAt?.toISOString()])).toEqual([
      ['decision-maker', '2026-03-04T10:00:00.000Z'],
      ['user', '2026-03-05T10:00:00.000Z'],
    ]);
    expect((await dealFacts(database.db, dealId)).decisionMakerEngaged).toBe(true);
  });
});
