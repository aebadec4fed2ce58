/**
 * The approvals inbox: which requests wait for the caller (`mine`: a pending step assigned to
 * them, or to someone who named them their delegate) or concern their team (`team`: requests on
 * deals owned by the people who report to them), and what an approver needs to decide each one:
 * the deal, its value, the discount in money and percent, who asked and why, the step waiting,
 * its deadline, and the request's history.
 */
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import { formatMoney } from '../domain/money';
import type { Sight } from './visibility';

export const APPROVAL_INBOXES = ['mine', 'team'] as const;
export type ApprovalInbox = (typeof APPROVAL_INBOXES)[number];

/** The requests of an inbox, as a condition beside the caller's sight. */
export async function inboxWhere(
  db: Db,
  actor: Actor,
  sight: Sight,
  inbox: ApprovalInbox,
): Promise<Prisma.ApprovalRequestWhereInput> {
  if (inbox === 'mine') {
    const self = await db.rep.findFirst({
      where: { tenant: actor.tenant, email: { in: [actor.email, sight.me] } },
      select: { id: true },
    });
    const delegators = self
      ? await db.rep.findMany({ where: { tenant: actor.tenant, delegateId: self.id }, select: { email: true } })
      : [];
    const assignees = [
      ...new Set([actor.email, sight.me, ...delegators.flatMap((rep) => [rep.email, rep.email.toLowerCase()])]),
    ];
    return { status: 'pending', steps: { some: { status: 'pending', assigneeEmail: { in: assignees } } } };
  }
  if (sight.all) return {};
  const reports = sight.owners.filter((owner) => owner.toLowerCase() !== sight.me);
  return { quoteVersion: { quote: { deal: { ownerEmail: { in: reports } } } } };
}

/** The fields an approval card shows, for one request of the list. */
export interface ApprovalCard {
  deal: { id: string; name: string; stage: string; ownerEmail: string; accountName: string | null };
  /** The quote version's net total before tax (over its whole term). */
  value: { amountMinor: number; currency: string; formatted: string };
  /** List total minus the net total, in money and in percent of the list total. */
  discount: { amountMinor: number; formatted: string; percent: number; bp: number };
  /** The reason recorded with the request (the rules' explanation of why it needs approval). */
  reason: string | null;
  /** The step waiting for a decision (the earliest pending one), or null once decided. */
  currentStep: { id: string; level: string; assignee: string; delegatedFrom: string | null; dueAt: string } | null;
  deadline: string | null;
  /** What happened to the request: requested, assigned, reminded, delegated, escalated, decided… oldest first. */
  history: {
    at: string;
    action: string;
    actor: string;
    reason: string | null;
    stepId: string | null;
    level: string | null;
  }[];
}

interface ListedApproval {
  id: string;
  dealId: string;
  quote: {
    pricing: { currency: string; total: { netMinor: number; discountMinor: number; effectiveDiscountBp: number } };
  };
  steps: { id: string; level: string; assignee: string; delegatedFrom: string | null; status: string; dueAt: string }[];
}

/** The cards of listed requests, read in three queries whatever the page size. */
export async function approvalCards<T extends ListedApproval>(db: Db, approvals: T[]): Promise<(T & ApprovalCard)[]> {
  const dealIds = [...new Set(approvals.map((approval) => approval.dealId))];
  const [deals, audit] = await Promise.all([
    db.deal.findMany({
      where: { id: { in: dealIds } },
      select: { id: true, name: true, stage: true, ownerEmail: true, account: { select: { name: true } } },
    }),
    db.auditEvent.findMany({
      where: { subjectType: 'approval', subjectId: { in: approvals.map((approval) => approval.id) } },
      orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
  const dealOf = new Map(deals.map((deal) => [deal.id, deal]));
  return approvals.map((approval) => {
    const deal = dealOf.get(approval.dealId);
    const { currency, total } = approval.quote.pricing;
    const history = audit.filter((event) => event.subjectId === approval.id);
    const current = approval.steps.find((step) => step.status === 'pending') ?? null;
    return {
      ...approval,
      deal: {
        id: approval.dealId,
        name: deal?.name ?? approval.dealId,
        stage: deal?.stage ?? 'unknown',
        ownerEmail: deal?.ownerEmail ?? '',
        accountName: deal?.account.name ?? null,
      },
      value: { amountMinor: total.netMinor, currency, formatted: formatMoney(total.netMinor, currency) },
      discount: {
        amountMinor: total.discountMinor,
        formatted: formatMoney(total.discountMinor, currency),
        percent: total.effectiveDiscountBp / 100,
        bp: total.effectiveDiscountBp,
      },
      reason: history.find((event) => event.action === 'approval.requested')?.reason ?? null,
      currentStep: current
        ? {
            id: current.id,
            level: current.level,
            assignee: current.assignee,
            delegatedFrom: current.delegatedFrom,
            dueAt: current.dueAt,
          }
        : null,
      deadline: current?.dueAt ?? null,
      history: history.map((event) => {
        const details = (event.details ?? {}) as { stepId?: unknown; level?: unknown };
        return {
          at: event.occurredAt.toISOString(),
          action: event.action,
          actor: event.actor,
          reason: event.reason,
          stepId: typeof details.stepId === 'string' ? details.stepId : null,
          level: typeof details.level === 'string' ? details.level : null,
        };
      }),
    };
  });
}
