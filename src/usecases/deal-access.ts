/**
 * Who may touch a deal's records. Anyone signed in may read a deal of their tenant; its owner,
 * anyone up the owner's manager chain, and RevOps may write (stakeholders, needs, timeline,
 * materials sent).
 */
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { recordAudit } from '../db/audit-trail';
import { LeadflowError } from '../domain/errors';

/** How far up the owner's manager chain write access reaches. */
export const MANAGER_CHAIN_DEPTH = 5;

type DealRow = NonNullable<Awaited<ReturnType<Db['deal']['findFirst']>>>;

/** The deal in the caller's tenant, or 404. */
export async function findDeal(db: Pick<Db, 'deal'>, tenant: string, dealId: string): Promise<DealRow> {
  const deal = await db.deal.findFirst({ where: { id: dealId, tenant } });
  if (!deal) throw new LeadflowError('not_found', `No deal ${dealId} in tenant ${tenant}.`);
  return deal;
}

/** Whether `actor` may write the deal's records: its owner, a manager up to 5 levels above the owner, or RevOps. */
export async function canWriteDeal(
  db: Pick<Db, 'rep'>,
  actor: Actor,
  deal: Pick<DealRow, 'tenant' | 'ownerEmail'>,
): Promise<boolean> {
  if (actor.role === 'revops') return true;
  const owner = deal.ownerEmail.toLowerCase();
  const me = actor.email.toLowerCase();
  if (me === owner) return true;
  const managers = await managerChain(db, deal.tenant, owner);
  return managers.includes(me);
}

/** The deal, if `actor` may write it; 404 when it does not exist, 403 saying who may otherwise. */
export async function findWritableDeal(db: Pick<Db, 'deal' | 'rep'>, actor: Actor, dealId: string): Promise<DealRow> {
  const deal = await findDeal(db, actor.tenant, dealId);
  if (!(await canWriteDeal(db, actor, deal))) {
    throw new LeadflowError(
      'forbidden',
      `Only the deal's owner (${deal.ownerEmail}), their managers or RevOps may change deal ${deal.id}; ${actor.email} is none of these.`,
    );
  }
  return deal;
}

/** Emails of the rep's managers, nearest first, up to MANAGER_CHAIN_DEPTH levels. */
export async function managerChain(db: Pick<Db, 'rep'>, tenant: string, email: string): Promise<string[]> {
  const chain: string[] = [];
  let rep = await db.rep.findUnique({
    where: { tenant_email: { tenant, email } },
    select: { id: true, managerId: true },
  });
  const seen = new Set<string>(rep ? [rep.id] : []);
  while (rep?.managerId && chain.length < MANAGER_CHAIN_DEPTH && !seen.has(rep.managerId)) {
    seen.add(rep.managerId);
    const manager: { id: string; email: string; managerId: string | null } | null = await db.rep.findFirst({
      where: { id: rep.managerId, tenant },
      select: { id: true, email: true, managerId: true },
    });
    if (!manager) break;
    chain.push(manager.email);
    rep = manager;
  }
  return chain;
}

/** Appends a deal's audit entry: `action` by the actor on the deal, with what changed. */
export async function auditDeal(
  db: Pick<Db, 'auditEvent'> | Prisma.TransactionClient,
  actor: Actor,
  deal: { id: string; tenant: string },
  action: string,
  occurredAt: Date,
  details: Record<string, unknown>,
): Promise<void> {
  await recordAudit(db, {
    tenant: deal.tenant,
    subjectType: 'deal',
    subjectId: deal.id,
    dealId: deal.id,
    action,
    actor: actor.email,
    details,
    occurredAt,
  });
}
