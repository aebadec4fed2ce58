/**
 * Stage transitions of a lead journey: each is stored as an event with its time, reason and the
 * ruleset version (KPIs are computed from these). Deterministic code only.
 */
import type { LeadStage } from '../../src/domain/lead';
import type { Worded } from '../../src/domain/reason-codes';
import type { Journey } from './context';
import { store } from './effects';
import { clearStall } from './stalled';

export async function moveTo(
  journey: Journey,
  to: LeadStage,
  reason: string,
  why: Worded,
  extra?: { bant?: Record<string, string>; disqualifiedReason?: string | null },
): Promise<void> {
  const from = journey.state.stage;
  if (from === to) return;
  await store.transitionStage({
    leadId: journey.state.leadId,
    from,
    to,
    reason,
    reasonCode: why.code,
    reasonParams: why.params,
    rulesetVersion: journey.state.lastRulesVersion,
    at: new Date().toISOString(),
    idempotencyKey: journey.key(`stage-${to}`),
    extra,
  });
  journey.state.stage = to;
  if (from === 'mql') await clearStall(journey);
}
