/**
 * Becoming an MQL, and the automations scoring.yaml names for it: routing to an owner (which
 * starts the first-touch SLA), notifications and cadence enrolment. Deterministic code only.
 */
import type { RoutingOutcome, ScoringOutcome } from '../../src/rules/evaluate';
import type { Journey } from './context';
import { decide } from './decide';
import { store } from './effects';
import { enrolInCadence, notify } from './outreach';
import { startSla } from './sla';
import { moveTo } from './stages';
import { factsOf } from './facts';
import { watchForStall } from './stalled';

export async function becomeMql(journey: Journey, scoring: ScoringOutcome): Promise<void> {
  await moveTo(journey, 'mql', `score ${scoring.score} reached the MQL threshold ${scoring.threshold}`);
  for (const action of scoring.mqlActions) {
    switch (action.do) {
      case 'route':
        await route(journey, 'mql');
        break;
      case 'notify':
        await notify(journey, action.who, 'mql');
        break;
      case 'enrol-cadence':
        await enrolInCadence(journey);
        break;
    }
  }
  await watchForStall(journey, 'mql');
}

/**
 * Routes the lead by routing.yaml and assigns it (fair, capacity-aware pool selection happens in
 * the activity, serialised in the database). Assigning to a rep starts the first-touch SLA.
 */
export async function route(journey: Journey, why: 'mql' | 'sla-reassign', exclude?: string): Promise<void> {
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
    if (why === 'mql') await startSla(journey);
  } else {
    journey.state.owner = null;
    journey.state.queue = assignment.queue;
  }
}
