/**
 * How quote versions and their approval requests end: an approval chain's outcome, and the
 * withdrawal of every version still on offer when the deal closes. Each end is one transaction,
 * conditional on the row still being open, so an approval finishing while the deal closes (or a
 * version superseded meanwhile) settles one way only; every change is audited once.
 */
import type { Db, Prisma } from '../src/db/client';
import { recordAudit } from '../src/db/audit-trail';
import { recordDealValue } from './deal-value';

type Tx = Prisma.TransactionClient;

/** Versions still on offer: waiting for approval, approved, or sent and not yet signed. */
const OPEN_VERSION_STATUSES = ['draft', 'pending-approval', 'approved', 'sent'];

interface RequestRef {
  id: string;
  tenant: string;
  dealId: string;
  quoteVersionId: string;
  contentHash: string;
  tier: string;
}

/**
 * Closes a pending approval request with its outcome: the request, every step still pending
 * (cancelled, with the reason as comment) and the version, unless a newer version superseded it
 * meanwhile. A cancelled request withdraws its version. Returns false when the request was
 * already closed, changing nothing.
 */
export async function closeApprovalRequest(
  tx: Tx,
  request: RequestRef,
  outcome: { status: 'approved' | 'rejected' | 'cancelled'; reason: string; at: Date },
): Promise<boolean> {
  const { status, reason, at } = outcome;
  const closed = await tx.approvalRequest.updateMany({
    where: { id: request.id, status: 'pending' },
    data: { status, decidedAt: at, outcomeReason: reason },
  });
  if (closed.count === 0) return false;
  const open = await tx.approvalStep.findMany({ where: { requestId: request.id, status: 'pending' } });
  for (const step of open) {
    await tx.approvalStep.update({
      where: { id: step.id },
      data: { status: 'cancelled', decidedBy: 'system', decidedAt: at, comment: reason },
    });
    // The same key as closing a step one by one: whichever closes it, the trail says so once.
    await recordAudit(tx, {
      tenant: request.tenant,
      subjectType: 'approval',
      subjectId: request.id,
      dealId: request.dealId,
      action: 'approval.cancelled',
      actor: 'system',
      reason,
      details: { stepId: step.id, level: step.level, assignee: step.assigneeEmail, contentHash: request.contentHash },
      occurredAt: at,
      idempotencyKey: `${step.id}:closed`,
    });
  }
  const versionStatus = status === 'cancelled' ? 'withdrawn' : status;
  const moved = await tx.quoteVersion.updateMany({
    where: { id: request.quoteVersionId, status: 'pending-approval' },
    data: { status: versionStatus },
  });
  if (moved.count > 0 && versionStatus === 'approved') await recordDealValue(tx, request.quoteVersionId);
  if (moved.count > 0 && versionStatus === 'withdrawn') await auditWithdrawn(tx, request.quoteVersionId, reason, at);
  await recordAudit(tx, {
    tenant: request.tenant,
    subjectType: 'approval',
    subjectId: request.id,
    dealId: request.dealId,
    action: `approval.${status}`,
    actor: 'system',
    reason,
    details: { quoteVersionId: request.quoteVersionId, contentHash: request.contentHash, tier: request.tier },
    occurredAt: at,
    idempotencyKey: `${request.id}:finished`,
  });
  return true;
}

async function auditWithdrawn(tx: Tx, versionId: string, reason: string, at: Date): Promise<void> {
  const version = await tx.quoteVersion.findUniqueOrThrow({ where: { id: versionId }, include: { quote: true } });
  await recordAudit(tx, {
    tenant: version.quote.tenant,
    subjectType: 'quote',
    subjectId: version.quoteId,
    dealId: version.quote.dealId,
    action: 'quote.withdrawn',
    actor: 'system',
    reason,
    details: { number: version.quote.number, version: version.version, versionId: version.id },
    occurredAt: at,
    idempotencyKey: `${version.id}:withdrawn`,
  });
}

export function createQuoteOutcomeActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /**
     * The deal closed (lost, or won on `keepVersionId`): every pending approval request of its
     * other versions is cancelled with its steps, and every version still on offer is withdrawn.
     * Idempotent: a retry finds nothing open.
     */
    async withdrawOpenQuotes(input: {
      dealId: string;
      keepVersionId: string | null;
      reason: string;
      at: string;
    }): Promise<{ withdrawn: number }> {
      const at = new Date(input.at);
      const others = input.keepVersionId === null ? {} : { id: { not: input.keepVersionId } };
      return db.$transaction(async (tx) => {
        const requests = await tx.approvalRequest.findMany({
          where: {
            dealId: input.dealId,
            status: 'pending',
            ...(input.keepVersionId === null ? {} : { quoteVersionId: { not: input.keepVersionId } }),
          },
        });
        for (const request of requests)
          await closeApprovalRequest(tx, request, { status: 'cancelled', reason: input.reason, at });
        const open = await tx.quoteVersion.findMany({
          where: { quote: { dealId: input.dealId }, status: { in: OPEN_VERSION_STATUSES }, ...others },
          select: { id: true },
        });
        for (const version of open) {
          await tx.quoteVersion.update({ where: { id: version.id }, data: { status: 'withdrawn' } });
          await auditWithdrawn(tx, version.id, input.reason, at);
        }
        return { withdrawn: open.length + requests.length };
      });
    },
  };
}
