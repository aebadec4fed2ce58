import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system';

const SECRET = 'form-webhook-secret-0123456789';

function sign(body: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

async function deliver(url: string, form: Record<string, string>, headers: Record<string, string> = {}, query = '') {
  const body = new URLSearchParams(form).toString();
  const response = await fetch(`${url}/api/webhooks/forms${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-leadflow-signature': sign(body), ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('form webhook', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when a form tool posts a urlencoded submission, then its fields become a lead with its source details', async () => {
    const response = await deliver(
      system.url,
      {
        Email: 'Mary@Shelley.io',
        first_name: 'Mary',
        company_name: 'Frankenstein Labs',
        job_title: 'CTO',
        utm_campaign: 'spring-webinar',
        company_size: '250',
      },
      {},
      '?source=ads',
    );
    expect(response.status).toBe(201);
    const lead = await system.database.db.lead.findUnique({ where: { id: response.body.id } });
    expect(lead).toMatchObject({
      email: 'mary@shelley.io',
      firstName: 'Mary',
      company: 'Frankenstein Labs',
      title: 'CTO',
      source: 'ads',
      sourceDetails: { campaign: 'spring-webinar' },
      attributes: { employees: 250 },
    });
  });

  it('when a CRM sync delivers a record without an email, then its crm_id identifies the lead and a later delivery merges', async () => {
    const first = await deliver(
      system.url,
      { crm_id: 'HS-77102', first_name: 'Rosalind', company_name: 'Helix Ltd' },
      { 'x-webhook-id': 'crm-sync-1' },
      '?source=partner-referral',
    );
    expect(first.status).toBe(201);
    const update = await deliver(
      system.url,
      { crm_id: 'HS-77102', email: 'rosalind@helix.co.uk' },
      { 'x-webhook-id': 'crm-sync-2' },
      '?source=partner-referral',
    );
    expect(update.body).toMatchObject({ id: first.body.id, status: 'merged' });
    const lead = await system.database.db.lead.findUnique({ where: { id: first.body.id } });
    expect(lead).toMatchObject({
      externalId: 'HS-77102',
      email: 'rosalind@helix.co.uk',
      firstName: 'Rosalind',
      company: 'Helix Ltd',
    });
  });

  it('when the tool retries one delivery concurrently, then it is recorded once, and a new delivery merges into the same journey', async () => {
    const form = { email: 'retry@webhooks.io', source: 'content' };
    const retries = await Promise.all(
      Array.from({ length: 5 }, () => deliver(system.url, form, { 'x-webhook-id': 'delivery-0001' })),
    );
    expect(new Set(retries.map((response) => response.body.id)).size).toBe(1);
    const leadId = retries[0]!.body.id as string;
    expect(await system.database.db.interaction.count({ where: { leadId } })).toBe(1);

    const next = await deliver(system.url, form, { 'x-webhook-id': 'delivery-0002' });
    expect(next).toMatchObject({ status: 200, body: { id: leadId, status: 'merged' } });
    expect(await system.database.db.interaction.count({ where: { leadId } })).toBe(2);
  });

  it('when the signature is missing or the email is not valid, then it is rejected with a clear error and nothing is stored', async () => {
    const before = await system.database.db.lead.count();
    const unsigned = await deliver(system.url, { email: 'x@y.io' }, { 'x-leadflow-signature': 'sha256=00' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.message).toContain('X-Leadflow-Signature');
    const invalid = await deliver(system.url, { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields).toEqual([{ path: 'email', message: 'must be a valid email address' }]);
    expect(await system.database.db.lead.count()).toBe(before);
  });
});
