/**
 * Who is calling: the person (or integration) behind an API token. Every route but /health,
 * /openapi.json, the dashboard page and signature-verified webhooks needs one; the access policy
 * of each operation (src/api/access-policy.ts) says which scope and roles.
 */
import type { Request } from 'express';
import { LeadflowError } from '../domain/errors';
import type { Scope } from './scopes';

/** Roles of people (the Rep table's `role`): what they may do on the deal desk. */
export const PERSON_ROLES = ['rep', 'manager', 'director', 'vp', 'finance', 'revops'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** An authenticated caller: a person, or an integration (a service account such as a form tool). */
export interface Actor {
  tenant: string;
  /** The person's email; an integration's is `integration:<name>`, which is how the audit trail names it. */
  email: string;
  name: string;
  /**
   * The person's role. An integration has no role and counts as the least privileged one (`rep`);
   * its scopes (at most intake, read and metrics) keep it away from everything a role would decide.
   */
  role: PersonRole;
  /** What this request's token may do: its scopes cut down to the role's ceiling. */
  scopes: readonly Scope[];
  kind: 'person' | 'integration';
  /** The token that authenticated this request (for the audit trail). */
  tokenId: string;
}

/** Whether the caller sees and administers the whole tenant (RevOps, the administrator role). */
export function isTenantAdmin(actor: Actor): boolean {
  return actor.kind === 'person' && actor.role === 'revops';
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
