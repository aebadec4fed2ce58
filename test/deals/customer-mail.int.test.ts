/**
 * "Send" reaches people: a sent quote is emailed to the customer contact with its PDF (once, even
 * when the activity runs again), and a signature request answers with the signing link, which the
 * e-signature provider emails to the signer (once). The real system over HTTP; leadflow's mail is
 * read from its embedded SMTP sink, the provider's from a sink of its own (the signer's inbox).
 */
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../activities/email';
import { createQuoteMailActivities } from '../../activities/quote-mail';
import type { MailSink } from '../../src/email/mail-sink';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { startFakeSignatureProvider, type FakeSignatureProvider } from '../../src/esign/fake-provider';
import { startSink, tempMailboxDir } from '../email/support';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

const SECRET = 'customer-mail-webhook-secret-0123456789';
const BUYER = 'howard@compilers.io';

describe.each(providers)('quote and signature emails (%s)', (provider) => {
  const signerInbox = tempMailboxDir();
  let signerSink: MailSink;
  let fake: FakeSignatureProvider;
  let system: TestSystem;
  let owner: string;
  let dealId: string;
  let ownerEmail: string;
  let revops: string;

  beforeAll(async () => {
    signerSink = await startSink(signerInbox.dir);
    fake = await startFakeSignatureProvider({
      secret: SECRET,
      mail: {
        mailer: createSmtpMailer({ host: signerSink.host, port: signerSink.port, secure: false }),
        from: 'Fake e-signature <esign@provider.example>',
      },
    });
    system = await startTestSystem(provider, { ESIGN_FAKE_URL: fake.url, ESIGN_WEBHOOK_SECRET: SECRET });
    fake.setWebhookUrl(`${system.url}/api/webhooks/esign/fake`);
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
    ({ dealId, ownerEmail } = await openDeal(system, revops, 'grace@compilers.io'));
    owner = await system.personToken(ownerEmail, 'rep');
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await fake?.stop();
    await signerSink?.stop();
    signerInbox.remove();
  });

  const call = (method: string, path: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(owner) });

  /** An approved quote (no discount: within the rep's authority) for the deal. */
  async function approvedQuote(customer: Record<string, string>) {
    const created = await call('POST', `/api/deals/${dealId}/quotes`, {
      customer: { company: 'Compilers Inc', region: 'US-NY', ...customer },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.submission).toMatchObject({ status: 'approved' });
    return created.body.quote as { id: string; number: string; current: { id: string } };
  }

  it('when a quote version is sent, then the customer gets one email with its PDF attached, replies going to the owner; running the activity again sends nothing more', async () => {
    const quote = await approvedQuote({ contactName: 'Howard Aiken', email: BUYER });
    const sent = await call('POST', `/api/quotes/${quote.id}/versions/1/send`);
    expect(sent).toMatchObject({ status: 200, body: { customerEmail: BUYER, expiresAt: expect.any(String) } });

    expect(await eventually(async () => (await system.mailbox!.list({ to: BUYER })).length > 0, 30_000)).toBe(true);
    const [listed, ...more] = await system.mailbox!.list({ to: BUYER });
    expect(more).toEqual([]);
    const mail = await simpleParser((await system.mailbox!.get(listed!.id))!.raw);
    expect(mail.subject).toBe(`Quote ${quote.number} from Leadflow Inc.`);
    expect(mail.text).toContain('Hello Howard Aiken,');
    // 10 × USD 1,200.00 + 8.875% New York tax.
    expect(mail.text).toContain(`our quote ${quote.number} (version 1) for Compilers Inc: USD 13,065.00`);
    expect(mail.replyTo?.value.map((a) => a.address)).toEqual([ownerEmail]);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`${quote.number}-v1.pdf`, 'application/pdf'],
    ]);
    expect(mail.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // The PDF is the document the API serves for this version.
    const served = await fetch(`${system.url}/api/quotes/${quote.id}/versions/1/document?format=pdf`, {
      headers: bearer(owner),
    });
    expect(
      Buffer.from(await served.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // A retry of the activity (same input, as Temporal would run it) and a second press (the same
    // update, answered from the first): nothing more is sent.
    const activities = createQuoteMailActivities({
      db: system.database.db,
      outbox: createOutbox({
        db: system.database.db,
        mailer: createSmtpMailer({ host: system.mailbox!.host, port: system.mailbox!.port, secure: false }),
        from: system.config.mail.from,
      }),
    });
    const again = await activities.emailQuoteToCustomer({
      versionId: quote.current.id,
      idempotencyKey: `${dealId}:quote-email:${quote.current.id}`,
    });
    expect(again).toMatchObject({ status: 'sent', duplicate: true, to: BUYER });
    const pressedAgain = await call('POST', `/api/quotes/${quote.id}/versions/1/send`);
    expect(pressedAgain).toMatchObject({ status: 200, body: sent.body });
    expect(await system.mailbox!.list({ to: BUYER })).toHaveLength(1);
    expect(
      await system.database.db.outboundEmail.findMany({ where: { toAddress: BUYER }, select: { status: true } }),
    ).toEqual([{ status: 'sent' }]);
  });

  it('when the sent quote goes for signature, then the answer carries the signing link and the signer gets it by email once, even when the request is repeated', async () => {
    const [quote] = (await call('GET', `/api/deals/${dealId}/quotes`)).body.quotes as Array<{ id: string }>;
    const signer = { name: 'Howard Aiken', email: 'howard.signs@compilers.io' };
    const requested = await call('POST', `/api/quotes/${quote!.id}/versions/1/signature`, { signer });
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    const { envelopeId, signingUrl } = requested.body;
    expect(signingUrl).toBe(`${fake.url}/sign/${envelopeId}`);
    const page = await fetch(signingUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('>Sign</button>');

    const repeated = await call('POST', `/api/quotes/${quote!.id}/versions/1/signature`, { signer });
    expect(repeated.body).toEqual(requested.body);

    expect(await eventually(async () => (await signerSink.list({ to: signer.email })).length > 0, 20_000)).toBe(true);
    const invitations = await signerSink.list({ to: signer.email });
    expect(invitations).toHaveLength(1);
    expect(invitations[0]!.subject).toMatch(/^Please sign: Quote Q-\d{4}-\d{4} \(version 1\)$/);
    expect(invitations[0]!.text).toContain(signingUrl);
  });

  it('when nobody can receive the quote (no customer email, a lead known only by its CRM id), then sending it is refused with 422 and nothing changes', async () => {
    const post = (path: string, body: unknown, token = revops) =>
      http(`${system.url}${path}`, { body, headers: bearer(token) });
    const lead = await post('/api/leads', {
      externalId: 'crm-no-email-7',
      firstName: 'Ada',
      company: 'Engines Ltd',
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    expect(lead.status).toBe(201);
    await post(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
    await post(`/api/leads/${lead.body.id}/bant`, {
      budget: 'confirmed',
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    const converted = await post(`/api/leads/${lead.body.id}/convert`, {});
    expect(converted.status, JSON.stringify(converted.body)).toBe(201);
    const deal = await system.database.db.deal.findUniqueOrThrow({ where: { id: converted.body.dealId } });
    const rep = await system.personToken(deal.ownerEmail, 'rep');
    const created = await post(
      `/api/deals/${deal.id}/quotes`,
      { customer: { company: 'Engines Ltd', region: 'US-NY' }, lines: [{ sku: 'PLAT-ENT-1Y', quantity: 1 }] },
      rep,
    );
    expect(created.body.submission).toMatchObject({ status: 'approved' });

    const refused = await post(`/api/quotes/${created.body.quote.id}/versions/1/send`, {}, rep);
    expect(refused).toMatchObject({
      status: 422,
      body: { error: { code: 'not_allowed', message: expect.stringContaining('edit the quote with customer.email') } },
    });
    const version = await system.database.db.quoteVersion.findUniqueOrThrow({
      where: { id: created.body.quote.current.id },
    });
    expect(version).toMatchObject({ status: 'approved', sentAt: null });
  });
});
