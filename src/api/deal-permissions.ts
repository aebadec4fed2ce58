/**
 * What the caller may do on a deal (`can` on GET /api/deals/{dealId}), by the checks the
 * operations themselves make: their access policy (./access-policy.ts, through `mayCall`) and
 * their use-case's own (the owner, their manager chain or RevOps: canWriteDeal). The workspace
 * offers a form only when its operation would be allowed.
 */
import type { Request } from 'express';
import { requireActor } from '../auth/actor';
import type { Db } from '../db/client';
import { canWriteDeal } from '../usecases/deal-access';
import { mayCall } from './access';

export interface DealPermissions {
  /** POST /api/deals/{dealId}/materials: send a sales material to the deal. */
  shareMaterial: boolean;
}

export async function dealPermissions(
  req: Request,
  db: Pick<Db, 'rep'>,
  deal: { id: string; tenant: string; ownerEmail: string },
): Promise<DealPermissions> {
  const path = `/api/deals/${encodeURIComponent(deal.id)}/materials`;
  const [policy, writes] = await Promise.all([mayCall(req, 'POST', path), canWriteDeal(db, requireActor(req), deal)]);
  return { shareMaterial: policy && writes };
}
