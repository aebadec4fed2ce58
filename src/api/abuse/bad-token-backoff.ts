/**
 * Backoff after invalid API tokens: a client address that presents too many tokens that do not
 * authenticate within a window is refused (429) for a while, and for twice as long at each repeat,
 * so guessing tokens costs an attacker hours instead of seconds. It wraps the authentication
 * middleware rather than changing it: a blocked address never reaches the token lookup.
 */
import type { RequestHandler } from 'express';
import { LeadflowError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { clientAddressKey } from './client-key';

export interface BackoffPolicy {
  /** Invalid tokens one address may present within `windowMs`; the next one blocks it. 0: never blocks. */
  threshold: number;
  windowMs: number;
  /** The first block; each further block of the same address doubles, up to `maxBlockMs`. */
  firstBlockMs: number;
  maxBlockMs: number;
  /** An address with no invalid token for this long starts again from the first block. */
  forgetAfterMs: number;
  /** At most this many addresses are tracked; beyond it the longest-tracked are forgotten first. */
  maxAddresses: number;
}

export const DEFAULT_BACKOFF: Omit<BackoffPolicy, 'threshold'> = {
  windowMs: 10 * 60_000,
  firstBlockMs: 60_000,
  maxBlockMs: 60 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
  maxAddresses: 100_000,
};

interface AddressRecord {
  /** Times of the invalid tokens in the current window, oldest first. */
  failures: number[];
  /** How many times this address has been blocked (sets the next block's length). */
  blocks: number;
  blockedUntil: number;
  lastFailureAt: number;
}

/** The bookkeeping, with time passed in: pure enough to test without waiting. */
export class BadTokenBackoff {
  private readonly addresses = new Map<string, AddressRecord>();
  private lastSweep = 0;

  constructor(private readonly policy: BackoffPolicy) {}

  /** Seconds until `key` may present tokens again; 0 when it may now. */
  retryAfterSeconds(key: string, now: number): number {
    const record = this.addresses.get(key);
    return record && record.blockedUntil > now ? Math.ceil((record.blockedUntil - now) / 1000) : 0;
  }

  /** Records an invalid token from `key`; returns the new block's length in ms, or 0 when not blocked. */
  recordFailure(key: string, now: number): number {
    if (this.policy.threshold <= 0) return 0;
    this.sweep(now);
    const record = this.addresses.get(key) ?? { failures: [], blocks: 0, blockedUntil: 0, lastFailureAt: 0 };
    if (record.lastFailureAt && now - record.lastFailureAt > this.policy.forgetAfterMs) record.blocks = 0;
    record.lastFailureAt = now;
    record.failures = record.failures.filter((at) => now - at < this.policy.windowMs);
    record.failures.push(now);
    let blockMs = 0;
    if (record.failures.length >= this.policy.threshold) {
      blockMs = Math.min(this.policy.firstBlockMs * 2 ** record.blocks, this.policy.maxBlockMs);
      record.blocks += 1;
      record.blockedUntil = now + blockMs;
      record.failures = [];
    }
    this.addresses.delete(key); // re-inserted last: the map's order is "longest untouched first"
    this.addresses.set(key, record);
    this.evictBeyondCapacity();
    return blockMs;
  }

  /** How many addresses are tracked (for tests and metrics). */
  get size(): number {
    return this.addresses.size;
  }

  /** Drops addresses that are neither blocked nor remembered for their past blocks, once per window. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.policy.windowMs) return;
    this.lastSweep = now;
    for (const [key, record] of this.addresses) {
      const forgotten =
        now - record.lastFailureAt > (record.blocks > 0 ? this.policy.forgetAfterMs : this.policy.windowMs);
      if (forgotten && record.blockedUntil <= now) this.addresses.delete(key);
    }
  }

  private evictBeyondCapacity(): void {
    for (const key of this.addresses.keys()) {
      if (this.addresses.size <= this.policy.maxAddresses) return;
      this.addresses.delete(key);
    }
  }
}

/**
 * Wraps the authentication middleware: a request with an Authorization header from a blocked
 * address is a 429 with Retry-After (its token is not even looked up); a token that authentication
 * refuses (401) counts against its address. Requests without a token pass straight through.
 */
export function withBadTokenBackoff(
  authenticate: RequestHandler,
  backoff: BadTokenBackoff,
  options: { logger: Logger; now?: () => number },
): RequestHandler {
  const now = options.now ?? Date.now;
  return (req, res, next) => {
    if (req.get('authorization') === undefined) return authenticate(req, res, next);
    const key = clientAddressKey(req);
    const wait = backoff.retryAfterSeconds(key, now());
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return next(
        new LeadflowError(
          'rate_limited',
          `Too many invalid API tokens came from this address; requests with a token are refused for ${wait} s more. Check the token (\`npx leadflow tokens list --email you@company.com\`), then retry after that.`,
        ),
      );
    }
    return authenticate(req, res, (error?: unknown) => {
      if (error instanceof LeadflowError && error.code === 'unauthorized') {
        const blockMs = backoff.recordFailure(key, now());
        if (blockMs > 0)
          options.logger.warn(
            { client: key, blockSeconds: blockMs / 1000 },
            'too many invalid API tokens from one address: requests with a token from it are refused for a while',
          );
      }
      next(error);
    });
  };
}
