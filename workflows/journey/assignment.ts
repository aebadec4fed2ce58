/**
 * Who works the lead: routing by routing.yaml to a rep or a queue, and moving it off its owner
 * into a queue when an escalation says so. Both are recorded with who and why. Deterministic code
 * only.
 */
import type { ReasonCode, Worded } from '../../src/domain/reason-codes';
import type { RoutingOutcome } from '../../src/rules/evaluate';
import type { Journey } from './context';
import { decide } from './decide';
import { store } from './effects';
import { factsOf } from './facts';

/**
 * Routes the lead by routing.yaml and assigns it (fair, capacity-aware pool selection happens in
 * the activity, serialised in the database). Returns whether a rep or a queue got it: assigning
 * an MQL to a rep starts the first-touch SLA, which is the caller's step (see mql.ts).
 */
export async function route(journey: Journey, exclude?: string): Promise<'rep' | 'queue'> {
  const decision = await decide<RoutingOutcome>(journey, { kind: 'routing', facts: factsOf(journey) });
  const assignment = await store.assignLead({
    tenant: journey.state.tenant,
    leadId: journey.state.leadId,
    routing: decision.outcome,
    rulesetVersion: decision.version,
    idempotencyKey: journey.key('assignment'),
    now: new Date().toISOString(),
    ...(exclude ? { excludeRepEmail: exclude } : {}),
  });
  if (assignment.kind === 'rep') {
    journey.state.owner = assignment.repEmail;
    journey.state.queue = null;
  } else {
    journey.state.owner = null;
    journey.state.queue = assignment.queue;
  }
  return assignment.kind;
}

/** Moves the lead off its owner into a queue, recorded with who (the automation) and why (also as a code). */
export async function moveToQueue(
  journey: Journey,
  queue: string,
  actor: string,
  reason: string,
  why: Worded<ReasonCode>,
): Promise<void> {
  await store.reassignLead({
    tenant: journey.state.tenant,
    leadId: journey.state.leadId,
    to: { queue },
    actor,
    reason,
    why,
    idempotencyKey: journey.key('queue'),
    now: new Date().toISOString(),
  });
  journey.state.owner = null;
  journey.state.queue = queue;
}
