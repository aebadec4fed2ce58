/**
 * The e-signature port: what leadflow needs from any provider (DocuSign, Dropbox Sign, PandaDoc,
 * the local fake). The deal desk talks only to this interface; a provider's wire format, auth and
 * webhook signing scheme stay inside its adapter.
 */

/** What the signer is asked to sign, and how the provider finds it again. */
export interface SignatureSendInput {
  /**
   * The provider creates at most one envelope per key: a retried activity gets the envelope the
   * first attempt created. Providers keep keys for at least 24 hours.
   */
  idempotencyKey: string;
  document: { title: string; html: string; pdf?: Uint8Array };
  signer: { name: string; email: string };
  /** Echoed back on every webhook event of the envelope. */
  metadata: SignatureMetadata;
  /**
   * Where this envelope's events should be delivered, for providers that take a callback per
   * envelope. Providers whose webhooks are configured per account ignore it.
   */
  callbackUrl?: string;
}

export interface SignatureMetadata {
  tenant: string;
  dealId: string;
  quoteVersionId: string;
}

export interface SignatureSendResult {
  envelopeId: string;
  /** The page where the signer signs, when the provider has one to share. */
  signingUrl?: string;
}

export const SIGNATURE_OUTCOMES = ['signed', 'declined', 'voided'] as const;
export type SignatureOutcome = (typeof SIGNATURE_OUTCOMES)[number];

/** A verified webhook event: an envelope reached a final state. */
export interface SignatureWebhookEvent {
  /** The provider's event id: the same for every redelivery of one event. */
  eventId: string;
  envelopeId: string;
  status: SignatureOutcome;
  /** When it happened, ISO-8601. */
  at: string;
  metadata: SignatureMetadata;
}

export interface SignatureProvider {
  /** The name in the webhook URL, `/api/webhooks/esign/<name>`, and in SignatureRequest.provider. */
  readonly name: string;
  /** Creates (or, for a known idempotency key, returns) an envelope. Throws {@link SignatureProviderError}. */
  send(input: SignatureSendInput): Promise<SignatureSendResult>;
  /** Withdraws an unsigned envelope; the provider then reports it `voided`. */
  void(envelopeId: string): Promise<void>;
  /**
   * Authenticates a webhook delivery and parses its event. Throws {@link SignatureWebhookError}
   * when the signature is missing or wrong, the timestamp is outside the replay window, or the
   * body is not an event.
   */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): SignatureWebhookEvent;
}

export type SignatureWebhookProblem = 'missing-signature' | 'bad-signature' | 'stale-timestamp' | 'malformed-body';

/** A webhook delivery that must not be trusted or cannot be read; `problem` says which. */
export class SignatureWebhookError extends Error {
  override readonly name = 'SignatureWebhookError';
  readonly problem: SignatureWebhookProblem;
  constructor(problem: SignatureWebhookProblem, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.problem = problem;
  }
}

/** A provider call failed. `retryable` is false when repeating the same call cannot succeed (4xx). */
export class SignatureProviderError extends Error {
  override readonly name = 'SignatureProviderError';
  readonly retryable: boolean;
  /** The provider's HTTP status, when it answered. */
  readonly status?: number;
  constructor(message: string, options: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
  }
}
