/**
 * Request rate limits (express-rate-limit, one fixed window per minute): one for intake (lead
 * capture, lead events, webhooks), which forms and CRM syncs hit in bursts, and one for everything
 * else. Each counts per API token, or per client address without one. Beyond a limit the answer is
 * 429 with Retry-After and the IETF RateLimit headers (draft 8). The counters live in this process's
 * memory: several API processes each count on their own (docs/operations.md says what to do).
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { LeadflowError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { callerKey } from './client-key';

export interface RequestLimits {
  /** Requests per minute per token (or address) on every route but intake; 0: no limit. */
  apiPerMinute: number;
  /** Requests per minute per token (or address) on intake routes; 0: no limit. */
  intakePerMinute: number;
}

const WINDOW_MS = 60_000;

/** Lead capture, lead events and webhooks: what form tools, CRMs and providers post. */
export function isIntake(req: Request): boolean {
  return req.method === 'POST' && /^\/api\/(?:leads\/?|leads\/[^/]+\/events\/?|webhooks\/.*)$/i.test(req.path);
}

/**
 * The limits as middleware. `perCaller` goes after authentication (it counts per token): the
 * intake limit on intake routes, the API limit on the rest. `public` guards the few routes served
 * before authentication (/health, /openapi.json) with the API limit, per address.
 */
export function requestRateLimits(
  limits: RequestLimits,
  logger: Logger,
): { perCaller: RequestHandler; public: RequestHandler } {
  const intake = limiter('intake', limits.intakePerMinute, logger);
  const api = limiter('api', limits.apiPerMinute, logger);
  return {
    perCaller: (req, res, next) => (isIntake(req) ? intake : api)(req, res, next),
    public: limiter('public', limits.apiPerMinute, logger),
  };
}

function limiter(name: 'api' | 'intake' | 'public', perMinute: number, logger: Logger): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: callerKey,
    logger: {
      error: (error, message) => logger.error({ err: error }, message ?? 'rate limiter error'),
      warn: (error, message) => logger.warn({ err: error }, message ?? 'rate limiter warning'),
    },
    handler: (req, res, next) => {
      const caller = callerKey(req);
      const info = (req as Request & { rateLimit?: { used: number } }).rateLimit;
      if (info?.used === perMinute + 1)
        logger.warn(
          { limit: name, perMinute, caller },
          'rate limit reached: further requests get 429 until the minute is over',
        );
      next(
        new LeadflowError(
          'rate_limited',
          `Too many requests: the ${name} limit is ${perMinute} a minute per ${caller.startsWith('token:') ? 'API token' : 'client address'}; retry after ${String(res.getHeader('Retry-After') ?? 60)} s.`,
        ),
      );
    },
  });
}
