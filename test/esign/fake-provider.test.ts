import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SignatureProviderError, type SignatureSendInput } from '../../src/esign/adapter';
import { FakeSignatureClient } from '../../src/esign/fake-client';
import {
  startFakeSignatureProvider,
  type FakeProviderOptions,
  type FakeSignatureProvider,
} from '../../src/esign/fake-provider';
import type { EnvelopeView } from '../../src/esign/fake-protocol';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { startSink, tempMailboxDir } from '../email/support';

const SECRET = 'fake-provider-secret-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFake(
  options: Partial<FakeProviderOptions> = {},
): Promise<{ fake: FakeSignatureProvider; client: FakeSignatureClient }> {
  const fake = await startFakeSignatureProvider({ secret: SECRET, retryDelaysMs: [20, 20, 20, 20], ...options });
  cleanups.push(() => fake.stop());
  return { fake, client: new FakeSignatureClient({ baseUrl: fake.url, secret: SECRET }) };
}

/** A webhook receiver standing in for leadflow: answers with the given statuses in turn (then 200) and keeps what arrived. */
async function startReceiver(statuses: number[] = []) {
  const received: Array<{ headers: IncomingHttpHeaders; body: Buffer; answered: number }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answered = statuses[received.length] ?? 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const input = (idempotencyKey: string): SignatureSendInput => ({
  idempotencyKey,
  document: {
    title: 'Quote Q-2026-0001 (version 1)',
    html: '<!DOCTYPE html><h1>Quote Q-2026-0001</h1>',
    pdf: new TextEncoder().encode('%PDF-1.7 test'),
  },
  signer: { name: 'Jana Berg', email: 'jana@acme.de' },
  metadata: { tenant: 'acme', dealId: 'dl_1', quoteVersionId: 'qv_1' },
});

async function envelope(fake: FakeSignatureProvider, id: string): Promise<EnvelopeView> {
  return (await (await fetch(`${fake.url}/envelopes/${id}`)).json()) as EnvelopeView;
}

/** Polls until `check` holds (the fake delivers in the background). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}

describe('fake e-signature provider', () => {
  it('when the same send is retried with one idempotency key, then there is one envelope; a new key makes another', async () => {
    const { fake, client } = await startFake();
    const attempts = await Promise.all([
      client.send(input('deal-1:signature:1')),
      client.send(input('deal-1:signature:1')),
      client.send(input('deal-1:signature:1')),
    ]);
    expect(new Set(attempts.map((a) => a.envelopeId)).size).toBe(1);
    const other = await client.send(input('deal-1:signature:2'));
    expect(other.envelopeId).not.toBe(attempts[0].envelopeId);
    const { envelopes } = (await (await fetch(`${fake.url}/envelopes`)).json()) as { envelopes: EnvelopeView[] };
    expect(envelopes.map((e) => e.id).sort()).toEqual([attempts[0].envelopeId, other.envelopeId].sort());
    expect(attempts[0].signingUrl).toBe(`${fake.url}/sign/${attempts[0].envelopeId}`);
  });

  it('when the signer opens the signer page and presses Sign, then the envelope is signed and a verifiable webhook is delivered', async () => {
    const receiver = await startReceiver();
    const { fake, client } = await startFake({ webhookUrl: receiver.url });
    const { envelopeId, signingUrl } = await client.send(input('sign-page'));

    const page = await (await fetch(signingUrl!)).text();
    expect(page).toContain('Quote Q-2026-0001 (version 1)');
    expect(page).toContain(`action="/envelopes/${envelopeId}/sign"`);
    expect(page).toContain(`action="/envelopes/${envelopeId}/decline"`);
    expect(page).toContain('>Sign</button>');
    expect(page).toContain('>Decline</button>');
    expect(await (await fetch(`${fake.url}/envelopes/${envelopeId}/document`)).text()).toContain(
      '<h1>Quote Q-2026-0001</h1>',
    );
    expect(
      Buffer.from(await (await fetch(`${fake.url}/envelopes/${envelopeId}/document.pdf`)).arrayBuffer()).toString(),
    ).toBe('%PDF-1.7 test');

    const pressed = await fetch(`${fake.url}/envelopes/${envelopeId}/sign`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe(`/sign/${envelopeId}`);
    expect(await (await fetch(signingUrl!)).text()).not.toContain('>Sign</button>');

    const done = await until(
      () => envelope(fake, envelopeId),
      (e) => e.events[0]?.state === 'delivered',
    );
    expect(done).toMatchObject({
      status: 'signed',
      events: [{ type: 'envelope.signed', attempts: [{ status: 200 }] }],
    });
    const [arrived] = receiver.received;
    const event = client.verifyWebhook(arrived!.body, arrived!.headers as Record<string, string>);
    expect(event).toEqual({
      eventId: done.events[0]!.eventId,
      envelopeId,
      status: 'signed',
      at: done.completedAt,
      metadata: { tenant: 'acme', dealId: 'dl_1', quoteVersionId: 'qv_1' },
    });
  });

  it('when the receiver answers 503 twice, then the provider retries and the third attempt delivers the same event', async () => {
    const receiver = await startReceiver([503, 503]);
    const { fake, client } = await startFake({ webhookUrl: receiver.url });
    const { envelopeId } = await client.send(input('retry'));
    await fetch(`${fake.url}/envelopes/${envelopeId}/decline`, { method: 'POST' });
    const done = await until(
      () => envelope(fake, envelopeId),
      (e) => e.events[0]?.state === 'delivered',
    );
    expect(done.events[0]!.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['x-esign-event-id'])).size).toBe(1);
  });

  it('when the receiver never accepts, then delivery stops after 5 attempts and the event is marked failed; redelivery tries again', async () => {
    const receiver = await startReceiver([500, 500, 500, 500, 500]);
    const { fake, client } = await startFake({ webhookUrl: receiver.url });
    const { envelopeId } = await client.send(input('give-up'));
    await fetch(`${fake.url}/envelopes/${envelopeId}/sign`, { method: 'POST' });
    const failed = await until(
      () => envelope(fake, envelopeId),
      (e) => e.events[0]?.state === 'failed',
    );
    expect(failed.events[0]!.attempts).toHaveLength(5);

    const redeliver = await fetch(`${fake.url}/events/${failed.events[0]!.eventId}/redeliver`, { method: 'POST' });
    expect(redeliver.status).toBe(202);
    const delivered = await until(
      () => envelope(fake, envelopeId),
      (e) => e.events[0]?.state === 'delivered',
    );
    expect(delivered.events[0]!.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 500, 200]);
  });

  it('when an envelope is already signed, then signing, declining or voiding it again is a 409 and no second event is sent', async () => {
    const { fake, client } = await startFake({ retryDelaysMs: [] });
    const { envelopeId } = await client.send(input('final'));
    expect((await fetch(`${fake.url}/envelopes/${envelopeId}/sign`, { method: 'POST' })).status).toBe(200);
    for (const action of ['sign', 'decline']) {
      const again = await fetch(`${fake.url}/envelopes/${envelopeId}/${action}`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(await again.json()).toEqual({
        error: { code: 'envelope_final', message: expect.stringContaining('already signed') },
      });
    }
    await expect(client.void(envelopeId)).rejects.toMatchObject({
      name: 'SignatureProviderError',
      status: 409,
      retryable: false,
    });
    expect((await envelope(fake, envelopeId)).events).toHaveLength(1);
  });

  it('when leadflow sends without an idempotency key or with a bad signer, then the provider answers 400 and the client says why', async () => {
    const { fake, client } = await startFake();
    const missingKey = await fetch(`${fake.url}/envelopes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missingKey.status).toBe(400);
    expect(((await missingKey.json()) as { error: { message: string } }).error.message).toContain(
      'Idempotency-Key header is required',
    );
    const bad = client.send({ ...input('bad-signer'), signer: { name: 'Jana', email: 'not-an-email' } });
    await expect(bad).rejects.toBeInstanceOf(SignatureProviderError);
    await expect(bad).rejects.toMatchObject({
      status: 400,
      retryable: false,
      message: expect.stringContaining('signer.email: must be a valid email address'),
    });
  });

  it('when the provider is unreachable, then send fails as retryable', async () => {
    const { fake } = await startFake();
    const url = fake.url;
    await fake.stop();
    await expect(new FakeSignatureClient({ baseUrl: url, secret: SECRET }).send(input('down'))).rejects.toMatchObject({
      name: 'SignatureProviderError',
      retryable: true,
    });
  });

  it('when the provider restarts on its state file, then envelopes survive and an event left undelivered is delivered', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'esign-fake-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const stateFile = path.join(dir, 'esign-fake.json');
    const first = await startFakeSignatureProvider({ secret: SECRET, stateFile, retryDelaysMs: [60_000] });
    const { envelopeId } = await new FakeSignatureClient({ baseUrl: first.url, secret: SECRET }).send(input('restart'));
    await fetch(`${first.url}/envelopes/${envelopeId}/sign`, { method: 'POST' });
    await first.stop(); // no webhook URL yet: the first attempt failed, the retry was waiting

    const receiver = await startReceiver();
    const { fake, client } = await startFake({ stateFile, webhookUrl: receiver.url });
    const done = await until(
      () => envelope(fake, envelopeId),
      (e) => e.events[0]?.state === 'delivered',
    );
    expect(done.status).toBe('signed');
    expect(
      client.verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>),
    ).toMatchObject({ envelopeId, status: 'signed' });
    expect((await client.send(input('restart'))).envelopeId).toBe(envelopeId);
  });

  describe('the signer invitation', () => {
    /** The embedded SMTP sink standing in for the signer's mail server, and the provider's mail through it. */
    async function signerMailbox() {
      const mailbox = tempMailboxDir();
      const sink = await startSink(mailbox.dir);
      cleanups.push(
        () => mailbox.remove(),
        () => sink.stop(),
      );
      const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false });
      return { sink, mail: { mailer, from: 'Acme Sales <sales@acme.example>' } };
    }

    it('when an envelope is sent three times with one key, then the signer gets one email with the signing link', async () => {
      const { sink, mail } = await signerMailbox();
      const { fake, client } = await startFake({ mail });
      const sends = await Promise.all([1, 2, 3].map(() => client.send(input('invite-once'))));
      const { envelopeId, signingUrl } = sends[0]!;
      expect(signingUrl).toBe(`${fake.url}/sign/${envelopeId}`);

      const sent = await until(
        () => envelope(fake, envelopeId),
        (e) => e.invitation?.state === 'sent',
      );
      expect(sent.invitation).toMatchObject({ state: 'sent', attempts: 1, error: null });
      const inbox = await sink.list({ to: 'jana@acme.de' });
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ subject: 'Please sign: Quote Q-2026-0001 (version 1)' });
      expect(inbox[0]!.text).toContain(`Hello Jana Berg,`);
      expect(inbox[0]!.text).toContain(signingUrl);
    });

    it('when the mail server is down at first, then the invitation is retried and arrives once; without a mail server none is sent', async () => {
      const { sink, mail } = await signerMailbox();
      const port = sink.port;
      await sink.stop();
      const { fake, client } = await startFake({ mail, invitationRetryDelaysMs: [300, 300, 300, 300] });
      const { envelopeId } = await client.send(input('invite-retry'));
      await until(
        () => envelope(fake, envelopeId),
        (e) => (e.invitation?.attempts ?? 0) >= 1 && e.invitation?.state === 'pending',
      );
      const backDir = tempMailboxDir();
      const back = await startSink(backDir.dir, port);
      cleanups.push(
        () => backDir.remove(),
        () => back.stop(),
      );
      const sent = await until(
        () => envelope(fake, envelopeId),
        (e) => e.invitation?.state === 'sent',
      );
      expect(sent.invitation!.attempts).toBeGreaterThan(1);
      expect(await back.list({ to: 'jana@acme.de' })).toHaveLength(1);

      const { fake: mute, client: muteClient } = await startFake();
      const quiet = await muteClient.send(input('no-mail'));
      expect((await envelope(mute, quiet.envelopeId)).invitation).toMatchObject({ state: 'off', attempts: 0 });
    });
  });
});
