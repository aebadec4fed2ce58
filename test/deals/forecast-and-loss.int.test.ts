/**
 * A deal's forecast and its loss, through the real API, journeys and database: the category
 * forecast.yaml gives each stage, an owner's override (with its reason) that survives a stage
 * change, the expected close date under optimistic concurrency, the history every change leaves,
 * and closing lost with a loss-reasons.yaml code, a competitor, or (as older clients do) words only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { openDeal } from '../quotes/deal-fixture';

describe.each(providers)('deal forecast and loss reasons on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let first: { dealId: string; ownerEmail: string; owner: string };
  let second: { dealId: string; ownerEmail: string; owner: string };

  const call = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    http(`${system.url}${path}`, { method, body, headers: { ...bearer(token), ...headers } });
  const forecast = (deal: { dealId: string; owner: string }) =>
    call('GET', `/api/deals/${deal.dealId}/forecast`, deal.owner);
  const edit = (deal: { dealId: string; owner: string }, body: unknown, headers?: Record<string, string>) =>
    call('PATCH', `/api/deals/${deal.dealId}/forecast`, deal.owner, body, headers);

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = system.revopsToken;
    await system.personToken('mike.manager@example.com', 'manager');
    const open = async (email: string) => {
      const deal = await openDeal(system, revops, email);
      const owner = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
      return { ...deal, owner };
    };
    first = await open('grace@forecast.io');
    second = await open('alan@forecast.io');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('when a deal is converted, then it is forecast as pipeline at 10% by the shipped forecast.yaml, and that is its first history entry', async () => {
    const response = await forecast(first);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${response.body.revision}"`);
    expect(response.body).toMatchObject({
      stage: 'needs-analysis',
      probability: 0.1,
      category: 'pipeline',
      ruleCategory: 'pipeline',
      override: null,
      expectedCloseDate: null,
      rulesetVersion: expect.stringMatching(/^[0-9a-f]{16}$/),
      history: [
        {
          cause: 'conversion',
          stage: 'needs-analysis',
          probability: 0.1,
          category: 'pipeline',
          actor: 'revops@leadflow.test',
        },
      ],
    });
  });

  it('when the owner sets a close date with the revision read, then it is saved and audited; the same revision again is stale', async () => {
    const { revision } = (await forecast(first)).body as { revision: number };
    const saved = await edit(first, { expectedCloseDate: '2027-03-31' }, { 'If-Match': `"${revision}"` });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: revision + 1, expectedCloseDate: '2027-03-31', category: 'pipeline' });
    expect(saved.body.history.at(-1)).toMatchObject({
      cause: 'edit',
      expectedCloseDate: '2027-03-31',
      actor: first.ownerEmail,
    });

    const stale = await edit(first, { expectedCloseDate: '2027-04-30', revision });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'stale_revision',
      fields: [{ path: 'revision', message: `the current revision is ${revision + 1}` }],
    });
    expect((await forecast(first)).body.expectedCloseDate).toBe('2027-03-31');

    const trail = await system.database.db.auditEvent.findMany({
      where: { dealId: first.dealId, action: 'deal.forecast-updated' },
    });
    expect(trail.map((e) => e.details)).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ expectedCloseDate: null }),
        to: expect.objectContaining({ expectedCloseDate: '2027-03-31' }),
      }),
    ]);
  });

  it.each([
    [
      'a date that does not exist',
      { expectedCloseDate: '2027-02-30', revision: 1 },
      'expectedCloseDate',
      'must be a calendar date, YYYY-MM-DD',
    ],
    [
      'an unknown category',
      { category: 'maybe', revision: 1 },
      'category',
      'must be one of: commit, best-case, pipeline, or null',
    ],
    [
      'nothing to change',
      { revision: 1 },
      'expectedCloseDate',
      'name at least one of expectedCloseDate and category to change',
    ],
    [
      'no revision',
      { expectedCloseDate: '2027-03-31' },
      'revision',
      'is required: send the revision you read as If-Match or as "revision", so a concurrent edit is not overwritten',
    ],
  ])(
    'when the edit has %s, then it is a 400 (428 without a revision) naming the field',
    async (what, body, path, message) => {
      const response = await edit(second, body);
      expect(response.status).toBe(what === 'no revision' ? 428 : 400);
      expect(response.body.error.fields).toEqual([{ path, message }]);
    },
  );

  it("when the owner commits the deal, then forecast.yaml wants a reason; with one the override stands beside the rules' category and survives a stage change; cleared, the rules decide again", async () => {
    let { revision } = (await forecast(first)).body as { revision: number };
    const noReason = await edit(first, { category: 'commit', revision });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('unprocessable');
    expect(noReason.body.error.fields).toEqual([
      {
        path: 'reason',
        message: 'is required to override the category (forecast.yaml overrides.needsReason): say why',
      },
    ]);

    const committed = await edit(first, { category: 'commit', reason: 'verbal yes from the CFO', revision });
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({
      category: 'commit',
      ruleCategory: 'pipeline',
      override: { category: 'commit', reason: 'verbal yes from the CFO', by: first.ownerEmail },
    });
    revision = committed.body.revision as number;

    const needs = await call('PUT', `/api/deals/${first.dealId}/needs`, first.owner, {
      summary: 'Routing for 40 reps.',
      revision,
    });
    expect(needs.status).toBe(200);
    expect((await call('POST', `/api/deals/${first.dealId}/stage`, first.owner, { to: 'presentation' })).status).toBe(
      200,
    );
    const moved = (await forecast(first)).body;
    expect(moved).toMatchObject({
      stage: 'presentation',
      probability: 0.25,
      category: 'commit',
      ruleCategory: 'pipeline',
      override: { category: 'commit' },
    });
    expect(moved.history.at(-1)).toMatchObject({
      cause: 'stage-change',
      stage: 'presentation',
      probability: 0.25,
      category: 'commit',
      override: 'commit',
    });

    const cleared = await edit(first, { category: null, revision: moved.revision });
    expect(cleared.body).toMatchObject({ category: 'pipeline', ruleCategory: 'pipeline', override: null });
  });

  it('when the deal reaches proposal, then the rules make it best case', async () => {
    const decider = await call('POST', `/api/deals/${first.dealId}/stakeholders`, first.owner, {
      name: 'Ann CFO',
      role: 'decision-maker',
    });
    const demo = await call('POST', `/api/deals/${first.dealId}/meetings`, first.owner, {
      kind: 'demo',
      title: 'Demo',
      startsAt: '2027-01-12T15:00:00Z',
      endsAt: '2027-01-12T16:00:00Z',
      attendees: [{ name: 'Ann CFO', contactId: decider.body.id }],
    });
    await call('POST', `/api/deals/${first.dealId}/meetings/${demo.body.meetingId}/outcome`, first.owner, {
      status: 'held',
      attendance: [{ name: 'Ann CFO', contactId: decider.body.id, attended: true }],
    });
    const move = await call('POST', `/api/deals/${first.dealId}/stage`, first.owner, { to: 'proposal' });
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    expect((await forecast(first)).body).toMatchObject({
      stage: 'proposal',
      probability: 0.5,
      category: 'best-case',
      ruleCategory: 'best-case',
    });
    const listed = (await call('GET', '/api/deals', revops)).body.deals.find(
      (d: { id: string }) => d.id === first.dealId,
    );
    expect(listed).toMatchObject({ forecastCategory: 'best-case', expectedCloseDate: '2027-03-31' });
  });

  it("when the loss reason codes are asked for, then they come in the file's order with English and Chinese labels", async () => {
    const response = await call('GET', '/api/loss-reasons', first.owner);
    expect(response.status).toBe(200);
    expect(response.body.fallback).toBe('other');
    expect(response.body.reasons.map((r: { code: string }) => r.code)).toEqual([
      'price',
      'budget',
      'competitor',
      'no-decision',
      'timing',
      'fit',
      'other',
    ]);
    expect(response.body.reasons[2]).toEqual({
      code: 'competitor',
      label: { en: 'Lost to a competitor', 'zh-CN': '输给竞争对手' },
      requires: ['competitor'],
      retired: false,
    });
  });

  it.each([
    [
      'a misspelt code',
      422,
      { lossReason: 'prise' },
      'lossReason',
      '"prise" is not a loss reason in loss-reasons.yaml (did you mean "price"?); known: price, budget, competitor, no-decision, timing, fit, other',
    ],
    [
      'a competitor loss without the competitor',
      422,
      { lossReason: 'competitor', reason: 'went elsewhere' },
      'competitor',
      'is required for loss reason "competitor" (Lost to a competitor): name the competitor who won',
    ],
    [
      'neither a code nor words',
      422,
      {},
      'reason',
      'is required when closing a deal as lost: say why it was lost, or give a lossReason code from loss-reasons.yaml (GET /api/loss-reasons)',
    ],
  ])(
    'when a deal is closed lost with %s, then it is a %i naming the field and the deal stays open',
    async (_what, status, loss, path, message) => {
      const response = await call('POST', `/api/deals/${second.dealId}/stage`, second.owner, {
        to: 'closed-lost',
        ...loss,
      });
      expect(response.status).toBe(status);
      expect(response.body.error.fields).toEqual([{ path, message }]);
      expect((await call('GET', `/api/deals/${second.dealId}`, second.owner)).body.stage).toBe('needs-analysis');
    },
  );

  it('when an older client closes lost with words only, then the loss is filed under "other", and the deal has no forecast category any more', async () => {
    const lost = await call('POST', `/api/deals/${second.dealId}/stage`, second.owner, {
      to: 'closed-lost',
      reason: 'the champion left the company',
    });
    expect(lost).toMatchObject({ status: 200, body: { stage: 'closed-lost' } });
    expect((await call('GET', `/api/deals/${second.dealId}`, second.owner)).body).toMatchObject({
      closeReason: 'the champion left the company',
      loss: { lossReason: 'other', competitor: null },
      forecastCategory: null,
    });
    const after = (await forecast(second)).body;
    expect(after).toMatchObject({
      category: null,
      probability: 0,
      history: [
        { cause: 'conversion' },
        { cause: 'stage-change', stage: 'closed-lost', probability: 0, category: null },
      ],
    });
    const refused = await edit(second, { expectedCloseDate: '2027-05-01', revision: after.revision });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
  });

  it("when a deal is lost to a competitor, then the code and the competitor are recorded, in the stage change's audit entry too", async () => {
    const lost = await call('POST', `/api/deals/${first.dealId}/stage`, first.owner, {
      to: 'closed-lost',
      lossReason: 'competitor',
      competitor: 'Acme CRM',
    });
    expect(lost.status, JSON.stringify(lost.body)).toBe(200);
    expect((await call('GET', `/api/deals/${first.dealId}`, first.owner)).body).toMatchObject({
      closeReason: 'lost: Lost to a competitor (competitor)',
      loss: { lossReason: 'competitor', competitor: 'Acme CRM' },
    });
    const changes = await system.database.db.auditEvent.findMany({
      where: { dealId: first.dealId, action: 'deal.stage-changed' },
    });
    expect(changes.map((e) => e.details).find((d) => (d as { to?: string }).to === 'closed-lost')).toMatchObject({
      lossReason: 'competitor',
      competitor: 'Acme CRM',
    });
    expect(
      (await call('GET', '/api/deals?stage=closed-lost', revops)).body.deals
        .map((d: { lossReason: string }) => d.lossReason)
        .sort(),
    ).toEqual(['competitor', 'other']);
  });
});
