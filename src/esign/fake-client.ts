/**
 * leadflow's adapter for the fake provider: {@link SignatureProvider} over the fake's HTTP API
 * (fake-protocol.ts), and verification of its signed webhooks (webhook-signature.ts). An adapter
 * for a real provider has the same shape: its own HTTP calls, its own signature scheme.
 */
import type { z } from 'zod';
import {
  SignatureProviderError,
  SignatureWebhookError,
  type SignatureProvider,
  type SignatureSendInput,
  type SignatureSendResult,
  type SignatureWebhookEvent,
} from './adapter';
import { EnvelopeViewSchema, ProviderErrorSchema, WebhookPayloadSchema, type EnvelopeCreate } from './fake-protocol';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from './webhook-signature';

export interface FakeSignatureClientOptions {
  /** The fake provider's base URL; when unset, send and void fail saying so (webhooks still verify). */
  baseUrl?: string;
  /** The shared webhook secret. */
  secret: string;
  now?: () => Date;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

export class FakeSignatureClient implements SignatureProvider {
  readonly name = 'fake';

  constructor(private readonly options: FakeSignatureClientOptions) {}

  async send(input: SignatureSendInput): Promise<SignatureSendResult> {
    const body: EnvelopeCreate = {
      title: input.document.title,
      html: input.document.html,
      ...(input.document.pdf ? { pdfBase64: Buffer.from(input.document.pdf).toString('base64') } : {}),
      signer: input.signer,
      metadata: input.metadata,
      ...(input.callbackUrl ? { callbackUrl: input.callbackUrl } : {}),
    };
    const envelope = await this.call('POST', '/envelopes', EnvelopeViewSchema, {
      body,
      headers: { 'Idempotency-Key': input.idempotencyKey },
    });
    return { envelopeId: envelope.id, signingUrl: envelope.signingUrl };
  }

  async void(envelopeId: string): Promise<void> {
    await this.call('POST', `/envelopes/${encodeURIComponent(envelopeId)}/void`, EnvelopeViewSchema);
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): SignatureWebhookEvent {
    const { eventId } = verifyWebhookSignature({
      secret: this.options.secret,
      rawBody,
      headers,
      now: (this.options.now ?? (() => new Date()))(),
    });
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch (error) {
      throw new SignatureWebhookError('malformed-body', 'The webhook body is not JSON.', { cause: error });
    }
    const payload = WebhookPayloadSchema.safeParse(json);
    if (!payload.success) {
      const issue = payload.error.issues[0];
      throw new SignatureWebhookError(
        'malformed-body',
        `The webhook body is not an envelope event: ${issue?.path.join('.') || '(body)'} ${issue?.message ?? 'is invalid'}.`,
      );
    }
    if (payload.data.id !== eventId)
      throw new SignatureWebhookError(
        'malformed-body',
        `${WEBHOOK_HEADERS.eventId} (${eventId}) does not match the body's event id (${payload.data.id}).`,
      );
    const { envelope } = payload.data;
    return {
      eventId,
      envelopeId: envelope.id,
      status: envelope.status,
      at: new Date(payload.data.occurredAt).toISOString(),
      metadata: envelope.metadata,
    };
  }

  private async call<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const { baseUrl } = this.options;
    if (!baseUrl)
      throw new SignatureProviderError(
        'The fake e-signature provider is not running here: set ESIGN_FAKE_URL, or use `leadflow start`, which runs one.',
        { retryable: false },
      );
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new SignatureProviderError(
        `The e-signature provider at ${baseUrl} is unreachable (${(error as Error).message}).`,
        { retryable: true, cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const parsed = ProviderErrorSchema.safeParse(safeJson(text));
      const reason = parsed.success ? parsed.data.error.message : text.slice(0, 200);
      throw new SignatureProviderError(
        `The e-signature provider answered ${response.status} to ${method} ${path}: ${reason}`,
        { retryable: response.status >= 500 || response.status === 429, status: response.status },
      );
    }
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success)
      throw new SignatureProviderError(
        `The e-signature provider's answer to ${method} ${path} is not what its API promises.`,
        { retryable: false, status: response.status, cause: parsed.error },
      );
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
