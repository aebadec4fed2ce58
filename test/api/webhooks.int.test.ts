import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system';

const SECRET = 'form-webhook-secret-0123456789';
const hmac = (secret: string, text: string) => `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;

/** The headers a form tool sends: the timestamp, and the HMAC of "<timestamp>.<raw body>". */
function signed(body: string, secret = SECRET, at = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-leadflow-timestamp': String(at), 'x-leadflow-signature': hmac(secret, `${at}.${body}`) };
}

async function post(url: string, body: string, headers: Record<string, string>, query = '') {
  const response = await fetch(`${url}/api/webhooks/forms${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function deliver(url: string, form: Record<string, string>, headers: Record<string, string> = {}, query = '') {
  const body = new URLSearchParams(form).toString();
  return post(url, body, { ...signed(body), ...headers }, query);
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

  it.each<[string, string, Record<string, string>, Record<string, string>]>([
    ['no language field and no Accept-Language', 'en', {}, {}],
    [
      'a browser that prefers Chinese (Accept-Language passed on)',
      'zh-CN',
      {},
      { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    ],
    ['a lang field of "zh-Hans", whatever the header', 'zh-CN', { lang: 'zh-Hans' }, { 'accept-language': 'en-US' }],
    ['a language leadflow does not write ("fr"), with no header', 'en', { language: 'fr' }, {}],
  ])("when a form post has %s, then the lead's language is %s", async (_what, language, fields, headers) => {
    const email = `lang-${language}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const response = await deliver(system.url, { email, ...fields }, headers);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const lead = await system.database.db.lead.findUnique({ where: { id: response.body.id } });
    expect(lead?.language).toBe(language);
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

  it('when the email is not valid, then it is rejected with field errors and nothing is stored', async () => {
    const before = await system.database.db.lead.count();
    const invalid = await deliver(system.url, { email: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.fields).toEqual([{ path: 'email', message: 'must be a valid email address' }]);
    expect(await system.database.db.lead.count()).toBe(before);
  });

  it('when a delivery is unsigned, wrongly signed, signed for another body or timestamp, or replayed after 5 minutes, then it is a 401 that says how to sign and nothing is stored', async () => {
    const before = await system.database.db.lead.count();
    const body = new URLSearchParams({ email: 'mallory@forged.io' }).toString();
    const now = Math.floor(Date.now() / 1000);
    const attempts = {
      unsigned: await post(system.url, body, {}),
      wrong: await post(system.url, body, { ...signed(body), 'x-leadflow-signature': 'sha256=00' }),
      otherSecret: await post(system.url, body, signed(body, 'another-secret-0123456789')),
      otherBody: await post(system.url, body, signed('email=alice%40real.io')),
      movedTimestamp: await post(system.url, body, {
        ...signed(body, SECRET, now),
        'x-leadflow-timestamp': String(now + 60),
      }),
      replayed: await post(system.url, body, signed(body, SECRET, now - 310)),
      fromTheFuture: await post(system.url, body, signed(body, SECRET, now + 310)),
      badTimestamp: await post(system.url, body, { ...signed(body), 'x-leadflow-timestamp': 'yesterday' }),
    };
    expect(Object.values(attempts).map((a) => [a.status, a.body.error.code])).toEqual(
      Array.from({ length: 8 }, () => [401, 'unauthorized']),
    );
    expect(attempts.unsigned.body.error.message).toMatch(
      /^The webhook delivery is not signed: send X-Leadflow-Timestamp: <Unix seconds> and X-Leadflow-Signature: sha256=/,
    );
    expect(attempts.wrong.body.error.message).toContain('The webhook signature does not match the delivery');
    expect(attempts.replayed.body.error.message).toMatch(/X-Leadflow-Timestamp is 31\d s old; .*within 300 s/);
    expect(attempts.fromTheFuture.body.error.message).toMatch(/is 3[01]\d s in the future/);
    expect(attempts.badTimestamp.body.error.message).toContain('X-Leadflow-Timestamp must be Unix seconds');
    expect(await system.database.db.lead.count()).toBe(before);
  });

  it('when a tool signs the body alone (the form before timestamps), then the delivery is still accepted', async () => {
    const body = new URLSearchParams({ email: 'legacy@forms.io' }).toString();
    const response = await post(system.url, body, { 'x-leadflow-signature': hmac(SECRET, body) });
    expect(response).toMatchObject({ status: 201, body: { status: 'created' } });
  });
});

describe('form webhook without LEADFLOW_WEBHOOK_SECRET, unsigned deliveries allowed', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem('sqlite', { LEADFLOW_WEBHOOK_ALLOW_UNSIGNED: 'true' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when a delivery is unsigned, then it is accepted; when it is signed, then the secret in the data dir must match', async () => {
    const secret = readFileSync(system.config.formWebhooks.secretFile, 'utf8').trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const body = (email: string) => new URLSearchParams({ email }).toString();

    expect((await post(system.url, body('open@forms.io'), {})).status).toBe(201);
    expect((await post(system.url, body('signed@forms.io'), signed(body('signed@forms.io'), secret))).status).toBe(201);
    const forged = await post(system.url, body('forged@forms.io'), signed(body('forged@forms.io'), SECRET));
    expect(forged.status).toBe(401);
    expect(await system.database.db.lead.count({ where: { email: 'forged@forms.io' } })).toBe(0);
  });
});
