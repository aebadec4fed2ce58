/**
 * How the fake provider delivers webhooks, like a real one: POST the event to the configured URL,
 * signed (webhook-signature.ts) with a fresh timestamp per attempt; anything but a 2xx is retried
 * with growing delays, a bounded number of times, and then the event is marked failed (it can be
 * redelivered by hand).
 */
import type { Logger } from '../logger';
import type { DeliveryRecord, FakeEnvelopeStore } from './fake-store';
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature';

/** Waits between attempts: 5 attempts over about 80 seconds. */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 4_000, 15_000, 60_000];

export interface WebhookDelivererOptions {
  store: FakeEnvelopeStore;
  secret: string;
  /** Where the delivery goes: the provider's configured webhook URL, else the envelope's callback URL. */
  targetFor: (delivery: DeliveryRecord) => string | undefined;
  retryDelaysMs?: number[];
  /** How long one attempt may take before it counts as failed (default 30 s). */
  attemptTimeoutMs?: number;
  logger?: Logger;
  now?: () => Date;
}

export class WebhookDeliverer {
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: WebhookDelivererOptions) {}

  /** Starts delivering the event (unless it is being delivered right now). */
  deliver(delivery: DeliveryRecord): void {
    if (this.active.has(delivery.eventId) || this.stopping.signal.aborted) return;
    delivery.state = 'pending';
    const run = this.attempts(delivery).finally(() => this.active.delete(delivery.eventId));
    this.active.set(delivery.eventId, run);
  }

  /** Cancels waiting retries and in-flight attempts; undelivered events stay pending in the store. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.active.values());
  }

  private async attempts(delivery: DeliveryRecord): Promise<void> {
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0 && !(await this.wait(delays[attempt - 1] ?? 0))) return;
      const outcome = await this.attempt(delivery);
      if (this.stopping.signal.aborted) return;
      delivery.attempts.push(outcome);
      const delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
      if (delivered || attempt === delays.length) delivery.state = delivered ? 'delivered' : 'failed';
      this.options.store.save();
      if (delivered) return;
      this.options.logger?.warn(
        { eventId: delivery.eventId, attempt: attempt + 1, status: outcome.status, error: outcome.error },
        'webhook delivery failed',
      );
    }
  }

  private async attempt(delivery: DeliveryRecord): Promise<DeliveryRecord['attempts'][number]> {
    const now = (this.options.now ?? (() => new Date()))();
    const at = now.toISOString();
    const url = this.options.targetFor(delivery);
    if (!url) return { at, status: null, error: 'no webhook URL is configured' };
    const timestamp = Math.floor(now.getTime() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_HEADERS.eventId]: delivery.eventId,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(this.options.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.attemptTimeoutMs ?? 30_000)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { at, status: response.status };
    } catch (error) {
      return { at, status: null, error: (error as Error).message };
    }
  }

  /** Sleeps unless stopped; false when stopped. */
  private wait(ms: number): Promise<boolean> {
    return sleepUnlessAborted(this.stopping.signal, ms);
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
export function sleepUnlessAborted(signal: AbortSignal, ms: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
