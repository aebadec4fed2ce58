/**
 * Becoming an MQL, and the automations scoring.yaml names for it: routing to an owner (which
 * starts the first-touch SLA), notifications and cadence enrolment. Deterministic code only.
 */
import { worded } from '../../src/domain/reason-codes';
import type { ScoringOutcome } from '../../src/rules/evaluate';
import { route } from './assignment';
import type { Journey } from './context';
import { enrolInCadence, notify } from './outreach';
import { startSla } from './sla';
import { moveTo } from './stages';
import { watchForStall } from './stalled';

export async function becomeMql(journey: Journey, scoring: ScoringOutcome): Promise<void> {
  await moveTo(
    journey,
    'mql',
    `score ${scoring.score} reached the MQL threshold ${scoring.threshold}`,
    worded('mql-threshold', { score: scoring.score, threshold: scoring.threshold }),
  );
  for (const action of scoring.mqlActions) {
    switch (action.do) {
      case 'route':
        // Assigning to a rep starts the first-touch SLA.
        if ((await route(journey)) === 'rep') await startSla(journey);
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
