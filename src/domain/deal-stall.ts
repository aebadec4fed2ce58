/**
 * Why an open deal is stalling, each reason with a code a UI can translate:
 *
 * - `stage-alert`: it sat in its stage longer than an escalation.yaml `stalled:` alert allows
 *   (the deal journey's stall clock fired; known from the journey's live state);
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
}

export interface StallFacts {
  stage: string;
  nextStep: string | null;
  /** YYYY-MM-DD */
  nextStepDueOn: string | null;
  /** The journey's fired stall alert (escalation.yaml), when known; null when none fired or unknown. */
  stageAlert: { alert: string; stage: string } | null;
}

const CLOSED = new Set(['closed-won', 'closed-lost']);

/** The reasons the deal is stalling on `today` (YYYY-MM-DD in its owner's zone); empty when it is not. */
export function stallReasons(deal: StallFacts, today: string): StallReason[] {
  if (CLOSED.has(deal.stage)) return [];
  const reasons: StallReason[] = [];
  if (deal.stageAlert && deal.stageAlert.stage === deal.stage)
    reasons.push({
      code: 'stage-alert',
      message: `In ${deal.stage} longer than escalation.yaml allows (alert ${deal.stageAlert.alert}).`,
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
