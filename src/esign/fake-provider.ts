/**
 * A local stand-in for a third-party e-signature service, over real HTTP: leadflow's adapter
 * (fake-client.ts) creates envelopes here, a person signs or declines on its signer page, and it
 * delivers HMAC-signed webhooks back to leadflow with retries. Given a mail server, it emails each
 * new envelope's signer a link to the signer page, once (fake-invitation.ts). `npm start` runs one
 * embedded; tests start their own.
 *
 *   POST /envelopes                 create (Idempotency-Key header: one envelope per key)
 *   GET  /envelopes[/:id]           envelopes with their webhook events and delivery attempts
 *   GET  /envelopes/:id/document[.pdf]
 *   POST /envelopes/:id/sign | /decline | /void
 *   POST /events/:eventId/redeliver deliver an event again (same event id, fresh signature)
 *   GET  /sign/:id                  the signer page;  GET /  the list of envelopes
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import type { SignatureOutcome } from './adapter';
import { WebhookDeliverer } from './fake-delivery';
import { InvitationSender, type InvitationMail } from './fake-invitation';
import { EnvelopeCreateSchema, IdempotencyKeySchema, type EnvelopeView } from './fake-protocol';
import { envelopeIndex, signerPage } from './fake-signer-page';
import { EnvelopeStateError, FakeEnvelopeStore, type EnvelopeRecord } from './fake-store';

export interface FakeProviderOptions {
  /** The webhook signing secret shared with leadflow. */
  secret: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where events go; when unset, each envelope's callbackUrl. Can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Keep envelopes and pending events in this JSON file across restarts. */
  stateFile?: string;
  retryDelaysMs?: number[];
  attemptTimeoutMs?: number;
  /** Where the signer's invitation email goes out; without it no invitation is sent (state `off`). */
  mail?: InvitationMail;
  /** Waits between invitation attempts (default fake-invitation.ts DEFAULT_INVITATION_RETRY_DELAYS_MS). */
  invitationRetryDelaysMs?: number[];
  logger?: Logger;
  now?: () => Date;
}

export interface FakeSignatureProvider {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Points webhook deliveries at `url` (e.g. `<leadflow>/api/webhooks/esign/fake`). */
  setWebhookUrl(url: string): void;
  stop(): Promise<void>;
}

class NotFound extends Error {}

/** Starts the fake provider; resolves once it listens. Pending events from the state file are delivered again. */
export async function startFakeSignatureProvider(options: FakeProviderOptions): Promise<FakeSignatureProvider> {
  const now = options.now ?? (() => new Date());
  const store = new FakeEnvelopeStore(options.stateFile);
  let webhookUrl = options.webhookUrl;
  const deliverer = new WebhookDeliverer({
    store,
    secret: options.secret,
    targetFor: (delivery) => webhookUrl ?? store.envelope(delivery.envelopeId)?.callbackUrl,
    retryDelaysMs: options.retryDelaysMs,
    attemptTimeoutMs: options.attemptTimeoutMs,
    logger: options.logger,
    now,
  });
  const app = express();
  app.disable('x-powered-by');
  let baseUrl = '';
  const signingUrl = (id: string) => `${baseUrl}/sign/${id}`;
  const invitations = options.mail
    ? new InvitationSender({
        store,
        mail: options.mail,
        signingUrl,
        retryDelaysMs: options.invitationRetryDelaysMs,
        logger: options.logger,
        now,
      })
    : undefined;
  const view = (envelope: EnvelopeRecord): EnvelopeView => ({
    id: envelope.id,
    status: envelope.status,
    title: envelope.title,
    signer: envelope.signer,
    metadata: envelope.metadata,
    signingUrl: signingUrl(envelope.id),
    createdAt: envelope.createdAt,
    completedAt: envelope.completedAt,
    events: store.deliveriesOf(envelope.id),
    ...(envelope.invitation ? { invitation: envelope.invitation } : {}),
  });
  const find = (id: string): EnvelopeRecord => {
    const envelope = store.envelope(id);
    if (!envelope) throw new NotFound(`No envelope ${id}.`);
    return envelope;
  };

  app.post('/envelopes', express.json({ limit: '20mb' }), (req, res) => {
    const key = IdempotencyKeySchema.safeParse(req.get('Idempotency-Key') ?? '');
    if (!key.success) {
      res.status(400).json({
        error: {
          code: 'invalid_request',
          message: `The Idempotency-Key header ${key.error.issues[0]?.message ?? 'is invalid'}.`,
        },
      });
      return;
    }
    const { envelope, created } = store.create(
      key.data,
      EnvelopeCreateSchema.parse(req.body),
      now(),
      invitations !== undefined,
    );
    if (created) invitations?.send(envelope);
    options.logger?.info(
      { envelopeId: envelope.id, signingUrl: signingUrl(envelope.id), created },
      'fake e-signature: envelope sent',
    );
    res.status(created ? 201 : 200).json(view(envelope));
  });
  app.get('/envelopes', (_req, res) => {
    res.json({ envelopes: store.list().map(view) });
  });
  app.get('/envelopes/:id', (req, res) => {
    res.json(view(find(req.params.id)));
  });
  app.get('/envelopes/:id/document', (req, res) => {
    res.type('html').send(find(req.params.id).html);
  });
  app.get('/envelopes/:id/document.pdf', (req, res) => {
    const pdf = find(req.params.id).pdfBase64;
    if (!pdf) throw new NotFound('This envelope has no PDF.');
    res.type('application/pdf').send(Buffer.from(pdf, 'base64'));
  });
  const complete = (outcome: SignatureOutcome) => (req: Request<{ id: string }>, res: Response) => {
    find(req.params.id);
    const { envelope, delivery } = store.complete(req.params.id, outcome, now());
    deliverer.deliver(delivery);
    if (req.accepts(['json', 'html']) === 'html') res.redirect(303, `/sign/${envelope.id}`);
    else res.json(view(envelope));
  };
  app.post('/envelopes/:id/sign', complete('signed'));
  app.post('/envelopes/:id/decline', complete('declined'));
  app.post('/envelopes/:id/void', complete('voided'));
  app.post('/events/:eventId/redeliver', (req, res) => {
    const delivery = store.delivery(req.params.eventId);
    if (!delivery) throw new NotFound(`No event ${req.params.eventId}.`);
    deliverer.deliver(delivery);
    res.status(202).json({ eventId: delivery.eventId, state: delivery.state });
  });
  app.get('/sign/:id', (req, res) => {
    res.type('html').send(signerPage(find(req.params.id)));
  });
  app.get('/', (_req, res) => {
    res.type('html').send(envelopeIndex(store.list()));
  });
  app.use(errorHandler);

  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  for (const delivery of store.pendingDeliveries()) deliverer.deliver(delivery);
  invitations?.resume();
  return {
    url: baseUrl,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    async stop() {
      await invitations?.stop();
      await deliverer.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const reply = (status: number, code: string, message: string) =>
    res.status(status).json({ error: { code, message } });
  if (error instanceof ZodError)
    return reply(
      400,
      'invalid_request',
      error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    );
  if (error instanceof NotFound) return reply(404, 'not_found', error.message);
  if (error instanceof EnvelopeStateError) return reply(409, 'envelope_final', error.message);
  const status = (error as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return reply(status, 'bad_request', (error as Error).message);
  return reply(500, 'internal', (error as Error).message);
};
