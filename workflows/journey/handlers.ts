/**
 * What the journey does for each message. Handlers run one at a time (`serially`), so a burst of
 * events or submissions is applied in arrival order. Deterministic code only.
 */
import { ParentClosePolicy, getExternalWorkflowHandle, startChild } from '@temporalio/workflow';
import type { LeadStage, LeadSubmission } from '../../src/domain/lead';
import type { Bant } from '../../src/domain/lead-facts';
import { CADENCE_STOPPERS, TOUCH_EVENTS, isBehaviour, type LeadEvent } from '../../src/domain/lead-events';
import { worded } from '../../src/domain/reason-codes';
import type { Duration } from '../../src/rules/duration';
import type { QualificationOutcome } from '../../src/rules/evaluate';
import {
  pauseCadence,
  type ConvertRequest,
  type EventReceipt,
  type QualificationReceipt,
  type SubmissionReceipt,
} from '../messages';
import type { Journey } from './context';
import { decide } from './decide';
import { store } from './effects';
import { factsOf } from './facts';
import { DEFAULT_LEAD_TIME_ZONE, stopActiveCadence } from './outreach';
import { keepsScoring, rememberBehaviour, rescore } from './scoring';
import { meetSla } from './sla';
import { clearStall } from './stalled';
import { dealJourney } from '../dealJourney';
import { moveTo } from './stages';

export class JourneyRejection extends Error {
  override readonly name = 'JourneyRejection';
}

export async function onSubmission(
  journey: Journey,
  journeyId: string,
  submission: LeadSubmission,
): Promise<SubmissionReceipt> {
  const { state } = journey;
  const outcome = await store.recordSubmission({ leadId: state.leadId, journeyId, submission });
  journey.memory.profile = outcome.profile;
  // A duplicate is new to this journey too when the store counts more submissions than the journey
  // does: its write committed but the acknowledgement was lost (a crash in between, a journey
  // started again over a stored lead). Results recorded before the store counted have no count.
  const fresh = !outcome.duplicate || (outcome.submissions ?? 0) > state.submissions;
  if (fresh) {
    state.submissions = Math.max(outcome.duplicate ? 0 : state.submissions + 1, outcome.submissions ?? 0);
    state.firstSubmittedAt ??= submission.receivedAt;
    state.lastSubmittedAt = submission.receivedAt;
    if (keepsScoring(journey)) await rescore(journey);
  }
  return { leadId: state.leadId, journeyId, created: outcome.created, submissions: state.submissions };
}

export async function onEvent(journey: Journey, event: LeadEvent): Promise<EventReceipt> {
  const { state } = journey;
  const { duplicate } = await store.recordLeadEvent({ leadId: state.leadId, event });
  if (!duplicate) {
    if (TOUCH_EVENTS.includes(event.type)) await meetSla(journey, event.at);
    const stopper = CADENCE_STOPPERS[event.type];
    if (stopper) await stopActiveCadence(journey, stopper);
    if (isBehaviour(event.type)) {
      rememberBehaviour(journey, { type: event.type, at: event.at });
      if (state.stage === 'new')
        await moveTo(
          journey,
          'engaged',
          `first behaviour: ${event.type}`,
          worded('first-behaviour', { type: event.type }),
        );
      if (keepsScoring(journey)) await rescore(journey);
    }
  }
  return { leadId: state.leadId, stage: state.stage, score: state.score, duplicate };
}

export async function onBant(journey: Journey, input: { bant: Bant; actor: string }): Promise<QualificationReceipt> {
  journey.memory.bant = { ...journey.memory.bant, ...input.bant };
  const decision = await decide<QualificationOutcome>(journey, { kind: 'qualification', facts: factsOf(journey) });
  if (decision.outcome.kind === 'sql') {
    await moveTo(journey, 'sql', `BANT qualified by ${input.actor}`, worded('bant-qualified', { actor: input.actor }), {
      bant: { ...journey.memory.bant },
    });
    await stopActiveCadence(journey, 'stage-change');
    await meetSla(journey, new Date().toISOString());
    return { stage: 'sql', unmet: [], rulesVersion: decision.version };
  }
  return {
    stage: journey.state.stage,
    unmet: decision.outcome.unmet,
    unmetReasons: decision.outcome.unmetReasons ?? [],
    rulesVersion: decision.version,
  };
}

export async function onDisqualify(
  journey: Journey,
  input: { reason: string; actor: string },
): Promise<{ stage: LeadStage; recycleAt: string | null }> {
  const decision = await decide<{ then: 'nurture' } | { then: 'recycle'; after: Duration }>(journey, {
    kind: 'disqualification',
    reason: input.reason,
  });
  const to: LeadStage = decision.outcome.then === 'nurture' ? 'nurture' : 'recycled';
  await moveTo(
    journey,
    to,
    `disqualified by ${input.actor}: ${input.reason}`,
    worded('disqualified', { actor: input.actor, note: input.reason }),
    { disqualifiedReason: input.reason },
  );
  await stopActiveCadence(journey, 'disqualified');
  await meetSla(journey, new Date().toISOString());
  journey.memory.recycleAt =
    decision.outcome.then === 'recycle'
      ? new Date(new Date().getTime() + calendarMs(decision.outcome.after)).toISOString()
      : null;
  return { stage: to, recycleAt: journey.memory.recycleAt };
}

/** A recycled lead's timer fired: it comes back to marketing as a new lead. */
export async function onRecycleDue(journey: Journey): Promise<void> {
  journey.memory.recycleAt = null;
  journey.memory.bant = null;
  journey.memory.touched = false;
  journey.state.owner = null;
  journey.state.queue = null;
  journey.state.sla = null;
  journey.state.cadence = null;
  await moveTo(journey, 'new', 'recycled back to marketing', worded('recycled'));
  await rescore(journey);
}

export async function onPauseCadence(journey: Journey, paused: boolean) {
  const cadence = journey.state.cadence;
  if (!cadence || cadence.status === 'stopped' || cadence.status === 'completed')
    throw new JourneyRejection('the lead has no active cadence');
  await getExternalWorkflowHandle(cadence.workflowId).signal(pauseCadence, { paused });
  cadence.status = paused ? 'paused' : 'active';
  return cadence;
}

/** Recycle periods are calendar time ("90 days"); a business-unit period is read as calendar days or hours. */
function calendarMs(duration: Duration): number {
  if (duration.kind === 'calendar') return duration.ms;
  return duration.amount * (duration.unit === 'business-hours' ? 3_600_000 : 86_400_000);
}

/** The owner converts the SQL into a deal: the deal's own workflow carries it from here. */
export async function onConvert(
  journey: Journey,
  request: ConvertRequest,
): Promise<{ dealId: string; workflowId: string; created: boolean }> {
  const { state } = journey;
  if (state.deal) return { ...state.deal, created: false };
  const dealId = `dl_${state.leadId.slice(3)}`;
  const workflowId = `deal-${state.tenant}-${dealId}`;
  const converted = await store.convertLeadToDeal({
    leadId: state.leadId,
    dealId,
    workflowId,
    name: request.name ?? null,
    contactRole: request.contactRole,
    actor: request.actor,
    at: new Date().toISOString(),
  });
  await startChild(dealJourney, {
    workflowId,
    args: [
      {
        dealId,
        tenant: state.tenant,
        leadId: state.leadId,
        ownerEmail: converted.ownerEmail,
        timeZone: (journey.memory.profile?.attributes.timeZone as string | undefined) ?? DEFAULT_LEAD_TIME_ZONE,
      },
    ],
    // The deal outlives this journey's runs (continue-as-new) and is never cancelled with it.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  }).catch((error: unknown) => {
    // Started by an earlier attempt of this handler (the activity above is idempotent too).
    if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
  });
  await meetSla(journey, new Date().toISOString());
  await clearStall(journey);
  state.deal = { dealId, workflowId };
  return { dealId, workflowId, created: converted.created };
}
