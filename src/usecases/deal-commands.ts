/**
 * Commands on a deal's workflows: convert an SQL, move a stage (meetings: ./meetings.ts),
 * send a quote, send it for signature, decide an approval. Each use-case authorises the caller,
 * then sends one Temporal update; the workflow validates against its state. A rejection becomes a
 * 409 (or 422 with what is missing, for a stage's exit criteria) with the workflow's own reason.
 */
import { encodeKeyset, parseKeyset } from './keyset-cursor';
import { approvalCards, inboxWhere, type ApprovalInbox } from './approval-inbox';
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../auth/actor';
import type { Db, Prisma } from '../db/client';
import type { DealStage } from '../rules/facts';
import { mayDecide } from '../../activities/approvals';
import * as desk from '../../workflows/dealMessages';
import { convertToDeal, type ConvertRequest } from '../../workflows/messages';
import { formatMoney } from '../domain/money';
import { isTemporalTimeout, isTemporalUnavailable, TIMED_OUT_MESSAGE } from './availability';
import { canWriteDeal, findDeal, findWritableDeal } from './deal-access';
import { fileLoss } from './deal-loss';
import type { Ruleset } from '../rules/ruleset';
import { textIn, type LocalisedText } from '../rules/schema/common';
import { chineseMessage, chineseReason } from '../api/error-words';
import type { FieldError } from '../api/errors';
import { stageWarning, type Worded } from '../domain/reason-codes';
import { DEFAULT_LANGUAGE, type Language } from '../domain/languages';
import { approvalsInSight, dealsInSight, type Sight } from './visibility';
import { LeadflowError } from '../domain/errors';
import { quoteRecipient } from '../domain/quote-mail';
import { storedVersion } from './quote-views';
import { stalledAlert, stallReasons } from '../domain/deal-stall';
import { localToday } from '../domain/tasks';
import { zoneOf } from './tasks';
import { stallingOf } from './deal-stalling';
import { approvalPricing } from './quote-views';

export interface DealCommandDeps {
  db: Db;
  temporal: Client;
}

/** Who asked, as workflows record it. */
export const ref = (actor: Actor): desk.ActorRef => ({ email: actor.email, role: actor.role });

/** Sends an update and turns the workflow's refusals into domain errors. */
export async function updateWorkflow<R, A extends [unknown, ...unknown[]]>(
  temporal: Client,
  workflowId: string,
  update: UpdateDefinition<R, A>,
  args: A,
  updateId?: string,
): Promise<R> {
  try {
    return await temporal.withDeadline(Date.now() + 30_000, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(update, { args, updateId: updateId ?? randomUUID() }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const failure = innermost(error);
      if (failure.type === 'StageBlocked') {
        // `path`: the field the refusal is about (`quoteId` when the quote to win on is the problem).
        // `why`: the refusals as codes, when the workflow wrote them (a quote to win on), for wording.
        const details = (failure.details?.[0] ?? {}) as {
          missing?: string[];
          warnings?: string[];
          path?: string;
          why?: Worded[];
        };
        throw new LeadflowError('not_allowed', failure.message, {
          details: (details.missing ?? []).map((missing, i): FieldError => ({
            path: details.path ?? 'stage',
            message: missing,
            ...(details.why?.[i] ? { why: details.why[i] } : {}),
          })),
        });
      }
      // The rules refused a hand-over (role, availability, allowManual): about the caller's `to`.
      if (failure.type === 'DelegationRefused')
        throw new LeadflowError('not_allowed', failure.message, {
          details: [{ path: 'to', message: failure.message }],
        });
      throw new LeadflowError('conflict', failure.message, { cause: error });
    }
    if ((error as { name?: string }).name === 'WorkflowNotFoundError')
      throw new LeadflowError('conflict', `Workflow ${workflowId} is not running.`);
    if (isTemporalTimeout(error)) throw new LeadflowError('temporal_unavailable', TIMED_OUT_MESSAGE, { cause: error });
    if (isTemporalUnavailable(error))
      throw new LeadflowError('temporal_unavailable', 'The workflow engine (Temporal) is unreachable. Retry shortly.', {
        cause: error,
      });
    throw error;
  }
}

function innermost(error: Error): { message: string; type?: string; details?: unknown[] } {
  let found: { message: string; type?: string; details?: unknown[] } = { message: error.message };
  for (let current: unknown = error.cause, depth = 0; current && depth < 8; depth++) {
    const candidate = current as { message?: unknown; cause?: unknown; type?: unknown; details?: unknown };
    if (typeof candidate.message === 'string' && candidate.message) {
      found = {
        message: candidate.message,
        type: typeof candidate.type === 'string' ? candidate.type : undefined,
        details: Array.isArray(candidate.details) ? candidate.details : undefined,
      };
    }
    current = candidate.cause;
  }
  return found;
}

/** The lead's owner, someone up their management chain, or revops may convert it. */
export async function convertLead(
  deps: DealCommandDeps,
  actor: Actor,
  leadId: string,
  request: Omit<ConvertRequest, 'actor'>,
): Promise<{ dealId: string; workflowId: string; created: boolean }> {
  const lead = await deps.db.lead.findUnique({
    where: { id: leadId },
    select: { tenant: true, ownerId: true, journeyId: true },
  });
  if (!lead || lead.tenant !== actor.tenant) throw new LeadflowError('not_found', `No lead with id ${leadId}.`);
  if (!(await canWriteDeal(deps.db, actor, { tenant: lead.tenant, ownerEmail: lead.ownerId ?? actor.email }))) {
    throw new LeadflowError(
      'forbidden',
      `Only the lead's owner (${lead.ownerId ?? 'none'}), their managers or revops may convert it; ${actor.email} is ${actor.role}.`,
    );
  }
  // No fixed update id: Temporal would replay the first answer (`created: true`) to a repeat. The
  // journey's handler is idempotent and serialised, so a repeat (or a concurrent twin) is told
  // `created: false` with the same deal.
  return updateWorkflow(deps.temporal, lead.journeyId, convertToDeal, [{ ...request, actor: ref(actor) }]);
}

/** A closed deal's journey has ended: say so, rather than "workflow not running" (or after writing a row). */
export function assertDealOpen(deal: { id: string; stage: string }): void {
  if (deal.stage === 'closed-won' || deal.stage === 'closed-lost')
    throw new LeadflowError('conflict', `Deal ${deal.id} is ${deal.stage}; a closed deal does not change.`);
}

/**
 * Moves the deal to a stage. Closing it won takes the quote the customer accepted (`quoteId`),
 * which may be left out when exactly one quote is approved. Closing it lost files the loss under a
 * loss-reasons.yaml code (./deal-loss.ts): the code, the competitor and the words are recorded.
 * A refusal (422) names what is missing in `language` (the caller's), as the rules word it.
 */
export async function moveDealStage(
  deps: DealCommandDeps & { rules: () => Ruleset },
  actor: Actor,
  dealId: string,
  move: { to: DealStage; reason?: string; quoteId?: string; lossReason?: string; competitor?: string },
  language: Language = DEFAULT_LANGUAGE,
): Promise<StageMoved> {
  const deal = await findWritableDeal(deps.db, actor, dealId);
  assertDealOpen(deal);
  const { to, quoteId } = move;
  const loss = to === 'closed-lost' ? fileLoss(deps.rules, move) : null;
  let moved: desk.StageMoveResult;
  try {
    moved = await updateWorkflow(deps.temporal, deal.workflowId, desk.moveStage, [
      {
        to,
        reason: loss ? loss.reason : move.reason,
        ...(loss
          ? {
              lossReason: loss.lossReason,
              competitor: loss.competitor,
              note: loss.words,
              lossLabel: loss.label,
            }
          : {}),
        ...(quoteId === undefined ? {} : { quoteId }),
        actor: ref(actor),
      },
    ]);
  } catch (error) {
    throw inLanguage(error, deps.rules().approvals.stageExitTexts[to] ?? {}, language);
  }
  return { ...moved, warningsText: stageWarnings(moved, deps.rules().approvals.stageExitTexts[moved.stage] ?? {}) };
}

/** A move that went ahead: the new stage, and the unmet `severity: warn` criteria in English and as codes. */
export type StageMoved = desk.StageMoveResult & { warningsText: Worded<'stage-exit-unmet'>[] };

/**
 * The warnings of a move as codes, with each criterion's text in every language the rules give
 * (looked up by its English text; a criterion the rules no longer have keeps its English only).
 */
export function stageWarnings(
  moved: desk.StageMoveResult,
  texts: Record<string, LocalisedText>,
): Worded<'stage-exit-unmet'>[] {
  return moved.warnings.map((warning) => {
    const written = texts[warning];
    const languages = typeof written === 'object' ? { en: written.en, 'zh-CN': written['zh-CN'] } : undefined;
    return stageWarning(moved.stage, warning, languages);
  });
}

/** A stage refusal whose field messages are exit-criterion texts, worded in `language`. */
function inLanguage(error: unknown, texts: Record<string, LocalisedText>, language: Language): unknown {
  if (language === 'en' || !(error instanceof LeadflowError) || error.code !== 'not_allowed') return error;
  const details = (error.details ?? []) as FieldError[];
  return new LeadflowError('not_allowed', chineseMessage('stage_refused') ?? error.message, {
    details: details.map((d) => ({
      ...d,
      message: d.why
        ? (chineseReason(d.why) ?? d.message)
        : texts[d.message]
          ? textIn(texts[d.message]!, language)
          : d.message,
    })),
  });
}

async function versionOnWritableDeal(deps: DealCommandDeps, actor: Actor, quoteId: string, version: number) {
  const quote = await deps.db.quote.findUnique({
    where: { id: quoteId },
    include: { versions: { where: { version } } },
  });
  if (!quote || quote.tenant !== actor.tenant) throw new LeadflowError('not_found', `No quote ${quoteId}.`);
  const row = quote.versions[0];
  if (!row) throw new LeadflowError('not_found', `Quote ${quote.number} has no version ${version}.`);
  const deal = await findWritableDeal(deps.db, actor, quote.dealId);
  return { deal, version: row };
}

/**
 * Marks an approved version sent; the deal then emails its PDF to the customer (once, through the
 * outbox). Refused (422) when there is nobody to email: no `customer.email` on the quote and no
 * email on the deal's lead. Answers with the address the email goes to.
 */
export async function sendQuoteVersion(
  deps: DealCommandDeps,
  actor: Actor,
  quoteId: string,
  version: number,
): Promise<{ versionId: string; expiresAt: string; customerEmail: string }> {
  const { deal, version: row } = await versionOnWritableDeal(deps, actor, quoteId, version);
  const lead = await deps.db.lead.findUnique({ where: { id: deal.leadId }, select: { email: true } });
  const recipient = quoteRecipient(storedVersion(row).content, lead?.email ?? null);
  if (!recipient)
    throw new LeadflowError(
      'not_allowed',
      `Quote version ${version} has no customer email and the deal's lead has none, so sending it would reach nobody: edit the quote with customer.email, then send the new version.`,
    );
  const send = () =>
    updateWorkflow(
      deps.temporal,
      deal.workflowId,
      desk.sendQuote,
      [{ versionId: row.id, actor: ref(actor) }],
      `send-${row.id}`,
    );
  // The approval chain records its outcome, then tells the deal: for a moment the version reads
  // approved here while the deal still waits. Give the deal up to two seconds to hear it.
  for (let attempt = 0; ; attempt++) {
    try {
      return { ...(await send()), customerEmail: recipient.email };
    } catch (error) {
      const waiting =
        error instanceof LeadflowError && error.code === 'conflict' && error.message.includes('pending-approval');
      if (!waiting || attempt >= 10) throw error;
      const stored = await deps.db.quoteVersion.findUnique({ where: { id: row.id }, select: { status: true } });
      if (stored?.status !== 'approved') throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function requestQuoteSignature(
  deps: DealCommandDeps,
  actor: Actor,
  quoteId: string,
  version: number,
  signer: { name: string; email: string },
): Promise<desk.SignatureRequested> {
  const { deal, version: row } = await versionOnWritableDeal(deps, actor, quoteId, version);
  return updateWorkflow(
    deps.temporal,
    deal.workflowId,
    desk.requestSignature,
    [{ versionId: row.id, signer, actor: ref(actor) }],
    `signature-${row.id}`,
  );
}

/**
 * An approver decides a step. Only the step's assignee or their named delegate may (403 for
 * anyone else); the decision must name the content hash the approver reviewed (409 when the
 * quote changed since). A repeated identical decision (a double click) returns the recorded one.
 */
export async function decideApprovalStep(
  deps: DealCommandDeps,
  actor: Actor,
  requestId: string,
  stepId: string,
  input: { decision: 'approve' | 'reject'; comment: string; contentHash: string },
): Promise<desk.ApprovalDecisionResult> {
  const step = await deps.db.approvalStep.findUnique({ where: { id: stepId }, include: { request: true } });
  if (!step || step.requestId !== requestId || step.request.tenant !== actor.tenant)
    throw new LeadflowError('not_found', `Approval request ${requestId} has no step ${stepId}.`);
  if (!(await mayDecide(deps.db, actor.tenant, step, actor.email))) {
    throw new LeadflowError(
      'forbidden',
      `Only ${step.assigneeEmail} (the ${step.level} approver) or their delegate may decide this step; ${actor.email} may not.`,
    );
  }
  const wanted = input.decision === 'approve' ? 'approved' : 'rejected';
  const repeated = step.status !== 'pending' && step.decidedBy === actor.email && step.status === wanted;
  if (step.status !== 'pending' && !repeated)
    throw new LeadflowError(
      'conflict',
      `This step is already ${step.status}${step.decidedBy ? ` by ${step.decidedBy}` : ''}.`,
    );
  if (repeated && step.request.status !== 'pending') {
    return {
      stepId,
      decision: wanted,
      decidedBy: actor.email,
      decidedAt: step.decidedAt!.toISOString(),
      requestStatus: step.request.status as 'approved' | 'rejected',
    };
  }
  if (input.contentHash !== step.request.contentHash) {
    throw new LeadflowError(
      'conflict',
      `The quote changed since you reviewed it: this approval is for content ${step.request.contentHash}. Review the current version and decide again.`,
      {
        details: [{ path: 'contentHash', message: `is not the content under approval (${step.request.contentHash})` }],
      },
    );
  }
  // A repeat while the chain still runs goes to the workflow with the same update id, so Temporal
  // answers with the first press's result (the request row may not have caught up yet).
  const updateId = `decision-${createHash('sha256').update(`${stepId}\u0000${actor.email}\u0000${wanted}`).digest('hex').slice(0, 32)}`;
  return updateWorkflow(
    deps.temporal,
    step.request.workflowId,
    desk.decideApproval,
    [{ stepId, decision: input.decision, comment: input.comment, contentHash: input.contentHash, actor: ref(actor) }],
    updateId,
  );
}

/** The step's approver (or their delegate) hands it to someone else, with a reason. */
export async function delegateApprovalStep(
  deps: DealCommandDeps,
  actor: Actor,
  requestId: string,
  stepId: string,
  input: { to: string; reason: string },
): Promise<{ stepId: string; assigneeEmail: string }> {
  const step = await deps.db.approvalStep.findUnique({ where: { id: stepId }, include: { request: true } });
  if (!step || step.requestId !== requestId || step.request.tenant !== actor.tenant)
    throw new LeadflowError('not_found', `Approval request ${requestId} has no step ${stepId}.`);
  if (!(await mayDecide(deps.db, actor.tenant, step, actor.email))) {
    throw new LeadflowError(
      'forbidden',
      `Only ${step.assigneeEmail} (the ${step.level} approver) or their delegate may hand this step on; ${actor.email} may not.`,
    );
  }
  if (step.status !== 'pending') throw new LeadflowError('conflict', `This step is already ${step.status}.`);
  return updateWorkflow(
    deps.temporal,
    step.request.workflowId,
    desk.delegateApproval,
    [{ stepId, to: input.to, reason: input.reason, actor: ref(actor) }],
    `delegate-${stepId}-${input.to}`,
  );
}

/**
 * The approval requests in the caller's sight (./visibility.ts), newest first, in keyset pages:
 * a person's own queue (`assignee: me`, `inbox: mine`), a team's, or all of a deal's.
 */
export async function listApprovals(
  db: Db,
  actor: Actor,
  sight: Sight,
  filter: {
    status?: string;
    assignee?: string;
    dealId?: string;
    inbox?: ApprovalInbox;
    limit: number;
    cursor?: string;
  },
) {
  const assignee = filter.assignee === 'me' ? actor.email : filter.assignee;
  const inbox = filter.inbox ? await inboxWhere(db, actor, sight, filter.inbox) : {};
  const after = filter.cursor ? parseKeyset(filter.cursor) : undefined;
  const rows = await db.approvalRequest.findMany({
    where: {
      AND: [
        approvalsInSight(sight),
        inbox,
        after
          ? {
              OR: [{ requestedAt: { lt: after.occurredAt } }, { requestedAt: after.occurredAt, id: { lt: after.id } }],
            }
          : {},
      ],
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.dealId ? { dealId: filter.dealId } : {}),
      ...(assignee
        ? {
            steps: { some: { assigneeEmail: assignee, ...(filter.status === 'pending' ? { status: 'pending' } : {}) } },
          }
        : {}),
    },
    include: {
      steps: { orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] },
      quoteVersion: { include: { quote: true } },
    },
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    take: filter.limit + 1,
  });
  const requests = rows.slice(0, filter.limit);
  const last = requests.at(-1);
  const nextCursor =
    rows.length > filter.limit && last ? encodeKeyset({ occurredAt: last.requestedAt, id: last.id }) : null;
  return { approvals: await approvalCards(db, requests.map(approvalView)), nextCursor };
}

export async function getApproval(db: Db, actor: Actor, requestId: string) {
  const request = await db.approvalRequest.findUnique({
    where: { id: requestId },
    include: {
      steps: { orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] },
      quoteVersion: { include: { quote: true } },
    },
  });
  if (!request || request.tenant !== actor.tenant)
    throw new LeadflowError('not_found', `No approval request ${requestId}.`);
  const audit = await db.auditEvent.findMany({
    where: { subjectType: 'approval', subjectId: requestId },
    orderBy: { occurredAt: 'asc' },
  });
  return {
    ...approvalView(request),
    quote: {
      ...approvalView(request).quote,
      content: request.quoteVersion.content,
      totals: request.quoteVersion.totals,
    },
    audit: audit.map((e) => ({
      action: e.action,
      actor: e.actor,
      reason: e.reason,
      details: e.details,
      occurredAt: e.occurredAt.toISOString(),
    })),
  };
}

type ApprovalRow = Prisma.ApprovalRequestGetPayload<{
  include: { steps: true; quoteVersion: { include: { quote: true } } };
}>;

function approvalView(request: ApprovalRow) {
  return {
    id: request.id,
    dealId: request.dealId,
    status: request.status,
    tier: request.tier,
    chain: request.chain,
    contentHash: request.contentHash,
    rulesetVersion: request.rulesetVersion,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    outcomeReason: request.outcomeReason,
    quote: {
      id: request.quoteVersion.quoteId,
      number: request.quoteVersion.quote.number,
      version: request.quoteVersion.version,
      status: request.quoteVersion.status,
      discountBp: request.quoteVersion.approvalDiscountBp,
      pricing: approvalPricing(request.quoteVersion),
    },
    steps: request.steps.map((step) => ({
      id: step.id,
      position: step.position,
      level: step.level,
      assignee: step.assigneeEmail,
      delegatedFrom: step.delegatedFrom,
      status: step.status,
      dueAt: step.dueAt.toISOString(),
      remindAt: step.remindAt?.toISOString() ?? null,
      remindedAt: step.remindedAt?.toISOString() ?? null,
      decidedBy: step.decidedBy,
      decidedAt: step.decidedAt?.toISOString() ?? null,
      comment: step.comment,
    })),
  };
}

/** A deal as its people see it: the row, live workflow state, stages, quotes, meetings, contract. */
export async function viewDeal(deps: DealCommandDeps, actor: Actor, dealId: string) {
  const deal = await findDeal(deps.db, actor.tenant, dealId);
  const [account, stageEvents, decisions, quotes, meetings, contract, approvals] = await Promise.all([
    deps.db.account.findUnique({ where: { id: deal.accountId } }),
    deps.db.stageEvent.findMany({ where: { leadId: deal.leadId }, orderBy: { occurredAt: 'asc' } }),
    deps.db.decision.findMany({
      where: { leadId: deal.leadId, kind: { in: ['stage-exit', 'approval', 'deal-stalled'] } },
      orderBy: { decidedAt: 'asc' },
    }),
    deps.db.quote.findMany({ where: { dealId }, include: { versions: { orderBy: { version: 'asc' } } } }),
    deps.db.meeting.findMany({ where: { dealId }, orderBy: { startsAt: 'asc' } }),
    deps.db.contract.findUnique({ where: { dealId } }),
    deps.db.approvalRequest.findMany({
      where: { dealId },
      orderBy: { requestedAt: 'asc' },
      select: { id: true, status: true, tier: true, quoteVersionId: true },
    }),
  ]);
  let journey: unknown = { status: 'unavailable' };
  let stageAlert: ReturnType<typeof stalledAlert> = null;
  try {
    const state = await deps.temporal.withDeadline(Date.now() + 3_000, () =>
      deps.temporal.workflow.getHandle(deal.workflowId).query(desk.dealState),
    );
    journey = { status: 'live', ...state };
    stageAlert = stalledAlert(state);
  } catch {
    journey = { status: 'unavailable' };
  }
  const today = localToday(new Date(), await zoneOf(deps.db, deal.tenant, deal.ownerEmail));
  return {
    id: deal.id,
    name: deal.name,
    leadId: deal.leadId,
    owner: deal.ownerEmail,
    stage: deal.stage,
    currency: deal.currency,
    amountMinor: deal.amountMinor === null ? null : Number(deal.amountMinor),
    acvMinor: deal.acvMinor === null ? null : Number(deal.acvMinor),
    revision: deal.revision,
    closeReason: deal.closeReason,
    closedAt: deal.closedAt?.toISOString() ?? null,
    /** Closed lost: the loss-reasons.yaml code (labels at GET /api/loss-reasons) and the competitor. */
    loss: deal.stage === 'closed-lost' ? { lossReason: deal.lossReason, competitor: deal.lossCompetitor } : null,
    expectedCloseDate: deal.expectedCloseDate,
    forecastCategory: deal.forecastCategory,
    nextStep: deal.nextStep,
    nextStepDueOn: deal.nextStepDueOn,
    /** Why the deal is stalling (src/domain/deal-stall.ts): a fired stall alert, a next step overdue or none. */
    stalling: stallReasons({ ...deal, stageAlert }, today),
    workflowId: deal.workflowId,
    account: account ? { id: account.id, name: account.name, domain: account.domain } : null,
    journey,
    stageEvents: stageEvents.map((e) => ({
      fromStage: e.fromStage,
      toStage: e.toStage,
      reason: e.reason,
      rulesetVersion: e.rulesetVersion,
      occurredAt: e.occurredAt.toISOString(),
    })),
    decisions: decisions.map((d) => ({
      kind: d.kind,
      outcome: d.outcome,
      explanation: d.explanation,
      rulesetVersion: d.rulesetVersion,
      decidedAt: d.decidedAt.toISOString(),
    })),
    quotes: quotes.map((q) => ({
      id: q.id,
      number: q.number,
      currentVersion: q.currentVersion,
      versions: q.versions.map((v) => ({
        version: v.version,
        id: v.id,
        status: v.status,
        contentHash: v.contentHash,
        approvalTier: v.approvalTier,
        sentAt: v.sentAt?.toISOString() ?? null,
        expiresAt: v.expiresAt?.toISOString() ?? null,
        signedAt: v.signedAt?.toISOString() ?? null,
      })),
    })),
    approvals,
    meetings: meetings.map((m) => ({
      id: m.id,
      kind: m.kind,
      title: m.title,
      startsAt: m.startsAt.toISOString(),
      endsAt: m.endsAt.toISOString(),
      status: m.status,
      /** Name it to move or cancel the meeting (If-Match or `revision`). */
      revision: m.revision,
      attendees: m.attendees,
      remindedAt: m.remindedAt?.toISOString() ?? null,
      feedback: m.feedback,
    })),
    contract: contract
      ? {
          id: contract.id,
          startDate: contract.startDate.toISOString(),
          endDate: contract.endDate.toISOString(),
          termMonths: contract.termMonths,
          tcvMinor: Number(contract.tcvMinor),
          acvMinor: Number(contract.acvMinor),
          tcvFormatted: formatMoney(Number(contract.tcvMinor), contract.currency),
          acvFormatted: formatMoney(Number(contract.acvMinor), contract.currency),
          currency: contract.currency,
          status: contract.status,
          workflowId: contract.workflowId,
        }
      : null,
  };
}

export interface DealListFilter {
  stage?: DealStage;
  owner?: string;
  /** `open`: not closed; `closed`: won or lost. */
  status?: 'open' | 'closed';
  /** Closed deals only: closed on or after this day (UTC midnight). */
  closedSince?: string;
  limit: number;
  cursor?: string;
}

/**
 * The deals in the caller's sight (./visibility.ts), newest first, in keyset pages, each with why it
 * is stalling (./deal-stalling.ts, judged on `ruleset`: the active rules, or null when none is loaded).
 */
export async function listDeals(
  db: Db,
  sight: Sight,
  filter: DealListFilter,
  judge: { ruleset: Ruleset | null; now: Date },
) {
  const after = filter.cursor ? parseKeyset(filter.cursor) : undefined;
  const closed: DealStage[] = ['closed-won', 'closed-lost'];
  const rows = await db.deal.findMany({
    where: {
      AND: [
        dealsInSight(sight),
        filter.stage ? { stage: filter.stage } : {},
        filter.owner ? { ownerEmail: filter.owner } : {},
        filter.status === 'open' ? { stage: { notIn: closed } } : {},
        filter.status === 'closed' ? { stage: { in: closed } } : {},
        filter.closedSince ? { closedAt: { gte: new Date(`${filter.closedSince}T00:00:00Z`) } } : {},
        after
          ? {
              OR: [{ createdAt: { lt: after.occurredAt } }, { createdAt: after.occurredAt, id: { lt: after.id } }],
            }
          : {},
      ],
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: filter.limit + 1,
    // Only the listed fields: a board reads thousands of rows, and `needs` alone can be kilobytes each.
    select: {
      id: true,
      tenant: true,
      leadId: true,
      name: true,
      ownerEmail: true,
      stage: true,
      amountMinor: true,
      acvMinor: true,
      currency: true,
      expectedCloseDate: true,
      forecastCategory: true,
      nextStep: true,
      nextStepDueOn: true,
      lossReason: true,
      closedAt: true,
      createdAt: true,
    },
  });
  const deals = rows.slice(0, filter.limit);
  const last = deals.at(-1);
  const nextCursor =
    rows.length > filter.limit && last ? encodeKeyset({ occurredAt: last.createdAt, id: last.id }) : null;
  const stalling = await stallingOf(db, judge.ruleset, deals, judge.now);
  return {
    deals: deals.map((d) => ({
      id: d.id,
      name: d.name,
      owner: d.ownerEmail,
      stage: d.stage,
      amountMinor: d.amountMinor === null ? null : Number(d.amountMinor),
      acvMinor: d.acvMinor === null ? null : Number(d.acvMinor),
      currency: d.currency,
      expectedCloseDate: d.expectedCloseDate,
      forecastCategory: d.forecastCategory,
      nextStep: d.nextStep,
      nextStepDueOn: d.nextStepDueOn,
      lossReason: d.lossReason,
      closedAt: d.closedAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
      stalling: { reasons: stalling.get(d.id) ?? [] },
    })),
    nextCursor,
  };
}
