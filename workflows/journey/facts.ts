/**
 * What the rules see of a lead: facts built from the journey's memory (profile, BANT, behaviours)
 * and state (stage, score). Scoring, routing, SLAs, stalled alerts and cadences all decide on
 * them. Deterministic code only.
 */
import { leadFacts } from '../../src/domain/lead-facts';
import type { BehaviourEvent } from '../../src/rules/evaluate';
import type { Journey } from './context';

export function factsOf(journey: Journey) {
  const { memory, state } = journey;
  if (!memory.profile) throw new Error(`lead ${state.leadId} has no profile yet`);
  return leadFacts({
    profile: memory.profile,
    stage: state.stage,
    score: state.score,
    bant: memory.bant ?? undefined,
    behaviours: memory.behaviours as BehaviourEvent[],
  });
}
