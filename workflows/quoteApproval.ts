/**
 * One discount-approval chain for one quote version (child workflow of the deal), bound to the
 * version's content hash. It walks the chain from approvals.yaml position by position; parallel
 * approvers decide at the same time and all must approve. Each approver gets a reminder and a
 * deadline in their business hours, both durable timers; at the deadline the level escalates,
 * approves or rejects as the rules say. Any rejection ends the chain. The deal withdraws the
 * request when the quote gets a new version or the deal closes. Deterministic code only.
 */
import { ApplicationFailure, condition, getExternalWorkflowHandle, patched, setHandler } from '@temporalio/workflow';
import type { ApprovalPlan } from '../activities/deals';
import type { AssignResult } from '../activities/approvals';
import type { ApprovalLevel, ApprovalStep as ChainStep } from '../src/rules/ruleset';
import {
  approvalFinished,
  decideApproval,
  delegateApproval,
  withdrawApproval,
  type ApprovalDecisionRequest,
  type ApprovalDecisionResult,
  type DelegationRequest,
} from './dealMessages';
import { signalIfRunning } from './deal/quotes';
import { mail, store } from './journey/effects';

export interface QuoteApprovalInput {
  requestId: string;
  dealId: string;
  leadId: string;
  dealWorkflowId: string;
  versionId: string;
  contentHash: string;
  chain: ChainStep[];
  plan: ApprovalPlan;
}

export interface QuoteApprovalResult {
  status: 'approved' | 'rejected' | 'cancelled';
  reason: string;
}

interface OpenStep {
  stepId: string;
  position: number;
  level: string;
  deciders: string[];
  decision: 'approved' | 'rejected' | null;
  decidedBy: string | null;
}

export async function quoteApproval(input: QuoteApprovalInput): Promise<QuoteApprovalResult> {
  const open = new Map<string, OpenStep>();
  /**
   * Steps whose approver is being assigned: the activity writes the step's row before this workflow
   * opens the step, so an approver who sees the row (the approvals list) may decide in between. Such
   * a decision or hand-over is accepted and waits for the step to open (awaitOpen), then checked.
   */
  const assigning = new Set<string>();
  let withdrawn: string | null = null;
  let rejected: { by: string; level: string; comment: string } | null = null;

  /** Why a decision may not be taken now, or null. */
  const decisionRefusal = (request: ApprovalDecisionRequest): string | null => {
    if (withdrawn !== null) return `the approval request was withdrawn (${withdrawn})`;
    const step = open.get(request.stepId);
    if (!step) return `approval step ${request.stepId} is not open for decisions`;
    if (step.decision !== null)
      return `approval step ${request.stepId} was already ${step.decision} by ${step.decidedBy}`;
    if (!step.deciders.includes(request.actor.email))
      return `${request.actor.email} may not decide this step; it is assigned to ${step.deciders.join(' or ')}`;
    return decisionFault(request);
  };
  /**
   * What refuses a decision whatever its step: checked before a decision on a step being assigned is
   * accepted, since a refusal after acceptance is kept under the update's id (the API's id is the
   * step, the approver and the decision: the same decision with a comment would get it back).
   */
  const decisionFault = (request: ApprovalDecisionRequest): string | null => {
    if (request.contentHash !== input.contentHash)
      return `the quote changed: this approval is for content ${input.contentHash}, not ${request.contentHash}`;
    if (request.comment.trim() === '' && request.decision === 'reject') return 'a rejection needs a comment saying why';
    return null;
  };
  /** Why a hand-over may not be taken now, or null. */
  const delegationRefusal = (request: DelegationRequest): string | null => {
    const step = open.get(request.stepId);
    if (withdrawn !== null || !step || step.decision !== null) return `approval step ${request.stepId} is not open`;
    if (!step.deciders.includes(request.actor.email))
      return `${request.actor.email} may not hand this step on; it is assigned to ${step.deciders.join(' or ')}`;
    return null;
  };
  /**
   * A request on a step being assigned is checked for `fault` now and for the rest once the step
   * opens (assigning); any other is checked now.
   */
  const validate =
    <R extends { stepId: string }>(refusal: (request: R) => string | null, fault?: (request: R) => string | null) =>
    (request: R) => {
      const waits = withdrawn === null && !open.has(request.stepId) && assigning.has(request.stepId);
      const why = waits ? (fault?.(request) ?? null) : refusal(request);
      if (why !== null) throw new Error(why);
    };
  /**
   * In a handler, for a step not open: waits while it is being assigned, then refuses as the
   * validator would have. Called only then, so a request on an open step schedules its work in the
   * same tick as before (replay of earlier histories).
   */
  const awaitOpen = async <R extends { stepId: string }>(request: R, refusal: (request: R) => string | null) => {
    await condition(() => open.has(request.stepId) || !assigning.has(request.stepId));
    const why = refusal(request);
    if (why !== null)
      throw ApplicationFailure.create({ type: 'ApprovalStepNotOpen', nonRetryable: true, message: why });
  };

  setHandler(withdrawApproval, ({ reason }) => void (withdrawn ??= reason));
  setHandler(
    decideApproval,
    async (request: ApprovalDecisionRequest): Promise<ApprovalDecisionResult> => {
      if (!open.has(request.stepId)) await awaitOpen(request, decisionRefusal);
      const step = open.get(request.stepId)!;
      const status = request.decision === 'approve' ? 'approved' : 'rejected';
      // The database keeps the first decision if two deciders (assignee and delegate) race.
      const closed = await store.closeApprovalStep({
        stepId: request.stepId,
        status,
        decidedBy: request.actor.email,
        comment: request.comment,
        at: now(),
      });
      if (closed.status !== 'approved' && closed.status !== 'rejected')
        // The deal closed the request (and this step) while the decision was on its way.
        throw ApplicationFailure.create({
          type: 'ApprovalWithdrawn',
          nonRetryable: true,
          message: `approval step ${request.stepId} was ${closed.status} before this decision arrived`,
        });
      const decision = closed.status === 'rejected' ? 'rejected' : 'approved';
      step.decision ??= decision;
      step.decidedBy ??= closed.decidedBy;
      if (step.decision === 'rejected')
        rejected ??= { by: step.decidedBy ?? request.actor.email, level: step.level, comment: request.comment };
      // The last decision the request waits for: nothing open, and every later position is a role
      // that has approved already (an escalation brought it here), so `runLevel` will not ask again.
      const satisfied = (role: string) => role === step.level || approvedRoles.has(role);
      const laterSatisfied = input.chain
        .slice(step.position + 1)
        .every((later) => later.approvers.every((level) => satisfied(level.role)));
      const lastOpen =
        step.decision === 'approved' && laterSatisfied && [...open.values()].every((other) => other.decision !== null);
      return {
        stepId: request.stepId,
        decision: step.decision,
        decidedBy: step.decidedBy ?? request.actor.email,
        decidedAt: closed.decidedAt ?? now(),
        requestStatus: step.decision === 'rejected' ? 'rejected' : lastOpen ? 'approved' : 'pending',
      };
    },
    { validator: validate(decisionRefusal, decisionFault) },
  );

  setHandler(
    delegateApproval,
    async (request: DelegationRequest) => {
      if (!open.has(request.stepId)) await awaitOpen(request, delegationRefusal);
      const step = open.get(request.stepId)!;
      const handed = await store.delegateApprovalStep({
        stepId: request.stepId,
        to: request.to,
        reason: request.reason,
        actor: request.actor.email,
        plan: input.plan,
        at: now(),
      });
      if (!handed.ok)
        throw ApplicationFailure.create({ type: 'DelegationRefused', nonRetryable: true, message: handed.reason });
      step.deciders = handed.deciders;
      await mail.sendEmail({
        idempotencyKey: `${request.stepId}:delegated:${handed.assignee}`,
        leadId: input.leadId,
        ...handed.notice,
      });
      return { stepId: request.stepId, assigneeEmail: handed.assignee };
    },
    { validator: validate(delegationRefusal) },
  );

  const over = () => withdrawn !== null || rejected !== null;

  /** Roles that approved this request (directly or after an escalation reached them). */
  const approvedRoles = new Set<string>();

  /** Runs one approver's level until it is decided, escalated to a level that decides, or auto-decided. */
  async function runLevel(position: number, first: ApprovalLevel): Promise<'approved' | 'rejected' | 'over'> {
    let level: ApprovalLevel = first;
    if (approvedRoles.has(level.role)) {
      // An escalation already brought this request to this role, and it approved: asking again adds nothing.
      await store.noteApprovalSatisfied({ requestId: input.requestId, position, level: level.role, at: now() });
      return 'approved';
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      const stepId = `${input.requestId}:${position}:${attempt}:${level.role}`;
      assigning.add(stepId);
      let assignment: AssignResult;
      try {
        assignment = await store.assignApprover({
          requestId: input.requestId,
          stepId,
          position,
          level,
          plan: input.plan,
          at: now(),
        });
      } finally {
        assigning.delete(stepId);
      }
      if (assignment.kind === 'unavailable') {
        // Nobody can decide this level now: the same as its deadline passing.
        const next = await onTimeout(stepId, level, assignment.reason, false);
        if (next === 'approved' || next === 'rejected') return next;
        level = next;
        continue;
      }
      const step: OpenStep = {
        stepId,
        position,
        level: level.role,
        deciders: assignment.deciders,
        decision: null,
        decidedBy: null,
      };
      open.set(stepId, step);
      await mail.sendEmail({ idempotencyKey: `${stepId}:request`, leadId: input.leadId, ...assignment.notice });
      const decided = () => step.decision !== null || over();
      if (assignment.remindAt && !(await condition(decided, untilMs(assignment.remindAt)))) {
        const reminder = await store.remindApprover({ stepId, at: now() });
        if (reminder) await mail.sendEmail({ idempotencyKey: `${stepId}:reminder`, leadId: input.leadId, ...reminder });
      }
      if (await condition(decided, untilMs(assignment.dueAt))) {
        if (step.decision === 'approved') approvedRoles.add(level.role);
        return step.decision ?? 'over';
      }
      open.delete(stepId);
      const next = await onTimeout(stepId, level, `no decision by ${assignment.dueAt}`, true);
      if (next === 'approved' || next === 'rejected') return next;
      level = next;
    }
    throw ApplicationFailure.nonRetryable(
      `approval escalated 10 times at position ${position}; check approvals.yaml escalateTo for a loop`,
      'EscalationLoop',
    );
  }

  /** A level's deadline passed (or nobody can take it): escalate, approve or reject, as the rules say. */
  async function onTimeout(
    stepId: string,
    level: ApprovalLevel,
    why: string,
    stepExists: boolean,
  ): Promise<ApprovalLevel | 'approved' | 'rejected'> {
    const escalateTo =
      level.onTimeout === 'escalate' && level.escalateTo ? input.plan.levels[level.escalateTo] : undefined;
    const status = escalateTo ? 'escalated' : level.onTimeout === 'approve' ? 'auto-approved' : 'auto-rejected';
    const comment = escalateTo
      ? `${why}; escalated to ${escalateTo.role}`
      : `${why}; ${status} as approvals.yaml says (onTimeout: ${level.onTimeout})`;
    if (stepExists) await store.closeApprovalStep({ stepId, status, decidedBy: 'system', comment, at: now() });
    if (escalateTo) return escalateTo;
    if (status === 'auto-rejected') rejected ??= { by: 'system', level: level.role, comment };
    return status === 'auto-approved' ? 'approved' : 'rejected';
  }

  let result: QuoteApprovalResult = { status: 'approved', reason: 'every approver in the chain approved' };
  for (const [position, chainStep] of input.chain.entries()) {
    const outcomes = await Promise.all(chainStep.approvers.map((level) => runLevel(position, level)));
    if (withdrawn !== null) {
      result = { status: 'cancelled', reason: withdrawn };
      break;
    }
    if (rejected !== null || outcomes.includes('rejected')) {
      const who = rejected ?? { by: 'system', level: 'unknown', comment: '' };
      result = {
        status: 'rejected',
        reason: `rejected by ${who.by} (${who.level})${who.comment ? `: ${who.comment}` : ''}`,
      };
      break;
    }
  }
  // Parallel approvers still deciding when another rejected, or when the request was withdrawn.
  for (const step of open.values()) {
    if (step.decision === null)
      await store.closeApprovalStep({
        stepId: step.stepId,
        status: 'cancelled',
        decidedBy: 'system',
        comment: result.reason,
        at: now(),
      });
  }
  await store.finishApprovalRequest({
    requestId: input.requestId,
    status: result.status,
    reason: result.reason,
    at: now(),
  });
  const finished = { versionId: input.versionId, ...result };
  // A deal that closed meanwhile has ended; there is nobody left to tell. (Histories from before
  // replay as they ran: the chain failed there.)
  if (patched('approval-outlives-its-deal')) await signalIfRunning(input.dealWorkflowId, approvalFinished, finished);
  else await getExternalWorkflowHandle(input.dealWorkflowId).signal(approvalFinished, finished);
  return result;
}

const now = () => new Date().toISOString();
const untilMs = (at: string) => Math.max(0, Date.parse(at) - new Date().getTime());
