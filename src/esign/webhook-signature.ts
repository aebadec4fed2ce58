/**
 * The webhook signing scheme of the fake provider (the same shape Stripe and most e-signature
 * providers use): the provider signs `<timestamp>.<raw body>` with HMAC-SHA256 and a shared
 * secret, and the receiver rejects a wrong signature or a timestamp outside the replay window.
 *
 *   X-Esign-Event-Id:  evt_…            (the same on every redelivery of one event)
 *   X-Esign-Timestamp: 1767225600       (Unix seconds, fresh on every delivery attempt)
 *   X-Esign-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureWebhookError } from './adapter';

export const WEBHOOK_HEADERS = {
  eventId: 'X-Esign-Event-Id',
  timestamp: 'X-Esign-Timestamp',
  signature: 'X-Esign-Signature',
} as const;

/** Deliveries older (or newer) than this are refused as possible replays. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

/** `sha256=<hex>` for a delivery made at `timestamp` (Unix seconds). */
export function signWebhook(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export interface VerifyWebhookInput {
  secret: string;
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
  now: Date;
  windowSeconds?: number;
}

/**
 * Checks a delivery's headers against its raw body; returns the event id and timestamp.
 * Throws {@link SignatureWebhookError}: `missing-signature` when a header is absent or malformed,
 * `bad-signature` when the HMAC does not match, `stale-timestamp` outside the replay window.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): { eventId: string; timestamp: number } {
  const header = headerReader(input.headers);
  const missing = Object.values(WEBHOOK_HEADERS).filter((name) => !header(name));
  if (missing.length) {
    throw new SignatureWebhookError(
      'missing-signature',
      `The webhook is not signed: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
    );
  }
  const eventId = header(WEBHOOK_HEADERS.eventId) ?? '';
  const timestampText = header(WEBHOOK_HEADERS.timestamp) ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new SignatureWebhookError(
      'missing-signature',
      `${WEBHOOK_HEADERS.timestamp} must be Unix seconds, got ${JSON.stringify(timestampText.slice(0, 40))}.`,
    );
  }
  const timestamp = Number(timestampText);
  const given = Buffer.from(header(WEBHOOK_HEADERS.signature) ?? '');
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.rawBody));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureWebhookError(
      'bad-signature',
      `${WEBHOOK_HEADERS.signature} does not match the body: expected sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>"> with the shared secret (ESIGN_WEBHOOK_SECRET).`,
    );
  }
  const window = input.windowSeconds ?? REPLAY_WINDOW_SECONDS;
  const skew = Math.round(input.now.getTime() / 1000) - timestamp;
  if (Math.abs(skew) > window) {
    throw new SignatureWebhookError(
      'stale-timestamp',
      `${WEBHOOK_HEADERS.timestamp} is ${Math.abs(skew)} s ${skew > 0 ? 'old' : 'in the future'}; deliveries are accepted within ${window} s (replay protection). Check the clocks, or redeliver.`,
    );
  }
  return { eventId, timestamp };
}

/** Case-insensitive header lookup, as HTTP headers are. */
function headerReader(headers: Record<string, string | undefined>): (name: string) => string | undefined {
  const lower = new Map(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value?.trim()]));
  return (name) => lower.get(name.toLowerCase()) || undefined;
}
