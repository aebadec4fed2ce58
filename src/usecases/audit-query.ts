/**
 * Reading the audit trail: a tenant's entries, newest first, filtered by deal, subject, action or
 * actor, in keyset pages. The cursor names the last entry shown (time and id), so a page never
 * repeats or skips entries when new ones arrive while someone pages.
 */
import { encodeKeyset, parseKeyset } from './keyset-cursor';
import { approvalsInSight, dealsInSight, leadsInSight, type Sight } from './visibility';
import type { Db, Prisma } from '../db/client';
import type { AuditSubject } from '../db/audit-trail';

export interface AuditFilter {
  dealId?: string;
  subjectType?: AuditSubject;
  subjectId?: string;
  action?: string;
  actor?: string;
}

export interface AuditEntryView {
  id: string;
  occurredAt: string;
  subjectType: string;
  subjectId: string;
  dealId: string | null;
  action: string;
  actor: string;
  reason: string | null;
  details: unknown;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One page of a tenant's audit trail, newest first. */
export async function listAudit(
  db: Db,
  input: { sight: Sight; filter: AuditFilter; cursor?: string; limit: number },
): Promise<AuditPage> {
  const after = input.cursor === undefined ? null : parseKeyset(input.cursor);
  const where: Prisma.AuditEventWhereInput = {
    tenant: input.sight.tenant,
    AND: [await entriesInSight(db, input.sight)],
    ...definedOnly(input.filter),
    ...(after
      ? { OR: [{ occurredAt: { lt: after.occurredAt } }, { occurredAt: after.occurredAt, id: { lt: after.id } }] }
      : {}),
  };
  const rows = await db.auditEvent.findMany({
    where,
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({
      id: row.id,
      occurredAt: row.occurredAt.toISOString(),
      subjectType: row.subjectType,
      subjectId: row.subjectId,
      dealId: row.dealId,
      action: row.action,
      actor: row.actor,
      reason: row.reason,
      details: row.details,
    })),
    nextCursor: rows.length > input.limit && last ? encodeKeyset({ occurredAt: last.occurredAt, id: last.id }) : null,
  };
}

function definedOnly(filter: AuditFilter): AuditFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/**
 * The entries a caller may read: revops everything; anyone else the entries about records in
 * their sight (their deals and everything on them, their leads, quotes, approvals and quotas), the
 * catalogue and materials everyone reads, and their own person record and tokens.
 */
async function entriesInSight(db: Db, sight: Sight): Promise<Prisma.AuditEventWhereInput> {
  if (sight.all) return {};
  const [deals, leads, approvals, tokens] = await Promise.all([
    db.deal.findMany({ where: dealsInSight(sight), select: { id: true } }),
    db.lead.findMany({ where: leadsInSight(sight), select: { id: true } }),
    db.approvalRequest.findMany({ where: approvalsInSight(sight), select: { id: true } }),
    db.apiToken.findMany({
      where: { tenant: sight.tenant, kind: 'person', personEmail: { in: [sight.me] } },
      select: { id: true },
    }),
  ]);
  const dealIds = deals.map((row) => row.id);
  const [quotes, quotas] = await Promise.all([
    db.quote.findMany({ where: { dealId: { in: dealIds } }, select: { id: true } }),
    db.quota.findMany({ where: { tenant: sight.tenant, ownerEmail: { in: sight.owners } }, select: { id: true } }),
  ]);
  return {
    OR: [
      { dealId: { in: dealIds } },
      { subjectType: 'deal', subjectId: { in: dealIds } },
      { subjectType: 'lead', subjectId: { in: leads.map((row) => row.id) } },
      { subjectType: 'quote', subjectId: { in: quotes.map((row) => row.id) } },
      { subjectType: 'approval', subjectId: { in: approvals.map((row) => row.id) } },
      { subjectType: 'token', subjectId: { in: tokens.map((row) => row.id) } },
      { subjectType: 'person', subjectId: sight.me },
      { subjectType: 'quota', subjectId: { in: quotas.map((row) => row.id) } },
      { subjectType: { in: ['material', 'product'] } },
    ],
  };
}
