/**
 * Reassigning a lead by hand, to a rep or a queue, recorded with who and why. The lead is handed
 * over as routing hands it over: the new owner is emailed, an MQL nobody has touched yet gets a
 * fresh first-touch SLA on the new owner's calendar, and the old owner's clock stops so none of
 * its escalation steps fires twice. Deterministic code only.
 */
import { patched } from '@temporalio/workflow';
import { normalizeEmail } from '../../src/domain/lead';
import type { Handover } from '../../src/domain/notifications';
import type { ReassignRequest, SlaState } from '../messages';
import type { Journey } from './context';
import { store } from './effects';
import { tellNewOwner } from './outreach';
import { firstTouched, startSla, stopSla } from './sla';

/** Reassignments replayed from before hand-overs only recorded the new owner. */
const HAND_OVER = 'reassign-hands-over';

export async function onReassign(
  journey: Journey,
  input: ReassignRequest,
): Promise<{ owner: string | null; queue: string | null; sla?: SlaState | null }> {
  const { state } = journey;
  const to = 'repEmail' in input.to ? { repEmail: normalizeEmail(input.to.repEmail) } : input.to;
  const previous = state.owner;
  await store.reassignLead({
    tenant: state.tenant,
    leadId: state.leadId,
    to,
    actor: input.actor,
    reason: input.reason,
    idempotencyKey: journey.key('manual-assignment'),
    now: input.at,
  });
  state.owner = 'repEmail' in to ? to.repEmail : null;
  state.queue = 'queue' in to ? to.queue : null;
  if (!patched(HAND_OVER)) return { owner: state.owner, queue: state.queue };
  await handOver(journey, previous, { by: input.actor, reason: input.reason });
  return { owner: state.owner, queue: state.queue, sla: state.sla };
}

/**
 * The clock and the inbox follow the lead. Reassigning a lead to the rep who already owns it
 * changes neither (a rep cannot restart their own deadline that way). A queue has no owner, so
 * no clock runs there until a rep gets the lead. A lead that had its first touch (or is past MQL)
 * gets no new SLA, but its new owner is still told.
 */
async function handOver(journey: Journey, previous: string | null, handover: Handover): Promise<void> {
  const { state } = journey;
  if (state.owner !== null && state.owner === previous) return;
  await stopSla(journey);
  if (state.owner === null) return;
  if (state.stage === 'mql' && !firstTouched(journey)) await startSla(journey);
  await tellNewOwner(journey, handover);
}
