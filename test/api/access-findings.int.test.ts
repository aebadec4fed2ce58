/**
 * The access-control findings of outside testing (issue #10), one regression test each: what an
 * anonymous caller, a rep of another team, a manager of another team and another tenant could
 * do before, and what they get now. The whole surface is covered by the authorization matrix;
 * these are the concrete probes, with what a user observes (status, message, nothing stored).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';

const WEBHOOK_SECRET = 'findings-webhook-secret-0123456789';

describe.each(providers)('access-control findings on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let repA: string;
  let repB: string;
  let otherManager: string;
  let other: string;
  let dealId: string;
  let leadId: string;
  let ownerEmail: string;
  const as = (token: string | undefined, path: string, init: { method?: string; body?: unknown } = {}) =>
    http(`${system.url}${path}`, { ...init, headers: token ? bearer(token) : {}, anonymous: !token });

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_WEBHOOK_SECRET: WEBHOOK_SECRET });
    revops = system.revopsToken;
    await stockCatalogue(system, revops);
    await system.personToken('mike.manager@example.com', 'manager');
    otherManager = await system.personToken('nora.manager@example.com', 'manager');
    const deal = await openDeal(system, revops, 'grace@findings.io');
    dealId = deal.dealId;
    ownerEmail = deal.ownerEmail;
    leadId = (await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } })).leadId;
    repA = await system.personToken(ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    // Erik works the EMEA pool; the lead was routed to North America.
    repB = await system.personToken('erik.lund@example.com', 'rep', { managerEmail: 'nora.manager@example.com' });
    other = await createPersonToken(system.database.db, 'acme-other', 'olga@other.example', 'revops');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it("when nobody signs in, then leads, a lead's record and the development mailbox answer 401", async () => {
    for (const path of ['/api/leads?limit=200', `/api/leads/${leadId}`, '/api/dev/mailbox?limit=500']) {
      const response = await as(undefined, path);
      expect(response.status, path).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
      expect(JSON.stringify(response.body)).not.toContain('grace@findings.io');
    }
  });

  it('when a token names another tenant in a query or a body, then 403 and nothing is stored there', async () => {
    const listed = await as(repA, '/api/leads?tenant=acme-other');
    expect(listed.status).toBe(403);
    expect(listed.body.error.message).toBe(
      `This token belongs to tenant ${system.config.tenant}; it cannot act in tenant "acme-other".`,
    );
    const created = await as(revops, '/api/leads', {
      body: { tenant: 'acme-other', email: 'planted@other.io', source: 'events' },
    });
    expect(created.status).toBe(403);
    expect(await system.database.db.lead.count({ where: { email: 'planted@other.io' } })).toBe(0);
    // Another tenant's revops sees nothing of this one.
    expect((await as(other, `/api/leads/${leadId}`)).status).toBe(404);
    expect((await as(other, '/api/leads')).body.leads).toEqual([]);
    expect((await as(other, `/api/deals/${dealId}`)).status).toBe(404);
    const theirTrail = JSON.stringify((await as(other, '/api/audit?limit=200')).body.entries);
    for (const mine of [dealId, leadId, ownerEmail, 'grace@findings.io']) expect(theirTrail).not.toContain(mine);
  });

  it('when a signed form submission names another tenant, then it lands in the installation tenant and never in the other', async () => {
    const body = JSON.stringify({ email: 'crossing@forms.io', tenant: 'acme-other' });
    const response = await http(`${system.url}/api/webhooks/forms`, {
      rawBody: body,
      anonymous: true,
      headers: { 'x-leadflow-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}` },
    });
    expect(response.status).toBe(201);
    const stored = await system.database.db.lead.findMany({ where: { email: 'crossing@forms.io' } });
    expect(stored.map((lead) => lead.tenant)).toEqual([system.config.tenant]);
  });

  it('when nobody signs in and reassigns a lead naming a director as actor, then 401 and the owner stays', async () => {
    const response = await as(undefined, `/api/leads/${leadId}/reassign`, {
      body: { repEmail: 'erik.lund@example.com', reason: 'mine now', actor: 'dora.director@acme.io' },
    });
    expect(response.status).toBe(401);
    expect((await as(revops, `/api/leads/${leadId}`)).body.ownerId).toBe(ownerEmail);
  });

  it('when a body names an actor, then 400 says the actor comes from the token and the history never names them', async () => {
    const response = await as(revops, `/api/leads/${leadId}/bant`, {
      body: { budget: 'confirmed', actor: 'someone.else@acme.io' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'The actor comes from the API token; remove "actor" from the body.',
    });
    const lead = (await as(revops, `/api/leads/${leadId}`)).body;
    expect(JSON.stringify(lead.stageEvents)).not.toContain('someone.else@acme.io');
  });

  it('when a rep of another region converts a lead routed to North America, then 404 and no deal is theirs', async () => {
    const response = await as(repB, `/api/leads/${leadId}/convert`, { body: {} });
    expect(response.status).toBe(404);
    expect(await system.database.db.deal.count({ where: { ownerEmail: 'erik.lund@example.com' } })).toBe(0);
  });

  it("when a rep or another team's manager reads someone else's deal desk, then every record is a 404 and lists are empty", async () => {
    const quote = await as(repA, `/api/deals/${dealId}/quotes`, {
      body: {
        customer: { company: 'Findings Inc', contactName: 'Grace', email: 'grace@findings.io', region: 'US' },
        lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10, discount: '15' }],
      },
    });
    expect(quote.status).toBe(201);
    await as(repA, `/api/deals/${dealId}/stakeholders`, { body: { name: 'Ann CEO', role: 'economic-buyer' } });
    for (const token of [repB, otherManager]) {
      for (const path of [
        `/api/deals/${dealId}`,
        `/api/deals/${dealId}/quotes`,
        `/api/quotes/${quote.body.quote.id}`,
        `/api/deals/${dealId}/stakeholders`,
        `/api/deals/${dealId}/needs`,
      ])
        expect((await as(token, path)).status, path).toBe(404);
      expect((await as(token, '/api/deals')).body.deals).toEqual([]);
      expect((await as(token, '/api/approvals')).body.approvals).toEqual([]);
      expect((await as(token, `/api/leads/${leadId}`)).status).toBe(404);
    }
    // The owner's manager sees the deal and its approval.
    const mike = await system.personToken('mike.manager@example.com', 'manager');
    expect((await as(mike, `/api/deals/${dealId}`)).status).toBe(200);
    expect((await as(mike, '/api/approvals')).body.approvals).toHaveLength(1);
  });

  it("when a rep reads the audit trail, then they see entries about their own records only, and no one else's token prefixes", async () => {
    const mine = (await as(repA, '/api/audit?limit=200')).body.entries as {
      subjectType: string;
      dealId: string | null;
      details: unknown;
    }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((entry) => entry.dealId === dealId || entry.subjectType !== 'deal')).toBe(true);
    const theirs = (await as(repB, '/api/audit?limit=200')).body.entries as {
      subjectType: string;
      dealId: string | null;
    }[];
    expect(theirs.filter((entry) => entry.dealId === dealId)).toEqual([]);
    const tokenEntries = theirs.filter((entry) => entry.subjectType === 'token');
    const everyone = (await as(revops, '/api/audit?limit=200&subjectType=token')).body.entries as unknown[];
    expect(tokenEntries.length).toBeLessThan(everyone.length);
    expect(JSON.stringify(tokenEntries)).not.toContain(ownerEmail);
  });

  it('when a rep or a manager reads the development mailbox, then 403; revops reads it', async () => {
    for (const token of [repA, otherManager]) {
      const response = await as(token, '/api/dev/mailbox');
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain('needs one of the roles revops');
    }
    expect((await as(revops, '/api/dev/mailbox')).status).toBe(200);
    expect((await as(other, '/api/dev/mailbox')).status).toBe(404);
  });

  it('when an intake-only integration posts a lead and reads it back, then the lead is captured and the read is 403', async () => {
    const issued = await as(revops, '/api/integrations/webflow-forms/tokens', { body: { label: 'site' } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ kind: 'integration', scopes: ['intake'], personEmail: 'webflow-forms' });
    const posted = await as(issued.body.token, '/api/leads', { body: { email: 'via@forms.io', source: 'content' } });
    expect(posted.status).toBe(201);
    const read = await as(issued.body.token, `/api/leads/${posted.body.id}`);
    expect(read.status).toBe(403);
    expect(read.body.error.message).toContain('needs a token with the read scope');
    // It cannot mint itself anything stronger, or act as a person.
    expect((await as(issued.body.token, '/api/me')).body).toMatchObject({
      email: 'integration:webflow-forms',
      kind: 'integration',
      scopes: ['intake'],
    });
    expect((await as(repA, '/api/integrations/x/tokens', { body: { label: 'x' } })).status).toBe(403);
    const tooMuch = await as(revops, '/api/integrations/crm/tokens', { body: { label: 'x', scopes: ['write'] } });
    expect(tooMuch.status).toBe(403);
  });

  it("when a rep's token asks for admin, or an intake token mints a writing one, then 403", async () => {
    const admin = await as(repA, `/api/people/${ownerEmail}/tokens`, { body: { label: 'x', scopes: ['admin'] } });
    expect(admin.status).toBe(403);
    expect(admin.body.error.message).toContain('cannot carry admin');
    const narrow = await as(repA, `/api/people/${ownerEmail}/tokens`, {
      body: { label: 'intake', scopes: ['intake'] },
    });
    expect(narrow.status).toBe(201);
    const escalate = await as(narrow.body.token, `/api/people/${ownerEmail}/tokens`, {
      body: { label: 'x', scopes: ['write'] },
    });
    expect(escalate.status).toBe(403);
  });
});
