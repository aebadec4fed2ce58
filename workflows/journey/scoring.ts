/**
 * Scoring: every new fact or behaviour re-scores the lead; decay is a durable timer that
 * re-scores when points fade. Crossing the MQL threshold runs the MQL automations.
 * Deterministic code only.
 */
import type { BehaviourEvent, ScoringOutcome } from '../../src/rules/evaluate';
import { isPreMql, type Journey } from './context';
import { decide } from './decide';
import { factsOf } from './facts';
import { becomeMql } from './mql';

/** Behaviour events kept for scoring: enough for any realistic decay window. */
const MAX_BEHAVIOURS = 500;

export function rememberBehaviour(journey: Journey, behaviour: BehaviourEvent): void {
  journey.memory.behaviours.push(behaviour);
  journey.memory.behaviours.sort((a, b) => a.at.localeCompare(b.at));
  if (journey.memory.behaviours.length > MAX_BEHAVIOURS)
    journey.memory.behaviours.splice(0, journey.memory.behaviours.length - MAX_BEHAVIOURS);
}

export async function rescore(journey: Journey): Promise<void> {
  const decision = await decide<ScoringOutcome>(journey, {
    kind: 'scoring',
    facts: factsOf(journey),
    now: new Date().toISOString(),
  });
  const { outcome } = decision;
  journey.state.score = outcome.score;
  journey.state.scoreBreakdown = outcome.breakdown;
  journey.state.nextDecayAt = outcome.nextDecayAt;
  if (outcome.mql && isPreMql(journey.state.stage)) {
    await becomeMql(journey, outcome);
  }
}

/** Milliseconds until decay may change the score, or undefined when nothing will decay. */
export function untilNextDecay(journey: Journey): number | undefined {
  if (!journey.state.nextDecayAt || !isPreMql(journey.state.stage)) return undefined;
  return Math.max(0, Date.parse(journey.state.nextDecayAt) - new Date().getTime());
}
