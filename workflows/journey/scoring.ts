/**
 * Scoring: every new fact or behaviour re-scores the lead, in every stage; decay is a durable
 * timer that re-scores when points fade. Crossing the MQL threshold runs the MQL automations,
 * once: the score never moves a stage back (an MQL whose points fade stays an MQL).
 * Deterministic code only.
 */
import { patched } from '@temporalio/workflow';
import type { BehaviourEvent, ScoringOutcome } from '../../src/rules/evaluate';
import { isPreMql, type Journey } from './context';
import { decide } from './decide';
import { factsOf } from './facts';
import { becomeMql } from './mql';

/** Behaviour events kept for scoring: enough for any realistic decay window. */
const MAX_BEHAVIOURS = 500;

/** Journeys replayed from before stopped scoring at MQL (behaviours, submissions and decay). */
const SCORE_AFTER_MQL = 'score-after-mql';

/**
 * Whether a new behaviour or submission re-scores the lead now: always before MQL, and after it
 * in journeys that run this code (a replayed history from before stopped scoring at MQL).
 */
export function keepsScoring(journey: Journey): boolean {
  if (isPreMql(journey.state.stage)) return true;
  if (!journey.memory.scoresAfterMql && patched(SCORE_AFTER_MQL)) journey.memory.scoresAfterMql = true;
  return journey.memory.scoresAfterMql === true;
}

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
  // A lead past MQL keeps its decay timer (see untilNextDecay).
  keepsScoring(journey);
}

/** Milliseconds until decay may change the score, or undefined when nothing will decay. */
export function untilNextDecay(journey: Journey): number | undefined {
  if (!journey.state.nextDecayAt) return undefined;
  if (!isPreMql(journey.state.stage) && !journey.memory.scoresAfterMql) return undefined;
  return Math.max(0, Date.parse(journey.state.nextDecayAt) - new Date().getTime());
}
