/**
 * Messages of the deal desk's workflows, defined once and shared by the API and the workflows:
 * `dealJourney` (one per opportunity), `quoteApproval` (one per quote version needing approval)
 * and `contractRenewal` (one per won contract). The API authorises the caller before sending any
 * of these; the workflows validate state.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DealStage } from '../src/rules/facts';
import type { Attention } from './messages';

/** Who asked, for the audit trail: a person's email, or "system". */
export interface ActorRef {
  email: string;
  role: string;
}

export interface DealState {
  dealId: string;
  tenant: string;
  leadId: string;
  stage: DealStage;
  stageEnteredAt: string;
  owner: string;
  /**
   * Every quote of the deal at its current version, in the order the deal first heard of each. A
   * deal may have several quotes (alternatives: one year or three); each has its own approval,
   * and a new version of a quote replaces only that quote's previous version.
   */
  quotes: DealQuote[];
  stalled: {
    alert: string;
    stage: DealStage;
    status: 'watching' | 'alerted' | 'cleared';
    escalations: string[];
  } | null;
  /** Meetings whose reminders are pending. */
  meetings: {
    meetingId: string;
    kind: string;
    startsAt: string;
    remindAt: string[];
    status: 'scheduled' | 'held' | 'cancelled' | 'no-show';
  }[];
  /** Warnings raised on the way (e.g. closing without an engaged decision maker). */
  warnings: string[];
  contract: { contractId: string; workflowId: string } | null;
  pendingWrites: number;
  /** Set when a step failed for good and a person must look (the latest such failure; absent in older deals). */
  attention?: Attention | null;
}

/** One quote of the deal, at its current version. */
export interface DealQuote {
  quoteId: string;
  /** "Q-2026-0007"; absent for a quote the deal heard of before notices carried the number. */
  number?: string;
  version: number;
  versionId: string;
  status: QuoteVersionStatus;
  /** ISO date the version is valid through (UTC); absent in state from before it was kept per quote. */
  validUntil?: string;
  expiresAt: string | null;
  approvalWorkflowId: string | null;
}

/**
 * A quote version's lifecycle. `superseded`: a newer version of the same quote replaced it.
 * `withdrawn`: the deal closed (lost, or won on another quote) while the version was still open.
 */
export type QuoteVersionStatus =
  'draft' | 'pending-approval' | 'approved' | 'rejected' | 'sent' | 'signed' | 'expired' | 'superseded' | 'withdrawn';

export interface StageMoveRequest {
  to: DealStage;
  actor: ActorRef;
  /** Required for closed-lost (the API writes one from the loss code when the closer gave no words). */
  reason?: string;
  /** Closed lost: the loss-reasons.yaml code the API checked (null: no loss-reasons.yaml was active). */
  lossReason?: string | null;
  /** Closed lost: the competitor who won. */
  competitor?: string | null;
  /**
   * The mover's own words, when `reason` is not them (closed lost from a code alone); absent from
   * older callers, whose `reason` is the mover's words when given.
   */
  note?: string | null;
  /** Closed lost: the loss code's label per language (`en`, `zh-CN`), for wording the stage event. */
  lossLabel?: Record<string, string> | null;
  /** For closed-won: the quote the customer accepted; needed when several quotes are approved. */
  quoteId?: string;
}
export type StageMoveResult = { stage: DealStage; warnings: string[] };

export interface QuoteVersionNotice {
  quoteId: string;
  /** "Q-2026-0007", for the deal's messages. */
  quoteNumber?: string;
  versionId: string;
  version: number;
  contentHash: string;
  /** From discountForApproval: the discount the matrix sees, and the deal size in whole units. */
  discountPct: number;
  dealSize: number;
  /** ISO date (YYYY-MM-DD): the quote is valid through the end of this day, in UTC. */
  validUntil: string;
  actor: ActorRef;
}
export interface QuoteApprovalStatus {
  versionId: string;
  status: QuoteVersionStatus;
  tier: string | null;
  approvalWorkflowId: string | null;
}

export interface SendQuoteRequest {
  versionId: string;
  actor: ActorRef;
}

export interface SignatureRequestInput {
  versionId: string;
  signer: { name: string; email: string };
  actor: ActorRef;
}

export interface SignatureRequested {
  envelopeId: string;
  /** The provider's page where the signer signs; null when the provider shares none. */
  signingUrl: string | null;
}

/** From the e-signature webhook (already HMAC-verified and de-duplicated by the API). */
export interface SignatureEvent {
  provider: string;
  envelopeId: string;
  versionId: string;
  status: 'signed' | 'declined' | 'voided';
  at: string;
}

export interface MeetingNotice {
  meetingId: string;
  kind: 'meeting' | 'demo' | 'presentation';
  startsAt: string;
  actor: ActorRef;
}
export interface MeetingOutcome {
  meetingId: string;
  kind: 'meeting' | 'demo' | 'presentation';
  status: 'held' | 'cancelled' | 'no-show';
  actor: ActorRef;
  /**
   * The customer's people who attended, with an address: the demo's thank-you goes to them.
   * Absent (outcomes sent before attendees were thanked) or empty: it goes to the deal's lead.
   */
  attended?: ThankYouRecipient[];
}
/** One attendee a demo follow-up email goes to. */
export interface ThankYouRecipient {
  name: string;
  email: string;
  /** The lead gets the cadence's marketing email; a contact or guest a transactional one (no lead unsubscribe link). */
  isLead: boolean;
  language: 'en' | 'zh-CN';
}
/** New times for a scheduled meeting (its revision went up; attendees get an update). */
export interface MeetingReschedule {
  meetingId: string;
  startsAt: string;
  /** The meeting's revision after the change. */
  revision: number;
  actor: ActorRef;
}
/** A scheduled meeting is cancelled (its revision went up; attendees get a cancellation). */
export interface MeetingCancellation {
  meetingId: string;
  revision: number;
  actor: ActorRef;
}

// ---- dealJourney --------------------------------------------------------------------------
export const dealState = defineQuery<DealState>('dealState');
/** Moves the deal to a stage if the stage's exit criteria from approvals.yaml are met. */
export const moveStage = defineUpdate<StageMoveResult, [StageMoveRequest]>('moveStage');
/**
 * A new quote version was saved: withdraw the pending approval of that quote's previous version
 * (other quotes of the deal keep theirs), decide the new one and start its approval if needed.
 */
export const quoteVersionCreated = defineUpdate<QuoteApprovalStatus, [QuoteVersionNotice]>('quoteVersionCreated');
/** Marks an approved version sent; its expiry timer starts and the customer is emailed the PDF (after the answer). */
export const sendQuote = defineUpdate<{ versionId: string; expiresAt: string }, [SendQuoteRequest]>('sendQuote');
/** Sends an approved (or sent) version for e-signature through the provider adapter; the provider emails the signer. */
export const requestSignature = defineUpdate<SignatureRequested, [SignatureRequestInput]>('requestSignature');
export const signatureCompleted = defineSignal<[SignatureEvent]>('signatureCompleted');
export const meetingScheduled = defineUpdate<{ remindAt: string[] }, [MeetingNotice]>('meetingScheduled');
export const meetingCompleted = defineUpdate<{ followUp: string | null }, [MeetingOutcome]>('meetingCompleted');
/** Reminders move with the meeting; the attendees get the invitation's update (same UID, next SEQUENCE). */
export const meetingRescheduled = defineUpdate<{ remindAt: string[] }, [MeetingReschedule]>('meetingRescheduled');
/** Reminders stop; the attendees get the cancellation (METHOD:CANCEL, same UID, next SEQUENCE). */
export const meetingCancelled = defineUpdate<{ status: 'cancelled' }, [MeetingCancellation]>('meetingCancelled');
/** From the approval child: the chain finished. */
export const approvalFinished =
  defineSignal<[{ versionId: string; status: 'approved' | 'rejected' | 'cancelled'; reason: string }]>(
    'approvalFinished',
  );
/** From the stall watch child: take escalation step `stepIndex`. */
export const dealStalled = defineSignal<[{ sla: string; stepIndex: number; at: string }]>('dealStalled');

// ---- quoteApproval ------------------------------------------------------------------------
export interface ApprovalDecisionRequest {
  stepId: string;
  decision: 'approve' | 'reject';
  comment: string;
  /** The content hash the approver reviewed; a different hash means the quote changed. */
  contentHash: string;
  actor: ActorRef;
}
export interface ApprovalDecisionResult {
  stepId: string;
  decision: 'approved' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  /** The request's status after this decision. */
  requestStatus: 'pending' | 'approved' | 'rejected';
}
export const decideApproval = defineUpdate<ApprovalDecisionResult, [ApprovalDecisionRequest]>('decideApproval');
export interface DelegationRequest {
  stepId: string;
  /** The person to hand the step to. */
  to: string;
  reason: string;
  actor: ActorRef;
}
/** Hands a pending step to someone else (manual delegation, if approvals.yaml allows it). */
export const delegateApproval = defineUpdate<{ stepId: string; assigneeEmail: string }, [DelegationRequest]>(
  'delegateApproval',
);
/** The parent withdraws the request (a new version of the quote, or the deal closed). */
export const withdrawApproval = defineSignal<[{ reason: string }]>('withdrawApproval');
