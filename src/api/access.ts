/**
 * Enforces the access policy (./access-policy.ts) before any handler runs, in this order, so
 * that a caller who may not touch something learns nothing about it from a validation message:
 *
 * 1. the operation's policy (no policy: a token is still required, and the router answers 404);
 * 2. a token (401), its scope (403) and, if the policy names roles, the person's role (403);
 * 3. the body may not name an `actor` (400: the actor is the token's person), and a `tenant` in
 *    the body or the query must be the token's (403);
 * 4. the record in the path must be in the caller's sight (404 when it is not, exactly as if it
 *    did not exist; 403 when the caller may read it but not make this change).
 */
import type { Request, RequestHandler } from 'express';
import type { Db } from '../db/client';
import { requireActor, type Actor } from '../auth/actor';
import { SCOPE_MEANINGS } from '../auth/scopes';
import { LeadflowError } from '../domain/errors';
import { notFound, notYours, reach, sightOf, type QueueMembers, type Sight } from '../usecases/visibility';
import { policyFor, type Policy } from './access-policy';

export interface AccessDeps {
  db: Db;
  queueMembers: QueueMembers;
}

interface AccessLocals {
  access?: AccessDeps;
  sight?: Promise<Sight>;
  policy?: Policy;
}

const RECORD_NAMES = {
  lead: 'lead',
  deal: 'deal',
  quote: 'quote',
  approval: 'approval request',
  person: 'person',
  token: 'token',
  task: 'task',
} as const;

/** The middleware. Mount it after authentication and before every router. */
export function enforceAccess(deps: AccessDeps): RequestHandler {
  return (req, res, next) => {
    (res.locals as AccessLocals).access = deps;
    check(deps, req).then(() => next(), next);
  };
}

async function check(deps: AccessDeps, req: Request): Promise<void> {
  const found = policyFor(req.method, req.path);
  const locals = req.res!.locals as AccessLocals;
  if (found === undefined) {
    // An unknown operation still needs a token, so that probing the API anonymously maps nothing.
    if (req.path.startsWith('/api/')) requireActor(req);
    return;
  }
  locals.policy = found.policy;
  if (found.policy.access !== 'token') return;
  const actor = requireActor(req);
  await checkOperation(deps, req, actor, req.method, found, () => checkBody(req, actor));
}

/** The token policy of one operation for `actor`: its roles, its scope, and the record in its path. */
async function checkOperation(
  deps: AccessDeps,
  req: Request,
  actor: Actor,
  method: string,
  found: NonNullable<ReturnType<typeof policyFor>>,
  checkRequest: () => void = () => {},
): Promise<void> {
  if (found.policy.access !== 'token') return;
  const { scope, roles, record } = found.policy;
  const what = found.policy.what ?? `${method} ${found.template}`;
  const who = `${actor.email} is ${actor.kind === 'person' ? actor.role : 'an integration'}`;
  // A role that can never hold the scope is the reason to give; otherwise it is this token's scopes.
  if (roles && (actor.kind !== 'person' || !roles.includes(actor.role)))
    throw new LeadflowError('forbidden', `${what} needs one of the roles ${roles.join(', ')}; ${who}.`);
  if (scope !== 'any' && !actor.scopes.includes(scope))
    throw new LeadflowError(
      'forbidden',
      `${what} needs a token with the ${scope} scope (${SCOPE_MEANINGS[scope]}); this token has ${actor.scopes.join(', ') || 'none'}.`,
    );
  checkRequest();
  if (record) {
    const sight = requestSight(deps, req, actor);
    const id = found.params[record.param] ?? '';
    const reached = await reach(deps.db, await sight, record.kind, id);
    if (reached === 'none') throw notFound(RECORD_NAMES[record.kind], id, actor.tenant);
    if (record.need === 'write' && reached !== 'write') throw notYours(RECORD_NAMES[record.kind], id, actor);
  }
}

/**
 * Whether this request's caller passes the access policy of another operation (`POST`,
 * `/api/deals/dl_1/materials`): the same check the middleware makes before that operation's
 * handler, so a page can offer only what the caller may do. The handler's own checks are not run.
 */
export async function mayCall(req: Request, method: string, path: string): Promise<boolean> {
  const deps = (req.res!.locals as AccessLocals).access;
  if (!deps) throw new Error('mayCall: the access middleware is not mounted');
  const found = policyFor(method, path);
  if (!found) throw new Error(`mayCall: no operation ${method} ${path}`);
  try {
    await checkOperation(deps, req, requireActor(req), method, found);
    return true;
  } catch (error) {
    if (error instanceof LeadflowError && (error.code === 'forbidden' || error.code === 'not_found')) return false;
    throw error;
  }
}

/** The actor is the token's person; the tenant is the token's tenant. */
function checkBody(req: Request, actor: Actor): void {
  const body: unknown = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, 'actor'))
    throw new LeadflowError('validation_failed', 'The actor comes from the API token; remove "actor" from the body.', {
      details: [{ path: 'actor', message: `not accepted: the actor is the token's person (${actor.email})` }],
    });
  const tenants = [
    body && typeof body === 'object' && !Array.isArray(body) ? (body as { tenant?: unknown }).tenant : undefined,
    req.query.tenant,
  ].filter((tenant) => tenant !== undefined);
  for (const tenant of tenants)
    if (tenant !== actor.tenant)
      throw new LeadflowError(
        'forbidden',
        `This token belongs to tenant ${actor.tenant}; it cannot act in tenant ${JSON.stringify(tenant)}.`,
      );
}

function requestSight(deps: AccessDeps, req: Request, actor: Actor): Promise<Sight> {
  const locals = req.res!.locals as AccessLocals;
  locals.sight ??= sightOf(deps.db, actor, deps.queueMembers);
  return locals.sight;
}

/** The caller's sight, for handlers that list or search (computed once per request). */
export function sightFor(req: Request): Promise<Sight> {
  const deps = (req.res!.locals as AccessLocals).access;
  if (!deps) throw new Error('sightFor: the access middleware is not mounted');
  return requestSight(deps, req, requireActor(req));
}

/**
 * The queues whose leads the caller works: those whose `members` name them in the active routing
 * rules, or every queue for a caller who sees the whole tenant (revops, an integration).
 */
export async function workedQueues(req: Request): Promise<string[]> {
  const deps = (req.res!.locals as AccessLocals).access;
  if (!deps) throw new Error('workedQueues: the access middleware is not mounted');
  const sight = await requestSight(deps, req, requireActor(req));
  return sight.all ? Object.keys(deps.queueMembers()).sort() : [...sight.queues].sort();
}
