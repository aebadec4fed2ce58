/**
 * One opportunity, from needs analysis to closed won or lost: the lead's journey starts it as a
 * child when an SQL is converted, and it carries the deal's time. Stage moves pass the exit
 * criteria of approvals.yaml (through the `decideDeal` activity, so each decision is in history
 * and in the database); each quote version gets its discount decision and, when needed, a
 * `quoteApproval` child per version; a sent quote expires on a durable timer; meetings get their
 * reminders; a held demo starts the follow-up cadence; the e-signature webhook closes the deal won
 * and starts the contract's `contractRenewal` clock. Stalled stages alert like the lead's do.
 * Deterministic code only.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoredDealDecision } from '../activities/deals';
import type { DealNotice } from '../src/domain/deal-notices';
import { dealStageReason, worded, type Worded } from '../src/domain/reason-codes';
import type { ApprovalOutcome, StageExitOutcome } from '../src/rules/evaluate-approvals';
import type { StalledOutcome } from '../src/rules/evaluate';
import type { DealStage } from '../src/rules/facts';
import type { Duration } from '../src/rules/duration';
import type { CompiledCadence, EscalationStep } from '../src/rules/ruleset';
import { contractRenewal } from './contractRenewal';
import * as desk from './dealMessages';
import type { DealQuote, DealState, QuoteVersionNotice } from './dealMessages';
import { attentionGuards } from './attention';
import {
  OPEN_QUOTE_STATUSES,
  putQuote,
  quoteLabel,
  quoteOf,
  quoteToWin,
  quoteWithVersion,
  signalIfRunning,
  upgradeDealState,
} from './deal/quotes';
import { mail, store } from './journey/effects';
import { cadenceProgress, slaBreached } from './messages';
import { leadFollowsClose } from './deal/lead-outcome';
import { quoteApproval } from './quoteApproval';
import { slaWatch } from './slaWatch';
import { installMeetingHandlers } from './deal/meetings';

export interface DealJourneyInput {
  dealId: string;
  tenant: string;
  leadId: string;
  ownerEmail: string;
  /** The lead's IANA time zone, for the demo follow-up's send window. */
  timeZone: string;
  state?: DealState;
  memory?: DealMemory;
  seq?: number;
}

/** Carried across continue-as-new, beyond the public state. */
interface DealMemory {
  stalledWatchId: string | null;
  stalledSteps: EscalationStep[];
  /** Each meeting's reminder offsets still to send, by meeting id. */
  reminders: Record<string, Array<{ offset: string; at: string }>>;
  /** The latest version's validity; each quote now carries its own (`DealQuote.validUntil`). */
  validUntil: string | null;
  /** Signature outcomes already acted on, by envelope: a redelivered webhook changes nothing. */
  signatures?: Record<string, string>;
  /** The quote the deal heard of last; only replays of histories from before several quotes need it. */
  latestQuoteId?: string;
  timing: {
    meetingReminders: Duration[];
    demoFollowUp: CompiledCadence | null;
    renewalRemindBefore: Duration[];
  } | null;
}

const CLOSED: readonly DealStage[] = ['closed-won', 'closed-lost'];

export async function dealJourney(input: DealJourneyInput): Promise<DealState> {
  const workflowId = workflowInfo().workflowId;
  const state: DealState = input.state
    ? upgradeDealState(input.state)
    : {
        dealId: input.dealId,
        tenant: input.tenant,
        leadId: input.leadId,
        stage: 'needs-analysis',
        stageEnteredAt: new Date().toISOString(),
        owner: input.ownerEmail,
        quotes: [],
        stalled: null,
        meetings: [],
        warnings: [],
        contract: null,
        pendingWrites: 0,
      };
  const memory: DealMemory = input.memory ?? {
    stalledWatchId: null,
    stalledSteps: [],
    reminders: {},
    validUntil: null,
    timing: null,
  };
  // A run carried over from before several quotes: its one quote is the latest (see onQuoteVersion).
  memory.latestQuoteId ??= state.quotes.at(-1)?.quoteId;
  let seq = input.seq ?? 0;
  const key = (label: string) => `${input.dealId}:${label}:${++seq}`;
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };
  // A step that fails for good is recorded on the deal (state, audit trail): see ./attention.ts.
  const { answering, absorbing } = attentionGuards({
    state,
    tenant: input.tenant,
    subject: { type: 'deal', dealId: input.dealId, leadId: input.leadId },
    key,
  });
  const mutating =
    <A extends unknown[], R>(step: string, work: (...args: A) => Promise<R>) =>
    (...args: A) => {
      state.pendingWrites++;
      return serially(() => answering(step, () => work(...args))).finally(() => state.pendingWrites--);
    };
  /** Work a signal starts: nobody waits for it, so a failure is recorded on the deal, not thrown. */
  const inBackground = (step: string, work: () => Promise<void>): void => {
    state.pendingWrites++;
    void serially(() => absorbing(step, work)).finally(() => state.pendingWrites--);
  };
  const isClosed = () => CLOSED.includes(state.stage);
  const now = () => new Date().toISOString();

  const decide = async <O>(request: Parameters<typeof store.decideDeal>[0]['request']) =>
    (await store.decideDeal({
      dealId: input.dealId,
      leadId: input.leadId,
      idempotencyKey: key(`decision-${request.kind}`),
      request,
    })) as StoredDealDecision<O>;

  const timing = async () => (memory.timing ??= await store.dealTimingRules());

  /** A notice to the owner or their manager, written by the activity in the reader's language. */
  const tell = async (who: 'owner' | 'owner-manager', notice: DealNotice, label: string) => {
    const email = await store.composeDealNotice({ dealId: input.dealId, who, notice });
    if (email) await mail.sendEmail({ idempotencyKey: key(`notice-${label}`), leadId: input.leadId, ...email });
  };

  /**
   * The sent version's PDF to the customer, once per version (the outbox key). Run after the
   * `sendQuote` answer, so the rep never waits on a mail server. A version that cannot be emailed
   * (no customer address) is mailed to the owner and left on the deal as needing attention.
   */
  const emailQuote = async (versionId: string) => {
    try {
      await mail.emailQuoteToCustomer({ versionId, idempotencyKey: `${input.dealId}:quote-email:${versionId}` });
    } catch (error) {
      // An activity failure wraps the activity's own error, whose message says why.
      const reason = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      await tell('owner', { kind: 'quote-not-emailed', reason }, 'quote-email-failed');
      throw error;
    }
  };

  // ---- stages ------------------------------------------------------------------------------
  async function enterStage(
    to: DealStage,
    actor: string,
    reason: string,
    why: Worded,
    rulesVersion: string | null,
    warnings: string[],
    loss?: { lossReason: string | null; competitor: string | null },
  ): Promise<void> {
    const from = state.stage;
    await store.setDealStage({
      dealId: input.dealId,
      from,
      to,
      actor,
      reason,
      reasonCode: why.code,
      reasonParams: why.params,
      rulesetVersion: rulesVersion,
      warnings,
      at: now(),
      key: key(`stage-${to}`),
      ...(loss ? { loss } : {}),
    });
    state.stage = to;
    state.stageEnteredAt = now();
    if (warnings.length > 0) {
      state.warnings.push(...warnings.map((warning) => `${to}: ${warning}`));
      await tell('owner-manager', { kind: 'stage-warnings', stage: to, warnings }, `warning-${to}`);
    }
    await clearStall();
    // Closed: the lead follows (customer or lost); open: the next stage's stall clock starts.
    if (to === 'closed-won' || to === 'closed-lost')
      await leadFollowsClose({
        dealId: input.dealId,
        stage: to,
        actor,
        reason,
        note: typeof why.params.note === 'string' ? why.params.note : null,
        rulesVersion,
      });
    else await watchForStall(to);
  }

  async function watchForStall(stage: DealStage): Promise<void> {
    const decision = await decide<StalledOutcome>({ kind: 'deal-stalled', stage });
    const alert = decision.outcome;
    if (alert.kind !== 'stalled-alert') return;
    const watchId = `${workflowId}/stalled-${seq + 1}`;
    key('stalled');
    await startChild(slaWatch, {
      workflowId: watchId,
      args: [
        {
          journeyId: workflowId,
          sla: {
            kind: 'sla',
            sla: `stalled:${alert.alert}`,
            starts: 'sql',
            stops: 'qualified',
            within: alert.after,
            override: null,
            calendar: alert.calendar,
            defaultCalendar: alert.defaultCalendar,
            onBreach: alert.then,
          },
          calendar: alert.defaultCalendar,
          startedAt: now(),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    memory.stalledWatchId = watchId;
    memory.stalledSteps = alert.then;
    state.stalled = { alert: alert.alert, stage, status: 'watching', escalations: [] };
  }

  async function clearStall(): Promise<void> {
    if (!state.stalled || state.stalled.status === 'cleared') return;
    // A watch that has signalled its last step has finished; there is nothing left to cancel.
    const finished = state.stalled.escalations.length >= memory.stalledSteps.length;
    if (memory.stalledWatchId && !finished)
      await getExternalWorkflowHandle(memory.stalledWatchId)
        .cancel()
        .catch(() => undefined);
    memory.stalledWatchId = null;
    state.stalled.status = 'cleared';
  }

  async function escalateStall(stepIndex: number): Promise<void> {
    const stalled = state.stalled;
    const step = memory.stalledSteps[stepIndex];
    if (!stalled || stalled.status === 'cleared' || !step || stalled.escalations.length > stepIndex) return;
    stalled.status = 'alerted';
    const notice: DealNotice = {
      kind: 'stalled',
      stage: stalled.stage,
      since: state.stageEnteredAt,
      alert: stalled.alert,
    };
    switch (step.do) {
      case 'remind-owner':
      case 'notify-owner':
        await tell('owner', notice, `stalled-${stepIndex}`);
        break;
      case 'notify-manager':
        await tell('owner-manager', notice, `stalled-${stepIndex}`);
        break;
      case 'reassign':
      case 'move-to-queue':
        // Deals keep their owner; a stalled deal alerts people instead of moving.
        await tell('owner-manager', { ...notice, action: step.do }, `stalled-${stepIndex}`);
        break;
    }
    stalled.escalations.push(step.do);
  }

  // ---- closing -----------------------------------------------------------------------------
  async function closeWon(
    quote: DealQuote,
    actor: string,
    reason: string,
    why: Worded,
    decided?: StoredDealDecision<StageExitOutcome>,
  ): Promise<void> {
    const exit = decided ?? (await decide<StageExitOutcome>({ kind: 'stage-exit', stage: 'closed-won' }));
    // A signed quote closes the deal: criteria not met become warnings rather than a refusal.
    const warnings =
      exit.outcome.kind === 'allowed' ? exit.outcome.warnings : [...exit.outcome.missing, ...exit.outcome.warnings];
    await enterStage('closed-won', actor, reason, why, exit.version, warnings);
    const contractId = `ctr_${input.dealId.slice(3)}`;
    const contractWorkflowId = `contract-${input.tenant}-${contractId}`;
    // The contract runs the signed quote's term; the activity reads it, so the end is in history.
    const contract = await store.createContract({
      dealId: input.dealId,
      versionId: quote.versionId,
      contractId,
      workflowId: contractWorkflowId,
      startDate: now(),
      at: now(),
    });
    await startChild(contractRenewal, {
      workflowId: contractWorkflowId,
      args: [
        {
          contractId,
          leadId: input.leadId,
          endsAt: contract.endDate,
          remindBefore: (await timing()).renewalRemindBefore,
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    state.contract = { contractId, workflowId: contractWorkflowId };
    await withdrawOpenQuotes(`deal closed won on quote ${quoteLabel(quote)}`, quote.versionId);
  }

  /**
   * The deal closed: every other version still on offer is withdrawn, and approval chains still
   * running are stopped. The database is settled first (versions, requests and their steps), so
   * the answer to the closing move agrees with what is stored.
   */
  async function withdrawOpenQuotes(reason: string, keep: string | null): Promise<void> {
    const open = state.quotes.filter((q) => q.versionId !== keep && OPEN_QUOTE_STATUSES.includes(q.status));
    if (!patched('withdraw-open-quotes-on-close')) {
      // Replaying a history from before: only closing lost withdrew, and only the latest quote's approval.
      const latest = memory.latestQuoteId ? quoteOf(state, memory.latestQuoteId) : undefined;
      if (keep === null && latest?.approvalWorkflowId && latest.status === 'pending-approval')
        await getExternalWorkflowHandle(latest.approvalWorkflowId).signal(desk.withdrawApproval, { reason });
      return;
    }
    await store.withdrawOpenQuotes({ dealId: input.dealId, keepVersionId: keep, reason, at: now() });
    for (const quote of open) {
      if (quote.status === 'pending-approval' && quote.approvalWorkflowId)
        await signalIfRunning(quote.approvalWorkflowId, desk.withdrawApproval, { reason });
      quote.status = 'withdrawn';
    }
  }

  // ---- quotes ------------------------------------------------------------------------------
  /** Stops a version's approval chain; a chain that already ended gets its request closed here instead. */
  async function withdrawChain(quote: DealQuote, reason: string): Promise<void> {
    if (quote.status !== 'pending-approval' || !quote.approvalWorkflowId) return;
    if (await signalIfRunning(quote.approvalWorkflowId, desk.withdrawApproval, { reason })) return;
    await store.finishApprovalRequest({ requestId: `apr_${quote.versionId}`, status: 'cancelled', reason, at: now() });
  }

  async function onQuoteVersion(notice: QuoteVersionNotice): Promise<desk.QuoteApprovalStatus> {
    const known = quoteOf(state, notice.quoteId);
    if (known?.versionId === notice.versionId) {
      return {
        versionId: notice.versionId,
        status: known.status,
        tier: null,
        approvalWorkflowId: known.approvalWorkflowId,
      };
    }
    const severalQuotes = patched('several-quotes-per-deal');
    // Replaying a history from before several quotes: the deal kept one quote, which any new
    // version replaced (once decided), withdrawing its approval first.
    const replaced = severalQuotes ? known : memory.latestQuoteId ? quoteOf(state, memory.latestQuoteId) : undefined;
    const place = (quote: DealQuote) => {
      if (!severalQuotes && replaced && replaced.quoteId !== quote.quoteId)
        state.quotes = state.quotes.filter((q) => q.quoteId !== replaced.quoteId);
      putQuote(state, quote);
      memory.latestQuoteId = quote.quoteId;
    };
    if (replaced) {
      const reason = `quote edited: version ${notice.version} replaces ${replaced.version}`;
      if (severalQuotes) await withdrawChain(replaced, reason);
      else if (replaced.approvalWorkflowId && replaced.status === 'pending-approval')
        await getExternalWorkflowHandle(replaced.approvalWorkflowId).signal(desk.withdrawApproval, { reason });
    }
    memory.validUntil = notice.validUntil;
    const decision = await decide<ApprovalOutcome>({
      kind: 'approval',
      discountPct: notice.discountPct,
      dealSize: notice.dealSize,
    });
    const outcome = decision.outcome;
    const base = {
      quoteId: notice.quoteId,
      ...(notice.quoteNumber ? { number: notice.quoteNumber } : {}),
      version: notice.version,
      versionId: notice.versionId,
      validUntil: notice.validUntil,
      expiresAt: null,
    };
    const settled = async (status: 'approved' | 'rejected', label: string) => {
      await store.setQuoteVersionStatus({
        versionId: notice.versionId,
        status,
        actor: 'system',
        reason: decision.explanation.summary,
        at: now(),
        key: key(label),
      });
      place({ ...base, status, approvalWorkflowId: null });
    };
    switch (outcome.kind) {
      case 'not-required':
        await settled('approved', 'quote-approved');
        return { versionId: notice.versionId, status: 'approved', tier: outcome.tier, approvalWorkflowId: null };
      case 'out-of-range':
        await settled('rejected', 'quote-rejected');
        return { versionId: notice.versionId, status: 'rejected', tier: null, approvalWorkflowId: null };
      case 'required': {
        const requestId = `apr_${notice.versionId}`;
        // One chain per version: ids by version number alone collided between two quotes' version 1.
        const approvalWorkflowId = patched('approval-workflow-per-version-id')
          ? `${workflowId}/approval-${notice.versionId}`
          : `${workflowId}/approval-${notice.version}`;
        await store.startApprovalRequest({
          requestId,
          dealId: input.dealId,
          versionId: notice.versionId,
          contentHash: notice.contentHash,
          tier: outcome.tier,
          chain: outcome.chain,
          workflowId: approvalWorkflowId,
          rulesetVersion: decision.version,
          requestedBy: notice.actor.email,
          explanation: decision.explanation.summary,
          at: now(),
        });
        await startChild(quoteApproval, {
          workflowId: approvalWorkflowId,
          args: [
            {
              requestId,
              dealId: input.dealId,
              leadId: input.leadId,
              dealWorkflowId: workflowId,
              versionId: notice.versionId,
              contentHash: notice.contentHash,
              chain: outcome.chain,
              plan: decision.plan!,
            },
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
        place({ ...base, status: 'pending-approval', approvalWorkflowId });
        return { versionId: notice.versionId, status: 'pending-approval', tier: outcome.tier, approvalWorkflowId };
      }
    }
  }

  async function expireQuote(quote: DealQuote): Promise<void> {
    if (quote.status !== 'sent') return;
    await store.setQuoteVersionStatus({
      versionId: quote.versionId,
      status: 'expired',
      actor: 'system',
      reason: `not signed by ${quote.expiresAt}`,
      at: now(),
      key: key('quote-expired'),
    });
    quote.status = 'expired';
    await tell(
      'owner',
      { kind: 'quote-expired', quote: quoteLabel(quote), at: quote.expiresAt ?? '' },
      'quote-expired',
    );
  }

  // ---- handlers ----------------------------------------------------------------------------
  setHandler(desk.dealState, () => state);
  setHandler(
    desk.moveStage,
    mutating('stage move', async (request: desk.StageMoveRequest) => {
      if (request.to === 'closed-lost') {
        const loss = { lossReason: request.lossReason ?? null, competitor: request.competitor ?? null };
        const lostWhy = worded('deal-closed-lost', {
          actor: request.actor.email,
          stage: 'closed-lost',
          lossReason: request.lossReason ?? null,
          ...Object.fromEntries(Object.entries(request.lossLabel ?? {}).map(([lang, text]) => [`loss.${lang}`, text])),
          // Older callers sent no `note`: their `reason` is the closer's own words.
          ...(request.note === undefined ? { note: request.reason! } : request.note ? { note: request.note } : {}),
        });
        await enterStage('closed-lost', request.actor.email, request.reason!, lostWhy, null, [], loss);
        await withdrawOpenQuotes('deal closed lost', null);
        return { stage: state.stage, warnings: [] };
      }
      const exit = await decide<StageExitOutcome>({ kind: 'stage-exit', stage: request.to });
      const warnings = exit.outcome.warnings;
      if (exit.outcome.kind === 'blocked') {
        throw ApplicationFailure.create({
          type: 'StageBlocked',
          nonRetryable: true,
          message: exit.explanation.summary,
          details: [{ missing: exit.outcome.missing, warnings }],
        });
      }
      if (request.to === 'closed-won') {
        const quote = quoteToWin(state, request.quoteId);
        if ('refused' in quote)
          throw ApplicationFailure.create({
            type: 'StageBlocked',
            nonRetryable: true,
            message: quote.refused,
            details: [{ missing: [quote.refused], warnings, path: 'quoteId', why: [quote.why] }],
          });
        await closeWon(
          quote,
          request.actor.email,
          request.reason ?? `closed won by ${request.actor.email}`,
          dealStageReason('closed-won', request.actor.email, request.reason),
          exit,
        );
      } else {
        await enterStage(
          request.to,
          request.actor.email,
          request.reason ?? `moved by ${request.actor.email}`,
          dealStageReason(request.to, request.actor.email, request.reason),
          exit.version,
          warnings,
        );
      }
      return { stage: state.stage, warnings };
    }),
    {
      validator: (request: desk.StageMoveRequest) => {
        if (isClosed()) throw new Error(`the deal is ${state.stage}; a closed deal does not move`);
        if (request.to === state.stage) throw new Error(`the deal is already in ${state.stage}`);
        if (request.to === 'closed-lost' && !request.reason?.trim())
          throw new Error('closing a deal as lost needs a reason');
      },
    },
  );
  setHandler(desk.quoteVersionCreated, mutating('quote version', onQuoteVersion), {
    validator: (notice: QuoteVersionNotice) => {
      if (isClosed()) throw new Error(`the deal is ${state.stage}; its quotes cannot change`);
      const known = quoteOf(state, notice.quoteId);
      if (known && known.version > notice.version)
        throw new Error(
          `version ${notice.version} is older than quote ${quoteLabel(known)}, which the deal works with`,
        );
    },
  });
  setHandler(desk.approvalFinished, ({ versionId, status }) => {
    const quote = quoteWithVersion(state, versionId);
    if (!quote || quote.status !== 'pending-approval') return;
    if (status === 'cancelled') {
      // Withdrawn by someone else than this deal (its own withdrawals replace or close the version first).
      quote.status = 'withdrawn';
      return;
    }
    quote.status = status;
    inBackground(`approval ${status}`, () =>
      tell('owner', { kind: `quote-${status}`, quote: quoteLabel(quote) }, `approval-${status}`),
    );
  });
  setHandler(
    desk.sendQuote,
    mutating('quote sending', async (request: desk.SendQuoteRequest) => {
      const quote = quoteWithVersion(state, request.versionId)!;
      // Valid through the end of its validity date (UTC).
      const validUntil = quote.validUntil ?? memory.validUntil ?? now().slice(0, 10);
      const expiresAt = new Date(Date.parse(`${validUntil}T00:00:00.000Z`) + 86_400_000).toISOString();
      await store.setQuoteVersionStatus({
        versionId: quote.versionId,
        status: 'sent',
        actor: request.actor.email,
        reason: 'sent to the customer',
        at: now(),
        expiresAt,
        key: key('quote-sent'),
      });
      quote.status = 'sent';
      quote.expiresAt = expiresAt;
      if (patched('quote-email-to-customer')) inBackground('quote email', () => emailQuote(quote.versionId));
      return { versionId: quote.versionId, expiresAt };
    }),
    {
      validator: (request: desk.SendQuoteRequest) => {
        if (isClosed()) throw new Error(`the deal is ${state.stage}`);
        const quote = quoteWithVersion(state, request.versionId);
        if (!quote) throw new Error("only a quote's current version can be sent");
        if (quote.status !== 'approved')
          throw new Error(`the quote version is ${quote.status}; only an approved version can be sent`);
      },
    },
  );
  setHandler(
    desk.requestSignature,
    mutating('signature request', async (request: desk.SignatureRequestInput) => {
      const sent = await store.sendQuoteForSignature({
        versionId: request.versionId,
        signer: request.signer,
        actor: request.actor.email,
        idempotencyKey: key('signature'),
      });
      return { envelopeId: sent.envelopeId, signingUrl: sent.signingUrl ?? null };
    }),
    {
      validator: (request: desk.SignatureRequestInput) => {
        if (isClosed()) throw new Error(`the deal is ${state.stage}`);
        const quote = quoteWithVersion(state, request.versionId);
        if (!quote) throw new Error("only a quote's current version can be signed");
        if (!['approved', 'sent'].includes(quote.status))
          throw new Error(
            `the quote version is ${quote.status}; only an approved or sent version can go for signature`,
          );
      },
    },
  );
  setHandler(desk.signatureCompleted, (event) => {
    const handled = (memory.signatures ??= {});
    if (handled[event.envelopeId] === event.status) return;
    handled[event.envelopeId] = event.status;
    inBackground(`signature ${event.status}`, async () => {
      const quote = quoteWithVersion(state, event.versionId);
      if (!quote || isClosed()) return;
      if (event.status !== 'signed') {
        await tell(
          'owner',
          { kind: `signature-${event.status}`, quote: quoteLabel(quote) },
          `signature-${event.status}`,
        );
        return;
      }
      await store.setQuoteVersionStatus({
        versionId: event.versionId,
        status: 'signed',
        actor: `e-signature:${event.provider}`,
        reason: `signed (envelope ${event.envelopeId})`,
        at: now(),
        key: key('quote-signed'),
      });
      quote.status = 'signed';
      await closeWon(
        quote,
        `e-signature:${event.provider}`,
        `quote ${quoteLabel(quote)} signed`,
        worded('quote-signed', {
          quote: quote.number ?? quote.quoteId,
          version: quote.version,
          provider: event.provider,
        }),
      );
    });
  });
  const meetings = installMeetingHandlers({
    workflowId,
    leadId: input.leadId,
    timeZone: input.timeZone,
    state,
    reminders: () => memory.reminders,
    timing,
    mutating,
    inBackground,
    isClosed,
  });
  setHandler(slaBreached, ({ stepIndex }) => inBackground('stalled-deal escalation', () => escalateStall(stepIndex)));
  // The demo follow-up cadence reports progress to its parent; the deal only needs the row it writes.
  setHandler(cadenceProgress, () => undefined);

  if (!input.state) await serially(() => watchForStall('needs-analysis'));

  // Wake for meeting reminders and the quote's expiry; end once closed.
  const nextWake = (): number | null => {
    const times = Object.values(memory.reminders).flatMap((list) => list.map((r) => Date.parse(r.at)));
    for (const quote of state.quotes)
      if (quote.status === 'sent' && quote.expiresAt) times.push(Date.parse(quote.expiresAt));
    return times.length > 0 ? Math.min(...times) : null;
  };
  const shouldMove = () => workflowInfo().continueAsNewSuggested && allHandlersFinished();
  for (;;) {
    if (isClosed() && state.pendingWrites === 0) break;
    const wake = nextWake();
    const woken = await condition(
      () => shouldMove() || nextWake() !== wake || (isClosed() && state.pendingWrites === 0),
      wake === null ? undefined : Math.max(0, wake - new Date().getTime()),
    );
    if (shouldMove()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof dealJourney>({ ...input, state, memory, seq });
    }
    if (woken) continue;
    await serially(async () => {
      const at = new Date().getTime();
      await meetings.remindDue(at);
      for (const quote of state.quotes)
        if (quote.status === 'sent' && quote.expiresAt && Date.parse(quote.expiresAt) <= at) await expireQuote(quote);
    });
  }
  await condition(allHandlersFinished);
  return state;
}
