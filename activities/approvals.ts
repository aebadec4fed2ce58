/**
 * Discount-approval activities for the `quoteApproval` workflow: who must decide (walking the
 * owner's management chain, delegating for out-of-office approvers as approvals.yaml says), by
 * when (in the approver's business hours), reminders, decisions and the outcome. Idempotent by
 * step and request ids; every request, reminder, escalation and decision is audited.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db, Prisma } from '../src/db/client';
import { addDuration } from '../src/domain/business-time';
import { approvalDashboardUrl } from '../src/domain/dashboard-links';
import type { ApprovalLevel, ApprovalStep as ChainStep } from '../src/rules/ruleset';
import { recordAudit } from '../src/db/audit-trail';
import {
  approvalDelegatedNotice,
  approvalPricingText,
  approvalReminderNotice,
  approvalRequestNotice,
  type NoticeReader,
} from '../src/domain/approval-notices';
import { labelIn } from '../src/rules/labels';
import { languageOf, type Language } from '../src/domain/languages';
import { formatBasisPoints } from '../src/domain/money';
import { reviewPrices } from '../src/domain/quote-pricing';
import { storedVersion } from '../src/usecases/quote-views';
import type { ApprovalPlan } from './deals';
import { closeApprovalRequest } from './quote-outcomes';

type Person = NonNullable<Awaited<ReturnType<Db['rep']['findUnique']>>>;

/** A role's rank for "same or higher role" delegation. */
const ROLE_RANK: Record<string, number> = { rep: 0, revops: 1, manager: 1, director: 2, finance: 2, vp: 3 };

export type AssignResult =
  | {
      kind: 'assigned';
      stepId: string;
      assignee: string;
      delegatedFrom: string | null;
      deciders: string[];
      dueAt: string;
      remindAt: string | null;
      notice: Notice;
    }
  /** Nobody can take this level now (no such person, or out of office with `whenOutOfOffice: escalate`). */
  | { kind: 'unavailable'; stepId: string; reason: string };

export interface Notice {
  to: string;
  subject: string;
  text: string;
}

function isOutOfOffice(person: Person, at: Date): boolean {
  return (
    person.outOfOfficeFrom !== null &&
    person.outOfOfficeFrom <= at &&
    (person.outOfOfficeUntil === null || at < person.outOfOfficeUntil)
  );
}

export function createApprovalActivities(deps: { db: Db; publicUrl: string }) {
  const { db } = deps;

  const byId = (id: string | null) => (id ? db.rep.findUnique({ where: { id } }) : Promise.resolve(null));

  /** The approver for `role`: the nearest person with that role up the owner's chain, else any active one. */
  async function approverFor(tenant: string, ownerEmail: string, role: string): Promise<Person | null> {
    let person = await db.rep.findUnique({ where: { tenant_email: { tenant, email: ownerEmail } } });
    const seen = new Set<string>();
    while (person?.managerId && !seen.has(person.id)) {
      seen.add(person.id);
      person = await byId(person.managerId);
      if (person?.active && person.role === role) return person;
    }
    return db.rep.findFirst({ where: { tenant, role, active: true }, orderBy: { email: 'asc' } });
  }

  /** Who stands in for an out-of-office approver, as approvals.yaml's `delegation` says. */
  async function standIn(approver: Person, plan: ApprovalPlan, at: Date): Promise<Person | null> {
    const candidates = [
      plan.delegation.delegateTo === 'named-delegate' ? await byId(approver.delegateId) : null,
      await byId(approver.managerId),
    ];
    for (const candidate of candidates) {
      if (!candidate || !candidate.active || isOutOfOffice(candidate, at)) continue;
      if (
        plan.delegation.delegateNeeds === 'same-or-higher-role' &&
        (ROLE_RANK[candidate.role] ?? 0) < (ROLE_RANK[approver.role] ?? 0)
      )
        continue;
      return candidate;
    }
    return null;
  }

  async function requestOf(requestId: string) {
    const request = await db.approvalRequest.findUnique({
      where: { id: requestId },
      include: { quoteVersion: { include: { quote: { include: { deal: true } } } } },
    });
    if (!request)
      throw ApplicationFailure.nonRetryable(`approval request ${requestId} does not exist`, 'ApprovalRequestNotFound');
    return request;
  }

  return {
    async startApprovalRequest(input: {
      requestId: string;
      dealId: string;
      versionId: string;
      contentHash: string;
      tier: string;
      chain: ChainStep[];
      workflowId: string;
      rulesetVersion: string;
      requestedBy: string;
      explanation: string;
      at: string;
    }): Promise<void> {
      const version = await db.quoteVersion.findUnique({ where: { id: input.versionId }, include: { quote: true } });
      if (!version)
        throw ApplicationFailure.nonRetryable(
          `quote version ${input.versionId} does not exist`,
          'QuoteVersionNotFound',
        );
      const at = new Date(input.at);
      await db.$transaction(async (tx) => {
        if (await tx.approvalRequest.findUnique({ where: { id: input.requestId }, select: { id: true } })) return;
        await tx.approvalRequest.create({
          data: {
            id: input.requestId,
            tenant: version.quote.tenant,
            dealId: input.dealId,
            quoteVersionId: input.versionId,
            contentHash: input.contentHash,
            tier: input.tier,
            chain: input.chain as unknown as Prisma.InputJsonValue,
            workflowId: input.workflowId,
            rulesetVersion: input.rulesetVersion,
            requestedBy: input.requestedBy,
            requestedAt: at,
          },
        });
        await tx.quoteVersion.update({
          where: { id: input.versionId },
          data: { status: 'pending-approval', approvalTier: input.tier },
        });
        await recordAudit(tx, {
          tenant: version.quote.tenant,
          subjectType: 'approval',
          subjectId: input.requestId,
          dealId: input.dealId,
          action: 'approval.requested',
          actor: input.requestedBy,
          reason: input.explanation,
          details: {
            quoteId: version.quoteId,
            version: version.version,
            contentHash: input.contentHash,
            tier: input.tier,
            rulesetVersion: input.rulesetVersion,
            discount: { bp: version.approvalDiscountBp, formatted: formatBasisPoints(version.approvalDiscountBp) },
            pricing: pricingOf(version) as unknown as Prisma.InputJsonValue,
          },
          occurredAt: at,
          idempotencyKey: `${input.requestId}:requested`,
        });
      });
    },

    /** Picks and records the approver of one level, with due and reminder times in their business hours. */
    async assignApprover(input: {
      requestId: string;
      stepId: string;
      position: number;
      level: ApprovalLevel;
      plan: ApprovalPlan;
      at: string;
    }): Promise<AssignResult> {
      const request = await requestOf(input.requestId);
      const existing = await db.approvalStep.findUnique({ where: { id: input.stepId } });
      const deal = request.quoteVersion.quote.deal;
      if (existing)
        return assigned(
          existing,
          await deciders(existing.assigneeEmail, deal.tenant),
          await noticeFor(existing.assigneeEmail),
        );

      const at = new Date(input.at);
      const role = input.level.role;
      const approver = await approverFor(deal.tenant, deal.ownerEmail, role);
      if (!approver) return { kind: 'unavailable', stepId: input.stepId, reason: `nobody active has the role ${role}` };
      let assignee = approver;
      let delegatedFrom: string | null = null;
      if (isOutOfOffice(approver, at)) {
        if (input.plan.delegation.whenOutOfOffice === 'escalate')
          return { kind: 'unavailable', stepId: input.stepId, reason: `${approver.email} (${role}) is out of office` };
        const substitute = await standIn(approver, input.plan, at);
        if (!substitute)
          return {
            kind: 'unavailable',
            stepId: input.stepId,
            reason: `${approver.email} (${role}) is out of office and has no available stand-in`,
          };
        assignee = substitute;
        delegatedFrom = approver.email;
      }
      const calendar = { ...input.plan.calendar, timezone: assignee.timeZone || input.plan.calendar.timezone };
      const dueAt = addDuration(at, input.level.deadline, calendar);
      const remindAt = input.level.remindAfter ? addDuration(at, input.level.remindAfter, calendar) : null;
      const step = await db.$transaction(async (tx) => {
        const row = await tx.approvalStep.create({
          data: {
            id: input.stepId,
            requestId: input.requestId,
            position: input.position,
            level: role,
            assigneeEmail: assignee.email,
            delegatedFrom,
            dueAt,
            remindAt,
            createdAt: at,
          },
        });
        await recordAudit(tx, {
          tenant: deal.tenant,
          subjectType: 'approval',
          subjectId: input.requestId,
          dealId: deal.id,
          action: 'approval.assigned',
          actor: 'system',
          reason: delegatedFrom
            ? `${delegatedFrom} is out of office; delegated to ${assignee.email}`
            : `${role} approval`,
          details: {
            stepId: input.stepId,
            level: role,
            assignee: assignee.email,
            delegatedFrom,
            dueAt: dueAt.toISOString(),
            remindAt: remindAt?.toISOString() ?? null,
            calendar: calendar.timezone,
          },
          occurredAt: at,
          idempotencyKey: `${input.stepId}:assigned`,
        });
        return row;
      });
      return assigned(step, await deciders(assignee.email, deal.tenant), await noticeFor(assignee.email));

      /** The request, in the approver's language. */
      async function noticeFor(to: string): Promise<Notice> {
        const version = request.quoteVersion;
        const reader = await readerOf(deal.tenant, to);
        const notice = approvalRequestNotice(
          {
            quoteNumber: version.quote.number,
            version: version.version,
            dealName: deal.name,
            role,
            tier: labelIn(input.plan.tierLabels, request.tier, reader.language),
            ownerEmail: deal.ownerEmail,
            pricing: pricingText(version, reader.language),
            dashboardUrl: approvalDashboardUrl(deps.publicUrl, request.id),
          },
          reader,
        );
        return { to, ...notice };
      }
    },

    /**
     * Hands an open step to someone else by hand (approvals.yaml `delegation.allowManual`). The
     * new assignee must be active, in the office, and hold the same or a higher role when the
     * rules say so. Returns who may decide now, or why the hand-over is refused.
     */
    async delegateApprovalStep(input: {
      stepId: string;
      to: string;
      reason: string;
      actor: string;
      plan: ApprovalPlan;
      at: string;
    }): Promise<{ ok: true; assignee: string; deciders: string[]; notice: Notice } | { ok: false; reason: string }> {
      const step = await db.approvalStep.findUnique({
        where: { id: input.stepId },
        include: { request: { include: { quoteVersion: { include: { quote: { include: { deal: true } } } } } } },
      });
      if (!step || step.status !== 'pending') return { ok: false, reason: `approval step ${input.stepId} is not open` };
      if (!input.plan.delegation.allowManual)
        return {
          ok: false,
          reason: 'approvals.yaml does not allow handing approvals to someone else (delegation.allowManual: false)',
        };
      const deal = step.request.quoteVersion.quote.deal;
      const at = new Date(input.at);
      const target = await db.rep.findUnique({ where: { tenant_email: { tenant: deal.tenant, email: input.to } } });
      if (!target || !target.active) return { ok: false, reason: `${input.to} is not an active person` };
      if (isOutOfOffice(target, at)) return { ok: false, reason: `${input.to} is out of office` };
      const level = ROLE_RANK[step.level] ?? 0;
      if (input.plan.delegation.delegateNeeds === 'same-or-higher-role' && (ROLE_RANK[target.role] ?? 0) < level) {
        return {
          ok: false,
          reason: `${input.to} is ${target.role}; a ${step.level} approval needs the same or a higher role`,
        };
      }
      if (step.assigneeEmail !== input.to) {
        await db.$transaction(async (tx) => {
          await tx.approvalStep.update({
            where: { id: step.id },
            data: { assigneeEmail: target.email, delegatedFrom: step.delegatedFrom ?? step.assigneeEmail },
          });
          await recordAudit(tx, {
            tenant: deal.tenant,
            subjectType: 'approval',
            subjectId: step.requestId,
            dealId: deal.id,
            action: 'approval.delegated',
            actor: input.actor,
            reason: input.reason,
            details: { stepId: step.id, level: step.level, from: step.assigneeEmail, to: target.email },
            occurredAt: at,
            idempotencyKey: `${step.id}:delegated:${target.email}`,
          });
        });
      }
      const version = step.request.quoteVersion;
      const reader = readerFrom(target);
      const notice = approvalDelegatedNotice(
        {
          quoteNumber: version.quote.number,
          version: version.version,
          dealName: deal.name,
          role: step.level,
          actor: input.actor,
          reason: input.reason,
          dueAt: step.dueAt,
          pricing: pricingText(version, reader.language),
          dashboardUrl: approvalDashboardUrl(deps.publicUrl, step.requestId),
        },
        reader,
      );
      return {
        ok: true,
        assignee: target.email,
        deciders: await deciders(target.email, deal.tenant),
        notice: { to: target.email, ...notice },
      };
    },

    /** A later position needs a role that already approved this request (after an escalation): recorded, not asked again. */
    async noteApprovalSatisfied(input: {
      requestId: string;
      position: number;
      level: string;
      at: string;
    }): Promise<void> {
      const request = await requestOf(input.requestId);
      await recordAudit(db, {
        tenant: request.tenant,
        subjectType: 'approval',
        subjectId: request.id,
        dealId: request.dealId,
        action: 'approval.satisfied',
        actor: 'system',
        reason: `${input.level} already approved this request after an escalation`,
        details: { position: input.position, level: input.level },
        occurredAt: new Date(input.at),
        idempotencyKey: `${request.id}:${input.position}:${input.level}:satisfied`,
      });
    },

    /** The reminder before the deadline; nothing when the step was decided meanwhile. */
    async remindApprover(input: { stepId: string; at: string }): Promise<Notice | null> {
      const step = await db.approvalStep.findUnique({
        where: { id: input.stepId },
        include: { request: { include: { quoteVersion: { include: { quote: { include: { deal: true } } } } } } },
      });
      if (!step || step.status !== 'pending') return null;
      const deal = step.request.quoteVersion.quote.deal;
      if (!step.remindedAt) {
        await db.approvalStep.update({ where: { id: step.id }, data: { remindedAt: new Date(input.at) } });
        await recordAudit(db, {
          tenant: deal.tenant,
          subjectType: 'approval',
          subjectId: step.requestId,
          dealId: deal.id,
          action: 'approval.reminded',
          actor: 'system',
          reason: `no decision yet; due ${step.dueAt.toISOString()}`,
          details: { stepId: step.id, level: step.level, assignee: step.assigneeEmail },
          occurredAt: new Date(input.at),
          idempotencyKey: `${step.id}:reminded`,
        });
      }
      const version = step.request.quoteVersion;
      const notice = approvalReminderNotice(
        {
          quoteNumber: version.quote.number,
          version: version.version,
          dealName: deal.name,
          role: step.level,
          dueAt: step.dueAt,
          dashboardUrl: approvalDashboardUrl(deps.publicUrl, step.requestId),
        },
        await readerOf(deal.tenant, step.assigneeEmail),
      );
      return { to: step.assigneeEmail, ...notice };
    },

    /** Closes a step (decided, escalated, timed out or cancelled). A closed step stays as it is. */
    async closeApprovalStep(input: {
      stepId: string;
      status: 'approved' | 'rejected' | 'escalated' | 'auto-approved' | 'auto-rejected' | 'cancelled';
      decidedBy: string;
      comment: string | null;
      at: string;
    }): Promise<{ status: string; decidedBy: string | null; decidedAt: string | null }> {
      const step = await db.approvalStep.findUnique({ where: { id: input.stepId }, include: { request: true } });
      if (!step)
        throw ApplicationFailure.nonRetryable(`approval step ${input.stepId} does not exist`, 'ApprovalStepNotFound');
      if (step.status !== 'pending')
        return { status: step.status, decidedBy: step.decidedBy, decidedAt: step.decidedAt?.toISOString() ?? null };
      const at = new Date(input.at);
      const closed = await db.$transaction(async (tx) => {
        // Only a step still pending: the deal may have closed the request (and its steps) meanwhile.
        const moved = await tx.approvalStep.updateMany({
          where: { id: step.id, status: 'pending' },
          data: { status: input.status, decidedBy: input.decidedBy, decidedAt: at, comment: input.comment },
        });
        if (moved.count === 0) return false;
        await recordAudit(tx, {
          tenant: step.request.tenant,
          subjectType: 'approval',
          subjectId: step.requestId,
          dealId: step.request.dealId,
          action: `approval.${input.status}`,
          actor: input.decidedBy,
          reason: input.comment,
          details: {
            stepId: step.id,
            level: step.level,
            assignee: step.assigneeEmail,
            delegatedFrom: step.delegatedFrom,
            dueAt: step.dueAt.toISOString(),
            contentHash: step.request.contentHash,
          },
          occurredAt: at,
          idempotencyKey: `${step.id}:closed`,
        });
        return true;
      });
      if (!closed) {
        const settled = await db.approvalStep.findUniqueOrThrow({ where: { id: step.id } });
        return {
          status: settled.status,
          decidedBy: settled.decidedBy,
          decidedAt: settled.decidedAt?.toISOString() ?? null,
        };
      }
      return { status: input.status, decidedBy: input.decidedBy, decidedAt: at.toISOString() };
    },

    /**
     * The chain's outcome: the request, its open steps and the quote version follow (see
     * `closeApprovalRequest`). A request closed already (the deal closed meanwhile) stays as it is.
     */
    async finishApprovalRequest(input: {
      requestId: string;
      status: 'approved' | 'rejected' | 'cancelled';
      reason: string;
      at: string;
    }): Promise<void> {
      const request = await requestOf(input.requestId);
      if (request.status !== 'pending') return;
      const outcome = { status: input.status, reason: input.reason, at: new Date(input.at) };
      await db.$transaction((tx) => closeApprovalRequest(tx, request, outcome));
    },
  };

  /** An approver's language and zone; someone without a person row reads English in UTC. */
  async function readerOf(tenant: string, email: string): Promise<NoticeReader> {
    return readerFrom(await db.rep.findUnique({ where: { tenant_email: { tenant, email } } }));
  }

  async function deciders(assignee: string, tenant: string): Promise<string[]> {
    const person = await db.rep.findUnique({ where: { tenant_email: { tenant, email: assignee } } });
    const delegate = person?.delegateId ? await db.rep.findUnique({ where: { id: person.delegateId } }) : null;
    return delegate ? [assignee, delegate.email] : [assignee];
  }
}

type VersionRow = Parameters<typeof storedVersion>[0];

function pricingOf(version: VersionRow) {
  const { content, totals } = storedVersion(version);
  return reviewPrices(content, totals);
}

/** The version's prices against list and the discount judged, for the approver's email. */
function pricingText(version: VersionRow, language: Language): string {
  return approvalPricingText(pricingOf(version), version.approvalDiscountBp, language);
}

function readerFrom(person: Pick<Person, 'language' | 'timeZone'> | null): NoticeReader {
  return { language: languageOf(person?.language), timeZone: person?.timeZone || 'UTC' };
}

function assigned(
  step: { id: string; assigneeEmail: string; delegatedFrom: string | null; dueAt: Date; remindAt: Date | null },
  deciders: string[],
  notice: Notice,
): AssignResult {
  return {
    kind: 'assigned',
    stepId: step.id,
    assignee: step.assigneeEmail,
    delegatedFrom: step.delegatedFrom,
    deciders,
    dueAt: step.dueAt.toISOString(),
    remindAt: step.remindAt?.toISOString() ?? null,
    notice,
  };
}

/** Who may decide a step: its assignee and the assignee's named delegate. */
export async function mayDecide(
  db: Db,
  tenant: string,
  step: { assigneeEmail: string },
  email: string,
): Promise<boolean> {
  if (step.assigneeEmail === email) return true;
  const assignee = await db.rep.findUnique({ where: { tenant_email: { tenant, email: step.assigneeEmail } } });
  if (!assignee?.delegateId) return false;
  const delegate = await db.rep.findUnique({ where: { id: assignee.delegateId } });
  return delegate?.email === email;
}
