/**
 * Stalled-stage alerts from escalation.yaml: when a lead sits in a stage too long (e.g. an MQL
 * not worked for 5 business days), the owner and then the manager hear about it. The clock is the
 * same SLA watch child; leaving the stage cancels it. Deterministic code only.
 */
import { ParentClosePolicy, getExternalWorkflowHandle, startChild, workflowInfo } from '@temporalio/workflow';
import type { LeadStage } from '../../src/domain/lead';
import { worded } from '../../src/domain/reason-codes';
import type { StalledOutcome } from '../../src/rules/evaluate';
import { slaWatch } from '../slaWatch';
import { moveToQueue, route } from './assignment';
import type { Journey } from './context';
import { decide } from './decide';
import { factsOf } from './facts';
import { notify } from './outreach';

export const STALLED_PREFIX = 'stalled:';

export async function watchForStall(journey: Journey, stage: LeadStage): Promise<void> {
  const decision = await decide<StalledOutcome>(journey, { kind: 'stalled', stage, facts: factsOf(journey) });
  const alert = decision.outcome;
  if (alert.kind !== 'stalled-alert') return;
  const watchId = `${workflowInfo().workflowId}/stalled-${journey.seq() + 1}`;
  journey.key('stalled');
  await startChild(slaWatch, {
    workflowId: watchId,
    args: [
      {
        journeyId: workflowInfo().workflowId,
        sla: {
          kind: 'sla',
          sla: `${STALLED_PREFIX}${alert.alert}`,
          starts: 'mql',
          stops: 'qualified',
          within: alert.after,
          override: null,
          calendar: alert.calendar,
          defaultCalendar: alert.defaultCalendar,
          onBreach: alert.then,
        },
        calendar: alert.defaultCalendar,
        startedAt: new Date().toISOString(),
      },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  journey.memory.stalledWatchId = watchId;
  journey.memory.stalledSteps = alert.then;
  journey.state.stalled = { alert: alert.alert, stage, status: 'watching', escalations: [] };
}

/** The lead left the stage: the stall clock stops. */
export async function clearStall(journey: Journey): Promise<void> {
  const stalled = journey.state.stalled;
  if (!stalled || stalled.status === 'cleared') return;
  // A watch that has signalled its last step has finished; there is nothing left to cancel.
  const finished = stalled.escalations.length >= journey.memory.stalledSteps.length;
  if (journey.memory.stalledWatchId && !finished)
    await getExternalWorkflowHandle(journey.memory.stalledWatchId)
      .cancel()
      .catch(() => undefined);
  journey.memory.stalledWatchId = null;
  stalled.status = 'cleared';
}

export async function escalateStall(journey: Journey, stepIndex: number): Promise<void> {
  const stalled = journey.state.stalled;
  const step = journey.memory.stalledSteps[stepIndex];
  if (!stalled || stalled.status === 'cleared' || !step || stalled.escalations.length > stepIndex) return;
  stalled.status = 'alerted';
  switch (step.do) {
    case 'remind-owner':
    case 'notify-owner':
      await notify(journey, 'owner', 'stalled');
      break;
    case 'notify-manager':
      await notify(journey, 'owner-manager', 'stalled');
      break;
    case 'reassign':
      await route(journey, journey.state.owner ?? undefined);
      break;
    case 'move-to-queue':
      await moveToQueue(
        journey,
        step.queue,
        'stalled-alert',
        `stalled in ${stalled.stage} (${stalled.alert})`,
        worded('stalled', { stage: stalled.stage, alert: stalled.alert }),
      );
      break;
  }
  stalled.escalations.push(step.do);
}
