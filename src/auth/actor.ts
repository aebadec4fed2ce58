/**
 * Who is calling: the person behind an API token. Deal-desk routes require one; the lead intake
 * routes stay open (forms and CRMs post there, the webhook is HMAC-signed).
 */
import type { Request } from 'express';
import { LeadflowError } from '../domain/errors';

/** Roles of people (the Rep table's `role`): what they may do on the deal desk. */
export const PERSON_ROLES = ['rep', 'manager', 'director', 'vp', 'finance', 'revops'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** An authenticated person. */
export interface Actor {
  tenant: string;
  email: string;
  name: string;
  role: PersonRole;
  /** The token that authenticated this request (for the audit trail). */
  tokenId: string;
}

/** Set by the authentication middleware when the request carries a valid token. */
export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

/** The caller, or 401 when the request carries no valid token. */
export function requireActor(req: Request): Actor {
  const actor = (req as AuthenticatedRequest).actor;
  if (!actor)
    throw new LeadflowError(
      'unauthorized',
      'This endpoint needs an API token: send "Authorization: Bearer lf_…" (create one with `npx leadflow tokens create --email you@company.com`).',
    );
  return actor;
}

/** The caller if their role is one of `roles`, else 403 saying which roles may. */
export function requireRole(req: Request, roles: readonly PersonRole[], what: string): Actor {
  const actor = requireActor(req);
  if (!roles.includes(actor.role))
    throw new LeadflowError(
      'forbidden',
      `${what} needs one of the roles ${roles.join(', ')}; ${actor.email} is ${actor.role}.`,
    );
  return actor;
}
