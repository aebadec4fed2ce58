/**
 * A won deal's contract renews the account's earlier contracts whose term ended at most
 * RENEWAL_GRACE_DAYS before it starts (or has not ended yet): they become `renewed`, with an audit
 * entry naming the contract that renewed them. The same rule decides the renewal rate
 * (src/domain/analytics/retention.ts), so the renewals calendar and the report agree.
 */
import { RENEWAL_GRACE_DAYS } from '../domain/analytics/retention';
import { recordAudit } from './audit-trail';
import type { Prisma } from './client';

const DAY_MS = 86_400_000;

/** Marks the contracts that `contract` renews; returns their ids. Idempotent: renewed ones are left as they are. */
export async function markRenewedContracts(
  tx: Prisma.TransactionClient,
  contract: { id: string; tenant: string; dealId: string; startDate: Date },
  at: Date,
): Promise<string[]> {
  const deal = await tx.deal.findUniqueOrThrow({ where: { id: contract.dealId }, select: { accountId: true } });
  const renewed = await tx.contract.findMany({
    where: {
      tenant: contract.tenant,
      id: { not: contract.id },
      status: { not: 'renewed' },
      deal: { accountId: deal.accountId },
      startDate: { lt: contract.startDate },
      endDate: { gte: new Date(contract.startDate.getTime() - RENEWAL_GRACE_DAYS * DAY_MS) },
    },
    select: { id: true, dealId: true, endDate: true },
    orderBy: { id: 'asc' },
  });
  for (const earlier of renewed) {
    await tx.contract.update({ where: { id: earlier.id }, data: { status: 'renewed' } });
    await recordAudit(tx, {
      tenant: contract.tenant,
      subjectType: 'contract',
      subjectId: earlier.id,
      dealId: earlier.dealId,
      action: 'contract.renewed',
      actor: 'system',
      reason: `renewed by contract ${contract.id} (deal ${contract.dealId})`,
      details: { renewedBy: contract.id, renewalDealId: contract.dealId, endDate: earlier.endDate.toISOString() },
      occurredAt: at,
      idempotencyKey: `${earlier.id}:renewed`,
    });
  }
  return renewed.map((row) => row.id);
}
