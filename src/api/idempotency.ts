/**
 * Idempotency keys on the HTTP side: which header carries the key, whose keys it is compared
 * with (the scope), and how a replayed answer goes out. The rules themselves are in
 * src/usecases/idempotency.ts.
 */
import type { Request, Response } from 'express';
import type { AuthenticatedRequest } from '../auth/actor';
import { LeadflowError } from '../domain/errors';
import type { IdempotencyScope, IdempotencyStore } from '../db/idempotency-store';
import {
  requestFingerprint,
  runIdempotently,
  type IdempotencyTiming,
  type IdempotentOutcome,
  type WorkAnswer,
} from '../usecases/idempotency';

/** Where a request comes from: an API client, or a form tool delivering to the webhook. */
export type IdempotencyChannel = 'api' | 'webhook:forms';

/**
 * The one place that decides whose keys a request's key is compared with: the tenant the request
 * acts in, and the caller (the API token when the request carries one, else the channel). Two
 * callers may use the same key without meeting.
 */
export function idempotencyScope(req: Request, tenant: string, channel: IdempotencyChannel): IdempotencyScope {
  const actor = (req as AuthenticatedRequest).actor;
  return { tenant, caller: channel === 'api' && actor ? `token:${actor.tokenId}` : channel };
}

/**
 * The headers that carry a channel's key, first present wins, and what a key must look like
 * there. Form tools choose their own delivery ids, so the webhook takes any short visible-ASCII id.
 */
const KEY_HEADERS: Record<IdempotencyChannel, { headers: readonly string[]; pattern: RegExp; message: string }> = {
  api: {
    headers: ['Idempotency-Key'],
    pattern: /^[A-Za-z0-9._:-]{8,128}$/,
    message: 'must be 8–128 characters of letters, digits, . _ : -',
  },
  'webhook:forms': {
    headers: ['X-Webhook-Id', 'X-Request-Id', 'Idempotency-Key'],
    pattern: /^[\x21-\x7e]{1,200}$/,
    message: 'must be 1–200 visible ASCII characters',
  },
};

/** The request's key for its channel, validated (a malformed key is a 400 naming the header); undefined when absent. */
export function idempotencyKeyOf(req: Request, channel: IdempotencyChannel): string | undefined {
  const format = KEY_HEADERS[channel];
  for (const header of format.headers) {
    const key = req.get(header);
    if (key === undefined) continue;
    if (!format.pattern.test(key))
      throw new LeadflowError('validation_failed', `The ${header} header is invalid.`, {
        details: [{ path: `header.${header}`, message: format.message }],
      });
    return key;
  }
  return undefined;
}

export interface IdempotentCall {
  store: IdempotencyStore;
  tenant: string;
  channel: IdempotencyChannel;
  /** The validated request body: its canonical form is what the key is bound to. */
  body: unknown;
  timing?: IdempotencyTiming;
}

/**
 * Runs a route's work under the request's idempotency key: fingerprinted by method, route and
 * body, then run once, replayed, or refused as the draft says. Without a key the work simply runs
 * (with no work id: it makes a fresh one).
 */
export async function answerIdempotently(
  req: Request,
  call: IdempotentCall,
  work: (workId: string | undefined) => Promise<WorkAnswer>,
): Promise<IdempotentOutcome> {
  const key = idempotencyKeyOf(req, call.channel);
  if (key === undefined) {
    const { final: _final, ...answer } = await work(undefined);
    return { ...answer, replayed: false };
  }
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  const route = typeof routePath === 'string' ? routePath : req.path;
  return runIdempotently(
    { store: call.store, timing: call.timing },
    {
      scope: idempotencyScope(req, call.tenant, call.channel),
      key,
      fingerprint: requestFingerprint(req.method, route, call.body),
    },
    work,
  );
}

/** Sends an outcome; a replay says so in `Idempotent-Replayed: true`. */
export function sendOutcome(res: Response, outcome: IdempotentOutcome, headers: Record<string, string> = {}): void {
  if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(outcome.status).json(outcome.body);
}
