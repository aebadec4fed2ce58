/**
 * The sales-materials library through the real HTTP API: versions per key, the latest version
 * for reps, and the exact version recorded when a material is sent to a deal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { startTestSystem, type TestSystem } from '../support/system';
import { client, createDeal, fieldPaths, type Client } from './support';

const OWNER = 'olivia.owner@example.com';
const MANAGER = 'mateo.manager@example.com';
const OTHER_REP = 'ravi.rep@example.com';
const REVOPS = 'rita.revops@example.com';
const FINANCE = 'fred.finance@example.com';

describe.each(providers)('sales materials on %s', (provider) => {
  let system: TestSystem;
  let owner: Client, manager: Client, otherRep: Client, revops: Client, finance: Client, anonymous: Client;

  beforeAll(async () => {
    system = await startTestSystem(provider);
    const as = async (email: string, role: Parameters<TestSystem['personToken']>[1], managerEmail?: string) =>
      client(system.url, await system.personToken(email, role, managerEmail ? { managerEmail } : {}));
    revops = await as(REVOPS, 'revops');
    finance = await as(FINANCE, 'finance');
    manager = await as(MANAGER, 'manager');
    owner = await as(OWNER, 'rep', MANAGER);
    otherRep = await as(OTHER_REP, 'rep', MANAGER);
    anonymous = client(system.url);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const deck = (key: string, extra: object = {}) => ({
    key,
    title: 'Platform overview',
    type: 'deck',
    url: 'https://cdn.example.com/overview-v1.pdf',
    tags: ['Overview', 'enterprise'],
    ...extra,
  });

  it('when a key is published twice, then reps see only the latest version and the versions list shows both, newest first', async () => {
    const v1 = await manager.post('/api/materials', deck('overview-deck'));
    expect(v1.status).toBe(201);
    expect(v1.headers.get('location')).toBe('/api/materials/overview-deck/versions');
    expect(v1.body).toMatchObject({
      key: 'overview-deck',
      version: 1,
      tags: ['overview', 'enterprise'],
      createdBy: MANAGER,
    });
    const v2 = await revops.post(
      '/api/materials',
      deck('overview-deck', {
        title: 'Platform overview 2026',
        url: 'https://cdn.example.com/overview-v2.pdf',
        tags: ['overview'],
      }),
    );
    expect(v2.body).toMatchObject({ version: 2, title: 'Platform overview 2026' });
    await revops.post('/api/materials', {
      key: 'bank-case-study',
      title: 'How a bank cut lead response to 5 minutes',
      type: 'case-study',
      url: 'https://cdn.example.com/bank.pdf',
      tags: ['fintech', 'enterprise'],
    });

    const all = await otherRep.get('/api/materials');
    expect(all.status).toBe(200);
    expect(all.body.materials.map((m: { key: string; version: number }) => `${m.key} v${m.version}`)).toEqual([
      'bank-case-study v1',
      'overview-deck v2',
    ]);

    const enterprise = await otherRep.get('/api/materials?tag=enterprise');
    expect(enterprise.body.materials.map((m: { key: string }) => m.key)).toEqual(['bank-case-study']);
    const decks = await otherRep.get('/api/materials?type=deck');
    expect(decks.body.materials.map((m: { key: string; version: number }) => `${m.key} v${m.version}`)).toEqual([
      'overview-deck v2',
    ]);
    const text = await otherRep.get('/api/materials?q=BANK');
    expect(text.body.materials.map((m: { key: string }) => m.key)).toEqual(['bank-case-study']);

    const versions = await otherRep.get('/api/materials/overview-deck/versions');
    expect(versions.body.versions.map((m: { version: number; url: string }) => [m.version, m.url])).toEqual([
      [2, 'https://cdn.example.com/overview-v2.pdf'],
      [1, 'https://cdn.example.com/overview-v1.pdf'],
    ]);
    expect((await otherRep.get('/api/materials/no-such-deck/versions')).status).toBe(404);

    const audit = await system.database.db.auditEvent.findMany({
      where: { subjectType: 'material', action: 'material.published' },
    });
    expect(audit.map((a) => a.actor).sort()).toEqual([MANAGER, REVOPS, REVOPS]);
  });

  it('when publishes of one key race, then each gets its own version number', async () => {
    const published = await Promise.all(
      Array.from({ length: 5 }, (_, i) => revops.post('/api/materials', deck('race-deck', { title: `Take ${i}` }))),
    );
    expect(published.map((p) => p.status)).toEqual([201, 201, 201, 201, 201]);
    expect(published.map((p) => p.body.version).sort()).toEqual([1, 2, 3, 4, 5]);
    const versions = await revops.get('/api/materials/race-deck/versions');
    expect(versions.body.versions.map((m: { version: number }) => m.version)).toEqual([5, 4, 3, 2, 1]);
  });

  it('when a rep or finance publishes, then it is a 403; without a token, a 401', async () => {
    for (const person of [otherRep, finance]) {
      const refused = await person.post('/api/materials', deck('rogue-deck'));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        'Publishing a sales material needs one of the roles revops, manager, director, vp',
      );
    }
    expect((await anonymous.post('/api/materials', deck('rogue-deck'))).status).toBe(401);
    expect((await anonymous.get('/api/materials')).status).toBe(401);
    expect((await revops.get('/api/materials/rogue-deck/versions')).status).toBe(404);
  });

  it('when a material is invalid, then the 400 names each field', async () => {
    const bad = await revops.post('/api/materials', {
      key: 'Bad Key',
      title: '',
      type: 'poster',
      url: 'ftp://files.example.com/x',
      tags: 'sales',
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad.body).sort()).toEqual(['key', 'tags', 'title', 'type', 'url']);
    const badQuery = await revops.get('/api/materials?type=poster&colour=red');
    expect(fieldPaths(badQuery.body).sort()).toEqual(['query', 'query.type']);
  });

  it('when the owner sends a material, then the deal records that exact version, shows when a newer one exists, and logs it on the timeline', async () => {
    const { dealId, accountId } = await createDeal(system.database.db, system.config.tenant, OWNER);
    const contact = (await owner.post(`/api/deals/${dealId}/stakeholders`, { name: 'Dana', role: 'decision-maker' }))
      .body;
    expect(contact.accountId).toBe(accountId);
    const v1 = (await revops.post('/api/materials', deck('pricing-sheet', { type: 'datasheet' }))).body;

    const sent = await owner.post(`/api/deals/${dealId}/materials`, {
      materialKey: 'pricing-sheet',
      contactId: contact.id,
      idempotencyKey: 'send-pricing-1',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      dealId,
      material: { id: v1.id, key: 'pricing-sheet', version: 1 },
      latestVersion: 1,
      contactId: contact.id,
      sharedBy: OWNER,
    });
    const resent = await owner.post(`/api/deals/${dealId}/materials`, {
      materialKey: 'pricing-sheet',
      contactId: contact.id,
      idempotencyKey: 'send-pricing-1',
    });
    expect(resent.status).toBe(200);
    expect(resent.body.id).toBe(sent.body.id);

    const v2 = (
      await revops.post('/api/materials', deck('pricing-sheet', { type: 'datasheet', title: 'Pricing 2026' }))
    ).body;
    const exact = await manager.post(`/api/deals/${dealId}/materials`, { materialId: v1.id });
    expect(exact.body).toMatchObject({
      material: { version: 1 },
      latestVersion: 2,
      contactId: null,
      sharedBy: MANAGER,
    });
    const latest = await owner.post(`/api/deals/${dealId}/materials`, { materialKey: 'pricing-sheet' });
    expect(latest.body.material).toMatchObject({ id: v2.id, version: 2 });

    expect((await otherRep.get(`/api/deals/${dealId}/materials`)).status).toBe(404); // not their deal
    const shares = await manager.get(`/api/deals/${dealId}/materials`);
    expect(shares.status).toBe(200);
    expect(
      shares.body.shares
        .map((s: { material: { version: number }; latestVersion: number }) => [s.material.version, s.latestVersion])
        .sort(),
    ).toEqual([
      [1, 2],
      [1, 2],
      [2, 2],
    ]);

    const timeline = await owner.get(`/api/deals/${dealId}/activities`);
    const materialEntries = timeline.body.activities.filter((a: { kind: string }) => a.kind === 'material');
    expect(materialEntries).toHaveLength(3);
    expect(materialEntries.map((a: { summary: string }) => a.summary).sort()).toEqual([
      'Sent "Platform overview" (pricing-sheet v1)',
      'Sent "Platform overview" (pricing-sheet v1)',
      'Sent "Pricing 2026" (pricing-sheet v2)',
    ]);
    const audit = await system.database.db.auditEvent.count({ where: { dealId, action: 'deal.material-sent' } });
    expect(audit).toBe(3);
  });

  it('when a send names no material or both, then 400; an unknown one or a contact elsewhere, then 422; a rep who does not own the deal gets 404', async () => {
    const { dealId } = await createDeal(system.database.db, system.config.tenant, OWNER);
    const other = await createDeal(system.database.db, system.config.tenant, OWNER);
    const stranger = (await owner.post(`/api/deals/${other.dealId}/stakeholders`, { name: 'Sam', role: 'user' })).body;
    const v1 = (await revops.post('/api/materials', deck('security-whitepaper', { type: 'whitepaper' }))).body;
    const send = (body: object) => owner.post(`/api/deals/${dealId}/materials`, body);

    expect(fieldPaths((await send({})).body)).toEqual(['materialKey']);
    expect(fieldPaths((await send({ materialKey: 'security-whitepaper', materialId: v1.id })).body)).toEqual([
      'materialKey',
    ]);
    const unknown = await send({ materialKey: 'no-such-thing' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unprocessable');
    expect(unknown.body.error.fields[0].message).toContain('publish it first');
    expect(fieldPaths((await send({ materialId: 'mat_nope' })).body)).toEqual(['materialId']);
    expect(fieldPaths((await send({ materialKey: 'security-whitepaper', contactId: stranger.id })).body)).toEqual([
      'contactId',
    ]);
    expect((await otherRep.post(`/api/deals/${dealId}/materials`, { materialKey: 'security-whitepaper' })).status).toBe(
      404,
    );
    expect((await owner.get(`/api/deals/${dealId}/materials`)).body.shares).toEqual([]);
  });
});
