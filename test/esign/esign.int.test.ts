import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { Prisma } from '../../src/db/client';
import { computeQuote } from '../../src/domain/quote';
import type { SignatureProvider } from '../../src/esign/adapter';
import { startFakeSignatureProvider, type FakeSignatureProvider } from '../../src/esign/fake-provider';
import type { EnvelopeView } from '../../src/esign/fake-protocol';
import { createSignatureProvider } from '../../src/esign/provider';
import { sendForSignature } from '../../src/esign/send';
import { signWebhook } from '../../src/esign/webhook-signature';
import { requestSignature, type DealState } from '../../workflows/dealMessages';
import { sqliteOnly } from '../support/database';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { eventually, startTcpProxy } from '../support/tcp-proxy';
import { quoteContent } from '../quotes/support';

const SECRET = 'esign-integration-secret-0123456789';
/** Stored JSON columns take plain data; quote content and totals are that. */
const asJson = (value: unknown) => value as Prisma.InputJsonValue;
const id = (prefix: string) => `${prefix}_${randomBytes(11).toString('hex').slice(0, 22)}`;

describe.each(sqliteOnly)('e-signature through the fake provider (%s)', (provider) => {
  let fake: FakeSignatureProvider;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let system: TestSystem;
  let esign: SignatureProvider;

  beforeAll(async () => {
    fake = await startFakeSignatureProvider({ secret: SECRET, retryDelaysMs: [1_000, 2_000, 4_000, 8_000] });
    const [host = '127.0.0.1', port = '7233'] = inject('temporalAddress').split(':');
    // Temporal behind a proxy, so one test can take it away from leadflow and bring it back.
    proxy = await startTcpProxy({ host, port: Number(port) });
    system = await startTestSystem(provider, {
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
      ESIGN_FAKE_URL: fake.url,
      ESIGN_WEBHOOK_SECRET: SECRET,
    });
    fake.setWebhookUrl(`${system.url}/api/webhooks/esign/fake`);
    esign = createSignatureProvider(system.config.esign);
  });
  afterAll(async () => {
    await system?.stop();
    await proxy?.stop();
    await fake?.stop();
  });

  /** A deal in negotiation whose quote version 1 was sent, with its real deal journey running. */
  async function openDeal(options: { language?: 'zh-CN' } = {}) {
    const db = system.database.db;
    const tenant = system.config.tenant;
    const [leadId, dealId, quoteId, versionId] = [id('ld'), id('dl'), id('qt'), id('qv')];
    const owner = `owner-${dealId.slice(3, 11)}@leadflow.test`;
    const workflowId = `deal-${tenant}-${dealId}`;
    const content = quoteContent({ validUntil: '2099-12-31' });
    await db.lead.create({
      data: {
        id: leadId,
        tenant,
        email: `buyer-${dealId.slice(3, 11)}@acme.de`,
        company: 'Acme GmbH',
        ...(options.language ? { language: options.language } : {}),
        source: 'content',
        sourceDetails: {},
        attributes: {},
        stage: 'sql',
        ownerId: owner,
        journeyId: `lead-${tenant}-${leadId}`,
      },
    });
    await db.account.create({ data: { id: id('acc'), tenant, name: `Acme ${dealId}` } });
    const account = await db.account.findFirstOrThrow({ where: { tenant, name: `Acme ${dealId}` } });
    await db.deal.create({
      data: {
        id: dealId,
        tenant,
        leadId,
        accountId: account.id,
        name: 'Acme platform',
        ownerEmail: owner,
        stage: 'negotiation',
        workflowId,
        needs: {},
        needsSummary: 'Replace spreadsheets',
      },
    });
    await db.quote.create({ data: { id: quoteId, tenant, dealId, number: `Q-${dealId.slice(3, 11)}` } });
    await db.quoteVersion.create({
      data: {
        id: versionId,
        quoteId,
        version: 1,
        content: asJson(content),
        totals: asJson(computeQuote(content)),
        contentHash: 'test-hash',
        status: 'sent',
        sentAt: new Date(),
      },
    });
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const state: DealState = {
      dealId,
      tenant,
      leadId,
      stage: 'negotiation',
      stageEnteredAt: new Date().toISOString(),
      owner,
      quotes: [{ quoteId, version: 1, versionId, status: 'sent', expiresAt, approvalWorkflowId: null }],
      stalled: null,
      meetings: [],
      warnings: [],
      contract: null,
      pendingWrites: 0,
    };
    const memory = {
      stalledWatchId: null,
      stalledSteps: [],
      reminders: {},
      validUntil: content.validUntil,
      timing: null,
    };
    const journey: WorkflowHandle<(input: unknown) => Promise<DealState>> = await system.temporal.workflow.start(
      'dealJourney',
      {
        workflowId,
        taskQueue: system.config.temporal.taskQueue,
        args: [{ dealId, tenant, leadId, ownerEmail: owner, timeZone: 'Europe/Berlin', state, memory }],
      },
    );
    return { dealId, versionId, owner, journey, quoteNumber: `Q-${dealId.slice(3, 11)}` };
  }

  const signer = { name: 'Jana Berg', email: 'jana@acme.de' };
  const send = (versionId: string, key: string) =>
    sendForSignature(
      { db: system.database.db, provider: esign, publicUrl: system.url },
      { versionId, signer, actor: 'owner@leadflow.test', idempotencyKey: key },
    );
  const envelope = async (envelopeId: string) =>
    (await http(`${fake.url}/envelopes/${envelopeId}`)).body as EnvelopeView;
  const signatureRequest = (envelopeId: string) =>
    system.database.db.signatureRequest.findUniqueOrThrow({
      where: { provider_envelopeId: { provider: 'fake', envelopeId } },
    });
  const auditOf = (dealId: string) =>
    system.database.db.auditEvent.findMany({ where: { dealId }, orderBy: { occurredAt: 'asc' } });

  /** A webhook body as the fake provider would send it, signed at `timestamp` with `secret`. */
  function webhook(
    event: { id: string; envelopeId: string; status: string },
    options: { secret?: string; timestamp?: number } = {},
  ) {
    const body = JSON.stringify({
      id: event.id,
      type: `envelope.${event.status}`,
      occurredAt: new Date().toISOString(),
      envelope: {
        id: event.envelopeId,
        status: event.status,
        metadata: { tenant: 't', dealId: 'd', quoteVersionId: 'v' },
      },
    });
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    return {
      rawBody: body,
      headers: {
        'X-Esign-Event-Id': event.id,
        'X-Esign-Timestamp': String(timestamp),
        'X-Esign-Signature': signWebhook(options.secret ?? SECRET, timestamp, body),
      },
    };
  }
  const deliver = (path: string, delivery: { rawBody: string; headers: Record<string, string> }) =>
    http(`${system.url}${path}`, { method: 'POST', ...delivery });

  it('when the same quote version is sent twice (and concurrently) with one idempotency key, then there is one envelope, one signature request and one audit entry', async () => {
    const { dealId, versionId } = await openDeal();
    const sent = await Promise.all([
      send(versionId, `${dealId}:signature:1`),
      send(versionId, `${dealId}:signature:1`),
    ]);
    const again = await send(versionId, `${dealId}:signature:1`);
    expect(new Set([...sent, again].map((s) => s.envelopeId)).size).toBe(1);
    expect(again).toMatchObject({
      provider: 'fake',
      status: 'sent',
      signingUrl: `${fake.url}/sign/${again.envelopeId}`,
    });

    const { envelopes } = (await http(`${fake.url}/envelopes`)).body as { envelopes: EnvelopeView[] };
    expect(envelopes.filter((e) => e.metadata.quoteVersionId === versionId)).toHaveLength(1);
    expect(await system.database.db.signatureRequest.count({ where: { quoteVersionId: versionId } })).toBe(1);
    expect((await auditOf(dealId)).filter((a) => a.action === 'signature.sent')).toMatchObject([
      { actor: 'owner@leadflow.test', subjectType: 'signature', details: { envelopeId: again.envelopeId } },
    ]);
    const document = await (await fetch(`${fake.url}/envelopes/${again.envelopeId}/document`)).text();
    expect(document).toContain('Acme GmbH');
    expect(document).toContain('Platform seat (annual)');
  });

  // The title's language comes from the quote's (quoteAudience); nothing here depends on the database.
  it.runIf(provider === 'sqlite')(
    'when the quote is for a Chinese reader, then the envelope the signer opens is titled in Chinese, and an English one in English',
    async () => {
      const chinese = await openDeal({ language: 'zh-CN' });
      const english = await openDeal();
      const [zh, en] = [
        await send(chinese.versionId, `${chinese.dealId}:signature:1`),
        await send(english.versionId, `${english.dealId}:signature:1`),
      ];
      expect((await envelope(zh.envelopeId)).title).toBe(`报价单 ${chinese.quoteNumber}（第 1 版）`);
      expect((await envelope(en.envelopeId)).title).toBe(`Quote ${english.quoteNumber} (version 1)`);
      const page = await (await fetch(`${fake.url}/sign/${zh.envelopeId}`)).text();
      expect(page).toContain(`报价单 ${chinese.quoteNumber}（第 1 版）`);
    },
  );

  it("when the deal journey asks for a signature and the signer signs on the provider's page, then the webhook marks it signed and the deal is closed won with a contract", async () => {
    const { dealId, versionId, journey } = await openDeal();
    const { envelopeId } = await journey.executeUpdate(requestSignature, {
      args: [{ versionId, signer, actor: { email: 'owner@leadflow.test', role: 'rep' } }],
    });
    expect(await signatureRequest(envelopeId)).toMatchObject({
      status: 'sent',
      signerEmail: 'jana@acme.de',
      quoteVersionId: versionId,
    });

    const page = await (await fetch(`${fake.url}/sign/${envelopeId}`)).text();
    expect(page).toContain('>Sign</button>');
    const pressed = await fetch(`${fake.url}/envelopes/${envelopeId}/sign`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);

    // The journey ends once the deal is closed and its writes are done.
    expect(await journey.result()).toMatchObject({
      stage: 'closed-won',
      quotes: [{ versionId, status: 'signed' }],
      contract: { contractId: expect.any(String) },
    });
    expect(await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({
      stage: 'closed-won',
    });
    const request = await signatureRequest(envelopeId);
    expect(request.status).toBe('signed');
    expect(request.completedAt?.toISOString()).toBe((await envelope(envelopeId)).completedAt);
    expect(await system.database.db.quoteVersion.findUniqueOrThrow({ where: { id: versionId } })).toMatchObject({
      status: 'signed',
    });
    expect(await system.database.db.contract.findUnique({ where: { dealId } })).toMatchObject({
      quoteVersionId: versionId,
      currency: 'USD',
    });
    const trail = await auditOf(dealId);
    expect(trail.find((a) => a.action === 'signature.signed')).toMatchObject({
      actor: 'jana@acme.de',
      subjectId: request.id,
      details: { envelopeId, dealNotified: true },
    });
    expect(trail.map((a) => a.action)).toEqual(
      expect.arrayContaining(['signature.sent', 'signature.signed', 'quote.signed', 'contract.created']),
    );
  });

  it('when the provider redelivers a processed event, then leadflow answers 200 and nothing happens twice', async () => {
    const { dealId, versionId, journey } = await openDeal();
    const { envelopeId } = await send(versionId, `${dealId}:signature:1`);
    await http(`${fake.url}/envelopes/${envelopeId}/sign`, { method: 'POST' });
    expect(await journey.result()).toMatchObject({ stage: 'closed-won' });
    const before = {
      request: await signatureRequest(envelopeId),
      audit: await auditOf(dealId),
      deal: await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } }),
    };
    const { eventId } = (await envelope(envelopeId)).events[0]!;

    expect((await http(`${fake.url}/events/${eventId}/redeliver`, { method: 'POST' })).status).toBe(202);
    expect(await eventually(async () => (await envelope(envelopeId)).events[0]!.attempts.length === 2)).toBe(true);
    expect((await envelope(envelopeId)).events[0]!.attempts.map((a) => a.status)).toEqual([200, 200]);
    const replay = await deliver('/api/webhooks/esign/fake', webhook({ id: eventId, envelopeId, status: 'signed' }));
    expect(replay).toMatchObject({
      status: 200,
      body: { outcome: 'duplicate', eventId, status: 'signed', dealNotified: false },
    });

    expect(await signatureRequest(envelopeId)).toEqual(before.request);
    expect(await auditOf(dealId)).toEqual(before.audit);
    expect(await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } })).toEqual(before.deal);
  });

  it('when a quote version is not approved or sent, then it is not sent for signature and the provider never hears of it', async () => {
    const { dealId, versionId } = await openDeal();
    await system.database.db.quoteVersion.update({ where: { id: versionId }, data: { status: 'pending-approval' } });
    await expect(send(versionId, `${dealId}:signature:1`)).rejects.toMatchObject({
      code: 'not_allowed',
      message: expect.stringContaining('is pending-approval; only an approved or sent version'),
    });
    const { envelopes } = (await http(`${fake.url}/envelopes`)).body as { envelopes: EnvelopeView[] };
    expect(envelopes.filter((e) => e.metadata.quoteVersionId === versionId)).toEqual([]);
    expect(await system.database.db.signatureRequest.count({ where: { quoteVersionId: versionId } })).toBe(0);
  });

  it('when an event contradicts the recorded outcome (voided after signed), then it is acknowledged, recorded as ignored, and the signature stands', async () => {
    const { dealId, versionId, journey } = await openDeal();
    const { envelopeId } = await send(versionId, `${dealId}:signature:1`);
    await http(`${fake.url}/envelopes/${envelopeId}/sign`, { method: 'POST' });
    await journey.result();
    const late = await deliver('/api/webhooks/esign/fake', webhook({ id: id('evt'), envelopeId, status: 'voided' }));
    expect(late).toMatchObject({ status: 200, body: { outcome: 'ignored', status: 'signed', dealNotified: false } });
    expect(await signatureRequest(envelopeId)).toMatchObject({ status: 'signed' });
    expect((await auditOf(dealId)).find((a) => a.action === 'signature.event-ignored')).toMatchObject({
      reason: 'the envelope is already signed; the provider reported voided',
    });
  });

  it('when a webhook is forged, stale or unsigned, then it is refused with 401 saying why, and nothing changes', async () => {
    const { dealId, versionId } = await openDeal();
    const { envelopeId } = await send(versionId, `${dealId}:signature:1`);
    const claim = { id: id('evt'), envelopeId, status: 'signed' };
    const url = '/api/webhooks/esign/fake';

    const forged = await deliver(url, webhook(claim, { secret: 'an-attackers-guess-0123456789' }));
    expect(forged).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.stringContaining('bad-signature') } },
    });
    const stale = await deliver(url, webhook(claim, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
    expect(stale).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.stringMatching(/stale-timestamp.*old/) } },
    });
    const { rawBody } = webhook(claim);
    const unsigned = await deliver(url, { rawBody, headers: {} });
    expect(unsigned).toMatchObject({
      status: 401,
      body: { error: { message: expect.stringContaining('X-Esign-Signature') } },
    });

    expect(await signatureRequest(envelopeId)).toMatchObject({ status: 'sent', completedAt: null });
    expect((await auditOf(dealId)).map((a) => a.action)).toEqual(['signature.sent']);
    expect(await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({
      stage: 'negotiation',
    });
  });

  it('when a signed webhook names an unknown envelope, another provider or is not an event, then it is a 404 or 400', async () => {
    const unknown = await deliver(
      '/api/webhooks/esign/fake',
      webhook({ id: id('evt'), envelopeId: 'env_nobody', status: 'signed' }),
    );
    expect(unknown).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: expect.stringContaining('env_nobody') } },
    });
    const otherProvider = await deliver(
      '/api/webhooks/esign/docusign',
      webhook({ id: id('evt'), envelopeId: 'env_x', status: 'signed' }),
    );
    expect(otherProvider).toMatchObject({
      status: 404,
      body: { error: { message: expect.stringContaining('"docusign"') } },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const notAnEvent = await deliver('/api/webhooks/esign/fake', {
      rawBody: '{"hello":"world"}',
      headers: {
        'X-Esign-Event-Id': 'evt_1',
        'X-Esign-Timestamp': String(timestamp),
        'X-Esign-Signature': signWebhook(SECRET, timestamp, '{"hello":"world"}'),
      },
    });
    expect(notAnEvent).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', fields: [{ path: '(body)' }] } },
    });
  });

  it("when Temporal is unreachable as the event arrives, then leadflow answers 503 without marking it processed, and the provider's retry completes the work", async () => {
    const { dealId, versionId, owner } = await openDeal();
    const { envelopeId } = await send(versionId, `${dealId}:signature:1`);
    await proxy.stop();
    try {
      await http(`${fake.url}/envelopes/${envelopeId}/decline`, { method: 'POST' });
      expect(
        await eventually(
          async () => (await envelope(envelopeId)).events[0]!.attempts.some((a) => a.status === 503),
          60_000,
        ),
      ).toBe(true);
      expect((await auditOf(dealId)).map((a) => a.action)).toEqual(['signature.sent']);
    } finally {
      await proxy.start();
    }
    expect(await eventually(async () => (await envelope(envelopeId)).events[0]!.state === 'delivered', 60_000)).toBe(
      true,
    );
    expect((await envelope(envelopeId)).events[0]!.attempts.at(-1)!.status).toBe(200);
    expect(await signatureRequest(envelopeId)).toMatchObject({ status: 'declined' });
    expect((await auditOf(dealId)).filter((a) => a.action === 'signature.declined')).toMatchObject([
      { actor: 'jana@acme.de', details: { dealNotified: true } },
    ]);
    // The journey heard it: a declined signature tells the deal owner.
    expect(
      await eventually(
        async () => (await system.mailbox!.list({ to: owner })).some((m) => m.subject.includes('Signature declined')),
        60_000,
      ),
    ).toBe(true);
    expect(await system.database.db.deal.findUniqueOrThrow({ where: { id: dealId } })).toMatchObject({
      stage: 'negotiation',
    });
  });
});
