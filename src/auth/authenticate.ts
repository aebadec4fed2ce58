/**
 * The authentication middleware: `Authorization: Bearer lf_…` becomes `req.actor`. A request
 * without the header continues anonymously (routes that need a person call requireActor); a
 * header that does not authenticate is a 401 that says why, so a script fails loudly instead of
 * silently acting as nobody.
 */
import type { RequestHandler } from 'express';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import type { AuthenticatedRequest } from './actor';
import { verifyToken, type TokenCheck } from './tokens';

export interface AuthenticateOptions {
  now?: () => Date;
}

/** Sets `req.actor` from a valid bearer token; 401 for a token that is malformed, unknown, revoked, expired or of an inactive person. */
export function authenticate(db: Db, options: AuthenticateOptions = {}): RequestHandler {
  const now = options.now ?? (() => new Date());
  return (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return next(new LeadflowError('unauthorized', 'The Authorization header must be "Bearer lf_…" (an API token).'));
    }
    verifyToken(db, match[1], now()).then(
      (check) => {
        if (check.kind === 'valid') {
          (req as AuthenticatedRequest).actor = check.actor;
          return next();
        }
        res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        next(new LeadflowError('unauthorized', rejection(check)));
      },
      (error: unknown) => next(error),
    );
  };
}

/** Why a presented token does not authenticate, and what to do about it. */
function rejection(check: Exclude<TokenCheck, { kind: 'valid' }>): string {
  switch (check.kind) {
    case 'malformed':
      return 'The bearer token is malformed: leadflow tokens look like "lf_" followed by 43 letters, digits, "-" or "_".';
    case 'unknown':
      return `The API token ${check.prefix}… is unknown (mistyped, or from another leadflow installation); create one with \`npx leadflow tokens create --email you@company.com\`.`;
    case 'revoked':
      return `The API token ${check.prefix}… was revoked on ${check.revokedAt.toISOString()}; ask for a new one.`;
    case 'expired':
      return `The API token ${check.prefix}… expired on ${check.expiresAt.toISOString()}; create a new one.`;
    case 'no-person':
      return `The API token ${check.prefix}… belongs to ${check.email}, who is no longer a person of tenant ${check.tenant}.`;
    case 'inactive-person':
      return `The API token ${check.prefix}… belongs to ${check.email}, who is inactive; RevOps can reactivate them (PUT /api/reps/${check.email} with {"active": true}).`;
  }
}
