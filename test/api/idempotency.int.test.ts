import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdentity } from '../../src/usecases/lead-identity';
import { journeyState } from '../../workflows/messages';
import { providers } from '../support/database';
import { bearer, createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';

const SECRET = 'idempotency-webhook-secret-0123456789';

/** A form delivery as a form tool signs it: HMAC of "<timestamp>.<raw body>". */
function signed(body: string): Record<string, string> {
  const at = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex');
  return { 'x-leadflow-timestamp': String(at), 'x-leadflow-signature': `sha256=${signature}` };
}

/**
 * Idempotency keys as the IETF Idempotency-Key draft has them, over real HTTP, a real Temporal
 * dev server and a real database. Regression for issue #11 item 1: a key reused for another
 * person used to answer 202 after 10 s and lose that person for good.
 */
describe.each(providers)('idempotency keys on %s', (provider) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await system?.stop();
  });

  const post = (body: unknown, headers: Record<string, string>) => http(`${system.url}/api/leads`, { body, headers });
  const deliver = (form: unknown, headers: Record<string, string>) => {
    const rawBody = JSON.stringify(form);
    return http(`${system.url}/api/webhooks/forms`, {
      rawBody,
      anonymous: true,
      headers: { ...signed(rawBody), ...headers },
    });
  };
  const leadCount = () => system.database.db.lead.count();
  /** Whether the journey of the person with this email was ever started. */
  const journeyExists = async (email: string) => {
    const { journeyId } = leadIdentity(system.config.tenant, { email });
    return system.temporal.workflow
      .getHandle(journeyId)
      .describe()
      .then(
        () => true,
        (error: { name?: string }) => {
          if (error.name === 'WorkflowNotFoundError') return false;
          throw error;
        },
      );
  };

  it('when a key already used for one person is sent with another person, then 422 idempotency_key_reused at once, nothing is stored, and the other person can still be captured', async () => {
    const key = { 'Idempotency-Key': 'reuse-key-0001' };
    const first = await post({ email: 'ada@reuse.io', source: 'ads' }, key);
    expect(first.status).toBe(201);
    const before = await leadCount();

    const reused = await post({ email: 'grace@reuse.io', source: 'ads' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    expect(reused.body.error.message).toContain('"reuse-key-0001" was already used for a different request');
    expect(await leadCount()).toBe(before);
    expect(await journeyExists('grace@reuse.io')).toBe(false);

    const firstLead = await http(`${system.url}/api/leads/${first.body.id}`);
    expect(firstLead.body).toMatchObject({
      email: 'ada@reuse.io',
      journeyStatus: 'running',
      journey: { submissions: 1 },
    });

    const withItsOwnKey = await post(
      { email: 'grace@reuse.io', source: 'ads' },
      { 'Idempotency-Key': 'reuse-key-0002' },
    );
    expect(withItsOwnKey.status).toBe(201);
    const shown = await http(`${system.url}/api/leads/${withItsOwnKey.body.id}`);
    expect(shown).toMatchObject({ status: 200, body: { email: 'grace@reuse.io', journey: { status: 'live' } } });
  });

  it('when the same request is sent again with its key (fields in another order), then the first answer is replayed, same status and body, and recorded once', async () => {
    const key = { 'Idempotency-Key': 'replay-key-0001' };
    const first = await post({ email: 'katherine@replay.io', source: 'events', company: 'NASA' }, key);
    const again = await post({ company: 'NASA', source: 'events', email: 'katherine@replay.io' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.headers.get('location')).toBe(`/api/leads/${first.body.id}`);
    expect(await system.database.db.interaction.count({ where: { leadId: first.body.id } })).toBe(1);
    const state = await system.temporal.workflow.getHandle(first.body.journeyId).query(journeyState);
    expect(state.submissions).toBe(1);
  });

  it('when twenty form posts share one X-Webhook-Id with different emails, then exactly one lead is stored: one 201 and nineteen 422, none 202', async () => {
    const before = await leadCount();
    const emails = Array.from({ length: 20 }, (_, i) => `person-${i}@burst.io`);
    const responses = await Promise.all(
      emails.map((email) => deliver({ email, first_name: 'Burst' }, { 'X-Webhook-Id': 'burst-delivery-1' })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: 19 }, () => 422)]);
    expect(responses.filter((r) => r.status === 422).every((r) => r.body.error.code === 'idempotency_key_reused')).toBe(
      true,
    );
    expect(await leadCount()).toBe(before + 1);

    const winner = emails[responses.findIndex((response) => response.status === 201)]!;
    const stored = await system.database.db.lead.findMany({ where: { email: { endsWith: '@burst.io' } } });
    expect(stored.map((lead) => lead.email)).toEqual([winner]);
    const started = await Promise.all(emails.map((email) => journeyExists(email)));
    expect(emails.filter((_, i) => started[i])).toEqual([winner]);
  });

  it('when a form tool redelivers the same submission, then it gets the first answer; the id reused for another submission is a 422', async () => {
    const form = { Email: 'mary@redeliver.io', company_name: 'Shelley & Co' };
    const first = await deliver(form, { 'X-Webhook-Id': 'evt_42' });
    const redelivery = await deliver(form, { 'X-Webhook-Id': 'evt_42' });
    expect(first.status).toBe(201);
    expect(redelivery).toMatchObject({ status: 201, body: first.body });
    expect(redelivery.headers.get('idempotent-replayed')).toBe('true');

    const other = await deliver({ Email: 'percy@redeliver.io' }, { 'X-Request-Id': 'evt_42' });
    expect(other.status).toBe(422);
    expect(await system.database.db.lead.count({ where: { email: 'percy@redeliver.io' } })).toBe(0);
  });

  it('when the same key is used by another caller (another token, another tenant, the webhook), then they do not meet', async () => {
    const key = { 'Idempotency-Key': 'scoped-key-0001' };
    const colleague = await system.personToken('colleague@scope.io', 'revops');
    const elsewhere = await createPersonToken(
      system.database.db,
      `${system.config.tenant}-b`,
      'admin@scope.io',
      'revops',
    );
    const mine = await post({ email: 'one@scope.io', source: 'ads' }, key);
    const theirs = await post({ email: 'two@scope.io', source: 'ads' }, { ...key, ...bearer(colleague) });
    const otherTenant = await post({ email: 'three@scope.io', source: 'ads' }, { ...key, ...bearer(elsewhere) });
    const webhook = await deliver({ email: 'four@scope.io' }, { 'X-Webhook-Id': 'scoped-key-0001' });
    expect([mine.status, theirs.status, otherTenant.status, webhook.status]).toEqual([201, 201, 201, 201]);
    // The same caller, though, is held to the key.
    expect((await post({ email: 'five@scope.io', source: 'ads' }, key)).status).toBe(422);
  });

  it('when a delivery id or key is malformed, then 400 names the header and nothing is stored', async () => {
    const before = await leadCount();
    const badDelivery = await deliver({ email: 'x@malformed.io' }, { 'X-Webhook-Id': 'has a space' });
    expect(badDelivery.status).toBe(400);
    expect(badDelivery.body.error.fields).toEqual([
      { path: 'header.X-Webhook-Id', message: 'must be 1–200 visible ASCII characters' },
    ]);
    const badKey = await post({ email: 'x@malformed.io', source: 'ads' }, { 'Idempotency-Key': 'short' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.fields).toEqual([
      { path: 'header.Idempotency-Key', message: 'must be 8–128 characters of letters, digits, . _ : -' },
    ]);
    expect(await leadCount()).toBe(before);
  });
});
