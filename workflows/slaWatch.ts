/**
 * The clock of one SLA (e.g. an MQL's first touch), as a child workflow per assignment: it waits
 * for the deadline in business hours, then for each escalation step's delay, and tells the
 * journey which step is due. The journey runs the step's effects, and cancels this watch when
 * the SLA is met. All waits are durable timers: they fire after restarts, and once.
 */
import { getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import { addDuration } from '../src/domain/business-time';
import type { SlaOutcome } from '../src/rules/evaluate';
import type { BusinessCalendar } from '../src/rules/ruleset';
import { slaBreached } from './messages';

export interface SlaWatchInput {
  journeyId: string;
  sla: SlaOutcome;
  /** The calendar that measures this SLA (the owner's hours, or a named calendar). */
  calendar: BusinessCalendar;
  startedAt: string;
}

export async function slaWatch(input: SlaWatchInput): Promise<{ breached: boolean; steps: number }> {
  const journey = getExternalWorkflowHandle(input.journeyId);
  let due = addDuration(new Date(input.startedAt), input.sla.within, input.calendar);
  await sleepUntil(due);
  for (const [stepIndex, step] of input.sla.onBreach.entries()) {
    if (step.after) {
      due = addDuration(due, step.after, input.calendar);
      await sleepUntil(due);
    }
    await journey.signal(slaBreached, { sla: input.sla.sla, stepIndex, at: new Date().toISOString() });
  }
  return { breached: true, steps: input.sla.onBreach.length };
}

/** The SLA's deadline, for display (computed the same way the watch computes it). */
export function slaDeadline(input: Pick<SlaWatchInput, 'sla' | 'calendar' | 'startedAt'>): Date {
  return addDuration(new Date(input.startedAt), input.sla.within, input.calendar);
}

async function sleepUntil(at: Date): Promise<void> {
  const ms = at.getTime() - new Date().getTime();
  if (ms > 0) await sleep(ms);
}
