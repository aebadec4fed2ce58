import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeRuntime, intakeDeps } from '../../src/api/intake-deps';
import { captureLead, type LeadInput } from '../../src/usecases/intake';
import { databaseLeadLookup } from '../../src/usecases/lead-identity';
import * as desk from '../../workflows/dealMessages';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

/**
 * A step that cannot succeed fails visibly. The lead says `needs-attention` with the reason (in
 * GET /api/leads/:id and the audit trail), the caller gets the error at once, no activity keeps
 * retrying, and the journey lives on. Real Temporal dev server, real database, real HTTP.
 */
describe.each(providers)('a journey step that fails for good, on %s', (provider) => {
  let system: TestSystem;
  let auditor: string;
  beforeAll(async () => {
    system = await startTestSystem(provider);
    auditor = await system.personToken('ops@attention.io', 'revops');
  });
  afterAll(async () => {
    await system?.stop();
  });

  const post = (body: unknown) => http(`${system.url}/api/leads`, { body });
  const lead = (fields: Partial<LeadInput>): LeadInput => ({
    tenant: system.config.tenant,
    source: 'ads',
    sourceDetails: {},
    attributes: {},
    ...fields,
  });
  const deps = () =>
    intakeDeps(
      {
        db: system.database.db,
        temporal: system.temporal,
        taskQueue: system.config.temporal.taskQueue,
        intake: createIntakeRuntime(system.database.db),
      },
      'not captured.',
    );

  it('when a submission breaks a unique constraint (the identity race), then the lead says needs-attention with the reason, the caller gets 409 conflict, and nothing retries', async () => {
    const byId = await post({ externalId: 'crm-race-1', firstName: 'Rosalind', source: 'partner-referral' });
    const byEmail = await post({ email: 'rosalind@race.io', source: 'ads' });
    expect([byId.status, byEmail.status]).toEqual([201, 201]);

    // The race lead-identity.ts documents: this submission's lookup ran before the email's lead
    // was committed, so it saw only the lead with the external id.
    const staleLookup = databaseLeadLookup(system.database.db);
    const racing = {
      ...deps(),
      lookup: async (tenant: string, keys: { email?: string; externalId?: string }) => ({
        ...(await staleLookup(tenant, keys)),
        byEmail: null,
      }),
    };
    const failure = await captureLead(racing, lead({ externalId: 'crm-race-1', email: 'rosalind@race.io' }), {
      wait: 'stored',
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'conflict' });
    expect((failure as Error).message).toMatch(/unique constraint failed/i);

    const shown = await http(`${system.url}/api/leads/${byId.body.id}`);
    expect(shown.body).toMatchObject({
      email: null,
      journeyStatus: 'needs-attention',
      attentionReason: expect.stringMatching(/^submission: recordSubmission failed: .*unique constraint failed/i),
      journey: { status: 'live', attention: { step: 'submission', code: 'conflict' } },
    });
    expect(shown.body.attentionAt).toEqual(expect.any(String));

    const audit = await http(`${system.url}/api/audit?subjectType=lead&subjectId=${byId.body.id}`, {
      headers: bearer(auditor),
    });
    expect(audit.body.entries).toMatchObject([
      {
        action: 'lead.needs-attention',
        actor: 'system',
        reason: shown.body.attentionReason,
        details: { step: 'submission', code: 'conflict', leadStored: true },
      },
    ]);

    const description = await system.temporal.workflow.getHandle(byId.body.journeyId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingActivities ?? []).toEqual([]);

    const later = await post({ externalId: 'crm-race-1', title: 'Crystallographer', source: 'events' });
    expect(later).toMatchObject({ status: 200, body: { id: byId.body.id, status: 'merged' } });
  });

  it('when a journey was stuck before the fix on a submission id another lead used, then its retry stores the lead', async () => {
    const first = await post({ email: 'first@stuck.io', source: 'ads' });
    // What the old intake stored for a client's Idempotency-Key "legacy-key-1": a tenant-wide key.
    await system.database.db.interaction.create({
      data: {
        id: `submission:${system.config.tenant}:legacy-key-1`,
        leadId: first.body.id,
        kind: 'resubmission',
        source: 'ads',
        occurredAt: new Date(),
        payload: {},
        idempotencyKey: `submission:${system.config.tenant}:legacy-key-1`,
      },
    });
    // ... and the submission of another person that reused the key, as the old intake sent it.
    const result = await captureLead(deps(), lead({ email: 'second@stuck.io' }), {
      submissionId: 'legacy-key-1',
      wait: 'stored',
    });
    expect(result.status).toBe('created');
    const shown = await http(`${system.url}/api/leads/${result.receipt.leadId}`);
    expect(shown.body).toMatchObject({
      email: 'second@stuck.io',
      journeyStatus: 'running',
      journey: { submissions: 1 },
    });
    expect(shown.body.interactions).toHaveLength(1);
  });

  it('when work a signal started on a deal fails for good, then the deal says so (state and audit trail) and still answers', async () => {
    await stockCatalogue(system, auditor);
    const { dealId, ownerEmail } = await openDeal(system, auditor, 'grace@attention.io');
    const owner = await system.personToken(ownerEmail, 'rep');
    const created = await http(`${system.url}/api/deals/${dealId}/quotes`, {
      body: {
        customer: { company: 'Compilers Inc', contactName: 'Grace', email: 'grace@attention.io', region: 'us-ny' },
        lines: [{ sku: 'PLAT-ENT-1Y', quantity: 1 }],
      },
      headers: bearer(owner),
    });
    expect(created.body.submission).toMatchObject({ status: 'approved' });
    const versionId = created.body.quote.current.id as string;
    const { workflowId } = await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } });
    const deal = system.temporal.workflow.getHandle(workflowId);

    // The version the signature is for was deleted by hand: marking it signed cannot succeed.
    await system.database.db.quoteVersion.delete({ where: { id: versionId } });
    await deal.signal(desk.signatureCompleted, {
      provider: 'fake',
      envelopeId: 'env-attention-1',
      versionId,
      status: 'signed',
      at: new Date().toISOString(),
    });

    await expect
      .poll(async () => (await deal.query(desk.dealState)).attention, { timeout: 30_000, interval: 250 })
      .toMatchObject({ step: 'signature signed', code: 'QuoteVersionNotFound' });
    const state = await deal.query(desk.dealState);
    expect(state).toMatchObject({ stage: 'needs-analysis', pendingWrites: 0 });
    expect(state.attention?.reason).toContain(
      `setQuoteVersionStatus failed: quote version ${versionId} does not exist`,
    );

    const audit = await http(
      `${system.url}/api/audit?subjectType=deal&subjectId=${dealId}&action=deal.needs-attention`,
      {
        headers: bearer(auditor),
      },
    );
    expect(audit.body.entries).toMatchObject([{ actor: 'system', dealId, reason: state.attention?.reason }]);

    // The journey is not stuck on the failure: it still takes commands.
    const scheduled = await deal.executeUpdate(desk.meetingScheduled, {
      args: [
        {
          meetingId: 'mtg-after-failure',
          kind: 'meeting',
          startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          actor: { email: ownerEmail, role: 'rep' },
        },
      ],
    });
    expect(scheduled).toHaveProperty('remindAt');
    expect((await deal.describe()).status.name).toBe('RUNNING');
  });
});
