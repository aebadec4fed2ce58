/**
 * Why an open deal is stalling, each reason with a code a UI can translate:
 *
 * - `stage-alert`: it sat in its stage longer than an escalation.yaml `stalled:` alert allows
 *   (the deal journey's stall clock fired, known from the journey's live state; or, in lists,
 *   worked out from the stored stage history: src/usecases/deal-stalling.ts);
 * - `next-step-overdue`: its next step's date (the owner's calendar day) has passed;
 * - `no-next-step`: nobody has written down what happens next.
 *
 * A closed deal never stalls. Pure.
 */
export const STALL_REASON_CODES = ['stage-alert', 'next-step-overdue', 'no-next-step'] as const;
export type StallReasonCode = (typeof STALL_REASON_CODES)[number];

export interface StallReason {
  code: StallReasonCode;
  /** The reason in English words; UIs may translate by `code`. */
  message: string;
  /** `stage-alert` worked out from stored data: the alert, its threshold and when the stage was entered. */
  alert?: string;
  after?: string;
  since?: string;
}

/** A stall alert that applies: the journey's fired one, or one whose threshold the stored stage history passed. */
export interface StageAlert {
  alert: string;
  stage: string;
  /** The threshold as escalation.yaml writes it ("14 days"), when known. */
  after?: string;
  /** When the deal entered the stage (ISO), when known. */
  since?: string;
}

export interface StallFacts {
  stage: string;
  nextStep: string | null;
  /** YYYY-MM-DD */
  nextStepDueOn: string | null;
  /** The stall alert (escalation.yaml) that fired, when known; null when none fired or unknown. */
  stageAlert: StageAlert | null;
}

const CLOSED = new Set(['closed-won', 'closed-lost']);

/** The reasons the deal is stalling on `today` (YYYY-MM-DD in its owner's zone); empty when it is not. */
export function stallReasons(deal: StallFacts, today: string): StallReason[] {
  if (CLOSED.has(deal.stage)) return [];
  const reasons: StallReason[] = [];
  const alert = deal.stageAlert;
  if (alert && alert.stage === deal.stage)
    reasons.push({
      code: 'stage-alert',
      message:
        alert.after && alert.since
          ? `In ${deal.stage} since ${alert.since.slice(0, 10)}, longer than the ${alert.after} escalation.yaml allows (alert ${alert.alert}).`
          : `In ${deal.stage} longer than escalation.yaml allows (alert ${alert.alert}).`,
      ...(alert.after && alert.since ? { alert: alert.alert, after: alert.after, since: alert.since } : {}),
    });
  if (deal.nextStep === null) reasons.push({ code: 'no-next-step', message: 'No next step is set.' });
  else if (deal.nextStepDueOn !== null && deal.nextStepDueOn < today)
    reasons.push({
      code: 'next-step-overdue',
      message: `The next step${deal.nextStep ? ` "${deal.nextStep}"` : ''} was due on ${deal.nextStepDueOn}.`,
    });
  return reasons;
}

/** The fired stall alert in a deal journey's state (its `stalled` clock alerted), if any. */
export function stalledAlert(state: {
  stalled: { alert: string; stage: string; status: string } | null;
}): { alert: string; stage: string } | null {
  return state.stalled?.status === 'alerted' ? { alert: state.stalled.alert, stage: state.stalled.stage } : null;
}
