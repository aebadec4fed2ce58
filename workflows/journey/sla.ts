/**
 * The first-touch SLA from escalation.yaml: started when an MQL is assigned to a rep (by routing
 * or by hand), measured in the owner's business hours, met by the first logged touch, escalated
 * step by step when missed (remind → reassign → manager → queue), stopped when a person hands the
 * lead over. Deterministic code only.
 */
import { ParentClosePolicy, getExternalWorkflowHandle, patched, startChild, workflowInfo } from '@temporalio/workflow';
import { worded } from '../../src/domain/reason-codes';
import type { SlaOutcome } from '../../src/rules/evaluate';
import type { BusinessCalendar } from '../../src/rules/ruleset';
import { slaDeadline, slaWatch } from '../slaWatch';
import { moveToQueue, route } from './assignment';
import type { Journey } from './context';
import { decide } from './decide';
import { bookkeeping, store } from './effects';
import { factsOf } from './facts';
import { notify, tellNewOwner } from './outreach';

/** Journeys from before hand-overs took every breach signal; see `escalate`. */
const IGNORE_STOPPED_CLOCKS = 'sla-ignores-stopped-clocks';
/** Journeys from before hand-overs did not email the rep an escalation reassigned the lead to. */
const TELL_ESCALATED_OWNER = 'sla-reassign-tells-new-owner';

const FIRST_TOUCH_SLA = 'mql-first-touch';
/** Journeys escalated before this patch did not count their steps in the worker's metrics. */
const BREACH_METRIC_PATCH = 'sla-breach-metric';

function watchId(journey: Journey, n: number): string {
  return `${workflowInfo().workflowId}/sla-${n}`;
}

export async function startSla(journey: Journey): Promise<void> {
  const decision = await decide<SlaOutcome>(journey, { kind: 'sla', sla: FIRST_TOUCH_SLA, facts: factsOf(journey) });
  const sla = decision.outcome;
  const calendar = await calendarFor(journey, sla);
  const startedAt = new Date().toISOString();
  const dueAt = slaDeadline({ sla, calendar, startedAt }).toISOString();
  const n = journey.seq() + 1;
  journey.key('sla');
  await startChild(slaWatch, {
    workflowId: watchId(journey, n),
    args: [{ journeyId: workflowInfo().workflowId, sla, calendar, startedAt }],
    // The watch outlives a continue-as-new of the journey; the journey cancels it explicitly.
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  journey.memory.slaWatchId = watchId(journey, n);
  journey.memory.slaSteps = sla.onBreach;
  journey.state.sla = { name: sla.sla, status: 'running', dueAt, escalations: [] };
  await store.updateSla({ leadId: journey.state.leadId, status: 'running', dueAt });
}

/** The owner's business hours when the SLA is measured in them, else the named calendar. */
async function calendarFor(journey: Journey, sla: SlaOutcome): Promise<BusinessCalendar> {
  if (sla.calendar.type !== 'owner' || !journey.state.owner) return sla.defaultCalendar;
  const rep = await store.lookupRep({ tenant: journey.state.tenant, email: journey.state.owner });
  return rep?.timeZone ? { ...sla.defaultCalendar, timezone: rep.timeZone } : sla.defaultCalendar;
}

/** A logged touch meets the SLA: stop the watch, record when. */
export async function meetSla(journey: Journey, touchedAt: string): Promise<void> {
  const sla = journey.state.sla;
  if (!sla || sla.status === 'met') return;
  if (journey.memory.slaWatchId) {
    await getExternalWorkflowHandle(journey.memory.slaWatchId)
      .cancel()
      .catch(() => undefined);
  }
  sla.status = sla.status === 'breached' ? 'breached' : 'met';
  await store.updateSla({ leadId: journey.state.leadId, status: sla.status, firstTouchAt: touchedAt });
  journey.memory.slaWatchId = null;
  journey.memory.touched = true;
}

/**
 * Whether the lead has had its first touch (the lead's `firstTouchAt` is set). Journeys from
 * before `memory.touched` was kept show it as an SLA whose watch a touch ended.
 */
export function firstTouched(journey: Journey): boolean {
  return journey.memory.touched || (journey.state.sla !== null && journey.memory.slaWatchId === null);
}

/**
 * A person handed the lead over: the old owner's clock stops, and its watch is cancelled so none
 * of its escalation steps fires for the new owner. A clock that was still running leaves no SLA
 * behind (the lead's `slaStatus` is `none` again); a breached one keeps its record.
 */
export async function stopSla(journey: Journey): Promise<void> {
  const { sla } = journey.state;
  const watchId = journey.memory.slaWatchId;
  if (!sla || !watchId) return;
  await getExternalWorkflowHandle(watchId)
    .cancel()
    .catch(() => undefined);
  journey.memory.slaWatchId = null;
  journey.state.sla = null;
  if (sla.status === 'running') await store.updateSla({ leadId: journey.state.leadId, status: 'none', dueAt: null });
}

/**
 * Runs escalation step `stepIndex` of the running SLA, signalled by its watch at `at`. A step of
 * a clock that a hand-over stopped (signalled before the cancellation reached its watch) is not
 * the new clock's: it was due before the new deadline, or no watch runs any more.
 */
export async function escalate(journey: Journey, stepIndex: number, at?: string): Promise<void> {
  const sla = journey.state.sla;
  const step = journey.memory.slaSteps[stepIndex];
  if (!sla || sla.status === 'met' || !step || sla.escalations.length > stepIndex) return;
  const stale =
    journey.memory.slaWatchId === null ||
    (at !== undefined && sla.dueAt !== null && Date.parse(at) < Date.parse(sla.dueAt));
  if (stale && patched(IGNORE_STOPPED_CLOCKS)) return;
  if (sla.status === 'running') {
    sla.status = 'breached';
    await store.updateSla({ leadId: journey.state.leadId, status: 'breached' });
  }
  const owner = journey.state.owner;
  switch (step.do) {
    case 'remind-owner':
      if (owner) {
        await store.createTask({
          id: journey.key('task'),
          leadId: journey.state.leadId,
          ownerEmail: owner,
          kind: 'reminder',
          title: `First touch overdue (SLA ${sla.name})`,
          titleText: worded('first-touch-overdue', { sla: sla.name }),
          dueAt: new Date().toISOString(),
        });
        await notify(journey, 'owner', 'sla-reminder');
      }
      break;
    case 'notify-owner':
      await notify(journey, 'owner', 'sla-reminder');
      break;
    case 'reassign':
      await route(journey, owner ?? undefined);
      if (journey.state.owner !== owner && journey.state.owner && patched(TELL_ESCALATED_OWNER))
        await tellNewOwner(journey, { by: 'sla', reason: `SLA ${sla.name} missed by ${owner ?? 'nobody'}` });
      break;
    case 'notify-manager':
      await notify(journey, 'owner-manager', 'sla-breach');
      break;
    case 'move-to-queue':
      await moveToQueue(journey, step.queue, 'sla', `SLA ${sla.name} missed`, worded('sla-missed', { sla: sla.name }));
      break;
  }
  sla.escalations.push(step.do);
  if (patched(BREACH_METRIC_PATCH))
    await bookkeeping.countSlaBreach({ sla: sla.name, level: stepIndex + 1, action: step.do }).catch(() => undefined);
}
