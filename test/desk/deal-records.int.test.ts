/**
 * A deal's stakeholders, needs analysis and timeline through the real HTTP API, as the deal's
 * owner, their managers, other reps and RevOps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { startTestSystem, type TestSystem } from '../support/system';
import { client, createDeal, fieldPaths, type Client } from './support';

const OWNER = 'olivia.owner@example.com';
const MANAGER = 'mateo.manager@example.com';
const DIRECTOR = 'dora.director@example.com';
const VP = 'victor.vp@example.com';
const OTHER_REP = 'ravi.rep@example.com';
const REVOPS = 'rita.revops@example.com';

describe.each(providers)('deal stakeholders, needs and timeline on %s', (provider) => {
  let system: TestSystem;
  let owner: Client, manager: Client, director: Client, otherRep: Client, revops: Client, anonymous: Client;

  beforeAll(async () => {
    system = await startTestSystem(provider);
    const as = async (email: string, role: Parameters<TestSystem['personToken']>[1], managerEmail?: string) =>
      client(system.url, await system.personToken(email, role, managerEmail ? { managerEmail } : {}));
    revops = await as(REVOPS, 'revops');
    await as(VP, 'vp');
    director = await as(DIRECTOR, 'director', VP);
    manager = await as(MANAGER, 'manager', DIRECTOR);
    owner = await as(OWNER, 'rep', MANAGER);
    otherRep = await as(OTHER_REP, 'rep', MANAGER);
    anonymous = client(system.url);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const newDeal = () => createDeal(system.database.db, system.config.tenant, OWNER);

  it('when a request carries no token, then every deal-records endpoint answers 401', async () => {
    const { dealId } = await newDeal();
    const base = `/api/deals/${dealId}`;
    const answers = await Promise.all([
      anonymous.get(`${base}/stakeholders`),
      anonymous.post(`${base}/stakeholders`, { name: 'Dana', role: 'decision-maker' }),
      anonymous.get(`${base}/stakeholders/graph`),
      anonymous.get(`${base}/needs`),
      anonymous.put(`${base}/needs`, { revision: 1 }),
      anonymous.post(`${base}/activities`, { kind: 'call', summary: 'Intro call' }),
      anonymous.get(`${base}/activities`),
    ]);
    expect(answers.map((a) => [a.status, a.body.error.code])).toEqual(
      Array.from({ length: 7 }, () => [401, 'unauthorized']),
    );
  });

  it('when the owner maps the buying committee, then the graph shows who reports to whom and warns about the unengaged decision maker, the blocker and the missing champion', async () => {
    const { dealId, accountId } = await newDeal();
    const add = (body: object) => owner.post(`/api/deals/${dealId}/stakeholders`, body);

    const cfo = await add({
      name: 'Erin Ng',
      email: 'Erin.Ng@Acme.example',
      title: 'CFO',
      role: 'economic-buyer',
      influence: 'high',
    });
    expect(cfo.status).toBe(201);
    expect(cfo.headers.get('location')).toBe(`/api/deals/${dealId}/stakeholders/${cfo.body.id}`);
    expect(cfo.body).toMatchObject({
      accountId,
      name: 'Erin Ng',
      email: 'erin.ng@acme.example',
      title: 'CFO',
      role: 'economic-buyer',
      influence: 'high',
      reportsToId: null,
      engagedAt: null,
    });
    const cto = (await add({ name: 'Dan Ortiz', title: 'CTO', role: 'decision-maker', reportsToId: cfo.body.id })).body;
    const itHead = (
      await add({ name: 'Bo Brandt', title: 'Head of IT', role: 'blocker', influence: 'high', reportsToId: cto.id })
    ).body;
    expect(cto.influence).toBe('medium');

    const graph = await manager.get(`/api/deals/${dealId}/stakeholders/graph`);
    expect(graph.status).toBe(200);
    expect(graph.body.nodes.map((n: { name: string }) => n.name)).toEqual(['Bo Brandt', 'Dan Ortiz', 'Erin Ng']);
    expect(graph.body.edges).toEqual([
      { from: itHead.id, to: cto.id, kind: 'reports-to' },
      { from: cto.id, to: cfo.body.id, kind: 'reports-to' },
    ]);
    expect(graph.body.warnings.map((w: { code: string; contactIds: string[] }) => [w.code, w.contactIds])).toEqual([
      ['decision-maker-not-engaged', [cto.id, cfo.body.id]],
      ['high-influence-blocker', [itHead.id]],
      ['no-champion', []],
    ]);

    const engaged = await owner.post(`/api/deals/${dealId}/stakeholders/${cto.id}/engaged`, {
      at: '2026-03-02T10:00:00Z',
    });
    expect(engaged.status).toBe(200);
    expect(engaged.body.engagedAt).toBe('2026-03-02T10:00:00.000Z');
    await add({ name: 'Cara Diaz', role: 'champion', reportsToId: cto.id });
    await owner.patch(`/api/deals/${dealId}/stakeholders/${itHead.id}`, {
      influence: 'low',
      notes: 'Won over in the security review',
    });

    const after = await owner.get(`/api/deals/${dealId}/stakeholders/graph`);
    expect(after.body.warnings).toEqual([]);
    const list = await owner.get(`/api/deals/${dealId}/stakeholders`);
    expect(list.body.stakeholders.map((s: { name: string; role: string }) => `${s.name}:${s.role}`)).toEqual([
      'Bo Brandt:blocker',
      'Cara Diaz:champion',
      'Dan Ortiz:decision-maker',
      'Erin Ng:economic-buyer',
    ]);
  });

  it('when a deal has no stakeholders yet, then the graph is empty and says no decision maker and no champion are known', async () => {
    const { dealId } = await newDeal();
    const graph = await owner.get(`/api/deals/${dealId}/stakeholders/graph`);
    expect(graph.body).toMatchObject({ dealId, nodes: [], edges: [] });
    expect(graph.body.warnings.map((w: { code: string }) => w.code)).toEqual(['no-decision-maker', 'no-champion']);
  });

  it('when a reporting line would go round in a circle, point at the stakeholder themself or at nobody known, then it is a 422 on reportsToId and nothing changes', async () => {
    const { dealId } = await newDeal();
    const elsewhere = await newDeal();
    const ceo = (await owner.post(`/api/deals/${dealId}/stakeholders`, { name: 'Ann CEO', role: 'economic-buyer' }))
      .body;
    const vp = (
      await owner.post(`/api/deals/${dealId}/stakeholders`, {
        name: 'Vic VP',
        role: 'decision-maker',
        reportsToId: ceo.id,
      })
    ).body;
    const stranger = (
      await owner.post(`/api/deals/${elsewhere.dealId}/stakeholders`, { name: 'Sam Other', role: 'user' })
    ).body;

    const circle = await owner.patch(`/api/deals/${dealId}/stakeholders/${ceo.id}`, { reportsToId: vp.id });
    expect(circle.status).toBe(422);
    expect(circle.body.error.fields).toEqual([
      { path: 'reportsToId', message: 'would make a reporting circle: Ann CEO → Vic VP → Ann CEO' },
    ]);
    const self = await owner.patch(`/api/deals/${dealId}/stakeholders/${vp.id}`, { reportsToId: vp.id });
    expect(self.body.error.fields).toEqual([
      { path: 'reportsToId', message: 'a stakeholder cannot report to themself' },
    ]);
    const otherAccount = await owner.post(`/api/deals/${dealId}/stakeholders`, {
      name: 'New',
      role: 'user',
      reportsToId: stranger.id,
    });
    expect(otherAccount.status).toBe(422);
    expect(fieldPaths(otherAccount.body)).toEqual(['reportsToId']);

    const graph = await owner.get(`/api/deals/${dealId}/stakeholders/graph`);
    expect(graph.body.edges).toEqual([{ from: vp.id, to: ceo.id, kind: 'reports-to' }]);
  });

  it('when a stakeholder is malformed, then the 400 names each field; when it clashes with the account, then 422', async () => {
    const { dealId } = await newDeal();
    await owner.post(`/api/deals/${dealId}/stakeholders`, { name: 'Erin', email: 'erin@acme.example', role: 'user' });
    const bad = await owner.post(`/api/deals/${dealId}/stakeholders`, {
      name: ' ',
      email: 'not-an-email',
      role: 'ceo',
      influence: 'huge',
      shoeSize: 44,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(fieldPaths(bad.body).sort()).toEqual(['(body)', 'email', 'influence', 'name', 'role']);
    expect(bad.body.error.fields.find((f: { path: string }) => f.path === 'role').message).toContain(
      'economic-buyer, decision-maker, influencer, champion, user, blocker',
    );

    const duplicate = await owner.post(`/api/deals/${dealId}/stakeholders`, {
      name: 'Erin again',
      email: 'ERIN@acme.example',
      role: 'user',
    });
    expect(duplicate.status).toBe(422);
    expect(fieldPaths(duplicate.body)).toEqual(['email']);
    const empty = await owner.patch(`/api/deals/${dealId}/stakeholders/ct_nope`, {});
    expect(empty.status).toBe(400);
  });

  it("when people other than the owner write, then managers up the chain and revops may; another team's rep gets 404 for reads and writes alike", async () => {
    const { dealId } = await newDeal();
    const body = { name: 'Pat', role: 'influencer' };
    // The deal is out of the other rep's sight: answered exactly like a deal that does not exist.
    const refused = await otherRep.post(`/api/deals/${dealId}/stakeholders`, body);
    expect(refused.status).toBe(404);
    expect(refused.body.error).toEqual({
      code: 'not_found',
      message: `No deal ${dealId} in tenant ${system.config.tenant}.`,
    });
    const missing = await otherRep.post('/api/deals/dl_doesnotexistdoesnotexi/stakeholders', body);
    expect(missing.body.error.message).toBe(`No deal dl_doesnotexistdoesnotexi in tenant ${system.config.tenant}.`);
    expect((await manager.post(`/api/deals/${dealId}/stakeholders`, body)).status).toBe(201);
    expect((await director.post(`/api/deals/${dealId}/stakeholders`, body)).status).toBe(201);
    expect((await revops.post(`/api/deals/${dealId}/stakeholders`, body)).status).toBe(201);
    const needs = await otherRep.put(`/api/deals/${dealId}/needs`, { revision: 1, summary: 'x' });
    expect(needs.status).toBe(404);
    expect((await otherRep.post(`/api/deals/${dealId}/activities`, { kind: 'note', summary: 'x' })).status).toBe(404);

    expect((await otherRep.get(`/api/deals/${dealId}/stakeholders`)).status).toBe(404);
    const read = await director.get(`/api/deals/${dealId}/stakeholders`);
    expect(read.status).toBe(200);
    expect(read.body.stakeholders).toHaveLength(3);
  });

  it('when the deal does not exist, belongs to another tenant or the id cannot be a deal id, then it is a 404', async () => {
    const foreign = await createDeal(system.database.db, 'another-tenant', OWNER);
    for (const dealId of ['dl_doesnotexistdoesnotexi', foreign.dealId, 'not-a-deal']) {
      const answer = await revops.get(`/api/deals/${dealId}/stakeholders`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
  });

  it('when a stakeholder is removed, then whoever reported to them reports to nobody and the removal is audited', async () => {
    const { dealId } = await newDeal();
    const boss = (await owner.post(`/api/deals/${dealId}/stakeholders`, { name: 'Boss', role: 'decision-maker' })).body;
    const report = (
      await owner.post(`/api/deals/${dealId}/stakeholders`, { name: 'Report', role: 'user', reportsToId: boss.id })
    ).body;
    const removed = await owner.delete(`/api/deals/${dealId}/stakeholders/${boss.id}`);
    expect(removed.status).toBe(204);
    expect((await owner.get(`/api/deals/${dealId}/stakeholders/${boss.id}`)).status).toBe(404);
    expect((await owner.get(`/api/deals/${dealId}/stakeholders/${report.id}`)).body.reportsToId).toBeNull();

    const audit = await system.database.db.auditEvent.findMany({ where: { dealId }, orderBy: { occurredAt: 'asc' } });
    expect(audit.map((a) => [a.subjectType, a.action, a.actor])).toEqual([
      ['deal', 'deal.stakeholder-added', OWNER],
      ['deal', 'deal.stakeholder-added', OWNER],
      ['deal', 'deal.stakeholder-removed', OWNER],
    ]);
  });

  it('when two people edit the needs analysis from the same revision, then the second gets 409 stale_revision naming the current revision', async () => {
    const { dealId } = await newDeal();
    const initial = await owner.get(`/api/deals/${dealId}/needs`);
    expect(initial.status).toBe(200);
    expect(initial.headers.get('etag')).toBe('"1"');
    expect(initial.body).toMatchObject({
      dealId,
      revision: 1,
      summary: null,
      needs: {
        spin: { situation: '', problem: '', implication: '', needPayoff: '' },
        painPoints: [],
        businessGoals: [],
        objections: [],
      },
    });

    const analysis = {
      spin: {
        situation: '40 reps on spreadsheets',
        problem: 'Leads go cold',
        implication: '$2M pipeline lost a year',
        needPayoff: 'Every lead worked within an hour',
      },
      painPoints: ['No lead routing', 'Manual follow-up'],
      businessGoals: ['Grow win rate to 25%'],
      objections: [
        { objection: 'Too expensive', response: 'ROI in 4 months', status: 'answered' },
        { objection: 'Migration risk' },
      ],
      summary: 'Routing and follow-up automation for 40 reps; ROI case accepted.',
    };
    const saved = await owner.put(`/api/deals/${dealId}/needs`, analysis, { 'if-match': '"1"' });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe('"2"');
    expect(saved.body).toMatchObject({
      revision: 2,
      summary: analysis.summary,
      needs: { painPoints: analysis.painPoints, spin: analysis.spin },
    });
    expect(saved.body.needs.objections).toEqual([
      { objection: 'Too expensive', response: 'ROI in 4 months', status: 'answered' },
      { objection: 'Migration risk', status: 'open' },
    ]);

    const stale = await manager.put(`/api/deals/${dealId}/needs`, { ...analysis, summary: 'Overwrite', revision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_revision',
      message: expect.stringContaining('is at revision 2, not 1'),
      fields: [{ path: 'revision', message: 'the current revision is 2' }],
    });
    expect((await owner.get(`/api/deals/${dealId}/needs`)).body.summary).toBe(analysis.summary);

    const retried = await manager.put(`/api/deals/${dealId}/needs`, { ...analysis, summary: 'Revised', revision: 2 });
    expect(retried.body).toMatchObject({ revision: 3, summary: 'Revised' });
    const audit = await system.database.db.auditEvent.findMany({
      where: { dealId, action: 'deal.needs-updated' },
      orderBy: { occurredAt: 'asc' },
    });
    expect(audit.map((a) => a.actor)).toEqual([OWNER, MANAGER]);
  });

  it('when a needs analysis is invalid, then it is a 400 naming the fields; with no revision, a 428', async () => {
    const { dealId } = await newDeal();
    const noRevision = await owner.put(`/api/deals/${dealId}/needs`, { summary: 'x' });
    expect(noRevision.status).toBe(428);
    expect(fieldPaths(noRevision.body)).toEqual(['revision']);
    const mismatch = await owner.put(`/api/deals/${dealId}/needs`, { revision: 2 }, { 'if-match': '1' });
    expect(fieldPaths(mismatch.body)).toEqual(['revision']);
    const badHeader = await owner.put(`/api/deals/${dealId}/needs`, {}, { 'if-match': 'latest' });
    expect(fieldPaths(badHeader.body)).toEqual(['header.If-Match']);

    const invalid = await owner.put(`/api/deals/${dealId}/needs`, {
      revision: 1,
      spin: { situation: 'ok', mood: 'great' },
      painPoints: [''],
      objections: [
        { objection: 'Price', status: 'answered' },
        { objection: 'Timing', status: 'parked' },
      ],
    });
    expect(invalid.status).toBe(400);
    expect(fieldPaths(invalid.body).sort()).toEqual([
      'objections.0.response',
      'objections.1.status',
      'painPoints.0',
      'spin',
    ]);
    // Alone, the clash between status and response fits the document: a 422, not a 400.
    const unanswered = await owner.put(`/api/deals/${dealId}/needs`, {
      revision: 1,
      objections: [{ objection: 'Price', status: 'answered', response: '   ' }],
    });
    expect(unanswered.status).toBe(422);
    expect(fieldPaths(unanswered.body)).toEqual(['objections.0.response']);
    expect((await owner.get(`/api/deals/${dealId}/needs`)).body.revision).toBe(1);
  });

  it('when activities are logged, then the timeline lists them newest first in pages, and a retried log with the same key records once', async () => {
    const { dealId } = await newDeal();
    const log = (body: object) => owner.post(`/api/deals/${dealId}/activities`, body);
    const call = await log({
      kind: 'call',
      summary: 'Discovery call',
      outcome: 'Demo booked',
      occurredAt: '2026-03-02T09:00:00Z',
      idempotencyKey: 'call-2026-03-02',
    });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({
      dealId,
      kind: 'call',
      summary: 'Discovery call',
      outcome: 'Demo booked',
      actor: OWNER,
      occurredAt: '2026-03-02T09:00:00.000Z',
    });
    const again = await log({
      kind: 'call',
      summary: 'Discovery call',
      occurredAt: '2026-03-02T09:00:00Z',
      idempotencyKey: 'call-2026-03-02',
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(call.body.id);
    await log({ kind: 'email', summary: 'Sent the agenda', occurredAt: '2026-03-03T09:00:00Z' });
    await log({ kind: 'demo', summary: 'Platform demo', occurredAt: '2026-03-04T09:00:00Z' });
    await log({ kind: 'note', summary: 'CFO asked for references', occurredAt: '2026-03-05T09:00:00Z' });

    const first = await manager.get(`/api/deals/${dealId}/activities?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.activities.map((a: { kind: string }) => a.kind)).toEqual(['note', 'demo', 'email']);
    const second = await manager.get(`/api/deals/${dealId}/activities?limit=3&before=${first.body.nextCursor}`);
    expect(second.body.activities.map((a: { kind: string }) => a.kind)).toEqual(['call']);
    expect(second.body.nextCursor).toBeNull();

    const audit = await system.database.db.auditEvent.count({ where: { dealId, action: 'deal.activity-logged' } });
    expect(audit).toBe(4);
  });

  it('when an activity is invalid, then it is a 400 naming the fields', async () => {
    const { dealId } = await newDeal();
    const bad = await owner.post(`/api/deals/${dealId}/activities`, {
      kind: 'material',
      summary: '',
      occurredAt: 'yesterday',
      idempotencyKey: 'x',
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad.body).sort()).toEqual(['idempotencyKey', 'kind', 'occurredAt', 'summary']);
    const future = await owner.post(`/api/deals/${dealId}/activities`, {
      kind: 'call',
      summary: 'Later',
      occurredAt: '2099-01-01T00:00:00Z',
    });
    expect(future.status).toBe(422);
    expect(future.body.error.fields[0]).toMatchObject({
      path: 'occurredAt',
      message: expect.stringContaining('must not be in the future'),
    });
    // A cursor in year 33658 was a 500 (the fuzzer found it): cursors have at most 13 digits of milliseconds.
    const farFuture = await owner.get(`/api/deals/${dealId}/activities?before=999999999999999.QUFB`);
    expect(farFuture.status).toBe(400);
    expect((await owner.get(`/api/deals/${dealId}/activities?before=9999999999999.QUFB`)).status).toBe(200);
    const badPage = await owner.get(`/api/deals/${dealId}/activities?limit=0`);
    expect(badPage.status).toBe(400);
    expect(fieldPaths(badPage.body)).toEqual(['query.limit']);
    const badCursor = await owner.get(`/api/deals/${dealId}/activities?before=bm90LWEtY3Vyc29y`);
    expect(fieldPaths(badCursor.body)).toEqual(['query.before']);
  });
});
