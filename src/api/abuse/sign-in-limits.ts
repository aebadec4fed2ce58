/**
 * Limits on the routes anyone may call to get in (express-rate-limit, fixed windows, in this
 * process's memory like ./rate-limits.ts): failed sign-ins per client address and per email, so
 * neither one address trying many accounts nor many addresses trying one account gets far; and
 * "forgot password" requests per address and per email, so nobody floods an inbox. Beyond a limit
 * the answer is 429 with Retry-After.
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { LeadflowError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { clientAddressKey } from './client-key';

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
/** Failed sign-ins allowed per window. */
export const SIGN_IN_FAILURES = { perAddress: 30, perEmail: 10 } as const;
export const RESET_WINDOW_MS = 60 * 60_000;
/** "Forgot password" requests allowed per window. */
export const RESET_REQUESTS = { perAddress: 20, perEmail: 3 } as const;

function emailKey(req: Request): string {
  const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? `email:${email.trim().toLowerCase()}` : clientAddressKey(req);
}

function limiter(
  what: string,
  options: { windowMs: number; limit: number; key: (req: Request) => string; onlyFailures: boolean },
  logger: Logger,
): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    identifier: what,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: options.onlyFailures,
    keyGenerator: options.key,
    handler: (req, res, next) => {
      logger.warn({ limit: what, caller: clientAddressKey(req) }, 'sign-in limit reached');
      next(
        new LeadflowError(
          'rate_limited',
          `Too many attempts (${what}); retry after ${String(res.getHeader('Retry-After') ?? Math.ceil(options.windowMs / 1000))} s.`,
        ),
      );
    },
  });
}

/** The limiters of POST /api/auth/sessions and POST /api/auth/password-resets. */
export function signInLimits(logger: Logger): { signIn: RequestHandler[]; passwordReset: RequestHandler[] } {
  const sign = { windowMs: SIGN_IN_WINDOW_MS, onlyFailures: true };
  const reset = { windowMs: RESET_WINDOW_MS, onlyFailures: false };
  return {
    signIn: [
      limiter(
        'failed sign-ins per address',
        { ...sign, limit: SIGN_IN_FAILURES.perAddress, key: clientAddressKey },
        logger,
      ),
      limiter('failed sign-ins per email', { ...sign, limit: SIGN_IN_FAILURES.perEmail, key: emailKey }, logger),
    ],
    passwordReset: [
      limiter(
        'password resets per address',
        { ...reset, limit: RESET_REQUESTS.perAddress, key: clientAddressKey },
        logger,
      ),
      limiter('password resets per email', { ...reset, limit: RESET_REQUESTS.perEmail, key: emailKey }, logger),
    ],
  };
}
